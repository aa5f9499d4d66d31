package io.handoff.micrometer;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import io.handoff.guice.HandoffModule;
import io.handoff.guice.HandoffResources;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffObserverFactory;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.testng.annotations.Test;

/**
 * {@link HandoffMetricsModule} with {@link HandoffModule#withMetricsFromInjector}, in a strict
 * injector ({@code Stage.PRODUCTION}, explicit bindings only): the host binds its registry, and the
 * handovers the library's observers decide show up in it.
 */
public class HandoffMetricsModuleTest {

  private static Injector strictInjector(MeterRegistry registry, Module... modules) {
    return Guice.createInjector(
        Stage.PRODUCTION,
        new AbstractModule() {
          @Override
          protected void configure() {
            binder().requireExplicitBindings();
            binder().requireAtInjectOnConstructors();
            if (registry != null) {
              bind(MeterRegistry.class).toInstance(registry);
            }
            for (Module m : modules) {
              install(m);
            }
          }
        });
  }

  @Test
  public void aHandoverDecidedByAnInjectedObserverShowsInTheHostsRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Injector injector =
        strictInjector(
            registry,
            HandoffModule.withMetricsFromInjector(HandoffSettings.defaults(), HostResources.none()),
            new HandoffMetricsModule());

    HandoffMetrics metrics = injector.getInstance(HandoffMetrics.class);
    assertSame(
        metrics,
        injector.getInstance(MicrometerHandoffMetrics.class),
        "one instance, under both keys");
    assertSame(
        injector.getInstance(MicrometerHandoffMetrics.class).registry(),
        registry,
        "the host's registry");

    LeadershipHandoffObserver observer =
        injector.getInstance(HandoffObserverFactory.class).open("store_a_v7", "host-a");
    assertEquals(
        observer.decideHandover(3, 5, true),
        HandoverPath.LEGACY_WAIT,
        "consuming is off by default");
    assertEquals(
        registry
            .get(MicrometerHandoffMetrics.HANDOVERS)
            .tag("path", "legacy_wait")
            .tag("reason", "consuming_off")
            .counter()
            .count(),
        1.0,
        "the handover is in the host's registry");
    assertEquals(
        registry.get(MicrometerHandoffMetrics.HANDOVERS).counter().getId().getTag("topic"),
        null,
        "no topic tag by default");
    injector.getInstance(HandoffResources.class).close();
  }

  @Test
  public void optionsReachTheBoundMetrics() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerHandoffMetrics.Options options =
        MicrometerHandoffMetrics.Options.builder().perTopicTags(true).build();
    Injector injector =
        strictInjector(
            registry,
            HandoffModule.withMetricsFromInjector(HandoffSettings.defaults(), HostResources.none()),
            new HandoffMetricsModule(options));
    assertSame(
        injector.getInstance(MicrometerHandoffMetrics.class).options(),
        options,
        "the options given");

    injector
        .getInstance(HandoffObserverFactory.class)
        .open("store_a_v7", "host-a")
        .decideHandover(0, 5, true);
    assertEquals(
        registry
            .get(MicrometerHandoffMetrics.HANDOVERS)
            .tag("topic", "store_a_v7")
            .counter()
            .count(),
        1.0,
        "tagged with the topic when asked");
    injector.getInstance(HandoffResources.class).close();
  }

  @Test
  public void withoutARegistryBindingTheInjectorFailsNamingIt() {
    CreationException e =
        expectThrows(
            CreationException.class,
            () ->
                strictInjector(
                    null,
                    HandoffModule.withMetricsFromInjector(
                        HandoffSettings.defaults(), HostResources.none()),
                    new HandoffMetricsModule()));
    assertTrue(
        e.getMessage().contains(MeterRegistry.class.getName()),
        "names the registry: " + e.getMessage());
    expectThrows(NullPointerException.class, () -> new HandoffMetricsModule(null));
  }
}
