package io.handoff.stamp.fault;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.StepDown;
import io.handoff.stamp.KafkaStampEmitter;
import io.handoff.stamp.StampProducerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Three brokers, replication factor 3, min.insync.replicas 2, acks=all forced on the emitter's own
 * producer (stamping after a write barrier that is always complete: no data is written here): one
 * broker stopped during a batch of 500 costs no acknowledged stamp; with two stopped, no stamp may
 * be acknowledged at all.
 */
public class ThreeBrokerClusterIT {

  private static final Logger LOG = LoggerFactory.getLogger(ThreeBrokerClusterIT.class);

  private static final String TOPIC = "three_v1";
  private static final int PARTITIONS = 500;
  private static final String ISR_TOPIC = "three_isr_v1";
  private static final int ISR_PARTITIONS = 6;
  private static final long ACK_TIMEOUT_MS = 10_000;
  private static final long CLOCK_MARGIN_MS = 250;

  /** The broker stopped during the batch; broker 0 is never stopped. */
  private static final int FIRST_VICTIM = 1;

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startKafka() {
    long t0 = System.nanoTime();
    kafka =
        EmbeddedKafkaCluster.builder()
            .brokers(3)
            .brokerProperty("min.insync.replicas", "2")
            .start();
    Map<String, String> configs =
        Map.of("message.timestamp.type", "LogAppendTime", "min.insync.replicas", "2");
    kafka.createTopic(TOPIC, PARTITIONS, 3, configs);
    kafka.createTopic(ISR_TOPIC, ISR_PARTITIONS, 3, configs);
    LOG.info(
        "3 brokers up and {} + {} partitions (rf 3) created in {} ms",
        PARTITIONS,
        ISR_PARTITIONS,
        FaultSupport.millisSince(t0));
  }

  @AfterClass(alwaysRun = true)
  public void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test(priority = 1)
  public void oneBrokerStoppedDuringABatchLosesNoAckedStamp() throws Exception {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    KafkaStampEmitter emitter =
        FaultSupport.emitter(
            FaultSupport.emitterProps(kafka.bootstrapServers(), ACK_TIMEOUT_MS), metrics);
    List<StepDown> batch = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      batch.add(StepDown.established(TOPIC, p, 10_000 + p, 0, "host-3"));
    }
    List<EmitOutcome> baseline;
    long baselineMs;
    List<EmitOutcome> outcomes;
    long took;
    long stopMs;
    int ledByVictim;
    try {
      emitter.prepare(TOPIC); // what a host does on becoming leader: metadata in hand
      // Baseline: the same batch shape with all brokers up, for comparison of the timing.
      List<StepDown> first = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        first.add(StepDown.established(TOPIC, p, 5_000 + p, 0, "host-3"));
      }
      long b0 = System.nanoTime();
      baseline = emitter.emitStepDowns(first);
      baselineMs = FaultSupport.millisSince(b0);
      assertEquals(
          FaultSupport.countByStatus(baseline),
          Map.of(EmitStatus.ACKED, (long) PARTITIONS),
          "baseline batch with every broker up");
      ledByVictim = partitionsLedBy(FIRST_VICTIM);
      assertTrue(
          ledByVictim > 0,
          "broker " + FIRST_VICTIM + " leads none of the partitions: the stop would prove little");
      AtomicReference<List<EmitOutcome>> result = new AtomicReference<>();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      long[] callMs = new long[1];
      CountDownLatch calling = new CountDownLatch(1);
      Thread caller =
          new Thread(
              () -> {
                calling.countDown();
                long t0 = System.nanoTime();
                try {
                  result.set(emitter.emitStepDowns(batch));
                } catch (Throwable t) {
                  thrown.set(t);
                }
                callMs[0] = FaultSupport.millisSince(t0);
              },
              "three-broker-caller");
      caller.start();
      calling.await();
      long stopStart = System.nanoTime();
      kafka.stopBroker(FIRST_VICTIM);
      stopMs = FaultSupport.millisSince(stopStart);
      caller.join(ACK_TIMEOUT_MS + 20_000);
      assertFalse(caller.isAlive(), "emitStepDowns did not return within the ack timeout + 20 s");
      assertEquals(thrown.get(), null, "emitStepDowns threw");
      outcomes = result.get();
      took = callMs[0];
    } finally {
      emitter.close();
    }
    assertNotNull(outcomes);
    assertEquals(outcomes.size(), PARTITIONS, "one outcome per step-down");
    for (int i = 0; i < PARTITIONS; i++) {
      EmitOutcome o = outcomes.get(i);
      assertNotNull(o, "outcome " + i);
      assertEquals(
          o.stepDown(), batch.get(i), "outcome " + i + " answers its own step-down, in order");
      assertTrue(
          o.isAcked() || o.status() == EmitStatus.TIMED_OUT || o.status() == EmitStatus.FAILED,
          "ACKED or a failure, got " + o);
    }
    Map<EmitStatus, Long> counts = FaultSupport.countByStatus(outcomes);
    LOG.info(
        "3 brokers, broker {} (leader of {} partitions) stopped (in {} ms) during a batch of {}: {} after {} ms"
            + " (the same batch with every broker up: {} ms)",
        FIRST_VICTIM,
        ledByVictim,
        stopMs,
        PARTITIONS,
        counts,
        took,
        baselineMs);
    outcomes.stream().filter(o -> !o.isAcked()).limit(3).forEach(o -> LOG.info("not acked: {}", o));
    assertTrue(took <= ACK_TIMEOUT_MS + 500, "emitStepDowns took " + took + " ms: " + counts);
    // The baseline's 500 successes plus this batch's outcomes.
    assertEquals(
        metrics.emitSuccess(),
        PARTITIONS + counts.getOrDefault(EmitStatus.ACKED, 0L),
        metrics.toString());
    assertEquals(
        metrics.emitSuccess() + metrics.emitFailure(), 2L * PARTITIONS, metrics.toString());

    // Read back from the two survivors only.
    String survivors = kafka.bootstrapServers();
    assertEquals(survivors.split(",").length, 2, survivors);
    List<FaultSupport.Landed> landed = FaultSupport.readAll(survivors, TOPIC, PARTITIONS);
    List<EmitOutcome> both = new ArrayList<>(baseline);
    both.addAll(outcomes);
    FaultSupport.LandingStats stats =
        FaultSupport.checkLanded(
            both, landed, StampProducerConfig.deliveryBoundMs(ACK_TIMEOUT_MS), CLOCK_MARGIN_MS);
    LOG.info("3 brokers, read from the survivors {}: {}", survivors, stats);
  }

  private int partitionsLedBy(int broker) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      TopicDescription d =
          admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
      int n = 0;
      for (TopicPartitionInfo info : d.partitions()) {
        if (info.leader() != null && info.leader().id() == broker) {
          n++;
        }
      }
      return n;
    }
  }

  /**
   * With only one of three replicas left, min.insync.replicas=2 and acks=all make every write fail;
   * a configured acks=1 must not weaken that (the emitter forces acks=all).
   */
  @Test(priority = 2)
  public void belowMinInsyncReplicasNothingIsAcked() throws Exception {
    for (int b = 1; b < kafka.brokerCount(); b++) {
      if (kafka.isBrokerRunning(b)) {
        kafka.stopBroker(b);
      }
    }
    long ack = 1_500;
    Properties props = FaultSupport.emitterProps(kafka.bootstrapServers(), ack);
    props.setProperty(HandoffSettings.KAFKA_PREFIX + "acks", "1");
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    List<StepDown> batch = new ArrayList<>();
    for (int p = 0; p < ISR_PARTITIONS; p++) {
      batch.add(StepDown.established(ISR_TOPIC, p, 20_000 + p, 0, "host-isr"));
    }
    List<EmitOutcome> outcomes;
    long took;
    try (KafkaStampEmitter emitter = FaultSupport.emitter(props, metrics)) {
      emitter.prepare(ISR_TOPIC);
      long t0 = System.nanoTime();
      outcomes = emitter.emitStepDowns(batch);
      took = FaultSupport.millisSince(t0);
      // Long enough for a stamp the producer still held to land, had acks=1 been let through.
      Thread.sleep(FaultSupport.deliveryBoundMs(emitter) + 500);
    }
    LOG.info(
        "3 brokers, 2 stopped, acks=1 configured: {} after {} ms; e.g. {}",
        FaultSupport.countByStatus(outcomes),
        took,
        outcomes.get(0));
    assertEquals(outcomes.size(), ISR_PARTITIONS);
    for (EmitOutcome o : outcomes) {
      assertTrue(
          o.status() == EmitStatus.TIMED_OUT || o.status() == EmitStatus.FAILED,
          "below min.insync.replicas no stamp may be acknowledged: " + o);
    }
    assertTrue(took <= ack + 500, "emitStepDowns took " + took + " ms");
    assertEquals(metrics.emitFailure(), ISR_PARTITIONS, metrics.toString());
    List<FaultSupport.Landed> landed =
        FaultSupport.readAll(kafka.bootstrapServers(), ISR_TOPIC, ISR_PARTITIONS);
    assertTrue(
        landed.isEmpty(), "the leader rejected every stamp, none may be on the topic: " + landed);
  }
}
