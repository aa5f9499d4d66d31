package io.handoff.spi;

/**
 * What discovery found for one provider.
 *
 * @param name the provider's {@link LeadershipHandoffProvider#name()}
 * @param className the implementing class
 * @param location where the class was loaded from (a jar or folder), or {@code "unknown"}
 */
public record ProviderInfo(String name, String className, String location) {}
