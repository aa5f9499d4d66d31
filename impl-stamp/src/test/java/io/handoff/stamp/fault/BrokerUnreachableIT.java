package io.handoff.stamp.fault;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.StepDown;
import io.handoff.stamp.KafkaStampEmitter;
import io.handoff.stamp.StampProducerConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * No broker answers: the emitter, on its own producer after a write barrier that is always complete
 * (no data is written here), must give every caller a failure outcome within the ack timeout, count
 * it, throw nothing, and leave no thread behind after {@code close()}; stamps that failed while the
 * broker was down must not land once it is back.
 */
public class BrokerUnreachableIT {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerUnreachableIT.class);

  private static final long ACK_TIMEOUT_MS = 500;

  /** What the emitter may take beyond the ack timeout (scheduling, creating the producer). */
  private static final long SLACK_MS = 200;

  private static final long BOUND_MS = ACK_TIMEOUT_MS + SLACK_MS;
  private static final int BATCH = 1000;

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startKafka() {
    kafka = EmbeddedKafkaCluster.builder().brokers(1).start();
  }

  @AfterClass(alwaysRun = true)
  public void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static long closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void assertFailure(EmitOutcome o) {
    assertTrue(
        o.status() == EmitStatus.TIMED_OUT || o.status() == EmitStatus.FAILED,
        "expected TIMED_OUT or FAILED, got " + o);
  }

  private static long millisSince(long startNanos) {
    return FaultSupport.millisSince(startNanos);
  }

  /** One step-down and a batch of 1000 against an address where nothing listens. */
  @Test
  public void closedPortGivesFailureWithinAckTimeoutAndLeavesNoThread() throws Exception {
    String bootstrap = "127.0.0.1:" + closedPort();
    Set<Thread> before = FaultSupport.emitterThreads();
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    KafkaStampEmitter emitter =
        FaultSupport.emitter(FaultSupport.emitterProps(bootstrap, ACK_TIMEOUT_MS), metrics);
    try {
      assertEquals(
          FaultSupport.deliveryBoundMs(emitter),
          StampProducerConfig.deliveryBoundMs(ACK_TIMEOUT_MS),
          "the own producer's delivery bound");

      long t0 = System.nanoTime();
      EmitOutcome one =
          emitter.emitStepDown(StepDown.established("unreachable_v1", 0, 7, 0, "host-u"));
      long oneMs = millisSince(t0);
      LOG.info("closed port, single step-down: {} in {} ms", one, oneMs);
      assertFailure(one);
      assertTrue(
          oneMs <= BOUND_MS,
          "single step-down took " + oneMs + " ms > " + BOUND_MS + " ms: " + one);
      assertEquals(metrics.emitFailure(), 1, "emitFailure after one failed step-down: " + metrics);
      assertEquals(metrics.emitSuccess(), 0, metrics.toString());

      // A second single call, with the producer already created: the same bound.
      t0 = System.nanoTime();
      EmitOutcome two =
          emitter.emitStepDown(StepDown.established("unreachable_v1", 1, 8, 0, "host-u"));
      long twoMs = millisSince(t0);
      LOG.info("closed port, second step-down: {} in {} ms", two, twoMs);
      assertFailure(two);
      assertTrue(
          twoMs <= BOUND_MS,
          "second step-down took " + twoMs + " ms > " + BOUND_MS + " ms: " + two);

      // 1000 step-downs over four topics: one shared deadline.
      List<StepDown> batch = new ArrayList<>();
      for (int i = 0; i < BATCH; i++) {
        batch.add(StepDown.established("unreachable_v" + (2 + i % 4), i / 4, 100 + i, 0, "host-u"));
      }
      t0 = System.nanoTime();
      List<EmitOutcome> outcomes = emitter.emitStepDowns(batch);
      long batchMs = millisSince(t0);
      Map<EmitStatus, Long> counts = FaultSupport.countByStatus(outcomes);
      LOG.info("closed port, batch of {}: {} in {} ms", BATCH, counts, batchMs);
      assertEquals(outcomes.size(), BATCH);
      for (int i = 0; i < BATCH; i++) {
        EmitOutcome o = outcomes.get(i);
        assertEquals(o.stepDown(), batch.get(i), "outcome " + i + " answers its own step-down");
        assertFailure(o);
      }
      assertTrue(
          batchMs <= BOUND_MS,
          "batch of " + BATCH + " took " + batchMs + " ms > " + BOUND_MS + " ms: " + counts);
      assertEquals(metrics.emitFailure(), 2 + BATCH, metrics.toString());
      assertEquals(metrics.emitSuccess(), 0, metrics.toString());
    } finally {
      long t0 = System.nanoTime();
      emitter.close();
      LOG.info("closed port: close() took {} ms", millisSince(t0));
    }
    List<String> leaked = FaultSupport.leakedThreads(before, 5_000);
    assertTrue(leaked.isEmpty(), "threads left alive 5 s after close(): " + leaked);

    EmitOutcome afterClose =
        emitter.emitStepDown(StepDown.established("unreachable_v1", 0, 9, 0, "host-u"));
    assertEquals(afterClose.status(), EmitStatus.FAILED, afterClose.toString());
    assertTrue(afterClose.cause() instanceof IllegalStateException, afterClose.toString());
    assertTrue(
        FaultSupport.leakedThreads(before, 0).isEmpty(), "an emit after close() started a thread");
  }

  @DataProvider
  public Object[][] recoveryStrategies() {
    // Kafka 4 clients "rebootstrap" by default when no known broker is reachable, which throws away
    // the cached topic metadata: a send then waits for metadata (max.block.ms). With "none" the
    // metadata stays cached, the stamps go into the producer's buffer and the ack wait times out.
    return new Object[][] {{"rebootstrap"}, {"none"}};
  }

  /**
   * The broker the emitter has written to is stopped: the same bounds; once the broker is back no
   * failed stamp lands beyond the delivery bound, and the emitter recovers.
   */
  @Test(dataProvider = "recoveryStrategies")
  public void stoppedBrokerAfterAWriteGivesFailureWithinAckTimeout(String recovery)
      throws Exception {
    String topic = "stopped_" + recovery;
    int partitions = 8;
    kafka.createTopic(topic, partitions, 1, Map.of("message.timestamp.type", "LogAppendTime"));
    Set<Thread> before = FaultSupport.emitterThreads();
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    Properties props = FaultSupport.emitterProps(kafka.bootstrapServers(), ACK_TIMEOUT_MS);
    props.setProperty(HandoffSettings.KAFKA_PREFIX + "metadata.recovery.strategy", recovery);
    KafkaStampEmitter emitter = FaultSupport.emitter(props, metrics);
    long deliveryBoundMs = FaultSupport.deliveryBoundMs(emitter);
    List<EmitOutcome> all = new ArrayList<>();
    try {
      EmitOutcome warm = emitter.emitStepDown(StepDown.established(topic, 0, 1, 0, "host-s"));
      all.add(warm);
      assertEquals(warm.status(), EmitStatus.ACKED, "warm-up stamp with the broker up: " + warm);

      kafka.stopBroker(0);
      try {
        long t0 = System.nanoTime();
        EmitOutcome one = emitter.emitStepDown(StepDown.established(topic, 1, 2, 0, "host-s"));
        long oneMs = millisSince(t0);
        all.add(one);
        LOG.info("stopped broker ({}), single step-down: {} in {} ms", recovery, one, oneMs);
        assertFailure(one);
        assertTrue(
            oneMs <= BOUND_MS,
            "single step-down took " + oneMs + " ms > " + BOUND_MS + " ms: " + one);
        assertEquals(metrics.emitFailure(), 1, metrics.toString());
        if (recovery.equals("none")) {
          assertFalse(
              String.valueOf(one.cause()).contains("not present in metadata"),
              "this variant must exercise the cached-metadata path (stamp buffered, ack wait times out): "
                  + one);
        }

        List<StepDown> batch = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
          batch.add(StepDown.established(topic, i % partitions, 1_000 + i, 0, "host-s"));
        }
        t0 = System.nanoTime();
        List<EmitOutcome> outcomes = emitter.emitStepDowns(batch);
        long batchMs = millisSince(t0);
        all.addAll(outcomes);
        Map<EmitStatus, Long> counts = FaultSupport.countByStatus(outcomes);
        LOG.info(
            "stopped broker ({}), batch of {}: {} in {} ms; first: {}",
            recovery,
            BATCH,
            counts,
            batchMs,
            outcomes.get(0));
        assertEquals(outcomes.size(), BATCH);
        for (int i = 0; i < BATCH; i++) {
          assertEquals(
              outcomes.get(i).stepDown(),
              batch.get(i),
              "outcome " + i + " answers its own step-down");
          assertFailure(outcomes.get(i));
        }
        assertTrue(
            batchMs <= BOUND_MS,
            "batch of " + BATCH + " took " + batchMs + " ms > " + BOUND_MS + " ms: " + counts);
        assertEquals(metrics.emitFailure(), 1 + BATCH, metrics.toString());
        assertEquals(metrics.emitSuccess(), 1, metrics.toString());
      } finally {
        // Bring the broker back with the emitter still open, so that a stamp still held by the
        // producer would be delivered now, late, and be caught below.
        long restartAt = System.nanoTime();
        kafka.startBroker(0);
        LOG.info("stopped broker ({}): restarted in {} ms", recovery, millisSince(restartAt));
      }

      // The emitter recovers: a new stamp is acked within a few attempts.
      EmitOutcome recovered = null;
      long recoverStart = System.nanoTime();
      for (long term = 5_000; millisSince(recoverStart) < 15_000; term++) {
        recovered = emitter.emitStepDown(StepDown.established(topic, 2, term, 0, "host-s"));
        all.add(recovered);
        if (recovered.isAcked()) {
          break;
        }
      }
      LOG.info(
          "stopped broker ({}): {} ms after the restart: {}",
          recovery,
          millisSince(recoverStart),
          recovered);
      assertTrue(
          recovered != null && recovered.isAcked(),
          "no stamp acked within 15 s of the restart: " + recovered);
      Thread.sleep(deliveryBoundMs + 500);
    } finally {
      emitter.close();
    }
    List<String> leaked = FaultSupport.leakedThreads(before, 5_000);
    assertTrue(leaked.isEmpty(), "threads left alive 5 s after close(): " + leaked);

    List<FaultSupport.Landed> landed =
        FaultSupport.readAll(kafka.bootstrapServers(), topic, partitions);
    FaultSupport.LandingStats stats = FaultSupport.checkLanded(all, landed, deliveryBoundMs, 250);
    LOG.info("stopped broker ({}): {} record(s) on the topic; {}", recovery, landed.size(), stats);
    // The broker was down for longer than the delivery bound after every failed stamp of the
    // stopped phase was sent, so none of them may be on the topic.
    for (FaultSupport.Landed l : landed) {
      assertFalse(
          l.term() == 2 || (l.term() >= 1_000 && l.term() < 1_000 + BATCH),
          "a stamp emitted while the broker was down landed after it came back: " + l);
    }
  }
}
