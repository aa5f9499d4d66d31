package io.handoff.it;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.host.Handover;
import io.handoff.host.ReferenceReplica;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.stamp.StampCodec;
import io.handoff.stamp.StampKeys;
import io.handoff.stamp.StampKind;
import io.handoff.stamp.StampObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Corrupt records on a real version-topic partition, read back with a real consumer and handed to
 * {@link StampObserver#observe(ConsumerRecord, long)}: each is rejected with a WARN naming its
 * topic-partition and offset, leaves the fast-path decision exactly as it was, and does not stop
 * later valid records from being observed. Then the reference host follows partitions holding such
 * records: its consumer thread keeps going and promotions complete.
 */
public class CorruptRecordsIT {

  private static final String OBSERVED = "CorruptRecordsIT";
  private static final String TOPIC = "vt_corrupt";
  private static final int PARTITION = 0;
  /** The term of the reader asking whether it may skip the wait: one above the old leader's. */
  private static final long NEW_TERM = 2;

  private final StampCodec codec = new StampCodec();
  private final byte[] guidA = new byte[16];
  private int seq;

  private EmbeddedKafkaCluster kafka;
  private KafkaProducer<byte[], byte[]> producer;

  /** One record of the sequence, and what the observer must make of it. */
  private record Step(String name, byte[] key, byte[] value, boolean valid, boolean canSkipAfter) {
  }

  private List<Step> steps;

  @BeforeClass
  public void startKafka() throws Exception {
    Arrays.fill(guidA, (byte) 0x5a);
    kafka = EmbeddedKafkaCluster.builder().start();
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    pp.put(ProducerConfig.CLIENT_ID_CONFIG, "it-corrupt-writer");
    producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
    kafka.createTopic(TOPIC, 1);
    steps = sequence();
    for (Step s : steps) {
      producer.send(new ProducerRecord<>(TOPIC, PARTITION, s.key(), s.value())).get(30, TimeUnit.SECONDS);
    }
    ItSupport.startObserved(OBSERVED, "| offset | record | observe() | canSkipInactivityWait(p, 2) before -> after | WARN |"
        + System.lineSeparator() + "|---|---|---|---|---|");
  }

  @AfterClass(alwaysRun = true)
  public void stopKafka() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  // ------------------------------------------------------------------------------- the records

  private byte[] dataKey() {
    return StampCodec.dataKey(("key-" + seq).getBytes(StandardCharsets.UTF_8));
  }

  private byte[] put(long term) {
    return codec.encodePut(guidA, 1, ++seq, System.currentTimeMillis(),
        ("value-" + seq).getBytes(StandardCharsets.UTF_8), 1, term, "host-a");
  }

  private byte[] stamp(StampKind kind, long term) {
    return codec.encodeStamp(kind, term, 0, "host-a", System.currentTimeMillis());
  }

  private static byte[] with(byte[] value, int index, int b) {
    byte[] copy = value.clone();
    copy[index] = (byte) b;
    return copy;
  }

  private static byte[] concat(byte[] a, byte... b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static Step valid(String name, byte[] key, byte[] value, boolean canSkipAfter) {
    return new Step(name, key, value, true, canSkipAfter);
  }

  private static Step corrupt(String name, byte[] key, byte[] value, boolean canSkipBefore) {
    return new Step(name, key, value, false, canSkipBefore);
  }

  /**
   * Valid data and a stamp of term 1, corrupt records while a stamp is remembered (none may make
   * the observer forget it), a valid heartbeat that forgets it, corrupt stamp-like records while no
   * stamp is remembered (none may make one up), a valid stamp again, more corruption, and a final
   * valid data record that forgets the stamp.
   */
  private List<Step> sequence() {
    byte[] sd = StampKeys.stepDownKey();
    byte[] validStamp = stamp(StampKind.STEP_DOWN, 1);
    List<Step> s = new ArrayList<>();
    s.add(valid("valid data put, term 1", dataKey(), put(1), false));
    s.add(valid("valid step-down stamp, term 1", sd, validStamp, true));
    // A stamp is remembered: a corrupt record must not make the observer forget it ...
    s.add(corrupt("step-down stamp truncated to 20 bytes", sd, Arrays.copyOf(validStamp, 20), true));
    s.add(corrupt("data put with its last byte cut", dataKey(), Arrays.copyOf(put(1), put(1).length - 1), true));
    s.add(corrupt("data put with wrong magic byte 22", dataKey(), with(put(1), 0, 22), true));
    s.add(corrupt("step-down stamp with magic byte 0", sd, with(validStamp, 0, 0), true));
    s.add(corrupt("step-down stamp with protocol version 15", sd, with(validStamp, 1, 15), true));
    s.add(corrupt("data put with protocol version 15", dataKey(), with(put(1), 1, 15), true));
    s.add(corrupt("forged step-down key on a put value of term 1", sd, put(1), true));
    s.add(corrupt("heartbeat key on a put value of term 1", StampKeys.heartbeatKey(), put(1), true));
    s.add(corrupt("empty value", dataKey(), new byte[0], true));
    s.add(corrupt("null value (tombstone)", dataKey(), null, true));
    s.add(corrupt("null key on a valid put of term 1", null, put(1), true));
    s.add(corrupt("valid step-down stamp plus one trailing byte", sd, concat(validStamp, (byte) 0), true));
    s.add(corrupt("magic byte only", dataKey(), new byte[] {StampCodec.MAGIC_BYTE}, true));
    s.add(corrupt("valid prefix, garbage body", dataKey(), new byte[] {23, 14, 0x7f, (byte) 0xff, (byte) 0xff, 1, 2}, true));
    // ... a valid record from the old writer does.
    s.add(valid("valid heartbeat, term 1", StampKeys.heartbeatKey(), stamp(StampKind.HEARTBEAT, 1), false));
    // No stamp remembered: a corrupt stamp-like record must not make one up.
    s.add(corrupt("forged step-down key on a put value of term 1", sd, put(1), false));
    s.add(corrupt("step-down stamp truncated by one byte", sd, Arrays.copyOf(validStamp, validStamp.length - 1), false));
    s.add(corrupt("step-down stamp with protocol version 15", sd, with(validStamp, 1, 15), false));
    s.add(corrupt("null value with the step-down key", sd, null, false));
    s.add(valid("valid step-down stamp, term 1 (again)", sd, stamp(StampKind.STEP_DOWN, 1), true));
    s.add(corrupt("data put with wrong magic byte 0", dataKey(), with(put(1), 0, 0), true));
    s.add(corrupt("empty value with the step-down key", sd, new byte[0], true));
    s.add(valid("valid data put, term 1 (final)", dataKey(), put(1), false));
    return s;
  }

  private Properties props() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers());
    return p;
  }

  // ----------------------------------------------------------------------------- the observer

  @Test
  public void corruptRecordsAreRejectedAndChangeNothing() {
    List<ConsumerRecord<byte[], byte[]>> records = ItSupport.readPartition(kafka.bootstrapServers(), TOPIC, PARTITION);
    assertEquals(records.size(), steps.size(), "every record of the sequence is on the partition");

    LeadershipHandoffObserver selected = LeadershipHandoffs.observer(props(), new CountingHandoffMetrics());
    assertTrue(selected instanceof StampObserver, String.valueOf(selected));
    StampObserver observer = (StampObserver) selected;

    try (LogCapture logs = LogCapture.on(StampObserver.class.getName())) {
      for (int i = 0; i < records.size(); i++) {
        ConsumerRecord<byte[], byte[]> r = records.get(i);
        Step step = steps.get(i);
        assertEquals(r.offset(), (long) i, "offsets are contiguous");
        String where = TOPIC + "-" + PARTITION + " offset " + r.offset();
        boolean before = observer.canSkipInactivityWait(PARTITION, NEW_TERM);
        int warnsBefore = logs.events(Level.WARN, e -> true).size();

        boolean observed = observer.observe(r, -1);

        boolean after = observer.canSkipInactivityWait(PARTITION, NEW_TERM);
        List<ILoggingEvent> newWarns = logs.events(Level.WARN, e -> true);
        newWarns = newWarns.subList(warnsBefore, newWarns.size());
        List<ILoggingEvent> rejectionWarns = newWarns.stream()
            .filter(e -> e.getFormattedMessage().startsWith("Ignoring undecodable record at " + where + ":"))
            .toList();
        ItSupport.observed(OBSERVED, Long.toString(r.offset()), (step.valid() ? "" : "CORRUPT: ") + step.name(),
            Boolean.toString(observed), before + " -> " + after,
            rejectionWarns.isEmpty() ? (newWarns.isEmpty() ? "" : "(other) " + newWarns.get(0).getFormattedMessage())
                : rejectionWarns.get(0).getFormattedMessage());

        String ctx = "offset " + i + " (" + step.name() + ")";
        if (step.valid()) {
          assertTrue(observed, ctx + ": a valid record is observed");
          assertTrue(rejectionWarns.isEmpty(), ctx + ": no rejection WARN for a valid record");
          assertEquals(after, step.canSkipAfter(), ctx + ": decision after a valid record");
        } else {
          assertFalse(observed, ctx + ": a corrupt record is rejected");
          assertEquals(after, before, ctx + ": a rejected record leaves the decision as it was");
          assertEquals(after, step.canSkipAfter(), ctx + ": the sequence was designed with this decision");
          assertEquals(rejectionWarns.size(), 1, ctx + ": one WARN naming " + where + "; got " + newWarns.stream()
              .map(ILoggingEvent::getFormattedMessage).toList());
        }
      }
    }
    assertFalse(observer.canSkipInactivityWait(PARTITION, NEW_TERM), "the final valid data record forgot the stamp");
  }

  // -------------------------------------------------------------------------- the reference host

  private ReferenceReplica follower(String id, String topic, Duration window, LeadershipHandoffEmitter emitter,
      CountingHandoffMetrics metrics) {
    Properties props = props();
    LeadershipHandoffObserver observer = LeadershipHandoffs.observer(props, metrics);
    assertTrue(observer instanceof StampObserver, String.valueOf(observer));
    return new ReferenceReplica(new ReferenceReplica.Config(id, kafka.bootstrapServers(), topic, 0, window),
        List.of(PARTITION), emitter, observer);
  }

  private static void awaitObserved(ReferenceReplica replica, long count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (replica.recordsObserved() < count) {
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError(replica + " observed only " + replica.recordsObserved() + " of " + count + " records");
      }
      ItSupport.sleep(10);
    }
  }

  private void produce(String topic, byte[] key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topic, PARTITION, key, value)).get(30, TimeUnit.SECONDS);
  }

  @Test
  public void referenceHostKeepsFollowingAndPromotesOverCorruptRecords() throws Exception {
    Duration window = Duration.ofSeconds(1);
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitter = LeadershipHandoffs.emitter(props(), metrics);
        LogCapture hostLogs = LogCapture.on(ReferenceReplica.class.getName());
        ReferenceReplica b = follower("B", TOPIC, window, emitter, metrics)) {
      awaitObserved(b, steps.size());
      assertEquals(b.recordsObserved(), steps.size(), "every record, corrupt or not, reached the observer");
      long corrupt = steps.stream().filter(s -> !s.valid()).count();
      long hostWarns = hostLogs.events(Level.WARN, e -> e.getFormattedMessage().startsWith("Undecodable record at "
          + TOPIC + "-" + PARTITION + " offset ")).size();

      Handover h = b.promote(PARTITION, NEW_TERM).get(30, TimeUnit.SECONDS);
      ItSupport.observed(OBSERVED, "host", "reference host over the whole sequence (" + steps.size() + " records, "
          + corrupt + " corrupt)", "recordsObserved " + steps.size(), "promotion term 2 -> " + h.path(),
          hostWarns + " host WARNs 'Undecodable record at …'");
      assertEquals(h.path(), HandoverPath.LEGACY_WAIT, "the last word on the partition is data: no fast path");
      assertTrue(b.isWritable(PARTITION));
      assertEquals(b.writeData(PARTITION, 2).size(), 2, "the new leader writes");
      awaitObserved(b, steps.size() + 3L); // its own DoL and two data records
      assertEquals(metrics.legacyWait(), 1);
    }
  }

  @Test
  public void referenceHostOverCorruptRecordsAfterAStamp() throws Exception {
    String topic = "vt_corrupt_tail";
    kafka.createTopic(topic, 1);
    byte[] sd = StampKeys.stepDownKey();
    byte[] validStamp = stamp(StampKind.STEP_DOWN, 1);
    produce(topic, dataKey(), put(1));
    produce(topic, sd, validStamp);
    produce(topic, sd, Arrays.copyOf(validStamp, 20));
    produce(topic, dataKey(), with(put(1), 0, 22));
    produce(topic, dataKey(), null);
    produce(topic, dataKey(), new byte[0]);
    int count = 6;
    Duration window = Duration.ofSeconds(1);
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitter = LeadershipHandoffs.emitter(props(), metrics);
        ReferenceReplica b = follower("B2", topic, window, emitter, metrics)) {
      awaitObserved(b, count);
      Handover h = b.promote(PARTITION, NEW_TERM).get(30, TimeUnit.SECONDS);
      ItSupport.observed(OBSERVED, "host", "reference host: data t1, stamp t1, then 4 corrupt records", "recordsObserved "
          + b.recordsObserved(), "promotion term 2 -> " + h.path(),
          "the host treats an undecodable record as a term-less record of another writer: it forgets the stamp");
      // ReferenceReplica documents its choice: an unreadable record forgets any stamp. Safe either way.
      assertEquals(h.path(), HandoverPath.LEGACY_WAIT);
      assertTrue(b.isWritable(PARTITION));
    }
  }

  @Test
  public void referenceHostAndAForgedStepDownKey() throws Exception {
    String topic = "vt_forged";
    kafka.createTopic(topic, 1);
    produce(topic, dataKey(), put(1));
    // The step-down key on a data put of the still-active leader's term: not a stamp.
    produce(topic, StampKeys.stepDownKey(), put(1));
    Duration window = Duration.ofSeconds(1);
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    Handover h;
    try (LeadershipHandoffEmitter emitter = LeadershipHandoffs.emitter(props(), metrics);
        ReferenceReplica b = follower("B3", topic, window, emitter, metrics)) {
      awaitObserved(b, 2);
      h = b.promote(PARTITION, NEW_TERM).get(30, TimeUnit.SECONDS);
    }
    assertNotNull(h);
    ItSupport.observed(OBSERVED, "host", "reference host: data t1, then a put value of t1 under the step-down key",
        "recordsObserved 2", "promotion term 2 -> " + h.path(),
        "StampObserver.observe(ConsumerRecord) rejects this record; the host passes key and term to observe(int, byte[], long, long)");
    assertEquals(h.path(), HandoverPath.LEGACY_WAIT, "a forged stamp must not open the fast path");
  }
}
