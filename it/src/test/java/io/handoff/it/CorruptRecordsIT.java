package io.handoff.it;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.EnvelopeSummary;
import io.handoff.codec.LeaderMetadata;
import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.Put;
import io.handoff.codec.RecordKeys;
import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.host.Handover;
import io.handoff.host.ReferenceReplica;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffEngine;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.stamp.StampKeys;
import io.handoff.stamp.StampKind;
import io.handoff.stamp.StampObserver;
import io.handoff.stamp.StampRecords;
import io.handoff.stamp.Stamps;
import io.handoff.testsupport.LogCapture;
import io.handoff.testsupport.PartitionReader;
import io.handoff.testsupport.SharedKafka;
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
 * the observer through {@link StampRecords#observe}: each is reported as undecodable with one WARN
 * naming its topic-partition and offset, and makes the tenure it lands in unclean, so that nothing
 * after it in that tenure lets the next leader skip the wait (rule R2 of the architecture
 * document). A tenure that begins in sight afterwards is judged on its own records again. Then the
 * reference host follows partitions holding such records: its consumer thread keeps going and
 * promotions complete, by the legacy wait wherever corruption touched the tenure before them.
 */
public class CorruptRecordsIT {

  private static final String OBSERVED = "CorruptRecordsIT";
  private static final String TOPIC = "vt_corrupt";
  private static final int PARTITION = 0;

  /** The leader of every tenure the reader follows, which steps down each time. */
  private static final String OLD_LEADER = "host-a";

  /** The reader whose observer decides, and the writer of every declaration it makes. */
  private static final String READER = "host-b";

  private final Stamps codec = new Stamps();
  private final byte[] guidA = new byte[16];
  private final byte[] guidB = new byte[16];
  private int seq;

  private EmbeddedKafkaCluster kafka;
  private KafkaProducer<byte[], byte[]> producer;

  /**
   * One record of the sequence, and what the observer must make of it.
   *
   * @param readerTerm the reader's term when it asks after this record: that of its next
   *     declaration
   * @param cutAfter whether the reader may skip the wait after this record
   */
  private record Step(
      String name, byte[] key, byte[] value, boolean valid, long readerTerm, boolean cutAfter) {}

  /** A corrupt record, before it is placed in the sequence. */
  private record Corruption(String name, byte[] key, byte[] value) {}

  private List<Step> steps;

  @BeforeClass
  public void startKafka() throws Exception {
    Arrays.fill(guidA, (byte) 0x5a);
    Arrays.fill(guidB, (byte) 0x5b);
    kafka = SharedKafka.cluster();
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    pp.put(ProducerConfig.CLIENT_ID_CONFIG, "it-corrupt-writer");
    producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
    kafka.createTopic(TOPIC, 1);
    steps = sequence();
    for (Step s : steps) {
      producer
          .send(new ProducerRecord<>(TOPIC, PARTITION, s.key(), s.value()))
          .get(30, TimeUnit.SECONDS);
    }
    ItSupport.startObserved(
        OBSERVED,
        "| offset | record | StampRecords.observe | reader term: may skip the wait | WARN |"
            + System.lineSeparator()
            + "|---|---|---|---|---|");
  }

  @AfterClass(alwaysRun = true)
  public void stopKafka() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }

  // ------------------------------------------------------------------------------- the records

  private byte[] dataKey() {
    return RecordKeys.dataKey(("key-" + seq).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A data put of {@code writer} with {@code term} in its footer (-1: none, as Venice's leaders
   * write).
   */
  private byte[] put(String writer, long term) {
    return EnvelopeCodec.encode(
        Envelope.of(
            ProducerMetadata.of(
                OLD_LEADER.equals(writer) ? guidA : guidB, 1, ++seq, System.currentTimeMillis()),
            Put.of(("value-" + seq).getBytes(StandardCharsets.UTF_8), 1),
            LeaderMetadata.of(writer, term)));
  }

  private byte[] stamp(StampKind kind, String writer, long term) {
    return codec.encode(kind, term, 0, writer, System.currentTimeMillis());
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

  /**
   * Every kind of record the codec must refuse, built from the old leader's records of {@code
   * term}: cut or padded bytes, a wrong magic byte, the protocol versions of an older and a newer
   * writer, null and empty values, and stamp keys on values that are no stamps.
   */
  private List<Corruption> corruptions(long term) {
    byte[] sd = StampKeys.stepDownKey();
    byte[] dol = StampKeys.declarationOfLeadershipKey();
    byte[] validStamp = stamp(StampKind.STEP_DOWN, OLD_LEADER, term);
    byte[] validPut = put(OLD_LEADER, -1);
    return List.of(
        new Corruption("step-down stamp truncated to 20 bytes", sd, Arrays.copyOf(validStamp, 20)),
        new Corruption(
            "data put with its last byte cut",
            dataKey(),
            Arrays.copyOf(validPut, validPut.length - 1)),
        new Corruption("data put with wrong magic byte 22", dataKey(), with(validPut, 0, 22)),
        new Corruption("step-down stamp with magic byte 0", sd, with(validStamp, 0, 0)),
        new Corruption("step-down stamp with protocol version 15", sd, with(validStamp, 1, 15)),
        new Corruption("data put with protocol version 13", dataKey(), with(validPut, 1, 13)),
        new Corruption("data put with protocol version 15", dataKey(), with(validPut, 1, 15)),
        new Corruption(
            "forged step-down key on a put value of the leader's term", sd, put(OLD_LEADER, term)),
        new Corruption(
            "heartbeat key on a put value of the leader's term",
            StampKeys.heartbeatKey(),
            put(OLD_LEADER, term)),
        new Corruption(
            "declaration key on a put value of the leader's term", dol, put(OLD_LEADER, term)),
        new Corruption(
            "declaration of leadership truncated by one byte",
            dol,
            Arrays.copyOf(
                stamp(StampKind.DECLARATION_OF_LEADERSHIP, OLD_LEADER, term),
                validStamp.length - 1)),
        new Corruption("empty value", dataKey(), new byte[0]),
        new Corruption("null value (tombstone)", dataKey(), null),
        new Corruption("null key on a valid put", null, validPut),
        new Corruption(
            "valid step-down stamp plus one trailing byte", sd, concat(validStamp, (byte) 0)),
        new Corruption("magic byte only", dataKey(), new byte[] {EnvelopeCodec.MAGIC_BYTE}),
        new Corruption(
            "valid prefix, garbage body",
            dataKey(),
            new byte[] {23, 14, 0x7f, (byte) 0xff, (byte) 0xff, 1, 2}),
        new Corruption("null value with the step-down key", sd, null),
        new Corruption("empty value with the step-down key", sd, new byte[0]));
  }

  /**
   * Builds the sequence: rounds of one old-leader tenure each, closed by its stamp, then the
   * reader's declaration.
   */
  private final class Sequence {
    final List<Step> steps = new ArrayList<>();

    void valid(String name, byte[] key, byte[] value, long readerTerm, boolean cutAfter) {
      steps.add(new Step(name, key, value, true, readerTerm, cutAfter));
    }

    void corrupt(Corruption c, String where, long readerTerm) {
      // Whatever came before, the tenure the record lands in is unclean: nobody can cut after it.
      steps.add(new Step(c.name() + " " + where, c.key(), c.value(), false, readerTerm, false));
    }

    /** The old leader's tenure of {@code term} up to its stamp, with a data put and a heartbeat. */
    void oldLeader(long term, Corruption inside) {
      long readerTerm = term + 1;
      valid(
          "declaration of leadership, " + OLD_LEADER + " term " + term,
          StampKeys.declarationOfLeadershipKey(),
          stamp(StampKind.DECLARATION_OF_LEADERSHIP, OLD_LEADER, term),
          readerTerm,
          false);
      valid(
          "data put of " + OLD_LEADER + ", no term",
          dataKey(),
          put(OLD_LEADER, -1),
          readerTerm,
          false);
      if (inside != null) {
        corrupt(inside, "inside the tenure of " + OLD_LEADER + " term " + term, readerTerm);
      }
      valid(
          "heartbeat of " + OLD_LEADER + " term " + term,
          StampKeys.heartbeatKey(),
          stamp(StampKind.HEARTBEAT, OLD_LEADER, term),
          readerTerm,
          false);
      valid(
          "step-down stamp of " + OLD_LEADER + " term " + term,
          StampKeys.stepDownKey(),
          stamp(StampKind.STEP_DOWN, OLD_LEADER, term),
          readerTerm,
          false);
    }

    void reader(long term, boolean cut) {
      valid(
          "declaration of leadership, " + READER + " term " + term,
          StampKeys.declarationOfLeadershipKey(),
          stamp(StampKind.DECLARATION_OF_LEADERSHIP, READER, term),
          term,
          cut);
    }
  }

  /**
   * A clean round, where the reader's declaration opens the fast path and a corrupt record after it
   * closes it again; then one round per kind of corruption, placed alternately inside the old
   * leader's tenure and after its stamp, none of which may cut; and a last clean round, which cuts:
   * corruption spoils the tenure it lands in, not the partition for good.
   */
  private List<Step> sequence() {
    Sequence s = new Sequence();
    s.oldLeader(1, null);
    s.reader(2, true);
    s.valid("data put of " + READER + ", no term", dataKey(), put(READER, -1), 2, true);
    s.corrupt(
        new Corruption(
            "data put with wrong magic byte 22", dataKey(), with(put(OLD_LEADER, -1), 0, 22)),
        "after the reader's own declaration",
        2);
    int kinds = corruptions(1).size();
    for (int i = 0; i < kinds; i++) {
      long term = 10L * (i + 1) + 1;
      Corruption c = corruptions(term).get(i);
      boolean inside = i % 2 == 0;
      s.oldLeader(term, inside ? c : null);
      if (!inside) {
        s.corrupt(c, "after the step-down stamp of " + OLD_LEADER + " term " + term, term + 1);
      }
      s.reader(term + 1, false);
    }
    s.oldLeader(1001, null);
    s.reader(1002, true);
    return s.steps;
  }

  private Properties props() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers());
    return p;
  }

  private long corruptCount() {
    return steps.stream().filter(s -> !s.valid()).count();
  }

  // ----------------------------------------------------------------------------- the observer

  @Test
  public void corruptRecordsMakeTheirTenureUnclean() {
    List<ConsumerRecord<byte[], byte[]>> records =
        PartitionReader.readPartition(kafka.bootstrapServers(), TOPIC, PARTITION);
    assertEquals(records.size(), steps.size(), "every record of the sequence is on the partition");

    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    LeadershipHandoffObserver observer =
        LeadershipHandoffs.observers(props(), metrics).open(TOPIC, READER);
    assertTrue(
        HandoffEngine.evidenceOf(observer) instanceof StampObserver, String.valueOf(observer));
    StampRecords stampRecords = new StampRecords();

    try (LogCapture logs = LogCapture.on(StampRecords.class.getName())) {
      for (int i = 0; i < records.size(); i++) {
        ConsumerRecord<byte[], byte[]> r = records.get(i);
        Step step = steps.get(i);
        assertEquals(r.offset(), (long) i, "offsets are contiguous");
        String where = TOPIC + "-" + PARTITION + " offset " + r.offset();
        int warnsBefore = logs.events(Level.WARN, e -> true).size();

        EnvelopeSummary decoded = stampRecords.observe(observer, r);

        boolean cut = observer.canSkipInactivityWait(PARTITION, step.readerTerm());
        List<ILoggingEvent> newWarns = logs.events(Level.WARN, e -> true);
        newWarns = newWarns.subList(warnsBefore, newWarns.size());
        List<ILoggingEvent> undecodableWarns =
            newWarns.stream()
                .filter(
                    e -> e.getFormattedMessage().startsWith("Undecodable record at " + where + ":"))
                .toList();
        ItSupport.observed(
            OBSERVED,
            Long.toString(r.offset()),
            (step.valid() ? "" : "CORRUPT: ") + step.name(),
            decoded == null ? "undecodable" : "decoded",
            step.readerTerm() + ": " + cut,
            newWarns.isEmpty() ? "" : newWarns.get(0).getFormattedMessage());

        String ctx = "offset " + i + " (" + step.name() + ")";
        if (step.valid()) {
          assertNotNull(decoded, ctx + ": a valid record is decoded");
          assertTrue(newWarns.isEmpty(), ctx + ": no WARN for a valid record: " + newWarns);
        } else {
          assertNull(decoded, ctx + ": a corrupt record is reported as undecodable");
          assertEquals(
              undecodableWarns.size(),
              1,
              ctx
                  + ": one WARN naming "
                  + where
                  + "; got "
                  + newWarns.stream().map(ILoggingEvent::getFormattedMessage).toList());
        }
        assertEquals(
            cut,
            step.cutAfter(),
            ctx + ": may the reader of term " + step.readerTerm() + " skip the wait");
      }
    }
    assertEquals(
        metrics.uncleanTenure(),
        corruptCount(),
        "each corrupt record spoiled one clean tenure: leader_handover_unclean_tenure");
    assertEquals(
        observer.decideHandover(PARTITION, 1002, false),
        HandoverPath.FAST_PATH,
        "the last tenure, begun after all the corruption, was closed cleanly");
    assertEquals(metrics.fastPath(), 1, "leader_handover_fast_path");
  }

  @Test
  public void recordsOfAnotherVersionTopicAreRefused() {
    LeadershipHandoffObserver observer = LeadershipHandoffs.observers(props()).open(TOPIC, READER);
    byte[] before = observer.exportState(PARTITION);
    ConsumerRecord<byte[], byte[]> foreign =
        new ConsumerRecord<>(
            TOPIC + "_other",
            PARTITION,
            0L,
            StampKeys.stepDownKey(),
            stamp(StampKind.STEP_DOWN, OLD_LEADER, 1));
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> new StampRecords().observe(observer, foreign));
    assertTrue(
        e.getMessage().contains(TOPIC + "_other-" + PARTITION) && e.getMessage().contains(TOPIC),
        "the refusal names both topics: " + e.getMessage());
    assertEquals(observer.exportState(PARTITION), before, "a refused record changes nothing");
  }

  // -------------------------------------------------------------------------- the reference host

  /**
   * A replica of {@code topic} with the stamp strategy on both sides; it stamps on its own data
   * producer, so it needs nothing but the settings.
   */
  private ReferenceReplica follower(
      String id, String topic, Duration window, CountingHandoffMetrics metrics) {
    HandoffSettings settings = HandoffSettings.from(props());
    assertTrue(
        HandoffEngine.evidenceOf(LeadershipHandoffs.observers(settings, metrics).open(topic, id))
            instanceof StampObserver,
        "the stamp strategy observes");
    return new ReferenceReplica(
        new ReferenceReplica.Config(id, kafka.bootstrapServers(), topic, 0, window),
        List.of(PARTITION),
        settings,
        metrics);
  }

  private static void awaitObserved(ReferenceReplica replica, long count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (replica.recordsObserved() < count) {
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError(
            replica + " observed only " + replica.recordsObserved() + " of " + count + " records");
      }
      ItSupport.sleep(10);
    }
  }

  private void produce(String topic, byte[] key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topic, PARTITION, key, value)).get(30, TimeUnit.SECONDS);
  }

  private static List<ILoggingEvent> undecodableWarns(LogCapture logs, String topic) {
    return logs.events(
        Level.WARN,
        e ->
            e.getFormattedMessage()
                .startsWith("Undecodable record at " + topic + "-" + PARTITION + " offset "));
  }

  @Test
  public void referenceHostKeepsFollowingAndPromotesOverCorruptRecords() throws Exception {
    Duration window = Duration.ofSeconds(1);
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LogCapture logs = LogCapture.on(StampRecords.class.getName());
        ReferenceReplica c = follower("host-c", TOPIC, window, metrics)) {
      awaitObserved(c, steps.size());
      assertEquals(
          c.recordsObserved(), steps.size(), "every record, corrupt or not, reached the observer");
      long hostWarns = undecodableWarns(logs, TOPIC).size();
      assertEquals(hostWarns, corruptCount(), "each corrupt record is reported once");
      assertEquals(
          metrics.uncleanTenure(), corruptCount(), "the host's observer saw every spoiled tenure");

      Handover h = c.promote(PARTITION, 2000).get(30, TimeUnit.SECONDS);
      ItSupport.observed(
          OBSERVED,
          "host",
          "reference host over the whole sequence ("
              + steps.size()
              + " records, "
              + corruptCount()
              + " corrupt)",
          "recordsObserved " + steps.size(),
          "promotion term 2000 -> " + h.path(),
          hostWarns + " WARNs 'Undecodable record at …'");
      assertEquals(
          h.path(),
          HandoverPath.LEGACY_WAIT,
          "the last tenure, " + READER + "'s, was never closed by a stamp");
      assertTrue(c.isWritable(PARTITION), "the new leader may write");
      assertEquals(c.writeData(PARTITION, 2).size(), 2, "the new leader writes");
      awaitObserved(c, steps.size() + 3L); // its own declaration and two data records
      assertEquals(metrics.legacyWait(), 1, "leader_handover_legacy_wait");
    }
  }

  /**
   * The old leader's clean tenure of term 1 closed by its stamp, on a new topic; returns the record
   * count.
   */
  private int cleanTenure(String topic) throws Exception {
    kafka.createTopic(topic, 1);
    produce(
        topic,
        StampKeys.declarationOfLeadershipKey(),
        stamp(StampKind.DECLARATION_OF_LEADERSHIP, OLD_LEADER, 1));
    produce(topic, dataKey(), put(OLD_LEADER, -1));
    produce(topic, StampKeys.stepDownKey(), stamp(StampKind.STEP_DOWN, OLD_LEADER, 1));
    return 3;
  }

  @Test
  public void referenceHostOverCorruptRecordsAfterAStamp() throws Exception {
    // Without corruption, the stamp opens the fast path; the window is long so the legacy wait
    // cannot win a race.
    String clean = "vt_clean_tail";
    int cleanCount = cleanTenure(clean);
    Handover fast;
    try (ReferenceReplica b =
        follower(READER, clean, Duration.ofSeconds(60), new CountingHandoffMetrics())) {
      awaitObserved(b, cleanCount);
      fast = b.promote(PARTITION, 2).get(90, TimeUnit.SECONDS);
    }
    assertEquals(
        fast.path(),
        HandoverPath.FAST_PATH,
        "the old leader's tenure was closed cleanly by its stamp");

    String topic = "vt_corrupt_tail";
    int count = cleanTenure(topic);
    byte[] validStamp = stamp(StampKind.STEP_DOWN, OLD_LEADER, 1);
    produce(topic, StampKeys.stepDownKey(), Arrays.copyOf(validStamp, 20));
    produce(topic, dataKey(), with(put(OLD_LEADER, -1), 0, 22));
    produce(topic, dataKey(), null);
    produce(topic, dataKey(), new byte[0]);
    count += 4;
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    Handover h;
    try (ReferenceReplica b = follower(READER, topic, Duration.ofSeconds(1), metrics)) {
      awaitObserved(b, count);
      h = b.promote(PARTITION, 2).get(30, TimeUnit.SECONDS);
      assertTrue(b.isWritable(PARTITION), "the new leader may write after the legacy wait");
    }
    ItSupport.observed(
        OBSERVED,
        "host",
        "reference host: declaration, data and stamp of term 1, then 4 corrupt records",
        "recordsObserved " + count,
        "promotion term 2 -> " + h.path() + " (without the corrupt records: " + fast.path() + ")",
        "records nobody can read follow the stamp: the tenure is unclean");
    assertEquals(
        h.path(), HandoverPath.LEGACY_WAIT, "undecodable records after the stamp keep the wait");
    assertEquals(metrics.uncleanTenure(), 1, "one tenure spoiled, counted once");
  }

  @Test
  public void referenceHostAndAForgedStepDownKey() throws Exception {
    String topic = "vt_forged";
    kafka.createTopic(topic, 1);
    produce(
        topic,
        StampKeys.declarationOfLeadershipKey(),
        stamp(StampKind.DECLARATION_OF_LEADERSHIP, OLD_LEADER, 1));
    produce(topic, dataKey(), put(OLD_LEADER, -1));
    // The step-down key on a data put of the still-active leader's term, with its writer id: taken
    // by its key alone, it would close the leader's tenure as if the leader had stepped down.
    produce(topic, StampKeys.stepDownKey(), put(OLD_LEADER, 1));
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    Handover h;
    long warns;
    try (LogCapture logs = LogCapture.on(StampRecords.class.getName());
        ReferenceReplica b = follower(READER, topic, Duration.ofSeconds(1), metrics)) {
      awaitObserved(b, 3);
      warns = undecodableWarns(logs, topic).size();
      h = b.promote(PARTITION, 2).get(30, TimeUnit.SECONDS);
    }
    ItSupport.observed(
        OBSERVED,
        "host",
        "reference host: declaration and data of term 1, then a put value of term 1"
            + " under the step-down key",
        "recordsObserved 3",
        "promotion term 2 -> " + h.path(),
        "StampRecords reports the forged record as undecodable (" + warns + " WARN)");
    assertEquals(warns, 1L, "the forged stamp is reported as undecodable");
    assertEquals(h.path(), HandoverPath.LEGACY_WAIT, "a forged stamp must not open the fast path");
  }
}
