package io.handoff.stamp;

import static io.handoff.stamp.StampObserverFixtures.TOPIC;
import static io.handoff.stamp.StampObserverFixtures.observer;
import static io.handoff.tck.RuleRecords.A;
import static io.handoff.tck.RuleRecords.READER;
import static io.handoff.tck.RuleRecords.Z;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.codec.ChecksumType;
import io.handoff.codec.EnvelopeSummary;
import io.handoff.codec.HandWriter;
import io.handoff.codec.Values;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.TenureTracker;
import io.handoff.testsupport.LogCapture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Raw Kafka records through {@link StampRecords#observe}: values encoded by {@link
 * io.handoff.codec.EnvelopeCodec} are observed with the writer id and term of their leader metadata
 * (Venice-style data: a writer id and term -1), so the tenure rules hold on real bytes; a record
 * that cannot be decoded is logged and makes the current tenure unclean instead of being skipped; a
 * record of another version topic is refused.
 */
public class StampObserverRecordTest {

  private static final int P = 3;
  private static final long TS = 1_700_000_000_000L;
  private static final byte[] GUID_A = HandWriter.hex("00112233445566778899aabbccddeeff");
  private static final byte[] GUID_Z = HandWriter.hex("ffeeddccbbaa99887766554433221100");
  private static final Stamps CODEC = new Stamps();

  private final StampRecords records = new StampRecords();

  private static ConsumerRecord<byte[], byte[]> rec(long offset, byte[] key, byte[] value) {
    return new ConsumerRecord<>(TOPIC, P, offset, key, value);
  }

  private static ConsumerRecord<byte[], byte[]> dolRec(long offset, String writer, long term) {
    return rec(
        offset,
        StampKeys.declarationOfLeadershipKey(),
        CODEC.encode(StampKind.DECLARATION_OF_LEADERSHIP, term, 0, writer, TS));
  }

  private static ConsumerRecord<byte[], byte[]> stampRec(long offset, String writer, long term) {
    return rec(
        offset, StampKeys.stepDownKey(), CODEC.encode(StampKind.STEP_DOWN, term, 0, writer, TS));
  }

  private static ConsumerRecord<byte[], byte[]> heartbeatRec(
      long offset, String writer, long term) {
    return rec(
        offset, StampKeys.heartbeatKey(), CODEC.encode(StampKind.HEARTBEAT, term, 0, writer, TS));
  }

  /** A put the way Venice's leaders write it: their host name, no term. */
  private static byte[] putValue(byte[] guid, String writer) {
    return Values.put(guid, 0, 1, TS, "v".getBytes(UTF_8), 1, -1L, writer);
  }

  private static ConsumerRecord<byte[], byte[]> dataRec(long offset, byte[] guid, String writer) {
    return rec(offset, StampObserverFixtures.DATA_KEY.clone(), putValue(guid, writer));
  }

  /** A's clean tenure of term 5 at offsets 10..13. */
  private List<ConsumerRecord<byte[], byte[]>> cleanTenureOfA() {
    return List.of(
        dolRec(10, A, 5), dataRec(11, GUID_A, A), heartbeatRec(12, A, 5), stampRec(13, A, 5));
  }

  private void observeAll(LeadershipHandoffObserver o, List<ConsumerRecord<byte[], byte[]>> recs) {
    for (ConsumerRecord<byte[], byte[]> r : recs) {
      assertNotNull(records.observe(o, r), "a good record decodes: " + r);
    }
  }

  // ---------------------------------------------------------------------------- good records

  @Test
  public void realRecordsOfACleanHandoverAllowTheCut() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    try (LogCapture log = StampObserverFixtures.ruleLogs()) {
      observeAll(o, cleanTenureOfA());
      assertFalse(o.canSkipInactivityWait(P, 7), "the reader's DoL is not read back yet");
      EnvelopeSummary own = records.observe(o, dolRec(14, READER, 7));
      assertEquals(own.writerId(), READER);
      assertEquals(own.term(), 7L);
      assertTrue(o.canSkipInactivityWait(P, 7), "A's tenure was clean and closed by its stamp");
      // the reader's own Venice-style data, and a control message with its writer id and no term
      observeAll(
          o,
          List.of(
              dataRec(15, GUID_Z, READER),
              rec(
                  16,
                  StampObserverFixtures.OTHER_CONTROL_KEY.clone(),
                  EnvelopeValues.encodeControl(
                      GUID_Z,
                      0,
                      0,
                      TS,
                      EnvelopeValues.END_OF_PUSH,
                      EnvelopeValues.END_OF_PUSH,
                      -1L,
                      READER))));
      assertTrue(o.canSkipInactivityWait(P, 7), "the reader's own records");
      assertEquals(log.warnings(), List.of(), "good records are not warned about");
    }
  }

  /**
   * Venice-style data carries its writer through the footer: another writer's data is told apart.
   */
  @Test
  public void venicesDataIsAttributedByItsHostName() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    observeAll(
        o,
        List.of(
            dolRec(10, A, 5), dataRec(11, GUID_Z, Z), stampRec(12, A, 5), dolRec(13, READER, 7)));
    assertFalse(
        o.canSkipInactivityWait(P, 7), "Z's put inside A's tenure, though it carries no term");
  }

  @Test
  public void dataWithoutLeaderMetadataIsAnUnknownWriter() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    byte[] anonymous = Values.put(GUID_A, 0, 1, TS, "v".getBytes(UTF_8), 1, -1L, null);
    EnvelopeSummary e =
        records.observe(o, rec(10, StampObserverFixtures.DATA_KEY.clone(), anonymous));
    assertNotNull(e, "a put without footer decodes");
    assertNull(e.writerId());
    LeadershipHandoffObserver inside = observer(HandoffMetrics.NOOP);
    observeAll(inside, List.of(dolRec(10, A, 5), dataRec(11, GUID_A, A)));
    records.observe(inside, rec(12, StampObserverFixtures.DATA_KEY.clone(), anonymous));
    observeAll(inside, List.of(stampRec(13, A, 5), dolRec(14, READER, 7)));
    assertFalse(
        inside.canSkipInactivityWait(P, 7), "a record nobody can attribute inside A's tenure");
  }

  @Test
  public void aStampWithAnotherChecksumTypeIsStillAStamp() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    byte[] crcStamp = new Stamps(ChecksumType.CRC32).encode(StampKind.STEP_DOWN, 5, 0, A, TS);
    observeAll(
        o,
        List.of(
            dolRec(10, A, 5), rec(11, StampKeys.stepDownKey(), crcStamp), dolRec(12, READER, 7)));
    assertTrue(o.canSkipInactivityWait(P, 7));
  }

  // ----------------------------------------------------------------------- undecodable records

  @DataProvider(name = "undecodable")
  public Object[][] undecodable() {
    byte[] stamp5 = CODEC.encode(StampKind.STEP_DOWN, 5, 0, A, TS);
    byte[] put = putValue(GUID_Z, Z);
    return new Object[][] {
      {"a put of envelope version 13", data(), withByte(put, 1, 13)},
      {"a put of envelope version 15", data(), withByte(put, 1, 15)},
      {"a stamp of envelope version 15", StampKeys.stepDownKey(), withByte(stamp5, 1, 15)},
      {"a null value under a data key", data(), null},
      {"a null value under the step-down key", StampKeys.stepDownKey(), null},
      {"an empty value", data(), new byte[0]},
      {"garbage", data(), "{\"not\": \"an envelope\"}".getBytes(UTF_8)},
      {"a wrong magic byte", data(), withByte(put, 0, 22)},
      {"a truncated stamp", StampKeys.stepDownKey(), Arrays.copyOf(stamp5, stamp5.length - 1)},
      {"a truncated put", data(), Arrays.copyOf(put, put.length / 2)},
      {"a trailing byte after a put", data(), Arrays.copyOf(put, put.length + 1)},
      {"the step-down key on a put", StampKeys.stepDownKey(), put},
      {"the DoL key on a put", StampKeys.declarationOfLeadershipKey(), put},
      {"the heartbeat key on a put", StampKeys.heartbeatKey(), put},
      {
        "the step-down key on an EndOfPush",
        StampKeys.stepDownKey(),
        EnvelopeValues.encodeControl(
            StampKind.STEP_DOWN.guid(),
            0,
            0,
            TS,
            EnvelopeValues.END_OF_PUSH,
            EnvelopeValues.END_OF_PUSH,
            5,
            A)
      },
      {"a record without a key", null, stamp5},
    };
  }

  private static byte[] data() {
    return StampObserverFixtures.DATA_KEY.clone();
  }

  private static byte[] withByte(byte[] value, int index, int b) {
    byte[] copy = value.clone();
    copy[index] = (byte) b;
    return copy;
  }

  /** After A's stamp, the record could be anyone's, still writing: the reader keeps the wait. */
  @Test(dataProvider = "undecodable")
  public void anUndecodableRecordAfterTheStampKeepsTheWait(String name, byte[] key, byte[] value) {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = observer(metrics);
    observeAll(o, cleanTenureOfA());
    EnvelopeSummary decoded;
    try (LogCapture log = StampObserverFixtures.ruleLogs()) {
      decoded = records.observe(o, rec(14, key, value));
      List<String> w = log.warnings(StampRecords.class);
      assertEquals(w.size(), 1, name + ": one WARN of the record helper: " + log.text());
      assertTrue(w.get(0).contains(TOPIC + "-" + P), name + ": names the topic-partition: " + w);
      assertTrue(w.get(0).contains("offset 14"), name + ": names the offset: " + w);
      assertEquals(
          log.warnings(TenureTracker.class).size(),
          1,
          name + ": and the tenure turned unclean: " + log.text());
    }
    assertNull(decoded, name + ": reported as undecodable");
    assertEquals(metrics.uncleanTenure(), 1, name);
    observeAll(o, List.of(dolRec(15, READER, 7)));
    assertFalse(o.canSkipInactivityWait(P, 7), name + ": after A's stamp");
  }

  @Test(dataProvider = "undecodable")
  public void anUndecodableRecordInsideATenureKeepsTheWait(String name, byte[] key, byte[] value) {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    observeAll(o, List.of(dolRec(10, A, 5), dataRec(11, GUID_A, A)));
    assertNull(records.observe(o, rec(12, key, value)), name);
    observeAll(o, List.of(stampRec(13, A, 5), dolRec(14, READER, 7)));
    assertFalse(o.canSkipInactivityWait(P, 7), name + ": inside A's tenure");
  }

  @Test(dataProvider = "undecodable")
  public void anUndecodableRecordAfterTheReadersDeclarationKeepsTheWait(
      String name, byte[] key, byte[] value) {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    observeAll(o, cleanTenureOfA());
    observeAll(o, List.of(dolRec(14, READER, 7)));
    assertTrue(o.canSkipInactivityWait(P, 7), "precondition");
    assertNull(records.observe(o, rec(15, key, value)), name);
    assertFalse(o.canSkipInactivityWait(P, 7), name + ": inside the reader's own tenure");
  }

  /** A forged stamp is neither a stamp that closes A's tenure nor one that A's data may follow. */
  @Test
  public void aForgedStampClosesNothing() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    observeAll(o, List.of(dolRec(10, A, 5), dataRec(11, GUID_A, A)));
    assertNull(records.observe(o, rec(12, StampKeys.stepDownKey(), putValue(GUID_A, A))));
    observeAll(o, List.of(dolRec(13, READER, 7)));
    assertFalse(o.canSkipInactivityWait(P, 7));
  }

  // ------------------------------------------------------------------------- wrong input

  @Test
  public void aRecordOfAnotherTopicIsRefusedAndNotObserved() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    observeAll(o, cleanTenureOfA());
    ConsumerRecord<byte[], byte[]> foreign =
        new ConsumerRecord<>(
            "storeY_v2", P, 14, StampObserverFixtures.DATA_KEY.clone(), putValue(GUID_Z, Z));
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> records.observe(o, foreign));
    assertTrue(
        e.getMessage().contains("storeY_v2") && e.getMessage().contains(TOPIC), e.getMessage());
    observeAll(o, List.of(dolRec(14, READER, 7)));
    assertTrue(o.canSkipInactivityWait(P, 7), "the refused record was not observed");
  }

  @Test
  public void nullsAreProgrammingErrors() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    assertThrows(NullPointerException.class, () -> records.observe(o, null));
    assertThrows(NullPointerException.class, () -> records.observe(null, dolRec(1, A, 5)));
  }

  /** Each partition of a topic keeps its own tenures, through the helper as through the raw API. */
  @Test
  public void aBadRecordOnOnePartitionLeavesTheOthersAlone() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      all.add(
          new ConsumerRecord<>(
              TOPIC,
              p,
              1,
              StampKeys.declarationOfLeadershipKey(),
              CODEC.encode(StampKind.DECLARATION_OF_LEADERSHIP, 5, 0, A, TS)));
      all.add(
          new ConsumerRecord<>(
              TOPIC,
              p,
              2,
              StampKeys.stepDownKey(),
              CODEC.encode(StampKind.STEP_DOWN, 5, 0, A, TS)));
    }
    all.add(new ConsumerRecord<>(TOPIC, 1, 3, StampKeys.stepDownKey(), null));
    for (int p = 0; p < 3; p++) {
      all.add(
          new ConsumerRecord<>(
              TOPIC,
              p,
              4,
              StampKeys.declarationOfLeadershipKey(),
              CODEC.encode(StampKind.DECLARATION_OF_LEADERSHIP, 7, 0, READER, TS)));
    }
    all.forEach(r -> records.observe(o, r));
    assertTrue(o.canSkipInactivityWait(0, 7));
    assertFalse(o.canSkipInactivityWait(1, 7), "the null value followed A's stamp on partition 1");
    assertTrue(o.canSkipInactivityWait(2, 7));
  }
}
