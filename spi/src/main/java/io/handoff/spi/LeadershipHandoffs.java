package io.handoff.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point a server uses: properties in, an emitter or the observers of its version topics
 * out.
 *
 * <p>Selection, for each side on its own:
 *
 * <ul>
 *   <li>{@value HandoffSettings#EMIT_STEPDOWN_STAMP} true: the emitter of the provider named by
 *       {@value HandoffSettings#STRATEGY} (default {@code stamp}); false or absent: the {@code
 *       noop} provider's emitter;
 *   <li>{@value HandoffSettings#CONSUME_STEPDOWN_STAMP}, likewise for the observer.
 * </ul>
 *
 * With no properties at all both sides are no-op and no broker is touched.
 *
 * <p>Before anything is created, one validation pass ({@link ProviderRegistry#validate(Map)})
 * checks the spi's keys, the strategy name and the keys and producer settings of every selected
 * provider, and a {@link HandoffConfigException} lists every problem it found. Each selection then
 * logs, once at INFO, the chosen provider and the effective settings (secrets hidden); opening an
 * observer logs nothing.
 *
 * <p>What a provider makes is returned wrapped by the engine ({@link HandoffEngine}): an observer
 * around the strategy's {@link HandoverEvidence} that checks arguments, applies the consume switch,
 * decides and counts each decision with its reason, and never lets a strategy that throws yield a
 * fast path; an emitter that checks arguments and turns whatever the strategy throws into a {@link
 * EmitStatus#FAILED} outcome, so that a demotion path never sees an exception.
 *
 * <p>Providers are discovered once, with {@link java.util.ServiceLoader}, from this class's class
 * loader, on first use. All methods are thread-safe; they block only for that discovery (class
 * loading) and for what the provider's factory does, which must not include network I/O.
 */
public final class LeadershipHandoffs {

  private static final Logger LOG = LoggerFactory.getLogger(LeadershipHandoffs.class);

  private LeadershipHandoffs() {}

  private static volatile ProviderRegistry registry;

  /**
   * The registry of this class's class loader, discovered on first use. A discovery that fails (two
   * providers with one name) is not cached: every call reports it again, the same way.
   *
   * @throws IllegalStateException if two providers share a name
   */
  public static ProviderRegistry registry() {
    ProviderRegistry r = registry;
    if (r == null) {
      synchronized (LeadershipHandoffs.class) {
        r = registry;
        if (r == null) {
          r = ProviderRegistry.load(LeadershipHandoffs.class.getClassLoader());
          registry = r;
        }
      }
    }
    return r;
  }

  /** The providers on the class path: name, class and jar. */
  public static List<ProviderInfo> availableProviders() {
    return registry().providers();
  }

  /**
   * {@link #emitter(HandoffSettings, HandoffMetrics, HostResources)} after parsing {@code
   * properties}, without metrics or host resources: enough when emitting is off, or for a strategy
   * that needs nothing of the host.
   */
  public static LeadershipHandoffEmitter emitter(Properties properties) {
    return emitter(properties, HandoffMetrics.NOOP, HostResources.none());
  }

  /**
   * {@link #emitter(HandoffSettings, HandoffMetrics, HostResources)} after parsing {@code
   * properties}.
   */
  public static LeadershipHandoffEmitter emitter(
      Properties properties, HandoffMetrics metrics, HostResources resources) {
    requireNonNull(properties, "properties is null");
    ProviderRegistry registry = registry();
    return emitter(registry, registry.validate(properties), metrics, resources);
  }

  /**
   * Creates the emitter these settings select, using the discovered providers, with what the host
   * lends it: the stamp strategy needs the host's data producer or a {@link WriteBarrier} over the
   * host's sends when emitting is on (see {@link HostResources}).
   *
   * @throws HandoffConfigException listing every problem: an unknown strategy (naming the key, the
   *     value and the available names), invalid values of the selected providers' keys and settings
   * @throws IllegalArgumentException if the strategy cannot order its stamps with these resources
   * @throws IllegalStateException if the selected provider is missing (for {@code noop}: naming the
   *     artifact to add)
   */
  public static LeadershipHandoffEmitter emitter(
      HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
    return emitter(registry(), settings, metrics, resources);
  }

  /**
   * As {@link #emitter(HandoffSettings, HandoffMetrics, HostResources)}, selecting from {@code
   * registry}.
   */
  public static LeadershipHandoffEmitter emitter(
      ProviderRegistry registry,
      HandoffSettings settings,
      HandoffMetrics metrics,
      HostResources resources) {
    requireNonNull(registry, "registry is null");
    requireNonNull(settings, "settings is null");
    requireNonNull(metrics, "metrics is null");
    requireNonNull(resources, "resources is null");
    requireValid(registry, settings);
    LeadershipHandoffProvider provider = registry.emitterProvider(settings);
    LeadershipHandoffEmitter emitter =
        HandoffEngine.emitter(
            requireNonNull(
                provider.newEmitter(settings, metrics, resources),
                () -> "provider " + provider.getClass().getName() + " returned a null emitter"),
            metrics);
    LOG.info(
        "Leadership handoff emitter: provider '{}' ({}), {}, {}",
        provider.name(),
        provider.getClass().getName(),
        resources,
        settings);
    return emitter;
  }

  /**
   * One observer of {@code versionTopic} for the replica {@code localWriterId}, after parsing
   * {@code properties}, without metrics. A server that hosts many version topics should select once
   * with {@link #observers} and open each observer from that factory.
   */
  public static LeadershipHandoffObserver observer(
      Properties properties, String versionTopic, String localWriterId) {
    return observers(properties).open(versionTopic, localWriterId);
  }

  /**
   * {@link #observers(HandoffSettings, HandoffMetrics)} after parsing {@code properties}, without
   * metrics.
   */
  public static HandoffObserverFactory observers(Properties properties) {
    return observers(properties, HandoffMetrics.NOOP);
  }

  /** {@link #observers(HandoffSettings, HandoffMetrics)} after parsing {@code properties}. */
  public static HandoffObserverFactory observers(Properties properties, HandoffMetrics metrics) {
    requireNonNull(properties, "properties is null");
    ProviderRegistry registry = registry();
    return observers(registry, registry.validate(properties), metrics);
  }

  /**
   * The factory of observers these settings select, using the discovered providers: a server holds
   * one and opens an observer per version topic it hosts. The selection is made (and logged) here,
   * once; opening an observer selects nothing again.
   *
   * @throws HandoffConfigException listing every problem, as for the emitter
   * @throws IllegalStateException if the selected provider is missing
   */
  public static HandoffObserverFactory observers(HandoffSettings settings, HandoffMetrics metrics) {
    return observers(registry(), settings, metrics);
  }

  /** As {@link #observers(HandoffSettings, HandoffMetrics)}, selecting from {@code registry}. */
  public static HandoffObserverFactory observers(
      ProviderRegistry registry, HandoffSettings settings, HandoffMetrics metrics) {
    requireNonNull(registry, "registry is null");
    requireNonNull(settings, "settings is null");
    requireNonNull(metrics, "metrics is null");
    requireValid(registry, settings);
    LeadershipHandoffProvider provider = registry.observerProvider(settings);
    LOG.info(
        "Leadership handoff observers: provider '{}' ({}), {}",
        provider.name(),
        provider.getClass().getName(),
        settings);
    return (versionTopic, localWriterId) -> {
      HandoffEngine.checkNames(versionTopic, localWriterId);
      HandoverEvidence evidence =
          requireNonNull(
              provider.newEvidence(settings, metrics, versionTopic, localWriterId),
              () -> "provider " + provider.getClass().getName() + " returned null evidence");
      return HandoffEngine.observer(settings, metrics, versionTopic, localWriterId, evidence);
    };
  }

  private static void requireValid(ProviderRegistry registry, HandoffSettings settings) {
    List<String> problems = registry.problems(settings);
    if (!problems.isEmpty()) {
      throw new HandoffConfigException(problems);
    }
  }
}
