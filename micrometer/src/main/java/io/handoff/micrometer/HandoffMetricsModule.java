package io.handoff.micrometer;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.handoff.guice.HandoffModule;
import io.handoff.spi.HandoffMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Binds {@link HandoffMetrics} (and {@link MicrometerHandoffMetrics}, the same singleton) to the
 * {@link MeterRegistry} the host binds. Install it with {@link
 * HandoffModule#withMetricsFromInjector HandoffModule.withMetricsFromInjector(...)}, which leaves
 * {@link HandoffMetrics} to this module:
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(
 *     binder -> binder.bind(MeterRegistry.class).toInstance(registry),   // the host's registry
 *     HandoffModule.withMetricsFromInjector(settings, HostResources.of(Producer.class, dataProducer)),
 *     new HandoffMetricsModule());
 * }</pre>
 *
 * <p>Every binding is explicit, so the module works under {@code requireExplicitBindings()} and in
 * {@code Stage.PRODUCTION}. Creating the metrics registers no meter (meters come with the first
 * event) and neither blocks nor does I/O.
 */
public final class HandoffMetricsModule extends AbstractModule {

  private final MicrometerHandoffMetrics.Options options;

  /**
   * With the {@linkplain MicrometerHandoffMetrics.Options#defaults() default options}: no topic
   * tag.
   */
  public HandoffMetricsModule() {
    this(MicrometerHandoffMetrics.Options.defaults());
  }

  /** With {@code options}, for instance per-topic tags. */
  public HandoffMetricsModule(MicrometerHandoffMetrics.Options options) {
    this.options = requireNonNull(options, "options is null");
  }

  @Provides
  @Singleton
  MicrometerHandoffMetrics micrometerHandoffMetrics(MeterRegistry registry) {
    return new MicrometerHandoffMetrics(registry, options);
  }

  @Provides
  @Singleton
  HandoffMetrics handoffMetrics(MicrometerHandoffMetrics metrics) {
    return metrics;
  }
}
