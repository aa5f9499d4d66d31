package io.handoff.stamp;

import static io.handoff.stamp.StampObserverFixtures.observer;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffMetrics;
import io.handoff.stamp.StampObserverFixtures.LogCapture;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/** The raw-record helper {@code observe(ConsumerRecord, myTerm)}: decoding, rejection, logging. */
public class StampObserverRecordTest {

  private static final String TOPIC = "store_v7";
  private static final int P = 3;
  private static final long TS = 1_700_000_000_000L;
  private static final byte[] PRODUCER_GUID = HandWriter.hex("00112233445566778899aabbccddeeff");
  private static final StampCodec CODEC = new StampCodec();

  private static ConsumerRecord<byte[], byte[]> rec(int partition, long offset, byte[] key, byte[] value) {
    return new ConsumerRecord<>(TOPIC, partition, offset, key, value);
  }

  private static byte[] stampValue(StampKind kind, long term) {
    return CODEC.encodeStamp(kind, term, 2, "host-" + term, TS);
  }

  private static byte[] putValue(long term) {
    return CODEC.encodePut(PRODUCER_GUID, 1, 7, TS, "v".getBytes(UTF_8), 1, term, term < 0 ? null : "host-" + term);
  }

  private static byte[] dataKey() {
    return StampObserverFixtures.DATA_KEY.clone();
  }

  private static byte[] corrupt(byte[] value, int index, int b) {
    byte[] copy = value.clone();
    copy[index] = (byte) b;
    return copy;
  }

  // ------------------------------------------------------------------------ good records

  @Test
  public void aGoodStampRecordIsObservedAndAllowsTheCut() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    assertFalse(o.canSkipInactivityWait(P, 2));
    assertTrue(o.observe(rec(P, 10, StampKeys.stepDownKey(), stampValue(StampKind.STEP_DOWN, 1)), -1));
    assertTrue(o.canSkipInactivityWait(P, 2));
    assertFalse(o.canSkipInactivityWait(P, 1), "0 < stampTerm < myTerm");
    assertFalse(o.canSkipInactivityWait(P + 1, 2), "another partition");
  }

  @Test
  public void goodRecordsFollowTheRules() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    try (LogCapture log = new LogCapture()) {
      assertTrue(o.observe(rec(P, 1, dataKey(), putValue(1)), -1));
      assertTrue(o.observe(rec(P, 2, StampKeys.stepDownKey(), stampValue(StampKind.STEP_DOWN, 1)), -1));
      assertTrue(o.canSkipInactivityWait(P, 2));
      // the reader's own DoL, observed as leader of term 2: ignored
      assertTrue(o.observe(rec(P, 3, StampKeys.declarationOfLeadershipKey(),
          stampValue(StampKind.DECLARATION_OF_LEADERSHIP, 2)), 2));
      assertTrue(o.canSkipInactivityWait(P, 2), "own DoL must be ignored");
      // another replica's DoL of term 3 (the reader of term 2 lost the race): forgets
      assertTrue(o.observe(rec(P, 4, StampKeys.declarationOfLeadershipKey(),
          stampValue(StampKind.DECLARATION_OF_LEADERSHIP, 3)), 2));
      assertFalse(o.canSkipInactivityWait(P, 2), "a foreign DoL after the stamp forbids the cut");
      assertFalse(o.canSkipInactivityWait(P, 4));
      // the leader of 3 steps down
      assertTrue(o.observe(rec(P, 5, StampKeys.stepDownKey(), stampValue(StampKind.STEP_DOWN, 3)), -1));
      assertTrue(o.canSkipInactivityWait(P, 4));
      // data without a footer (term -1): forgets
      assertTrue(o.observe(rec(P, 6, dataKey(), putValue(-1)), -1));
      assertFalse(o.canSkipInactivityWait(P, 4), "a record without a term forgets the stamp");
      // a stamp written with another checksum type is still a stamp
      byte[] crcStamp = new StampCodec(StampCodec.CHECKSUM_CRC32).encodeStamp(StampKind.STEP_DOWN, 3, 0, "w", TS);
      assertTrue(o.observe(rec(P, 7, StampKeys.stepDownKey(), crcStamp), -1));
      assertTrue(o.canSkipInactivityWait(P, 4));
      // a foreign heartbeat of a newer term: forgets
      assertTrue(o.observe(rec(P, 8, StampKeys.heartbeatKey(), stampValue(StampKind.HEARTBEAT, 5)), -1));
      assertFalse(o.canSkipInactivityWait(P, 6));
      // the term comes from the footer: a late stamp after the heartbeat of term 5 does not count
      assertTrue(o.observe(rec(P, 9, StampKeys.stepDownKey(), stampValue(StampKind.STEP_DOWN, 3)), -1));
      assertFalse(o.canSkipInactivityWait(P, 6), "late stamp T3 after a record of T5");
      assertTrue(o.observe(rec(P, 10, StampKeys.stepDownKey(), stampValue(StampKind.STEP_DOWN, 5)), -1));
      assertTrue(o.canSkipInactivityWait(P, 6));
      // an ordinary control message (StartOfPush) of a newer term: forgets
      assertTrue(o.observe(rec(P, 11, StampObserverFixtures.OTHER_CONTROL_KEY.clone(),
          CODEC.encodeControl(PRODUCER_GUID, 0, 0, TS, StampCodec.CONTROL_START_OF_PUSH,
              StampCodec.CONTROL_START_OF_PUSH, 6, "w")), -1));
      assertFalse(o.canSkipInactivityWait(P, 7));
      assertEquals(log.observerWarnings(), List.of(), "good records must not be warned about");
    }
  }

  @Test
  public void aNullRecordIsAProgrammingError() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    assertThrows(NullPointerException.class, () -> o.observe((ConsumerRecord<byte[], byte[]>) null, 2));
  }

  // --------------------------------------------------------------------- corrupt records

  @DataProvider(name = "corrupt")
  public Object[][] corruptRecords() {
    byte[] stamp9 = stampValue(StampKind.STEP_DOWN, 9);
    byte[] put9 = putValue(9);
    return new Object[][] {
      {"truncated stamp value (last byte missing)", StampKeys.stepDownKey(), Arrays.copyOf(stamp9, stamp9.length - 1)},
      {"truncated stamp value (half)", StampKeys.stepDownKey(), Arrays.copyOf(stamp9, stamp9.length / 2)},
      {"truncated stamp value (magic and version only)", StampKeys.stepDownKey(), new byte[] {23, 14}},
      {"truncated stamp value (magic only)", StampKeys.stepDownKey(), new byte[] {23}},
      {"truncated data value", dataKey(), Arrays.copyOf(put9, put9.length - 3)},
      {"wrong magic byte on a stamp", StampKeys.stepDownKey(), corrupt(stamp9, 0, 22)},
      {"wrong magic byte on data", dataKey(), corrupt(put9, 0, 0)},
      {"unknown protocol version 15 on a stamp", StampKeys.stepDownKey(), corrupt(stamp9, 1, 15)},
      {"unknown protocol version 13 on data", dataKey(), corrupt(put9, 1, 13)},
      {"null value under the step-down key", StampKeys.stepDownKey(), null},
      {"null value under a data key", dataKey(), null},
      {"empty value", StampKeys.stepDownKey(), new byte[0]},
      {"a trailing byte after a stamp", StampKeys.stepDownKey(), Arrays.copyOf(stamp9, stamp9.length + 1)},
      {"forged step-down key on a put value", StampKeys.stepDownKey(), put9},
      {"forged step-down key on a put value without footer", StampKeys.stepDownKey(), putValue(-1)},
      {"step-down key on a StartOfSegment without footer", StampKeys.stepDownKey(),
          CODEC.encodeControl(StampKind.STEP_DOWN.guid(), 0, 0, TS, StampCodec.CONTROL_START_OF_SEGMENT,
              StampCodec.CONTROL_START_OF_SEGMENT, -1, null)},
      {"step-down key on an EndOfPush control message", StampKeys.stepDownKey(),
          CODEC.encodeControl(StampKind.STEP_DOWN.guid(), 0, 0, TS, StampCodec.CONTROL_END_OF_PUSH,
              StampCodec.CONTROL_END_OF_PUSH, 9, "w")},
      {"DoL key on a put value", StampKeys.declarationOfLeadershipKey(), put9},
      {"heartbeat key on a put value", StampKeys.heartbeatKey(), put9},
      {"null key", null, stamp9},
    };
  }

  /**
   * State: data T1, stamp T1 (a reader of term 2 may cut). A corrupt record is rejected, logged,
   * and leaves that state exactly as it was; good records after it are observed normally.
   */
  @Test(dataProvider = "corrupt")
  public void aCorruptRecordIsRejectedAndLeavesTheStateAlone(String name, byte[] key, byte[] value) {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    StampObserver o = observer(true, metrics);
    assertTrue(o.observe(rec(P, 40, dataKey(), putValue(1)), -1));
    assertTrue(o.observe(rec(P, 41, StampKeys.stepDownKey(), stampValue(StampKind.STEP_DOWN, 1)), -1));
    boolean[] before = answers(o, P);
    assertTrue(before[2], "precondition: a reader of term 2 may cut");

    boolean observed;
    try (LogCapture log = new LogCapture()) {
      observed = o.observe(rec(P, 42, key, value), -1);
      List<String> warnings = log.observerWarnings();
      assertEquals(warnings.size(), 1, name + ": exactly one WARN expected, got " + log.text());
      assertTrue(warnings.get(0).contains(TOPIC + "-" + P), name + ": WARN must name the topic-partition: " + warnings);
      assertTrue(warnings.get(0).contains("offset 42"), name + ": WARN must name the offset: " + warnings);
    }
    assertFalse(observed, name + ": a corrupt record must be rejected");
    assertEquals(answers(o, P), before, name + ": the state must be exactly as before");
    assertEquals(metrics.staleTermWrite(), 0, name);

    // the same record while the reader is a leader of term 2 (its own term differs from the record's)
    assertFalse(o.observe(rec(P, 43, key == null ? null : key.clone(), value == null ? null : value.clone()), 2), name);
    assertEquals(answers(o, P), before, name + ": the state must be exactly as before (as leader)");

    // later good records are observed normally; the rejected term 9 was not taken as the highest term
    assertTrue(o.observe(rec(P, 44, StampKeys.stepDownKey(), stampValue(StampKind.STEP_DOWN, 2)), -1), name);
    assertTrue(o.canSkipInactivityWait(P, 3), name + ": the rejected record's term must not count by rule 4");
    assertTrue(o.observe(rec(P, 45, dataKey(), putValue(2)), -1), name);
    assertFalse(o.canSkipInactivityWait(P, 3), name + ": data after the stamp forbids the cut");
  }

  /** A forged or corrupt stamp on a fresh partition creates no stamp. */
  @Test(dataProvider = "corrupt")
  public void aCorruptRecordCreatesNoStamp(String name, byte[] key, byte[] value) {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    assertFalse(o.observe(rec(5, 7, key, value), -1), name);
    for (long myTerm = -1; myTerm <= 12; myTerm++) {
      assertFalse(o.canSkipInactivityWait(5, myTerm), name + ": reader term " + myTerm);
    }
    // and it was not taken as a record of term 9 either
    assertTrue(o.observe(rec(5, 8, StampKeys.stepDownKey(), stampValue(StampKind.STEP_DOWN, 2)), -1), name);
    assertTrue(o.canSkipInactivityWait(5, 3), name);
  }

  @Test
  public void aForgedStampDoesNotForgetTheRealOne() {
    // the forgery would forbid the cut if taken as a data record of term 9, and allow a reader of
    // term 10 if taken as a stamp: it must be neither
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    assertTrue(o.observe(rec(P, 1, StampKeys.stepDownKey(), stampValue(StampKind.STEP_DOWN, 4)), -1));
    assertTrue(o.canSkipInactivityWait(P, 5));
    assertFalse(o.observe(rec(P, 2, StampKeys.stepDownKey(), putValue(9)), -1));
    assertTrue(o.canSkipInactivityWait(P, 5));
    assertTrue(o.canSkipInactivityWait(P, 10));
    assertFalse(o.canSkipInactivityWait(P, 4));
  }

  @Test
  public void aBadRecordOnOnePartitionLeavesTheOthersAlone() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    assertTrue(o.observe(rec(0, 1, StampKeys.stepDownKey(), stampValue(StampKind.STEP_DOWN, 1)), -1));
    assertTrue(o.observe(rec(1, 1, StampKeys.stepDownKey(), stampValue(StampKind.STEP_DOWN, 1)), -1));
    assertFalse(o.observe(rec(1, 2, StampKeys.stepDownKey(), null), -1));
    assertFalse(o.observe(rec(2, 2, StampKeys.stepDownKey(), new byte[] {23, 14, 4}), -1));
    assertTrue(o.canSkipInactivityWait(0, 2));
    assertTrue(o.canSkipInactivityWait(1, 2));
    assertFalse(o.canSkipInactivityWait(2, 2));
  }

  /** canSkipInactivityWait for reader terms 0..12 (index = term), as a fingerprint of a partition's state. */
  private static boolean[] answers(StampObserver o, int partition) {
    boolean[] byTerm = new boolean[13];
    for (int t = 0; t < byTerm.length; t++) {
      byTerm[t] = o.canSkipInactivityWait(partition, t);
    }
    return byTerm;
  }
}
