package io.handoff.guice;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNotSame;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import com.google.inject.AbstractModule;
import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Stage;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffConfigException;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffObserverFactory;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.LeaderTerms;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.TenureTracker;
import java.util.List;
import java.util.Properties;
import org.testng.annotations.Test;

public class HandoffModuleTest {

  private static Injector strictInjector(HandoffModule module) {
    return Guice.createInjector(Stage.PRODUCTION, new AbstractModule() {
      @Override
      protected void configure() {
        binder().requireExplicitBindings();
        binder().requireAtInjectOnConstructors();
        install(module);
      }
    });
  }

  @Test
  public void noPropertiesBindTheNoopStrategy() {
    Injector injector = strictInjector(new HandoffModule(new Properties()));
    LeadershipHandoffEmitter emitter = injector.getInstance(LeadershipHandoffEmitter.class);
    HandoffObserverFactory observers = injector.getInstance(HandoffObserverFactory.class);
    assertEquals(emitter.getClass().getName(), "io.handoff.noop.NoopEmitter", "emitting is off by default");
    LeadershipHandoffObserver observer = observers.open("store_a_v7", "host-a");
    assertEquals(observer.getClass().getName(), "io.handoff.spi.LegacyWaitObserver", "consuming is off by default");
    assertEquals(observer.versionTopic(), "store_a_v7", "opened for the topic asked for");
    assertEquals(observer.localWriterId(), "host-a", "opened for the reader asked for");
    assertSame(injector.getInstance(LeadershipHandoffEmitter.class), emitter, "the emitter is a singleton");
    assertSame(injector.getInstance(HandoffObserverFactory.class), observers, "the factory is a singleton");
    injector.getInstance(HandoffResources.class).close();
  }

  @Test
  public void nothingThatHoldsPartitionStateIsBound() {
    Injector injector = strictInjector(new HandoffModule(new Properties()));
    // Per-partition state belongs to one version topic: a host opens an observer and creates the
    // terms per topic it hosts, so an injector must refuse to hand out a shared one.
    ConfigurationException observer =
        expectThrows(ConfigurationException.class, () -> injector.getInstance(LeadershipHandoffObserver.class));
    assertTrue(observer.getMessage().contains(LeadershipHandoffObserver.class.getSimpleName()), observer.getMessage());
    ConfigurationException terms =
        expectThrows(ConfigurationException.class, () -> injector.getInstance(LeaderTerms.class));
    assertTrue(terms.getMessage().contains(LeaderTerms.class.getSimpleName()), terms.getMessage());
    for (Key<?> key : injector.getAllBindings().keySet()) {
      Class<?> type = key.getTypeLiteral().getRawType();
      for (Class<?> stateful : List.of(LeadershipHandoffObserver.class, LeaderTerms.class, TenureTracker.class)) {
        assertFalse(stateful.isAssignableFrom(type), key + " holds per-partition state and must not be bound");
      }
    }
    assertNotNull(injector.getExistingBinding(Key.get(HandoffObserverFactory.class)), "the factory is bound instead");
    injector.getInstance(HandoffResources.class).close();
  }

  @Test
  public void switchesSelectTheStrategyAndResourcesCloseItOnce() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    Injector injector = strictInjector(new HandoffModule(HandoffSettings.from(recordingSwitchedOn()), metrics));
    LeadershipHandoffEmitter emitter = injector.getInstance(LeadershipHandoffEmitter.class);
    assertTrue(emitter instanceof RecordingProvider.RecordingEmitter, emitter.getClass().getName());
    LeadershipHandoffObserver observer =
        injector.getInstance(HandoffObserverFactory.class).open("store_a_v7", "host-a");
    assertTrue(observer instanceof RecordingProvider.RecordingObserver, observer.getClass().getName());
    assertSame(injector.getInstance(HandoffMetrics.class), metrics, "the metrics given to the module are bound");
    assertEquals(observer.decideHandover(0, 5, true), HandoverPath.LEGACY_WAIT, "nothing observed, window over");
    assertEquals(metrics.legacyWait(), 1, "observers report to the bound metrics");

    HandoffResources resources = injector.getInstance(HandoffResources.class);
    resources.close();
    resources.close();
    assertEquals(((RecordingProvider.RecordingEmitter) emitter).closes.get(), 1, "closed exactly once");
  }

  @Test
  public void theBoundFactoryOpensAnObserverPerVersionTopic() {
    Injector injector =
        strictInjector(new HandoffModule(HandoffSettings.from(recordingSwitchedOn()), HandoffMetrics.NOOP));
    HandoffObserverFactory observers = injector.getInstance(HandoffObserverFactory.class);
    LeadershipHandoffObserver x = observers.open("storeX_v1", "host-b");
    LeadershipHandoffObserver y = observers.open("storeY_v2", "host-b");
    assertNotSame(x, y, "one observer per version topic");
    assertEquals(x.versionTopic(), "storeX_v1");
    assertEquals(y.versionTopic(), "storeY_v2");
    assertNotSame(observers.open("storeX_v1", "host-b"), x, "every open gives a new observer");

    // Partition 3 of both topics: a clean handover on X, a zombie writer on Y, then host-b declares on both.
    y.observe(3, 0, new byte[] {0, 'k'}, "zombie", 4);
    x.observe(3, 0, RecordingProvider.DECLARATION_KEY, "host-a", 5);
    x.observe(3, 1, RecordingProvider.STEP_DOWN_KEY, "host-a", 5);
    x.observe(3, 2, RecordingProvider.DECLARATION_KEY, "host-b", 9);
    y.observe(3, 1, RecordingProvider.DECLARATION_KEY, "host-b", 9);
    assertTrue(x.canSkipInactivityWait(3, 9), "storeX_v1-3 saw host-a's tenure closed by its stamp");
    assertFalse(y.canSkipInactivityWait(3, 9), "storeX_v1's stamp must prove nothing for storeY_v2-3");
    injector.getInstance(HandoffResources.class).close();
  }

  @Test
  public void configurationErrorsFailBeforeTheInjectorIsBuilt() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "yes");
    p.setProperty(HandoffSettings.ACK_TIMEOUT_MS, "1e3");
    HandoffConfigException e = expectThrows(HandoffConfigException.class, () -> new HandoffModule(p));
    assertEquals(e.errors().size(), 2, e.getMessage());
  }

  @Test
  public void unknownStrategyFailsWhenTheInjectorIsBuilt() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.STRATEGY, "foo");
    HandoffModule module = new HandoffModule(p);
    CreationException e = expectThrows(CreationException.class, () -> strictInjector(module));
    Throwable cause = e.getErrorMessages().iterator().next().getCause();
    assertTrue(cause instanceof HandoffConfigException, String.valueOf(cause));
    assertEquals(cause.getMessage(),
        "Unknown strategy 'foo' for server.leader.handover.strategy. Available: [noop, recording]");
  }

  private static Properties recordingSwitchedOn() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.STRATEGY, "recording");
    return p;
  }
}
