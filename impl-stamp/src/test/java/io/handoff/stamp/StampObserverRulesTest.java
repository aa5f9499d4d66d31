package io.handoff.stamp;

import static io.handoff.stamp.StampObserverFixtures.TOPIC;
import static io.handoff.stamp.StampObserverFixtures.observer;
import static io.handoff.tck.RuleRecords.A;
import static io.handoff.tck.RuleRecords.B;
import static io.handoff.tck.RuleRecords.NO_TERM;
import static io.handoff.tck.RuleRecords.READER;
import static io.handoff.tck.RuleRecords.Z;
import static io.handoff.tck.RuleRecords.cleanTenure;
import static io.handoff.tck.RuleRecords.data;
import static io.handoff.tck.RuleRecords.dol;
import static io.handoff.tck.RuleRecords.seq;
import static io.handoff.tck.RuleRecords.stamp;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

import io.handoff.codec.HandWriter;
import io.handoff.codec.RecordKeys;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffEngine;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffObserverFactory;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.tck.ObserverRules;
import io.handoff.tck.RuleCase;
import io.handoff.tck.RuleFeed;
import io.handoff.tck.RuleRecords.Kind;
import io.handoff.tck.RuleRecords.Rec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * The tenure rules R1 to R5 of {@code docs/ARCHITECTURE.md} as the stamp observer applies them,
 * case by case from the hand-worked rule table, and the observer's contract around them: keys are
 * recognised by content, writer ids are compared by content and copied, partitions and version
 * topics share nothing, consuming switched off never cuts, and {@code decideHandover} answers and
 * counts each handover once.
 */
public class StampObserverRulesTest {

  private static final int P = 0;

  @DataProvider(name = "rules")
  public Object[][] rules() {
    return ObserverRules.cases().stream().map(c -> new Object[] {c}).toArray(Object[][]::new);
  }

  @Test(dataProvider = "rules")
  public void canSkipInactivityWaitFollowsTheRules(RuleCase c) {
    for (int partition : new int[] {P, 15, 16, 1000, io.handoff.spi.TenureTracker.MAX_PARTITION}) {
      LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
      StampObserverFixtures.feed(o).add(partition, c.records());
      String what = c.describe() + " [partition " + partition + "]";
      assertEquals(o.canSkipInactivityWait(partition, c.readerTerm()), c.expectedCut(), what);
      assertEquals(
          o.canSkipInactivityWait(partition, c.readerTerm()),
          c.expectedCut(),
          "a pure query, asked twice: " + what);
      if (partition > 0) {
        assertFalse(
            o.canSkipInactivityWait(partition - 1, c.readerTerm()),
            "nothing leaks to a neighbour: " + what);
      }
    }
  }

  @Test(dataProvider = "rules")
  public void consumingSwitchedOffNeverCuts(RuleCase c) {
    LeadershipHandoffObserver o = observer(false, HandoffMetrics.NOOP);
    StampObserverFixtures.feed(o).add(P, c.records());
    assertFalse(o.canSkipInactivityWait(P, c.readerTerm()), "consuming off: " + c.describe());
  }

  /**
   * Rule R4 is a question of the reader: the same records answer for the old leader's replica, or
   * for a third replica, as for nobody.
   */
  @Test
  public void onlyTheReaderWhoseDeclarationIsCurrentMayCut() {
    List<Rec> records = seq(cleanTenure(A, 1), dol(B, 2));
    for (String reader : new String[] {READER, A, Z}) {
      LeadershipHandoffObserver o =
          StampObserverFixtures.open(true, HandoffMetrics.NOOP, TOPIC, reader);
      StampObserverFixtures.feed(o).add(P, records);
      assertFalse(o.canSkipInactivityWait(P, 2), "B's DoL is not " + reader + "'s");
    }
    LeadershipHandoffObserver b = StampObserverFixtures.open(true, HandoffMetrics.NOOP, TOPIC, B);
    StampObserverFixtures.feed(b).add(P, records);
    assertTrue(b.canSkipInactivityWait(P, 2), "B itself, whose DoL of 2 is current");
    assertFalse(b.canSkipInactivityWait(P, 3), "B with a term it did not declare");
  }

  /**
   * The fast path opens when the reader's DoL is read back, and closes on the first foreign record.
   */
  @Test
  public void theAnswerFollowsTheLogRecordByRecord() {
    RuleFeed f = StampObserverFixtures.feed(observer(HandoffMetrics.NOOP));
    f.add(P, dol(A, 1), data(A));
    assertFalse(f.cut(P, 2), "A's tenure open");
    f.add(P, stamp(A, 1));
    assertFalse(f.cut(P, 2), "A closed its tenure, the reader's DoL is not read back yet");
    f.add(P, dol(READER, 2));
    assertTrue(f.cut(P, 2), "own DoL read back");
    f.add(P, data(READER), data(READER, 2));
    assertTrue(f.cut(P, 2), "own records");
    f.add(P, data(Z));
    assertFalse(f.cut(P, 2), "a foreign record in the reader's tenure");
    f.add(P, data(READER));
    assertFalse(
        f.cut(P, 2), "unclean for good: the reader's own records do not make it clean again");
  }

  // ------------------------------------------------------------------ keys and writer ids

  @Test
  public void keysAreRecognisedByContentAndNotRetained() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    byte[] dolKey = StampKeys.declarationOfLeadershipKey();
    byte[] stampKey = new byte[StampKind.KEY_LENGTH];
    System.arraycopy(StampKeys.stepDownKey(), 0, stampKey, 0, stampKey.length);
    o.observe(P, 1, dolKey, A, 1);
    o.observe(P, 2, stampKey, A, 1);
    assertEquals(stampKey, StampKeys.stepDownKey(), "observe must not modify the key");
    Arrays.fill(dolKey, (byte) 0); // the host reuses its buffers
    Arrays.fill(stampKey, (byte) 0);
    o.observe(P, 3, StampKeys.declarationOfLeadershipKey(), READER, 2);
    assertTrue(
        o.canSkipInactivityWait(P, 2), "the state must not depend on the caller's key buffers");
  }

  @Test
  public void aKeyThatOnlyResemblesAStampKeyIsAnOrdinaryRecord() {
    byte[] lastByte = StampKeys.stepDownKey();
    lastByte[24] = 1; // sequence number 1: no stamp key
    byte[] longer = Arrays.copyOf(StampKeys.stepDownKey(), 26);
    byte[] dataHeader = StampKeys.stepDownKey();
    dataHeader[0] = RecordKeys.DATA_KEY_HEADER;
    for (byte[] almost : new byte[][] {lastByte, longer, dataHeader, StampKeys.heartbeatKey()}) {
      assertFalse(StampKeys.isStepDownKey(almost), HandWriter.hex(almost));
      LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
      o.observe(P, 1, StampKeys.declarationOfLeadershipKey(), A, 1);
      o.observe(P, 2, almost, A, 1); // A's own record of its term: belongs, closes nothing
      o.observe(P, 3, StampKeys.declarationOfLeadershipKey(), READER, 2);
      assertFalse(
          o.canSkipInactivityWait(P, 2),
          "not a stamp, so A's tenure was never closed: " + HandWriter.hex(almost));
    }
  }

  @Test
  public void writerIdsAreComparedByContentWhateverTheirType() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    o.observe(P, 1, StampKeys.declarationOfLeadershipKey(), new StringBuilder(A), 1);
    o.observe(P, 2, StampObserverFixtures.key(Kind.DATA), A, NO_TERM);
    o.observe(
        P,
        3,
        StampObserverFixtures.key(Kind.DATA),
        new StringBuilder().append("host-").append('a'),
        NO_TERM);
    o.observe(P, 4, StampKeys.stepDownKey(), java.nio.CharBuffer.wrap(A.toCharArray()), 1);
    o.observe(P, 5, StampKeys.declarationOfLeadershipKey(), new StringBuilder(READER), 2);
    assertTrue(
        o.canSkipInactivityWait(P, 2),
        "String, StringBuilder and CharBuffer of one host are one writer");
  }

  /** A host decoding into one reused buffer hands the observer the same object for every record. */
  @Test
  public void aReusedWriterIdBufferIsCopiedNotRetained() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    StringBuilder buffer = new StringBuilder();
    long offset = 0;
    for (Rec r : seq(cleanTenure(A, 1), dol(READER, 2))) {
      buffer.setLength(0);
      buffer.append(r.writer());
      o.observe(P, offset++, StampObserverFixtures.key(r.kind()), buffer, r.term());
    }
    buffer.setLength(0);
    buffer.append(Z); // the next record's writer, decoded into the same buffer
    assertTrue(
        o.canSkipInactivityWait(P, 2), "the reader's tenure must not follow the caller's buffer");
    o.observe(P, offset, StampObserverFixtures.key(Kind.DATA), buffer, NO_TERM);
    assertFalse(o.canSkipInactivityWait(P, 2), "and Z's record, in that buffer, is Z's");
  }

  // ------------------------------------------------------------- partitions and topics

  @Test
  public void partitionsAreIndependent() {
    RuleFeed f = StampObserverFixtures.feed(observer(HandoffMetrics.NOOP));
    // interleaved, the way one consumer loop delivers several partitions
    f.add(0, dol(A, 1));
    f.add(1, dol(A, 1));
    f.add(2, dol(B, 7));
    f.add(0, stamp(A, 1));
    f.add(1, data(Z));
    f.add(1, stamp(A, 1));
    f.add(2, stamp(B, 7));
    f.add(0, dol(READER, 2));
    f.add(1, dol(READER, 2));
    f.add(2, dol(READER, 8));
    f.add(3, dol(READER, 2));
    assertTrue(f.cut(0, 2), "partition 0: clean handover");
    assertFalse(f.cut(1, 2), "partition 1: Z wrote inside A's tenure");
    assertTrue(f.cut(2, 8), "partition 2: its own terms");
    assertFalse(f.cut(2, 2), "partition 2: the reader's term there is 8");
    assertFalse(f.cut(3, 2), "partition 3: nothing before the reader");
    assertFalse(f.cut(4, 2), "partition 4: never seen");
  }

  @Test
  public void largePartitionsGrowTheStateAndKeepEarlierState() {
    RuleFeed f = StampObserverFixtures.feed(observer(HandoffMetrics.NOOP));
    int[] partitions = {3, 1000, 17, 16, 4096, 100_000, io.handoff.spi.TenureTracker.MAX_PARTITION};
    for (int p : partitions) {
      f.add(p, cleanTenure(A, p));
    }
    for (int p : partitions) {
      f.add(p, dol(READER, p + 1L));
    }
    for (int p : partitions) {
      assertTrue(f.cut(p, p + 1L), "partition " + p + " must survive the growth");
      assertFalse(f.cut(p, p), "partition " + p + ": stamp term equal to the reader's");
    }
    assertFalse(f.cut(999, 1000), "a never-seen partition inside the grown array");
    assertFalse(f.cut(200_000, 2), "a never-seen partition");
  }

  @Test
  public void partitionsOutsideTheRangeAreRejected() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    byte[] key = StampObserverFixtures.key(Kind.DATA);
    assertThrows(IllegalArgumentException.class, () -> o.observe(-1, 0, key, A, NO_TERM));
    assertThrows(
        IllegalArgumentException.class, () -> o.observe(Integer.MIN_VALUE, 0, key, A, NO_TERM));
    assertThrows(
        IllegalArgumentException.class,
        () -> o.observe(io.handoff.spi.TenureTracker.MAX_PARTITION + 1, 0, key, A, NO_TERM));
    assertThrows(
        IllegalArgumentException.class, () -> o.observe(Integer.MAX_VALUE, 0, key, A, NO_TERM));
    assertThrows(IllegalArgumentException.class, () -> o.observeUndecodable(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> o.forget(-1));
    assertFalse(o.canSkipInactivityWait(-1, 2), "a query of an impossible partition is simply no");
    assertFalse(o.canSkipInactivityWait(Integer.MAX_VALUE, 2));
    // nothing was half-created: a valid partition works normally afterwards
    StampObserverFixtures.feed(o).add(P, seq(cleanTenure(A, 1), dol(READER, 2)));
    assertTrue(o.canSkipInactivityWait(P, 2));
  }

  /**
   * Rule S1: a server opens one observer per version topic from one factory; they share nothing.
   */
  @Test
  public void observersOfOneFactoryShareNothing() {
    HandoffObserverFactory factory =
        LeadershipHandoffs.observers(StampObserverFixtures.settings(true), HandoffMetrics.NOOP);
    LeadershipHandoffObserver x = factory.open("storeX_v1", READER);
    LeadershipHandoffObserver y = factory.open("storeY_v2", READER);
    assertTrue(
        HandoffEngine.evidenceOf(x) instanceof StampObserver,
        "the stamp strategy is selected: " + x);
    assertEquals(x.versionTopic(), "storeX_v1");
    assertEquals(y.versionTopic(), "storeY_v2");
    assertEquals(x.localWriterId(), READER);
    StampObserverFixtures.feed(x).add(3, seq(cleanTenure(A, 5), dol(READER, 9)));
    StampObserverFixtures.feed(y).add(3, data(Z), dol(READER, 9));
    assertTrue(x.canSkipInactivityWait(3, 9), "storeX_v1-3");
    assertFalse(y.canSkipInactivityWait(3, 9), "storeY_v2-3 has its own records only");
    LeadershipHandoffObserver again = factory.open("storeX_v1", READER);
    assertFalse(
        again.canSkipInactivityWait(3, 9), "every open returns a new observer with no state");
  }

  @Test
  public void constructionIsChecked() {
    HandoffSettings s = StampObserverFixtures.settings(true);
    assertThrows(
        IllegalArgumentException.class, () -> new StampObserver(HandoffMetrics.NOOP, " ", READER));
    assertThrows(
        IllegalArgumentException.class, () -> new StampObserver(HandoffMetrics.NOOP, TOPIC, ""));
    assertThrows(
        NullPointerException.class, () -> new StampObserver(HandoffMetrics.NOOP, null, READER));
    assertThrows(
        NullPointerException.class, () -> new StampObserver(HandoffMetrics.NOOP, TOPIC, null));
    assertThrows(NullPointerException.class, () -> new StampObserver(null, TOPIC, READER));
    assertThrows(
        NullPointerException.class,
        () ->
            HandoffEngine.observer(
                null,
                HandoffMetrics.NOOP,
                TOPIC,
                READER,
                new StampObserver(HandoffMetrics.NOOP, TOPIC, READER)));
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    assertEquals(o.versionTopic(), TOPIC);
    assertEquals(o.localWriterId(), READER);
    assertTrue(o.toString().contains(TOPIC) && o.toString().contains(READER), o.toString());
  }

  // --------------------------------------------------------------------- decideHandover

  /**
   * Whether the records allow the cut, consuming, whether the window elapsed, the answer, counter
   * deltas.
   */
  @DataProvider(name = "decide")
  public Object[][] decide() {
    return new Object[][] {
      {"no proof, window running", false, true, false, HandoverPath.WAIT, 0, 0},
      {"no proof, window elapsed", false, true, true, HandoverPath.LEGACY_WAIT, 0, 1},
      {"proof, window running", true, true, false, HandoverPath.FAST_PATH, 1, 0},
      {"proof, window elapsed: the fast path wins", true, true, true, HandoverPath.FAST_PATH, 1, 0},
      {"consuming off, window running", true, false, false, HandoverPath.WAIT, 0, 0},
      {"consuming off, window elapsed", true, false, true, HandoverPath.LEGACY_WAIT, 0, 1},
    };
  }

  @Test(dataProvider = "decide")
  public void decideHandoverAnswersAndCountsOnce(
      String name,
      boolean proof,
      boolean consume,
      boolean elapsed,
      HandoverPath expected,
      int fastDelta,
      int legacyDelta) {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = observer(consume, m);
    // without proof, A's tenure was never stamped
    StampObserverFixtures.feed(o)
        .add(
            6,
            proof
                ? seq(cleanTenure(A, 1), dol(READER, 2))
                : seq(dol(A, 1), data(A), dol(READER, 2)));
    assertEquals(o.decideHandover(6, 2, elapsed), expected, name);
    assertEquals(m.fastPath(), fastDelta, name + ": fast path counter");
    assertEquals(m.legacyWait(), legacyDelta, name + ": legacy wait counter");
    assertEquals(m.uncleanTenure(), 0, name);
    assertEquals(m.emitSuccess() + m.emitFailure() + m.skippedUnestablished(), 0, name);
  }

  @Test
  public void waitAnswersAreNeverCountedAndTheFinalAnswerOnce() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = observer(m);
    RuleFeed f = StampObserverFixtures.feed(o).add(0, dol(A, 1), data(A), dol(READER, 2));
    for (int i = 0; i < 10; i++) {
      assertEquals(o.decideHandover(0, 2, false), HandoverPath.WAIT);
    }
    assertEquals(m.fastPath() + m.legacyWait(), 0, "WAIT is not a handover");
    assertEquals(o.decideHandover(0, 2, true), HandoverPath.LEGACY_WAIT);
    assertEquals(m.legacyWait(), 1);

    // a second promotion on another partition, this time by the fast path
    f.add(1, seq(cleanTenure(A, 1), dol(READER, 2)));
    for (int i = 0; i < 3; i++) {
      assertTrue(o.canSkipInactivityWait(1, 2), "canSkipInactivityWait is a pure query");
    }
    assertEquals(m.fastPath(), 0, "canSkipInactivityWait must not count");
    assertEquals(o.decideHandover(1, 2, false), HandoverPath.FAST_PATH);
    assertEquals(m.fastPath(), 1);
    assertEquals(m.legacyWait(), 1);
  }

  /** As a host selects it: each answer that is not WAIT is counted once, with its reason. */
  @Test
  public void theSelectedStampStrategyCountsEachDecisionOnceWithItsReason() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o =
        LeadershipHandoffs.observers(StampObserverFixtures.settings(true), m).open(TOPIC, READER);
    assertTrue(HandoffEngine.evidenceOf(o) instanceof StampObserver, String.valueOf(o));
    RuleFeed f = StampObserverFixtures.feed(o).add(0, dol(A, 1), data(A), dol(READER, 2));
    assertEquals(o.decideHandover(0, 2, false), HandoverPath.WAIT);
    assertEquals(o.decideHandover(0, 2, true), HandoverPath.LEGACY_WAIT);
    f.add(1, seq(cleanTenure(A, 1), dol(READER, 2)));
    assertEquals(o.decideHandover(1, 2, false), HandoverPath.FAST_PATH);
    assertEquals(m.legacyWait(), 1, "one legacy wait");
    assertEquals(m.handovers(HandoverReason.NO_STAMP), 1, "A's tenure was never stamped");
    assertEquals(m.fastPath(), 1, "one fast path");
    assertEquals(m.handovers(HandoverReason.CLEAN_STEP_DOWN), 1, "A stamped its clean tenure");
  }

  @Test
  public void decideHandoverWithoutATermFallsBackToTheLegacyWait() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = observer(m);
    StampObserverFixtures.feed(o).add(0, seq(cleanTenure(A, 1), dol(READER, 2)));
    assertEquals(o.decideHandover(0, NO_TERM, false), HandoverPath.WAIT);
    assertEquals(o.decideHandover(0, 0, false), HandoverPath.WAIT);
    assertEquals(o.decideHandover(0, NO_TERM, true), HandoverPath.LEGACY_WAIT);
    assertEquals(m.fastPath(), 0);
    assertEquals(m.legacyWait(), 1);
  }

  @Test
  public void decideHandoverReportsItsTopicPartitionAndPath() {
    List<String> reported = new ArrayList<>();
    HandoffMetrics recording =
        new HandoffMetrics() {
          @Override
          public void handover(String versionTopic, int partition, HandoverPath path) {
            reported.add(versionTopic + "-" + partition + ":" + path);
          }
        };
    LeadershipHandoffObserver o = observer(recording);
    StampObserverFixtures.feed(o)
        .add(1000, seq(cleanTenure(A, 1), dol(READER, 2)))
        .add(5, dol(A, 1), dol(READER, 2));
    assertEquals(o.decideHandover(5, 2, false), HandoverPath.WAIT);
    assertEquals(o.decideHandover(1000, 2, false), HandoverPath.FAST_PATH);
    assertEquals(o.decideHandover(5, 2, true), HandoverPath.LEGACY_WAIT);
    assertEquals(reported, List.of(TOPIC + "-1000:FAST_PATH", TOPIC + "-5:LEGACY_WAIT"));
  }
}
