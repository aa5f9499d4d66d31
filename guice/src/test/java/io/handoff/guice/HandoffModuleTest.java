package io.handoff.guice;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffConfigException;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeaderTerms;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
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
    LeadershipHandoffObserver observer = injector.getInstance(LeadershipHandoffObserver.class);
    assertEquals(emitter.getClass().getName(), "io.handoff.noop.NoopEmitter");
    assertEquals(observer.getClass().getName(), "io.handoff.noop.NoopObserver");
    assertSame(injector.getInstance(LeadershipHandoffEmitter.class), emitter, "singleton");
    assertEquals(injector.getInstance(LeaderTerms.class).termOf(0), LeaderTerms.NOT_LEADER);
    injector.getInstance(HandoffResources.class).close();
  }

  @Test
  public void switchesSelectTheStrategyAndResourcesCloseItOnce() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.STRATEGY, "recording");
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    Injector injector = strictInjector(new HandoffModule(HandoffSettings.from(p), metrics));
    LeadershipHandoffEmitter emitter = injector.getInstance(LeadershipHandoffEmitter.class);
    assertTrue(emitter instanceof RecordingProvider.RecordingEmitter, emitter.getClass().getName());
    assertTrue(injector.getInstance(LeadershipHandoffObserver.class) instanceof RecordingProvider.RecordingObserver);
    assertSame(injector.getInstance(HandoffMetrics.class), metrics);

    HandoffResources resources = injector.getInstance(HandoffResources.class);
    resources.close();
    resources.close();
    assertEquals(((RecordingProvider.RecordingEmitter) emitter).closes.get(), 1, "closed exactly once");
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
    assertEquals(cause.getMessage(), "Unknown strategy 'foo' for server.leader.handover.strategy. Available: [noop, recording]");
  }
}
