package io.handoff.stamp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import io.handoff.codec.ControlMessage;
import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.StartOfSegment;
import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffEngine;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import io.handoff.spi.WriteBarrier;
import io.handoff.testsupport.PartitionReader;
import io.handoff.testsupport.SharedKafka;
import io.handoff.testsupport.ThreadLeakCheck;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The stamp as it lands on a real broker, read back with a real consumer, in both wirings: on the
 * host's own producer, and on the emitter's producer after the host's {@link WriteBarrier}. With
 * the host's data still in its producer's buffer when the leader steps down, the stamp lands after
 * every record of the leader (rule E2) on either wiring; with a barrier that does not know of the
 * data it lands before them, which shows that the ordering checks can fail. A failed host write
 * keeps the stamp out until the host clears it.
 */
public class KafkaStampEmitterBrokerTest {

  /** A barrier for topics the test writes no data to: no host write is ever outstanding. */
  private static final WriteBarrier NOTHING_WRITTEN =
      (topic, partition) -> CompletableFuture.completedFuture(null);

  /**
   * How long the host's producer holds its data before sending it: long enough that the leader's
   * last records are still in the buffer when it steps down, as with any batching producer under
   * load.
   */
  private static final long HOST_LINGER_MS = 3_000;

  private EmbeddedKafkaCluster kafka;
  private ThreadLeakCheck leaks;

  @BeforeClass
  public void startKafka() {
    kafka = SharedKafka.cluster();
    leaks = ThreadLeakCheck.snapshot();
  }

  @AfterClass(alwaysRun = true)
  public void noThreadLeftBehind() {
    if (leaks != null) {
      leaks.assertNoLeaks("after every test of the class closed its emitters");
    }
  }

  private Properties switchedOn() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers());
    return p;
  }

  private HandoffSettings settings(long ackTimeoutMs) {
    Properties p = switchedOn();
    p.setProperty(HandoffSettings.ACK_TIMEOUT_MS, Long.toString(ackTimeoutMs));
    return HandoffSettings.from(p);
  }

  /**
   * A producer as a host would write its data with: batching for {@code lingerMs}, idempotent by
   * default.
   */
  private KafkaProducer<byte[], byte[]> hostProducer(long lingerMs, Map<String, Object> extra) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(lingerMs));
    // One batch holds all of a test's data, so that nothing is sent before the linger has passed.
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(1 << 20));
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.CLIENT_ID_CONFIG, "broker-test-host");
    c.putAll(extra);
    return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static ProducerRecord<byte[], byte[]> data(String topic, int partition, int i) {
    return new ProducerRecord<>(
        topic,
        partition,
        ("data-" + i).getBytes(StandardCharsets.UTF_8),
        ("value-" + i).getBytes(StandardCharsets.UTF_8));
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions) {
    return PartitionReader.readAll(kafka.bootstrapServers(), topic, partitions);
  }

  /**
   * The keys of one partition's records in offset order: "data-i" for data, "STAMP" for a step-down
   * stamp.
   */
  private List<String> keysOf(String topic, int partitions, int partition) {
    List<String> keys = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(topic, partitions)) {
      if (r.partition() == partition) {
        keys.add(
            StampKeys.isStepDownKey(r.key())
                ? "STAMP"
                : new String(r.key(), StandardCharsets.UTF_8));
      }
    }
    return keys;
  }

  private static List<String> dataKeys(int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add("data-" + i);
    }
    return keys;
  }

  @Test
  public void stampLandsWithKeyHeaderAndEveryField() {
    kafka.createTopic("store_v1", 3);
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    long before = System.currentTimeMillis();
    EmitOutcome o;
    // Through the entry point a host uses, lending a barrier: the emitter stamps on its own
    // producer.
    try (LeadershipHandoffEmitter emitter =
        LeadershipHandoffs.emitter(
            switchedOn(), metrics, HostResources.of(WriteBarrier.class, NOTHING_WRITTEN))) {
      LeadershipHandoffEmitter strategy = HandoffEngine.strategyOf(emitter);
      assertTrue(strategy instanceof KafkaStampEmitter, strategy.getClass().getName());
      assertTrue(
          ((KafkaStampEmitter) strategy).deliveryBound().isPresent(), "own producer: " + emitter);
      o =
          emitter.emitStepDown(
              StepDown.established("store_v1", 1, 1_764_000_000_001L, 3, "host-a.example:1234"));
    }
    long after = System.currentTimeMillis();
    assertEquals(o.status(), EmitStatus.ACKED, o.toString());
    assertEquals(metrics.emitSuccess(), 1);

    List<ConsumerRecord<byte[], byte[]>> records = readAll("store_v1", 3);
    assertEquals(records.size(), 1, "exactly one record on the topic");
    ConsumerRecord<byte[], byte[]> r = records.get(0);
    assertEquals(r.partition(), 1);
    assertEquals(r.offset(), o.offset());
    assertEquals(r.key(), StampKeys.stepDownKey());

    Header vtp = r.headers().lastHeader("vtp");
    assertNotNull(vtp, "every stamp carries the vtp header");
    Schema headerSchema =
        new Schema.Parser().parse(new String(vtp.value(), StandardCharsets.UTF_8));
    assertEquals(
        headerSchema,
        new Schema.Parser()
            .parse(new String(EnvelopeCodec.vtpHeaderValue(), StandardCharsets.UTF_8)),
        "vtp carries the writer's envelope schema");

    assertEquals(r.value()[0], (byte) 23, "magic byte");
    assertEquals(r.value()[1], (byte) 14, "protocol version");
    Envelope e = EnvelopeCodec.decode(r.value());
    assertEquals(e.messageType(), 2);
    assertEquals(e.producerMetadata().producerGuid(), StampKind.STEP_DOWN.guid());
    assertEquals(e.producerMetadata().segmentNumber(), 0);
    assertEquals(e.producerMetadata().messageSequenceNumber(), 0);
    assertTrue(
        e.producerMetadata().messageTimestamp() >= before
            && e.producerMetadata().messageTimestamp() <= after,
        "wall clock at send time");
    assertEquals(e.producerMetadata().logicalTimestamp(), -1);
    assertEquals(((ControlMessage) e.payload()).controlMessageType(), 2);
    assertTrue(((ControlMessage) e.payload()).debugInfo().isEmpty());
    assertEquals(((StartOfSegment) ((ControlMessage) e.payload()).body()).checksumType(), 0);
    assertTrue(
        ((StartOfSegment) ((ControlMessage) e.payload()).body()).upcomingAggregates().isEmpty());
    assertTrue(e.hasLeaderMetadata());
    assertEquals(e.writerId(), "host-a.example:1234");
    assertEquals(e.leaderMetadata().upstreamOffset(), -1);
    assertEquals(e.leaderMetadata().upstreamKafkaClusterId(), 3);
    assertEquals(e.leaderMetadata().upstreamPubSubPosition(), new byte[] {0x22, 0x01, 0x03, 0x00});
    assertEquals(e.leaderMetadata().termId(), 1_764_000_000_001L);
    assertEquals(e.leaderMetadata().upstreamMessageTimestamp(), -1);
  }

  @Test
  public void twoHundredPartitionsGetExactlyOneStampEachOnTheHostsProducer() throws Exception {
    kafka.createTopic("store_v2", 200);
    List<StepDown> batch = new ArrayList<>();
    for (int p = 0; p < 200; p++) {
      batch.add(StepDown.established("store_v2", p, 1_000 + p, 0, "host-b"));
    }
    Properties props = switchedOn();
    props.setProperty(HandoffSettings.ACK_TIMEOUT_MS, "10000");
    List<EmitOutcome> outcomes;
    try (KafkaProducer<byte[], byte[]> host = hostProducer(0, Map.of())) {
      // The host lends its producer: the stamps travel on it, and it stays open for the host.
      try (LeadershipHandoffEmitter emitter =
          LeadershipHandoffs.emitter(
              props, HandoffMetrics.NOOP, HostResources.of(Producer.class, host))) {
        assertEquals(
            ((KafkaStampEmitter) HandoffEngine.strategyOf(emitter)).deliveryBound(),
            Optional.empty(),
            "on the host's producer, its delivery.timeout.ms decides: " + emitter);
        outcomes = emitter.emitStepDowns(batch);
      }
      // The emitter borrowed the producer: closing the emitter leaves it open for the host.
      host.send(data("store_v2", 0, 0)).get(30, TimeUnit.SECONDS);
    }
    assertEquals(outcomes.size(), 200);
    outcomes.forEach(o -> assertEquals(o.status(), EmitStatus.ACKED, o.toString()));

    Map<Integer, Integer> perPartition = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll("store_v2", 200)) {
      if (!StampKeys.isStepDownKey(r.key())) {
        continue; // the host's record written after the emitter was closed
      }
      assertEquals(
          EnvelopeCodec.readTerm(r.value()),
          1_000 + r.partition(),
          "the stamp carries its own partition's term");
      perPartition.merge(r.partition(), 1, Integer::sum);
    }
    assertEquals(perPartition.size(), 200, "every partition stamped");
    perPartition.forEach((p, n) -> assertEquals(n.intValue(), 1, "partition " + p));
  }

  @Test
  public void defaultPropertiesWriteNothing() {
    kafka.createTopic("store_v3", 2);
    Properties p = new Properties();
    // Even with the broker's address at hand, the default is the no-op strategy.
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers());
    try (LeadershipHandoffEmitter emitter = LeadershipHandoffs.emitter(p)) {
      assertFalse(
          HandoffEngine.strategyOf(emitter) instanceof KafkaStampEmitter,
          HandoffEngine.strategyOf(emitter).getClass().getName());
      for (int i = 0; i < 2; i++) {
        assertEquals(
            emitter.emitStepDown(StepDown.established("store_v3", i, 5, 0, "h")).status(),
            EmitStatus.SKIPPED_DISABLED);
      }
    }
    assertTrue(
        readAll("store_v3", 2).isEmpty(), "nothing may be written with the default properties");
  }

  /**
   * Rule E2 on the host's producer: the leader's last records are still in its producer's buffer
   * when it steps down; the stamp, sent on the same producer, lands after all of them.
   */
  @Test
  public void onTheHostsProducerTheStampLandsAfterTheLeadersBufferedData() throws Exception {
    String topic = "ordered_host_v1";
    kafka.createTopic(topic, 2);
    int n = 200;
    EmitOutcome o;
    try (KafkaProducer<byte[], byte[]> host = hostProducer(HOST_LINGER_MS, Map.of());
        KafkaStampEmitter emitter =
            KafkaStampEmitter.onHostProducer(
                settings(HOST_LINGER_MS + 10_000), HandoffMetrics.NOOP, host)) {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        sent.add(host.send(data(topic, 0, i)));
      }
      assertFalse(
          sent.get(n - 1).isDone(),
          "the leader's last record must still be in the buffer for this test");
      o = emitter.emitStepDown(StepDown.established(topic, 0, 4_242, 0, "host-o"));
      assertTrue(sent.stream().allMatch(Future::isDone), "the stamp was acked after the data");
    }
    assertEquals(o.status(), EmitStatus.ACKED, o.toString());
    assertEquals(o.offset(), n, "the stamp is appended after the leader's " + n + " records");
    List<String> expected = dataKeys(n);
    expected.add("STAMP");
    assertEquals(keysOf(topic, 2, 0), expected, "the leader's records, then its stamp, last");
  }

  /**
   * Rule E2 on the emitter's own producer: the host writes through a {@link SendTracker}, its last
   * records still in its producer's buffer when it steps down; the emitter sends the stamp only
   * once the tracker reports them acknowledged, so it lands after all of them.
   */
  @Test
  public void afterTheBarrierTheStampLandsAfterTheLeadersBufferedData() throws Exception {
    String topic = "ordered_barrier_v1";
    kafka.createTopic(topic, 2);
    int n = 200;
    EmitOutcome o;
    try (KafkaProducer<byte[], byte[]> host = hostProducer(HOST_LINGER_MS, Map.of())) {
      SendTracker tracker = new SendTracker(host);
      for (int i = 0; i < n; i++) {
        tracker.send(data(topic, 0, i), null);
      }
      assertFalse(
          tracker.writesCompleted(topic, 0).toCompletableFuture().isDone(),
          "the leader's records must still be in the buffer for this test");
      assertTrue(
          tracker.writesCompleted(topic, 1).toCompletableFuture().isDone(),
          "nothing written to partition 1");
      try (KafkaStampEmitter emitter =
          KafkaStampEmitter.afterHostWrites(
              settings(HOST_LINGER_MS + 10_000), HandoffMetrics.NOOP, tracker)) {
        o = emitter.emitStepDown(StepDown.established(topic, 0, 4_343, 0, "host-t"));
      }
      assertTrue(
          tracker.writesCompleted(topic, 0).toCompletableFuture().isDone(),
          "the stamp waited for the data");
    }
    assertEquals(o.status(), EmitStatus.ACKED, o.toString());
    assertEquals(o.offset(), n, "the stamp is appended after the leader's " + n + " records");
    List<String> expected = dataKeys(n);
    expected.add("STAMP");
    assertEquals(keysOf(topic, 2, 0), expected, "the leader's records, then its stamp, last");
  }

  /**
   * The check above can fail: with a barrier that does not know of the host's data, the stamp on
   * the emitter's own producer overtakes the records still in the host's buffer. This is the unsafe
   * wiring {@link KafkaStampEmitter} cannot be built into by a host that lends a true barrier.
   */
  @Test
  public void aBarrierThatIgnoresTheHostsDataLetsTheStampOvertakeIt() throws Exception {
    String topic = "overtaken_v1";
    kafka.createTopic(topic, 1);
    int n = 20;
    EmitOutcome o;
    try (KafkaProducer<byte[], byte[]> host = hostProducer(HOST_LINGER_MS, Map.of())) {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        sent.add(host.send(data(topic, 0, i)));
      }
      try (KafkaStampEmitter emitter =
          KafkaStampEmitter.afterHostWrites(
              settings(HOST_LINGER_MS + 10_000), HandoffMetrics.NOOP, NOTHING_WRITTEN)) {
        o = emitter.emitStepDown(StepDown.established(topic, 0, 4_444, 0, "host-x"));
      }
      assertFalse(
          sent.get(n - 1).isDone(),
          "the data must still have been buffered when the stamp was acked");
      host.flush();
    }
    assertEquals(o.status(), EmitStatus.ACKED, o.toString());
    List<String> keys = keysOf(topic, 1, 0);
    assertEquals(keys.get(0), "STAMP", "the stamp overtook the leader's buffered records: " + keys);
    assertEquals(keys.size(), n + 1, keys.toString());
  }

  /**
   * A barrier that completes 100 ms after it is asked holds the stamp back until then, and no
   * longer.
   */
  @Test
  public void aBarrierThatCompletesLaterHoldsTheStampBackUntilThen() {
    String topic = "later_v1";
    kafka.createTopic(topic, 4);
    List<String> asked = new CopyOnWriteArrayList<>();
    AtomicLong completedAtMs = new AtomicLong();
    WriteBarrier later =
        (t, partition) -> {
          asked.add(t + "-" + partition);
          CompletableFuture<Void> done = new CompletableFuture<>();
          CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)
              .execute(
                  () -> {
                    completedAtMs.set(System.currentTimeMillis());
                    done.complete(null);
                  });
          return done;
        };
    EmitOutcome o;
    try (KafkaStampEmitter emitter =
        KafkaStampEmitter.afterHostWrites(settings(10_000), HandoffMetrics.NOOP, later)) {
      o = emitter.emitStepDown(StepDown.established(topic, 3, 4_545, 0, "host-l"));
    }
    assertEquals(o.status(), EmitStatus.ACKED, o.toString());
    assertEquals(
        asked, List.of(topic + "-3"), "the barrier is asked once, for the stamp's topic-partition");
    List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, 4);
    assertEquals(records.size(), 1, "one stamp");
    ConsumerRecord<byte[], byte[]> r = records.get(0);
    assertEquals(r.partition(), 3);
    // The record's timestamp is the moment the emitter handed the stamp to its producer.
    assertTrue(
        r.timestamp() >= completedAtMs.get(),
        "the stamp was sent at "
            + r.timestamp()
            + ", before the barrier completed at "
            + completedAtMs.get());
  }

  /**
   * A host write that failed keeps the stamp out (nobody can say whether it may still land), until
   * the host clears the partition; then the stamp is written, after the host's records.
   */
  @Test
  public void aFailedHostWriteKeepsTheStampOutUntilCleared() throws Exception {
    String topic = "failed_write_v1";
    kafka.createTopic(topic, 1);
    EmitOutcome refused;
    EmitOutcome afterClear;
    // A record above max.request.size fails in the producer, reported through its callback.
    try (KafkaProducer<byte[], byte[]> host =
        hostProducer(0, Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1024"))) {
      SendTracker tracker = new SendTracker(host);
      tracker.send(data(topic, 0, 0), null).get(30, TimeUnit.SECONDS);
      tracker.send(
          new ProducerRecord<>(
              topic, 0, "too-large".getBytes(StandardCharsets.UTF_8), new byte[4_096]),
          null);
      try (KafkaStampEmitter emitter =
          KafkaStampEmitter.afterHostWrites(settings(10_000), HandoffMetrics.NOOP, tracker)) {
        refused = emitter.emitStepDown(StepDown.established(topic, 0, 4_646, 0, "host-f"));
        tracker.clear(topic, 0);
        afterClear = emitter.emitStepDown(StepDown.established(topic, 0, 4_647, 0, "host-f"));
      }
    }
    assertEquals(refused.status(), EmitStatus.FAILED, refused.toString());
    assertTrue(
        refused.cause().getMessage().contains(topic + "-0"),
        "names the topic-partition: " + refused);
    assertTrue(refused.cause().getMessage().contains("not sent"), refused.toString());
    assertTrue(
        refused.cause().getCause() instanceof RecordTooLargeException,
        "the host's failure: " + refused);
    assertEquals(afterClear.status(), EmitStatus.ACKED, afterClear.toString());
    List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, 1);
    assertEquals(
        keysOf(topic, 1, 0), List.of("data-0", "STAMP"), "the refused stamp is not on the topic");
    assertEquals(
        EnvelopeCodec.readTerm(records.get(1).value()),
        4_647,
        "only the stamp written after clear()");
  }
}
