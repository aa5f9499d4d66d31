package io.handoff.host;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.EnvelopeSummary;
import io.handoff.codec.LeaderMetadata;
import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.Put;
import io.handoff.codec.RecordKeys;
import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.StepDown;
import io.handoff.stamp.KafkaStampEmitter;
import io.handoff.stamp.SendTracker;
import io.handoff.stamp.StampKeys;
import io.handoff.stamp.StampKind;
import io.handoff.stamp.Stamps;
import io.handoff.testsupport.PartitionReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * A stamp must land after every record its leader sent before stepping down (rule E2). Each trial
 * gives one partition to one "leader": it hands a burst of puts (its host name, no term) to its
 * data producer (Kafka's defaults but {@code linger.ms}) without waiting, then steps down.
 * Afterwards every partition is read from the start, and any put of the leader found after its
 * stamp is a violation: a new leader that read the stamp would have cut the wait with the old
 * leader's records still arriving.
 *
 * <p>The first release's wiring (the stamp on a producer of its own, sent at once) is reproduced
 * with a raw producer, since the library no longer lets anyone build it: it loses the race in most
 * trials. Both wirings the library allows, the stamp on the leader's own producer and the stamp on
 * the emitter's producer after a barrier over the leader's sends, must lose it in none, also when
 * the broker is restarted between the data and the stamp, with requests timing out mid-burst.
 */
public class StampOrderingIT {

  private static final String TOPIC = "ordering_v1";
  private static final long[] LINGERS_MS = {0, 5, 20};
  private static final int[] BURSTS = {200, 2_000};

  /** Trials per ordered wiring: 3 lingers x 2 bursts x 34. */
  private static final int TRIALS_PER_CASE = 34;

  /** Trials of the first release's wiring per linger and burst. */
  private static final int UNORDERED_TRIALS = 3;

  private static final int RESTART_TRIALS = 2;
  private static final int PARTITIONS =
      LINGERS_MS.length * BURSTS.length * (2 * TRIALS_PER_CASE + UNORDERED_TRIALS)
          + 2 * RESTART_TRIALS;

  private final Stamps codec = new Stamps();
  private EmbeddedKafkaCluster kafka;
  private int nextPartition;

  /** Partition -> the leader's host name that wrote it. */
  private final Map<Integer, String> leaders = new HashMap<>();

  enum Wiring {
    UNORDERED,
    HOST_PRODUCER,
    AFTER_HOST_WRITES
  }

  @BeforeClass
  public void start() {
    kafka = EmbeddedKafkaCluster.builder().start();
    kafka.createTopic(TOPIC, PARTITIONS);
  }

  @AfterClass(alwaysRun = true)
  public void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private HandoffSettings settings(long ackTimeoutMs) {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.ACK_TIMEOUT_MS, Long.toString(ackTimeoutMs));
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers());
    return HandoffSettings.from(p);
  }

  private KafkaProducer<byte[], byte[]> dataProducer(long lingerMs, long requestTimeoutMs) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(lingerMs));
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(requestTimeoutMs));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A leader's producer, and the emitter a wiring builds on it. */
  private final class Leader implements AutoCloseable {
    final Wiring wiring;
    final KafkaProducer<byte[], byte[]> producer;
    final SendTracker sends;
    final LeadershipHandoffEmitter emitter;
    final KafkaProducer<byte[], byte[]> unorderedStamps;

    Leader(Wiring wiring, long lingerMs, long requestTimeoutMs, long ackTimeoutMs) {
      this.wiring = wiring;
      this.producer = dataProducer(lingerMs, requestTimeoutMs);
      this.sends = new SendTracker(producer);
      this.emitter =
          switch (wiring) {
            case HOST_PRODUCER ->
                KafkaStampEmitter.onHostProducer(
                    settings(ackTimeoutMs), HandoffMetrics.NOOP, producer);
            case AFTER_HOST_WRITES ->
                KafkaStampEmitter.afterHostWrites(
                    settings(ackTimeoutMs), HandoffMetrics.NOOP, sends);
            case UNORDERED -> null;
          };
      this.unorderedStamps = wiring == Wiring.UNORDERED ? dataProducer(0, 30_000) : null;
    }

    /** One trial on a fresh partition: a burst handed over without waiting, then the step-down. */
    EmitStatus trial(int burst, Runnable betweenDataAndStamp) throws Exception {
      int partition = nextPartition++;
      String host = wiring + "-" + partition;
      leaders.put(partition, host);
      byte[] guid = new byte[16];
      guid[0] = (byte) partition;
      for (int i = 0; i < burst; i++) {
        byte[] key = RecordKeys.dataKey(("k" + i).getBytes(StandardCharsets.UTF_8));
        byte[] value =
            EnvelopeCodec.encode(
                Envelope.of(
                    ProducerMetadata.of(guid, 1, i, System.currentTimeMillis()),
                    Put.of(new byte[64], 1),
                    LeaderMetadata.of(host, -1)));
        sends.send(new ProducerRecord<>(TOPIC, partition, key, value), null);
      }
      betweenDataAndStamp.run();
      if (wiring == Wiring.UNORDERED) {
        byte[] stamp =
            codec.encode(
                StampKind.STEP_DOWN, 1_000 + partition, 0, host, System.currentTimeMillis());
        RecordHeaders headers = new RecordHeaders();
        headers.add(EnvelopeCodec.VTP_HEADER, EnvelopeCodec.vtpHeaderValue());
        unorderedStamps
            .send(
                new ProducerRecord<>(
                    TOPIC, partition, null, StampKind.STEP_DOWN.key(), stamp, headers))
            .get(30, TimeUnit.SECONDS);
        producer.flush();
        return EmitStatus.ACKED;
      }
      EmitOutcome o =
          emitter.emitStepDown(StepDown.established(TOPIC, partition, 1_000 + partition, 0, host));
      producer.flush(); // so that a put that could land after the stamp has landed before the check
      return o.status();
    }

    @Override
    public void close() {
      if (emitter != null) {
        emitter.close();
      }
      producer.close(Duration.ofSeconds(10));
      if (unorderedStamps != null) {
        unorderedStamps.close(Duration.ofSeconds(10));
      }
    }
  }

  @Test
  public void theFirstReleasesWiringLetsDataLandAfterTheStamp() throws Exception {
    long lost = 0;
    for (long linger : LINGERS_MS) {
      try (Leader leader = new Leader(Wiring.UNORDERED, linger, 30_000, 10_000)) {
        for (int burst : BURSTS) {
          List<Integer> partitions = new ArrayList<>();
          for (int t = 0; t < UNORDERED_TRIALS; t++) {
            partitions.add(nextPartition);
            leader.trial(burst, () -> {});
          }
          Map<Integer, Integer> after = putsAfterStamp(partitions);
          long racesLost = after.values().stream().filter(n -> n > 0).count();
          lost += racesLost;
          System.out.printf(
              "StampOrderingIT: unordered wiring, linger %d ms, bursts of %,d: %d of %d trials had puts"
                  + " after the stamp (%d puts in all)%n",
              linger,
              burst,
              racesLost,
              after.size(),
              after.values().stream().mapToInt(n -> n).sum());
        }
      }
    }
    assertTrue(lost > 0, "the unordered wiring should let the leader's puts land after its stamp");
  }

  @Test
  public void onTheHostProducerNothingLandsAfterTheStamp() throws Exception {
    assertOrdered(Wiring.HOST_PRODUCER);
  }

  @Test
  public void afterTheHostsWritesNothingLandsAfterTheStamp() throws Exception {
    assertOrdered(Wiring.AFTER_HOST_WRITES);
  }

  private void assertOrdered(Wiring wiring) throws Exception {
    List<Integer> partitions = new ArrayList<>();
    int acked = 0;
    for (long linger : LINGERS_MS) {
      try (Leader leader = new Leader(wiring, linger, 30_000, 10_000)) {
        for (int burst : BURSTS) {
          for (int t = 0; t < TRIALS_PER_CASE; t++) {
            partitions.add(nextPartition);
            if (leader.trial(burst, () -> {}) == EmitStatus.ACKED) {
              acked++;
            }
          }
        }
      }
    }
    Map<Integer, Integer> after = putsAfterStamp(partitions);
    assertEquals(after.size(), partitions.size(), "every trial's stamp is on its partition");
    after.forEach(
        (p, n) ->
            assertEquals(
                (int) n, 0, wiring + ": puts of the leader after its stamp on partition " + p));
    assertEquals(
        acked, partitions.size(), wiring + ": with a 10 s ack timeout every stamp is acknowledged");
    System.out.printf(
        "StampOrderingIT: %s: %d trials (lingers 0/5/20 ms, bursts of 200 and 2,000), 0 puts after"
            + " the stamp%n",
        wiring, partitions.size());
  }

  /**
   * The broker restarts between the data and the stamp, with the data producer's requests timing
   * out while it is away: the producer retries, the stamp waits behind the data (or for the
   * barrier), and still nothing of the leader lands after its stamp.
   */
  @Test(
      dependsOnMethods = {
        "onTheHostProducerNothingLandsAfterTheStamp",
        "afterTheHostsWritesNothingLandsAfterTheStamp",
        "theFirstReleasesWiringLetsDataLandAfterTheStamp"
      })
  public void aBrokerRestartBetweenDataAndStampKeepsTheOrder() throws Exception {
    List<Integer> partitions = new ArrayList<>();
    Map<Integer, EmitStatus> statuses = new HashMap<>();
    for (Wiring wiring : new Wiring[] {Wiring.HOST_PRODUCER, Wiring.AFTER_HOST_WRITES}) {
      try (Leader leader = new Leader(wiring, 5, 1_500, 30_000)) {
        for (int t = 0; t < RESTART_TRIALS; t++) {
          int partition = nextPartition;
          partitions.add(partition);
          statuses.put(
              partition,
              leader.trial(
                  2_000,
                  () -> {
                    kafka.stopBroker(0);
                    kafka.startBroker(0);
                  }));
        }
      }
    }
    Map<Integer, Integer> after = putsAfterStamp(partitions);
    after.forEach(
        (p, n) ->
            assertEquals(
                (int) n,
                0,
                "puts of the leader after its stamp on partition "
                    + p
                    + " (stamp "
                    + statuses.get(p)
                    + ")"));
    assertEquals(
        after.size(),
        partitions.size(),
        "every stamp landed once the broker was back: " + statuses);
    System.out.printf(
        "StampOrderingIT: broker restarted between data and stamp: %d trials, stamps %s, 0 puts after"
            + " the stamp%n",
        partitions.size(), statuses.values());
  }

  /** For each partition that holds a stamp: how many puts of its leader lie after the stamp. */
  private Map<Integer, Integer> putsAfterStamp(List<Integer> partitions) {
    Map<Integer, Integer> after = new HashMap<>();
    Map<Integer, Boolean> stampSeen = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r :
        PartitionReader.read(kafka.bootstrapServers(), TOPIC, partitions)) {
      String leader = leaders.get(r.partition());
      if (StampKeys.isStepDownKey(r.key())) {
        stampSeen.put(r.partition(), true);
        after.putIfAbsent(r.partition(), 0);
        continue;
      }
      EnvelopeSummary e = EnvelopeCodec.summarize(r.value());
      if (stampSeen.getOrDefault(r.partition(), false) && leader.equals(e.writerId())) {
        after.merge(r.partition(), 1, Integer::sum);
      }
    }
    return after;
  }
}
