package io.handoff.stamp.fault;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.StepDown;
import io.handoff.stamp.KafkaStampEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * A broker stalls in the middle of a mass step-down, for longer than the host producer's request
 * timeout: a proxy in front of it lets the first produce response of the step-down through and then
 * forwards nothing, either way, for {@value #STALL_MS} ms, so the client times its requests out and
 * reconnects into the same stall. The stamps travel on the host's producer, the stamp strategy's
 * first choice.
 *
 * <ul>
 *   <li>The demotion ({@code emitStepDowns}) returns within the ack timeout plus {@value #SLACK_MS}
 *       ms, the slack the other fault tests allow (a hand-off between threads on a loaded machine).
 *   <li>Every stamp reported ACKED is in the log, at its offset (read back past the proxy).
 *   <li>Every step-down while the host producer recovers is bounded the same way; it recovers (a
 *       mass step-down acknowledged in full) within {@value #RECOVERY_LIMIT_MS} ms of the stall's
 *       end, and the next mass step-down is acknowledged in full.
 * </ul>
 */
public class SlowBrokerSoakIT {

  private static final Logger LOG = LoggerFactory.getLogger(SlowBrokerSoakIT.class);

  private static final int TOPICS = 10;
  private static final int PARTITIONS = 50;
  private static final long ACK_TIMEOUT_MS = 1_000;
  private static final long SLACK_MS = 500;
  private static final long REQUEST_TIMEOUT_MS = 1_500;
  private static final long DELIVERY_TIMEOUT_MS = 3_000;
  private static final long STALL_MS = 4_000;

  /** How long the host producer may take to write every partition again after the stall. */
  private static final long RECOVERY_LIMIT_MS = 60_000;

  /** Broker and client share this JVM's clock; the margin covers the broker's own processing. */
  private static final long CLOCK_MARGIN_MS = 250;

  private EmbeddedKafkaCluster kafka;
  private StallingProxy proxy;

  @BeforeClass
  public void start() throws Exception {
    kafka = EmbeddedKafkaCluster.builder().brokers(1).start();
    for (int t = 0; t < TOPICS; t++) {
      kafka.createTopic(topic(t), PARTITIONS, 1, Map.of("message.timestamp.type", "LogAppendTime"));
    }
    String direct = kafka.bootstrapServers();
    proxy = new StallingProxy(Integer.parseInt(direct.substring(direct.lastIndexOf(':') + 1)));
  }

  @AfterClass(alwaysRun = true)
  public void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static String topic(int t) {
    return "soak" + t + "_v1";
  }

  /** The host's data producer, through the proxy, with short timeouts so the test stays short. */
  private Producer<byte[], byte[]> hostProducer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, proxy.bootstrap());
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(REQUEST_TIMEOUT_MS));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(DELIVERY_TIMEOUT_MS));
    // Small requests, so that a mass step-down is several of them and the stall falls among them.
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "16384");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static List<StepDown> massStepDown(long term) {
    List<StepDown> all = new ArrayList<>();
    for (int t = 0; t < TOPICS; t++) {
      for (int p = 0; p < PARTITIONS; p++) {
        all.add(StepDown.established(topic(t), p, term, 0, "host-s"));
      }
    }
    return all;
  }

  private static long timed(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return FaultSupport.millisSince(t0);
  }

  @Test
  public void aStallBoundsTheDemotionLosesNoAckAndLeavesNoTrace() throws Exception {
    Properties props = new Properties();
    props.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    props.setProperty(HandoffSettings.ACK_TIMEOUT_MS, Long.toString(ACK_TIMEOUT_MS));
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    List<List<EmitOutcome>> rounds = new ArrayList<>();
    try (Producer<byte[], byte[]> host = hostProducer();
        KafkaStampEmitter emitter =
            KafkaStampEmitter.onHostProducer(HandoffSettings.from(props), metrics, host)) {
      // Warm: the metadata of every topic known and the connection up, as on a server that has
      // been leading these partitions; a cold producer first waits for the metadata.
      List<EmitOutcome> warm = List.of();
      long warmStart = System.nanoTime();
      for (long term = 1;
          count(warm, EmitStatus.ACKED) < TOPICS * PARTITIONS
              && FaultSupport.millisSince(warmStart) < 30_000;
          term++) {
        warm = emitter.emitStepDowns(massStepDown(term));
        rounds.add(warm);
      }
      assertEquals(count(warm, EmitStatus.ACKED), TOPICS * PARTITIONS, "warm-up: " + counts(warm));

      proxy.stallAfterProduceResponses(1, STALL_MS);
      List<EmitOutcome> stalled = new ArrayList<>();
      long took = timed(() -> stalled.addAll(emitter.emitStepDowns(massStepDown(1_000))));
      rounds.add(stalled);
      LOG.info("stalled mass step-down: {} ms, {}", took, counts(stalled));
      assertTrue(proxy.stalledAtNanos() != 0, "the broker never stalled: the scenario was not run");
      assertTrue(
          count(stalled, EmitStatus.ACKED) < stalled.size(),
          "every stamp was acked before the stall: the stall missed the step-down: "
              + counts(stalled));
      assertTrue(
          took <= ACK_TIMEOUT_MS + SLACK_MS,
          "the demotion took " + took + " ms with the broker stalled: " + counts(stalled));

      // The broker is back once the stall is over; the host producer is back once its stalled
      // batches have expired and it has settled their sequences with the broker. Until then a
      // step-down may time out (bounded all the same); the first one acked in full marks recovery.
      long sinceStall = FaultSupport.millisSince(proxy.stalledAtNanos());
      Thread.sleep(Math.max(0, STALL_MS - sinceStall));
      long resumed = System.nanoTime();
      List<EmitOutcome> recovering = List.of();
      int attempts = 0;
      long term = 2_000;
      while (count(recovering, EmitStatus.ACKED) < TOPICS * PARTITIONS
          && FaultSupport.millisSince(resumed) < RECOVERY_LIMIT_MS) {
        List<EmitOutcome> round = new ArrayList<>();
        List<StepDown> downs = massStepDown(term++);
        long t = timed(() -> round.addAll(emitter.emitStepDowns(downs)));
        assertTrue(
            t <= ACK_TIMEOUT_MS + SLACK_MS, "a step-down while recovering took " + t + " ms");
        recovering = round;
        rounds.add(round);
        attempts++;
        LOG.info("{} ms after the stall: {}", FaultSupport.millisSince(resumed), counts(round));
      }
      assertEquals(
          count(recovering, EmitStatus.ACKED),
          TOPICS * PARTITIONS,
          "not recovered " + RECOVERY_LIMIT_MS + " ms after the stall: " + counts(recovering));
      LOG.info(
          "recovered {} ms after the stall ended, after {} step-down(s)",
          FaultSupport.millisSince(resumed),
          attempts);
      List<EmitOutcome> after = new ArrayList<>();
      long tookAfter = timed(() -> after.addAll(emitter.emitStepDowns(massStepDown(9_000))));
      rounds.add(after);
      LOG.info("the next mass step-down: {} ms, {}", tookAfter, counts(after));
      assertEquals(
          count(after, EmitStatus.ACKED),
          TOPICS * PARTITIONS,
          "the mass step-down after recovery: " + counts(after));
    }

    // Read back past the proxy: every ACKED stamp is in the log at its offset, nothing is there
    // twice, and nothing is there that was not emitted. A stamp the stall kept from its ack may be
    // in the log anyway (rule E4), as late as the broker read its request: after the stall.
    int ackedInLog = 0;
    int failedInLog = 0;
    long latestMs = Long.MIN_VALUE;
    for (int t = 0; t < TOPICS; t++) {
      String topic = topic(t);
      List<EmitOutcome> ofTopic = new ArrayList<>();
      for (List<EmitOutcome> round : rounds) {
        round.stream().filter(o -> o.stepDown().versionTopic().equals(topic)).forEach(ofTopic::add);
      }
      FaultSupport.LandingStats stats =
          FaultSupport.checkLanded(
              ofTopic,
              FaultSupport.readAll(kafka.bootstrapServers(), topic, PARTITIONS),
              STALL_MS + REQUEST_TIMEOUT_MS,
              CLOCK_MARGIN_MS);
      ackedInLog += stats.acked();
      failedInLog += stats.failedButPresent();
      latestMs = Math.max(latestMs, stats.maxFailedLateMs());
    }
    LOG.info(
        "read back: {} acked stamps all in the log at their offsets; {} unacknowledged ones in the"
            + " log too, appended at most {} ms after their send",
        ackedInLog,
        failedInLog,
        latestMs);
    assertEquals(
        metrics.emitSuccess(), (long) ackedInLog, "the metrics count the acked stamps: " + metrics);
  }

  private static long count(List<EmitOutcome> outcomes, EmitStatus status) {
    return FaultSupport.countByStatus(outcomes).getOrDefault(status, 0L);
  }

  private static Map<EmitStatus, Long> counts(List<EmitOutcome> outcomes) {
    return FaultSupport.countByStatus(outcomes);
  }
}
