package io.handoff.stamp;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.StepDown;
import io.handoff.spi.WriteBarrier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.mockito.ArgumentCaptor;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.Test;

/**
 * The emitter's answers at the edges, on Kafka's {@link MockProducer} (the broker's behaviour is
 * not what is tested): the last partition and the one past it, bootstrap servers without a port,
 * and what the emitter says of itself.
 */
public class KafkaStampEmitterMockProducerTest {

  private static final String TOPIC = "edge_v1";
  private static final int PARTITIONS = 8;
  private static final WriteBarrier NOTHING_WRITTEN =
      (topic, partition) -> CompletableFuture.completedFuture(null);

  private final List<KafkaStampEmitter> emitters = new ArrayList<>();

  @AfterMethod(alwaysRun = true)
  public void closeEmitters() {
    emitters.forEach(KafkaStampEmitter::close);
    emitters.clear();
  }

  private static MockProducer<byte[], byte[]> producer() {
    Node node = new Node(0, "localhost", 9092);
    List<PartitionInfo> infos = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      infos.add(new PartitionInfo(TOPIC, p, node, new Node[] {node}, new Node[] {node}));
    }
    Cluster cluster = new Cluster("c", List.of(node), infos, Set.of(), Set.of());
    return new MockProducer<>(
        cluster, true, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static HandoffSettings settings(long ackTimeoutMs, String bootstrap) {
    return HandoffSettings.from(
        Map.of(
            HandoffSettings.EMIT_STEPDOWN_STAMP,
            "true",
            HandoffSettings.ACK_TIMEOUT_MS,
            Long.toString(ackTimeoutMs),
            HandoffSettings.KAFKA_PREFIX + "bootstrap.servers",
            bootstrap));
  }

  private KafkaStampEmitter onHost(long ackTimeoutMs, Producer<byte[], byte[]> p) {
    KafkaStampEmitter e =
        KafkaStampEmitter.onHostProducer(
            settings(ackTimeoutMs, "127.0.0.1:9"), new CountingHandoffMetrics(), p);
    emitters.add(e);
    return e;
  }

  private static StepDown stamp(int partition) {
    return StepDown.established(TOPIC, partition, 21, 0, "host-e");
  }

  @Test
  public void theLastPartitionIsStampedAndTheCountItselfDoesNotExist() {
    MockProducer<byte[], byte[]> p = producer();
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    KafkaStampEmitter e =
        KafkaStampEmitter.onHostProducer(settings(5_000, "127.0.0.1:9"), metrics, p);
    emitters.add(e);
    List<EmitOutcome> o = e.emitStepDowns(List.of(stamp(PARTITIONS - 1), stamp(PARTITIONS)));
    assertEquals(o.get(0).status(), EmitStatus.ACKED, o.get(0).toString());
    assertEquals(o.get(1).status(), EmitStatus.FAILED);
    assertEquals(
        o.get(1).cause().getMessage(),
        "Partition 8 of topic edge_v1 does not exist: the topic has 8 partition(s)");
    assertEquals(p.history().size(), 1, "the missing partition was not sent");
    assertEquals(p.history().get(0).partition(), PARTITIONS - 1);
    assertEquals(metrics.emitSuccess(), 1);
    assertEquals(metrics.emitFailure(), 1);
  }

  @Test
  public void aBootstrapServerWithoutPortIsRefusedAtCreationNamingKeyAndValue() {
    for (String servers :
        List.of("broker-a", "broker-a:9092,broker-b", "broker-a:9092, 10.0.0.7")) {
      IllegalArgumentException e =
          expectThrows(
              IllegalArgumentException.class,
              () ->
                  KafkaStampEmitter.afterHostWrites(
                      settings(1_000, servers), new CountingHandoffMetrics(), NOTHING_WRITTEN));
      assertTrue(
          e.getMessage().contains(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers"),
          e.getMessage());
      String bad = servers.substring(servers.lastIndexOf(',') + 1).trim();
      assertTrue(e.getMessage().contains("'" + bad + "'"), servers + ": " + e.getMessage());
    }
  }

  @Test
  public void aSwitchedOffEmitterIgnoresABadBootstrapServer() {
    HandoffSettings off =
        HandoffSettings.from(
            Map.of(
                HandoffSettings.EMIT_STEPDOWN_STAMP,
                "false",
                HandoffSettings.KAFKA_PREFIX + "bootstrap.servers",
                "broker-a"));
    KafkaStampEmitter e =
        KafkaStampEmitter.afterHostWrites(off, new CountingHandoffMetrics(), NOTHING_WRITTEN);
    emitters.add(e);
    assertEquals(e.emitStepDown(stamp(0)).status(), EmitStatus.SKIPPED_DISABLED);
  }

  @Test
  public void theDeliveryBoundIsKnownOnlyOnTheEmittersOwnProducer() {
    KafkaStampEmitter own =
        KafkaStampEmitter.afterHostWrites(
            settings(2_500, "127.0.0.1:9"), new CountingHandoffMetrics(), NOTHING_WRITTEN);
    emitters.add(own);
    assertEquals(own.deliveryBound(), Optional.of(Duration.ofMillis(2_500)));
    assertEquals(own.ackTimeoutMs(), 2_500);
    assertTrue(own.toString().contains("own producer after host writes"), own.toString());
    assertTrue(own.toString().contains("ackTimeoutMs=2500"), own.toString());

    KafkaStampEmitter host = onHost(2_500, producer());
    assertEquals(host.deliveryBound(), Optional.empty());
    assertEquals(
        host.toString(),
        "KafkaStampEmitter{enabled=true, ackTimeoutMs=2500, on the host's producer, closed=false}");
    host.close();
    assertTrue(host.toString().endsWith("closed=true}"), host.toString());
  }

  @Test
  public void prepareLearnsTheCountSoThatKnownPartitionsGoFirst() {
    MockProducer<byte[], byte[]> p = producer();
    KafkaStampEmitter e = onHost(5_000, p);
    e.prepare(TOPIC);
    // Unknown topic first in call order, but the prepared topic's stamp is handed over first.
    StepDown unknown = StepDown.established("unknown_v1", 0, 21, 0, "host-e");
    List<EmitOutcome> o = e.emitStepDowns(List.of(unknown, stamp(3)));
    assertEquals(p.history().get(0).topic(), TOPIC);
    assertEquals(o.get(1).status(), EmitStatus.ACKED);
  }

  @Test
  public void prepareDoesNothingWhenSwitchedOffOrClosed() {
    MockProducer<byte[], byte[]> p = spy(producer());
    KafkaStampEmitter closed = onHost(5_000, p);
    closed.close();
    try (Captured log = Captured.of(KafkaStampEmitter.class)) {
      closed.prepare(TOPIC);
      assertEquals(log.lines(), List.of(), "closed: not even tried");
    }
    KafkaStampEmitter off =
        KafkaStampEmitter.onHostProducer(
            HandoffSettings.defaults(), new CountingHandoffMetrics(), p);
    emitters.add(off);
    off.prepare(TOPIC);
    verify(p, never()).partitionsFor(anyString());
    NullPointerException n = expectThrows(NullPointerException.class, () -> off.prepare(null));
    assertEquals(n.getMessage(), "versionTopic is null");
  }

  @Test
  public void aFailedPrepareIsLoggedNotThrown() {
    MockProducer<byte[], byte[]> p = spy(producer());
    p.partitionsForException = new IllegalStateException("no metadata today");
    KafkaStampEmitter e = onHost(5_000, p);
    try (Captured log = Captured.of(KafkaStampEmitter.class)) {
      e.prepare(TOPIC);
      assertEquals(
          log.lines(),
          List.of(
              "WARN Could not fetch metadata of edge_v1 ahead of a step-down: "
                  + p.partitionsForException),
          "names the cause itself, not the executor's wrapper");
    }
    verify(p).partitionsFor(TOPIC);
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  public void nullsAreRefusedNamingTheArgument() {
    KafkaStampEmitter e = onHost(5_000, producer());
    NullPointerException n = expectThrows(NullPointerException.class, () -> e.emitStepDown(null));
    assertEquals(n.getMessage(), "stepDown is null");
    n = expectThrows(NullPointerException.class, () -> e.emitStepDowns(null));
    assertEquals(n.getMessage(), "stepDowns is null");
    List<StepDown> withNull = new ArrayList<>();
    withNull.add(stamp(0));
    withNull.add(null);
    n = expectThrows(NullPointerException.class, () -> e.emitStepDowns(withNull));
    assertEquals(n.getMessage(), "stepDowns holds a null element");
    n = expectThrows(NullPointerException.class, () -> e.retire(null));
    assertEquals(n.getMessage(), "versionTopic is null");
  }

  @Test
  public void aCallerInterruptedBeforehandSendsNothingAndKeepsTheFlag() {
    MockProducer<byte[], byte[]> p = producer();
    KafkaStampEmitter e = onHost(5_000, p);
    Thread.currentThread().interrupt();
    EmitOutcome o = e.emitStepDown(stamp(1));
    assertTrue(Thread.interrupted(), "the flag is kept");
    assertEquals(o.status(), EmitStatus.INTERRUPTED);
    assertEquals(p.history().size(), 0, "nothing handed over for an interrupted caller");
  }

  @Test
  public void aClosedEmitterAnswersWithoutTryingItsSenderThread() {
    KafkaStampEmitter e = onHost(5_000, producer());
    e.close();
    EmitOutcome o = e.emitStepDown(stamp(1));
    assertEquals(o.status(), EmitStatus.FAILED);
    assertTrue(o.cause() instanceof IllegalStateException);
    assertEquals(o.cause().getMessage(), "the stamp emitter is closed");
    assertNull(o.cause().getCause(), "refused before the sender thread was asked");
  }

  @Test
  @SuppressWarnings("unchecked")
  public void anErrorOnTheSenderThreadFailsTheStampsNotYetHandedOver() {
    Producer<byte[], byte[]> p = mock(Producer.class);
    List<PartitionInfo> infos = producer().partitionsFor(TOPIC);
    when(p.partitionsFor(TOPIC)).thenReturn(infos);
    AssertionError bug = new AssertionError("a bug in the producer");
    when(p.send(any(), any())).thenThrow(bug);
    KafkaStampEmitter e =
        KafkaStampEmitter.onHostProducer(
            settings(5_000, "127.0.0.1:9"), new CountingHandoffMetrics(), p);
    emitters.add(e);
    List<EmitOutcome> o = e.emitStepDowns(List.of(stamp(0), stamp(1)));
    for (EmitOutcome each : o) {
      assertEquals(each.status(), EmitStatus.FAILED);
      assertSame(each.cause(), bug);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  public void prepareWaitsForMetadataInSlicesUntilTheAckTimeout() {
    Producer<byte[], byte[]> p = mock(Producer.class);
    List<PartitionInfo> infos = producer().partitionsFor(TOPIC);
    when(p.partitionsFor(TOPIC))
        .thenThrow(new org.apache.kafka.common.errors.TimeoutException("slice"))
        .thenReturn(infos);
    when(p.partitionsFor("unknown_v1")).thenReturn(infos);
    when(p.send(any(), any())).thenReturn(new CompletableFuture<>());
    KafkaStampEmitter e =
        KafkaStampEmitter.onHostProducer(
            settings(5_000, "127.0.0.1:9"), new CountingHandoffMetrics(), p);
    emitters.add(e);
    e.prepare(TOPIC);
    verify(p, times(2)).partitionsFor(TOPIC);
    // Learnt: the prepared topic's stamp goes first although asked second.
    StepDown unknown = StepDown.established("unknown_v1", 0, 21, 0, "host-e");
    e.emitStepDowns(List.of(unknown, stamp(3)));
    ArgumentCaptor<ProducerRecord<byte[], byte[]>> sent =
        ArgumentCaptor.forClass(ProducerRecord.class);
    verify(p, times(2)).send(sent.capture(), any());
    assertEquals(sent.getAllValues().get(0).topic(), TOPIC);
  }

  @Test
  public void anInterruptedPrepareKeepsTheFlag() {
    KafkaStampEmitter e = onHost(5_000, producer());
    Thread.currentThread().interrupt();
    e.prepare(TOPIC);
    assertTrue(Thread.interrupted());
  }

  @Test
  @SuppressWarnings("unchecked")
  public void anInterruptedCallerLeavesNothingForTheSenderToSendAfterIt() throws Exception {
    Producer<byte[], byte[]> p = mock(Producer.class);
    List<PartitionInfo> infos = producer().partitionsFor(TOPIC);
    CountDownLatch waiting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    when(p.partitionsFor(TOPIC))
        .thenAnswer(
            inv -> {
              waiting.countDown();
              release.await(30, TimeUnit.SECONDS);
              return infos;
            })
        .thenReturn(infos);
    when(p.send(any(), any())).thenReturn(new CompletableFuture<>());
    KafkaStampEmitter e = onHost(30_000, p);
    AtomicReference<EmitOutcome> outcome = new AtomicReference<>();
    Thread caller = new Thread(() -> outcome.set(e.emitStepDown(stamp(2))));
    caller.start();
    assertTrue(waiting.await(30, TimeUnit.SECONDS), "the sender waits for metadata");
    caller.interrupt();
    caller.join(30_000);
    assertEquals(outcome.get().status(), EmitStatus.INTERRUPTED);
    release.countDown();
    // Queued behind the first hand-over on the one sender thread: when it is done, so is that.
    e.prepare(TOPIC);
    verify(p, never()).send(any(), any());
  }

  @Test
  public void aLentProducerWithKafkaSettingsWarnsThatTheSettingsAreNotUsed() {
    MockProducer<byte[], byte[]> p = producer();
    HostResources lent = HostResources.of(Producer.class, p);
    try (Captured log = Captured.of(KafkaStampEmitter.class)) {
      emitters.add(
          KafkaStampEmitter.from(
              settings(1_000, "127.0.0.1:9"), new CountingHandoffMetrics(), lent));
      assertEquals(log.warnings(), 1, log.toString());
      assertTrue(
          log.toString().contains("server.leader.handover.kafka.* settings are not used"),
          log.toString());
    }
    HandoffSettings onWithout =
        HandoffSettings.from(Map.of(HandoffSettings.EMIT_STEPDOWN_STAMP, "true"));
    HandoffSettings offWith =
        HandoffSettings.from(
            Map.of(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", "127.0.0.1:9"));
    for (HandoffSettings quiet : List.of(onWithout, offWith)) {
      try (Captured log = Captured.of(KafkaStampEmitter.class)) {
        emitters.add(KafkaStampEmitter.from(quiet, new CountingHandoffMetrics(), lent));
        assertEquals(log.warnings(), 0, quiet + ": " + log);
      }
    }
  }

  @Test
  public void eachOutcomeIsLoggedAtItsLevelWithMicroseconds() {
    StepDown s = stamp(4);
    StampOutcomes outcomes = new StampOutcomes(new CountingHandoffMetrics());
    try (Captured log = Captured.of(KafkaStampEmitter.class)) {
      outcomes.report(EmitOutcome.acked(s, 2_500_000, 77));
      outcomes.report(EmitOutcome.skipped(s, EmitStatus.SKIPPED_UNESTABLISHED));
      outcomes.report(
          EmitOutcome.skipped(
              new StepDown(TOPIC, 4, -1, false, 0, "host-e"), EmitStatus.SKIPPED_NO_TERM));
      outcomes.report(EmitOutcome.skipped(s, EmitStatus.SKIPPED_DISABLED));
      outcomes.report(EmitOutcome.failed(s, EmitStatus.TIMED_OUT, 3_000_000, null));
      List<String> lines = log.lines();
      assertEquals(lines.size(), 4, "nothing for a stamp switched off: " + lines);
      assertEquals(
          lines.get(0), "INFO Step-down stamp for edge_v1-4 term 21 acked at offset 77 in 2500 µs");
      assertTrue(
          lines
              .get(1)
              .startsWith(
                  "INFO Step-down stamp for edge_v1-4 term 21 not emitted: the term was never established"),
          lines.get(1));
      assertTrue(
          lines
              .get(2)
              .startsWith(
                  "INFO Step-down stamp for edge_v1-4 not emitted: no leadership term (-1)"),
          lines.get(2));
      assertEquals(
          lines.get(3),
          "WARN Step-down stamp for edge_v1-4 term 21 TIMED_OUT after 3000 µs: no cause; the next leader will wait out the inactivity window");
    }
  }

  /** The events of one logger while open, at INFO and above whatever the configuration says. */
  private static final class Captured implements AutoCloseable {
    private final ch.qos.logback.classic.Logger logger;
    private final ch.qos.logback.classic.Level level;
    private final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>
        appender = new ch.qos.logback.core.read.ListAppender<>();

    private Captured(Class<?> source) {
      logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(source);
      level = logger.getLevel();
      logger.setLevel(ch.qos.logback.classic.Level.INFO);
      appender.start();
      logger.addAppender(appender);
    }

    static Captured of(Class<?> source) {
      return new Captured(source);
    }

    long warnings() {
      return appender.list.stream()
          .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
          .count();
    }

    List<String> lines() {
      return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Override
    public void close() {
      logger.detachAppender(appender);
      logger.setLevel(level);
    }

    @Override
    public String toString() {
      return lines().toString();
    }
  }
}
