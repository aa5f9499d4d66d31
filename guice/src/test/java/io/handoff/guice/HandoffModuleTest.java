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
import io.handoff.noop.NoopProvider;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffConfigException;
import io.handoff.spi.HandoffEngine;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffObserverFactory;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeaderTerms;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.ProviderRegistry;
import io.handoff.spi.StepDown;
import io.handoff.spi.TenureTracker;
import io.handoff.spi.WriteBarrier;
import io.handoff.stamp.KafkaStampEmitter;
import io.handoff.stamp.StampKind;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.testng.annotations.Test;

public class HandoffModuleTest {

  private static Injector strictInjector(HandoffModule module) {
    return Guice.createInjector(
        Stage.PRODUCTION,
        new AbstractModule() {
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
    assertEquals(
        HandoffEngine.strategyOf(emitter).getClass().getName(),
        "io.handoff.noop.NoopEmitter",
        "emitting is off by default");
    LeadershipHandoffObserver observer = observers.open("store_a_v7", "host-a");
    assertEquals(
        HandoffEngine.evidenceOf(observer).getClass().getName(),
        "io.handoff.spi.LegacyWaitObserver",
        "consuming is off by default");
    assertEquals(observer.versionTopic(), "store_a_v7", "opened for the topic asked for");
    assertEquals(observer.localWriterId(), "host-a", "opened for the reader asked for");
    assertSame(
        injector.getInstance(LeadershipHandoffEmitter.class),
        emitter,
        "the emitter is a singleton");
    assertSame(
        injector.getInstance(HandoffObserverFactory.class),
        observers,
        "the factory is a singleton");
    injector.getInstance(HandoffResources.class).close();
  }

  @Test
  public void nothingThatHoldsPartitionStateIsBound() {
    Injector injector = strictInjector(new HandoffModule(new Properties()));
    // Per-partition state belongs to one version topic: a host opens an observer and creates the
    // terms per topic it hosts, so an injector must refuse to hand out a shared one.
    ConfigurationException observer =
        expectThrows(
            ConfigurationException.class,
            () -> injector.getInstance(LeadershipHandoffObserver.class));
    assertTrue(
        observer.getMessage().contains(LeadershipHandoffObserver.class.getSimpleName()),
        observer.getMessage());
    ConfigurationException terms =
        expectThrows(ConfigurationException.class, () -> injector.getInstance(LeaderTerms.class));
    assertTrue(terms.getMessage().contains(LeaderTerms.class.getSimpleName()), terms.getMessage());
    for (Key<?> key : injector.getAllBindings().keySet()) {
      Class<?> type = key.getTypeLiteral().getRawType();
      for (Class<?> stateful :
          List.of(LeadershipHandoffObserver.class, LeaderTerms.class, TenureTracker.class)) {
        assertFalse(
            stateful.isAssignableFrom(type),
            key + " holds per-partition state and must not be bound");
      }
    }
    assertNotNull(
        injector.getExistingBinding(Key.get(HandoffObserverFactory.class)),
        "the factory is bound instead");
    injector.getInstance(HandoffResources.class).close();
  }

  @Test
  public void switchesSelectTheStrategyAndResourcesCloseItOnce() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    Injector injector =
        strictInjector(new HandoffModule(HandoffSettings.from(recordingSwitchedOn()), metrics));
    LeadershipHandoffEmitter emitter = injector.getInstance(LeadershipHandoffEmitter.class);
    assertTrue(
        HandoffEngine.strategyOf(emitter) instanceof RecordingProvider.RecordingEmitter,
        HandoffEngine.strategyOf(emitter).getClass().getName());
    LeadershipHandoffObserver observer =
        injector.getInstance(HandoffObserverFactory.class).open("store_a_v7", "host-a");
    assertTrue(
        HandoffEngine.evidenceOf(observer) instanceof RecordingProvider.RecordingObserver,
        HandoffEngine.evidenceOf(observer).getClass().getName());
    assertSame(
        injector.getInstance(HandoffMetrics.class),
        metrics,
        "the metrics given to the module are bound");
    assertEquals(
        observer.decideHandover(0, 5, true),
        HandoverPath.LEGACY_WAIT,
        "nothing observed, window over");
    assertEquals(metrics.legacyWait(), 1, "observers report to the bound metrics");

    HandoffResources resources = injector.getInstance(HandoffResources.class);
    resources.close();
    resources.close();
    assertEquals(
        ((RecordingProvider.RecordingEmitter) HandoffEngine.strategyOf(emitter)).closes.get(),
        1,
        "closed exactly once");
  }

  @Test
  public void theBoundFactoryOpensAnObserverPerVersionTopic() {
    Injector injector =
        strictInjector(
            new HandoffModule(HandoffSettings.from(recordingSwitchedOn()), HandoffMetrics.NOOP));
    HandoffObserverFactory observers = injector.getInstance(HandoffObserverFactory.class);
    LeadershipHandoffObserver x = observers.open("storeX_v1", "host-b");
    LeadershipHandoffObserver y = observers.open("storeY_v2", "host-b");
    assertNotSame(x, y, "one observer per version topic");
    assertEquals(x.versionTopic(), "storeX_v1");
    assertEquals(y.versionTopic(), "storeY_v2");
    assertNotSame(observers.open("storeX_v1", "host-b"), x, "every open gives a new observer");

    // Partition 3 of both topics: a clean handover on X, a zombie writer on Y, then host-b declares
    // on both.
    y.observe(3, 0, new byte[] {0, 'k'}, "zombie", 4);
    x.observe(3, 0, RecordingProvider.DECLARATION_KEY, "host-a", 5);
    x.observe(3, 1, RecordingProvider.STEP_DOWN_KEY, "host-a", 5);
    x.observe(3, 2, RecordingProvider.DECLARATION_KEY, "host-b", 9);
    y.observe(3, 1, RecordingProvider.DECLARATION_KEY, "host-b", 9);
    assertTrue(
        x.canSkipInactivityWait(3, 9), "storeX_v1-3 saw host-a's tenure closed by its stamp");
    assertFalse(
        y.canSkipInactivityWait(3, 9), "storeX_v1's stamp must prove nothing for storeY_v2-3");
    injector.getInstance(HandoffResources.class).close();
  }

  @Test
  public void withMetricsFromInjectorTheHostsMetricsBindingFeedsEmitterAndObservers() {
    HandoffSettings on = HandoffSettings.from(recordingSwitchedOn());
    ProviderRegistry registry =
        ProviderRegistry.of(List.of(new RecordingProvider(), new NoopProvider()));
    List<HandoffModule> modules =
        List.of(
            HandoffModule.withMetricsFromInjector(on, HostResources.none()),
            HandoffModule.withMetricsFromInjector(on, HostResources.none(), registry));
    for (HandoffModule module : modules) {
      CountingHandoffMetrics hostMetrics = new CountingHandoffMetrics();
      Injector injector =
          Guice.createInjector(
              Stage.PRODUCTION,
              new AbstractModule() {
                @Override
                protected void configure() {
                  binder().requireExplicitBindings();
                  binder().requireAtInjectOnConstructors();
                  bind(HandoffMetrics.class).toInstance(hostMetrics);
                  install(module);
                }
              });
      assertSame(
          injector.getInstance(HandoffMetrics.class),
          hostMetrics,
          "the host's binding, not the module's");
      LeadershipHandoffObserver observer =
          injector.getInstance(HandoffObserverFactory.class).open("store_a_v7", "host-a");
      assertEquals(
          observer.decideHandover(0, 5, true),
          HandoverPath.LEGACY_WAIT,
          "nothing observed, window over");
      assertEquals(hostMetrics.legacyWait(), 1, "the observer reports to the host's metrics");
      injector.getInstance(HandoffResources.class).close();
    }
  }

  @Test
  public void withMetricsFromInjectorAndNoMetricsBindingFailsNamingIt() {
    HandoffModule module =
        HandoffModule.withMetricsFromInjector(HandoffSettings.defaults(), HostResources.none());
    CreationException e = expectThrows(CreationException.class, () -> strictInjector(module));
    assertTrue(
        e.getMessage().contains(HandoffMetrics.class.getName()),
        "names the missing binding: " + e.getMessage());
  }

  @Test
  public void withMetricsFromInjectorNamesItsNullArguments() {
    HandoffSettings s = HandoffSettings.defaults();
    HostResources r = HostResources.none();
    ProviderRegistry registry = ProviderRegistry.of(List.of(new NoopProvider()));
    assertEquals(
        expectThrows(
                NullPointerException.class, () -> HandoffModule.withMetricsFromInjector(null, r))
            .getMessage(),
        "settings is null",
        "message");
    assertEquals(
        expectThrows(
                NullPointerException.class, () -> HandoffModule.withMetricsFromInjector(s, null))
            .getMessage(),
        "resources is null",
        "message");
    assertEquals(
        expectThrows(
                NullPointerException.class, () -> HandoffModule.withMetricsFromInjector(s, r, null))
            .getMessage(),
        "registry is null",
        "message");
    assertEquals(
        expectThrows(NullPointerException.class, () -> new HandoffModule(s, null, r, registry))
            .getMessage(),
        "metrics is null",
        "the constructors still check");
  }

  @Test
  public void configurationErrorsFailBeforeTheInjectorIsBuilt() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "yes");
    p.setProperty(HandoffSettings.ACK_TIMEOUT_MS, "1e3");
    HandoffConfigException e =
        expectThrows(HandoffConfigException.class, () -> new HandoffModule(p));
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
    assertEquals(
        cause.getMessage(),
        "Unknown strategy 'foo' for server.leader.handover.strategy. Available: [noop, recording, stamp]");
  }

  @Test
  public void whatTheHostLendsReachesTheSelectedProvider() {
    WriteBarrier barrier = (topic, partition) -> CompletableFuture.completedFuture(null);
    HostResources lent = HostResources.of(WriteBarrier.class, barrier);
    HandoffSettings on = HandoffSettings.from(recordingSwitchedOn());
    ProviderRegistry registry =
        ProviderRegistry.of(List.of(new RecordingProvider(), new NoopProvider()));
    List<HandoffModule> lending =
        List.of(
            new HandoffModule(on, HandoffMetrics.NOOP, lent),
            new HandoffModule(on, HandoffMetrics.NOOP, lent, registry));
    for (HandoffModule module : lending) {
      Injector injector = strictInjector(module);
      RecordingProvider.RecordingEmitter emitter =
          (RecordingProvider.RecordingEmitter)
              HandoffEngine.strategyOf(injector.getInstance(LeadershipHandoffEmitter.class));
      assertSame(emitter.resources, lent, "the provider gets what the host lent, as it was lent");
      assertSame(
          emitter.resources.find(WriteBarrier.class).orElseThrow(),
          barrier,
          "the host's own barrier");
      injector.getInstance(HandoffResources.class).close();
    }
    List<HandoffModule> lendingNothing =
        List.of(
            new HandoffModule(on, HandoffMetrics.NOOP),
            new HandoffModule(on, HandoffMetrics.NOOP, registry));
    for (HandoffModule module : lendingNothing) {
      Injector injector = strictInjector(module);
      RecordingProvider.RecordingEmitter emitter =
          (RecordingProvider.RecordingEmitter)
              HandoffEngine.strategyOf(injector.getInstance(LeadershipHandoffEmitter.class));
      assertSame(emitter.resources, HostResources.none(), "a module given nothing lends nothing");
      injector.getInstance(HandoffResources.class).close();
    }
  }

  @Test
  public void stampSwitchedOnWithoutResourcesFailsWhenTheInjectorIsBuilt() {
    // A stamp that cannot be ordered after the leader's records must not be wired at all: the
    // server fails at start, told what to lend, rather than stamping unordered at its first
    // demotion.
    List<HandoffModule> modules =
        List.of(
            new HandoffModule(stampSwitchedOn()),
            new HandoffModule(HandoffSettings.from(stampSwitchedOn()), HandoffMetrics.NOOP));
    for (HandoffModule module : modules) {
      CreationException e = expectThrows(CreationException.class, () -> strictInjector(module));
      Throwable cause = e.getErrorMessages().iterator().next().getCause();
      assertTrue(cause instanceof IllegalArgumentException, String.valueOf(cause));
      assertTrue(
          cause.getMessage().contains("HostResources.of(Producer.class, producer)"),
          "names the data producer to lend: " + cause.getMessage());
      assertTrue(
          cause.getMessage().contains("HostResources.of(WriteBarrier.class, barrier)"),
          "names the write barrier to lend: " + cause.getMessage());
    }
  }

  @Test
  public void stampSwitchedOnStampsOnTheProducerTheHostLends() {
    String topic = "store_a_v7";
    Node broker = new Node(0, "localhost", 9092);
    Node[] replicas = {broker};
    Cluster cluster =
        new Cluster(
            "test-cluster",
            List.of(broker),
            List.of(new PartitionInfo(topic, 0, broker, replicas, replicas)),
            Set.of(),
            Set.of());
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(
            cluster, true, null, new ByteArraySerializer(), new ByteArraySerializer());
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    Injector injector =
        strictInjector(
            new HandoffModule(
                HandoffSettings.from(stampSwitchedOn()),
                metrics,
                HostResources.of(Producer.class, producer)));
    LeadershipHandoffEmitter emitter = injector.getInstance(LeadershipHandoffEmitter.class);
    assertTrue(
        HandoffEngine.strategyOf(emitter) instanceof KafkaStampEmitter, String.valueOf(emitter));

    EmitOutcome o = emitter.emitStepDown(StepDown.established(topic, 0, 5, 0, "host-a"));
    assertEquals(o.status(), EmitStatus.ACKED, "stamped on the host's producer: " + o);
    List<ProducerRecord<byte[], byte[]>> sent = producer.history();
    assertEquals(sent.size(), 1, "one record on the host's producer");
    assertEquals(sent.get(0).topic(), topic, "the stamp's topic");
    assertEquals(sent.get(0).partition(), Integer.valueOf(0), "the stamp's partition");
    assertEquals(sent.get(0).key(), StampKind.STEP_DOWN.key(), "a step-down stamp");
    assertEquals(metrics.emitSuccess(), 1, "leader_stepdown_stamp_emit_success");

    injector.getInstance(HandoffResources.class).close();
    assertFalse(
        producer.closed(),
        "the producer stays the host's: closing the module's resources leaves it open");
  }

  private static Properties stampSwitchedOn() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.STRATEGY, "stamp");
    return p;
  }

  private static Properties recordingSwitchedOn() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.STRATEGY, "recording");
    return p;
  }
}
