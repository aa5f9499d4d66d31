package io.handoff.guice;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffObserverFactory;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeaderTerms;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.ProviderRegistry;
import java.util.Properties;

/**
 * Binds {@link LeadershipHandoffEmitter}, {@link HandoffObserverFactory} and {@link
 * HandoffSettings} as singletons selected by a server's properties, following the rules of {@link
 * LeadershipHandoffs}. Nothing bound holds per-partition state: a host opens one {@link
 * LeadershipHandoffObserver} and creates one {@link LeaderTerms} per version topic it hosts (rule
 * S1 of {@code docs/ARCHITECTURE.md}), so partition 3 of two version topics can never share one.
 * Neither is bound, on purpose: an injector that is asked for one fails. Every binding is explicit,
 * so the module works in an injector built with {@code requireExplicitBindings()} and in {@code
 * Stage.PRODUCTION}, where the emitter is created eagerly (it opens no connection until its first
 * emit).
 *
 * <p>Settings are parsed when the module is constructed, so a configuration error fails before the
 * injector is built, with every invalid key listed. Close what the module created with {@link
 * HandoffResources#close()}.
 *
 * <p>The constructors bind the {@link HandoffMetrics} they are given. A host whose injector
 * provides the metrics itself (such as {@code io.handoff.micrometer.HandoffMetricsModule} of {@code
 * handoff-micrometer}, over the host's meter registry) uses {@link
 * #withMetricsFromInjector(HandoffSettings, HostResources)} instead: the emitter and the observer
 * factory then get the {@link HandoffMetrics} bound elsewhere in the injector.
 */
public final class HandoffModule extends AbstractModule {

  private final HandoffSettings settings;

  /** What configure() binds, or null when the injector binds the metrics elsewhere. */
  private final HandoffMetrics metrics;

  private final HostResources resources;
  private final ProviderRegistry registry;

  /** Selects from the providers on the class path, without metrics or host resources. */
  public HandoffModule(Properties properties) {
    this(
        HandoffSettings.from(requireNonNull(properties, "properties is null")),
        HandoffMetrics.NOOP);
  }

  /**
   * Selects from the providers on the class path, without host resources (enough while emitting is
   * off).
   */
  public HandoffModule(HandoffSettings settings, HandoffMetrics metrics) {
    this(settings, metrics, HostResources.none());
  }

  /**
   * Selects from the providers on the class path; the emitter gets {@code resources}, such as the
   * server's data producer, which the stamp strategy needs to order its stamps when emitting is on.
   */
  public HandoffModule(HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
    this(settings, metrics, resources, LeadershipHandoffs.registry());
  }

  /** Selects from {@code registry}, without host resources. */
  public HandoffModule(
      HandoffSettings settings, HandoffMetrics metrics, ProviderRegistry registry) {
    this(settings, metrics, HostResources.none(), registry);
  }

  /** Selects from {@code registry}. */
  public HandoffModule(
      HandoffSettings settings,
      HandoffMetrics metrics,
      HostResources resources,
      ProviderRegistry registry) {
    this(settings, requireNonNull(metrics, "metrics is null"), resources, registry, false);
  }

  private HandoffModule(
      HandoffSettings settings,
      HandoffMetrics metrics,
      HostResources resources,
      ProviderRegistry registry,
      boolean metricsFromInjector) {
    this.settings = requireNonNull(settings, "settings is null");
    this.metrics = metricsFromInjector ? null : metrics;
    this.resources = requireNonNull(resources, "resources is null");
    this.registry = requireNonNull(registry, "registry is null");
  }

  /**
   * Selects from the providers on the class path, like {@link #HandoffModule(HandoffSettings,
   * HandoffMetrics, HostResources)}, but binds no {@link HandoffMetrics}: another module of the
   * injector must, or the injector fails to build, naming the missing binding.
   */
  public static HandoffModule withMetricsFromInjector(
      HandoffSettings settings, HostResources resources) {
    return withMetricsFromInjector(settings, resources, LeadershipHandoffs.registry());
  }

  /**
   * Selects from {@code registry}, like {@link #HandoffModule(HandoffSettings, HandoffMetrics,
   * HostResources, ProviderRegistry)}, but binds no {@link HandoffMetrics}: another module of the
   * injector must.
   */
  public static HandoffModule withMetricsFromInjector(
      HandoffSettings settings, HostResources resources, ProviderRegistry registry) {
    return new HandoffModule(settings, null, resources, registry, true);
  }

  @Override
  protected void configure() {
    bind(HandoffSettings.class).toInstance(settings);
    if (metrics != null) {
      bind(HandoffMetrics.class).toInstance(metrics);
    }
    bind(HandoffResources.class).toInstance(new HandoffResources());
  }

  @Provides
  @Singleton
  LeadershipHandoffEmitter emitter(HandoffSettings s, HandoffMetrics m, HandoffResources owned) {
    return owned.register(LeadershipHandoffs.emitter(registry, s, m, resources));
  }

  @Provides
  @Singleton
  HandoffObserverFactory observers(HandoffSettings s, HandoffMetrics m) {
    return LeadershipHandoffs.observers(registry, s, m);
  }
}
