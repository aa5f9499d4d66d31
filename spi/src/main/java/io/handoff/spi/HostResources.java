package io.handoff.spi;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a host lends a strategy's emitter: resources the host owns and keeps owning (its data
 * producer, a {@link WriteBarrier}, a vendor's client), each found by the type the strategy asks
 * for. This is how a strategy gets at the host's writer without the SPI naming any Kafka type: the
 * stamp strategy asks for {@code org.apache.kafka.clients.producer.Producer}, a vendor's strategy
 * for whatever it documents.
 *
 * <p>Why a strategy needs them at all: a step-down stamp says "I have stopped writing", which is
 * only true if it lands after every record the leader sent before it (rule E2 of {@code
 * docs/ARCHITECTURE.md}). Sent on the host's own producer, Kafka orders it after them; sent on
 * another, it must wait until they completed. A strategy that writes refuses to be created without
 * the resource it needs for one of those, so an unordered wiring cannot be built.
 *
 * <p>Immutable and thread-safe. The strategy neither closes nor reconfigures what it borrows.
 */
public final class HostResources {

  private static final HostResources NONE = new HostResources(Map.of());

  private final Map<Class<?>, Object> byType;

  private HostResources(Map<Class<?>, Object> byType) {
    this.byType = byType;
  }

  /** Lends nothing: enough for strategies that do not write, such as {@code noop}. */
  public static HostResources none() {
    return NONE;
  }

  /** Lends one resource under {@code type}. */
  public static <T> HostResources of(Class<T> type, T resource) {
    return builder().add(type, resource).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The resource lent under exactly {@code type}, if any. A resource is found only under the type
   * it was added with, never under a supertype or subtype, so what a strategy receives is what the
   * host meant to lend.
   */
  public <T> Optional<T> find(Class<T> type) {
    requireNonNull(type, "type is null");
    return Optional.ofNullable(type.cast(byType.get(type)));
  }

  @Override
  public String toString() {
    return "HostResources" + byType.keySet().stream().map(Class::getName).toList();
  }

  /** Collects resources; one per type. */
  public static final class Builder {
    private final Map<Class<?>, Object> byType = new LinkedHashMap<>();

    private Builder() {}

    /**
     * @throws IllegalArgumentException if a resource of this type was added already, or {@code
     *     resource} is not an instance of {@code type}
     */
    public <T> Builder add(Class<T> type, T resource) {
      requireNonNull(type, "type is null");
      requireNonNull(resource, "resource is null");
      if (!type.isInstance(resource)) {
        throw new IllegalArgumentException(
            resource.getClass().getName() + " is not a " + type.getName());
      }
      if (byType.putIfAbsent(type, resource) != null) {
        throw new IllegalArgumentException(
            "A resource of type " + type.getName() + " was added already");
      }
      return this;
    }

    public HostResources build() {
      return byType.isEmpty() ? NONE : new HostResources(Map.copyOf(byType));
    }
  }
}
