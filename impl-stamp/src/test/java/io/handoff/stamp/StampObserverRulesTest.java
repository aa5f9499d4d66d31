package io.handoff.stamp;

import static io.handoff.stamp.StampObserverFixtures.data;
import static io.handoff.stamp.StampObserverFixtures.dol;
import static io.handoff.stamp.StampObserverFixtures.feed;
import static io.handoff.stamp.StampObserverFixtures.observer;
import static io.handoff.stamp.StampObserverFixtures.stamp;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoverPath;
import io.handoff.stamp.StampObserverFixtures.Case;
import io.handoff.stamp.StampObserverFixtures.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/** The observer rules of the architecture guide, case by case, plus partitions and decideHandover. */
public class StampObserverRulesTest {

  @DataProvider(name = "rules")
  public Object[][] rules() {
    return StampObserverFixtures.ruleCases().stream().map(c -> new Object[] {c}).toArray(Object[][]::new);
  }

  @Test(dataProvider = "rules")
  public void canSkipInactivityWaitFollowsTheRules(Case c) {
    StampObserver o = observer(c.consume(), HandoffMetrics.NOOP);
    feed(o, c.partition(), c.records());
    assertEquals(o.canSkipInactivityWait(c.partition(), c.readerTerm()), c.expected(), c.describe());
    // a pure query: asking again gives the same answer
    assertEquals(o.canSkipInactivityWait(c.partition(), c.readerTerm()), c.expected(), "asked twice: " + c.describe());
    // nothing leaks to a neighbouring partition
    assertFalse(o.canSkipInactivityWait(c.partition() + 1, c.readerTerm()), "neighbour of " + c.describe());
  }

  @Test
  public void theOtherControlKeyIsNoStampKey() {
    byte[] k = StampObserverFixtures.OTHER_CONTROL_KEY;
    assertEquals(k.length, 25);
    assertEquals(k[0], 2);
    assertEquals(Arrays.copyOfRange(k, 17, 25), new byte[8]);
    assertNull(StampKeys.kindOf(k));
    assertFalse(StampKeys.isStepDownKey(StampObserverFixtures.DATA_KEY));
  }

  @Test
  public void theObserverKeepsNoReferenceToTheKey() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    byte[] key = StampKeys.stepDownKey();
    o.observe(0, key, 1, -1);
    assertEquals(key, StampKeys.stepDownKey(), "observe modified the key");
    Arrays.fill(key, (byte) 0); // the host reuses its buffer
    assertTrue(o.canSkipInactivityWait(0, 2), "the remembered stamp must not depend on the caller's buffer");
  }

  @Test
  public void theStepDownKeyIsComparedByContentNotByIdentity() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    byte[] copy = new byte[25];
    System.arraycopy(StampKeys.stepDownKey(), 0, copy, 0, 25);
    o.observe(0, copy, 1, -1);
    assertTrue(o.canSkipInactivityWait(0, 2));
    byte[] almost = StampKeys.stepDownKey();
    almost[24] = 1; // sequence number 1: no stamp key
    o.observe(0, almost, 1, -1);
    assertFalse(o.canSkipInactivityWait(0, 2), "a key differing in the last byte is no stamp and forgets it");
    o.observe(0, Arrays.copyOf(StampKeys.stepDownKey(), 26), 1, -1);
    assertFalse(o.canSkipInactivityWait(0, 2), "a 26-byte key starting like the stamp key is no stamp");
  }

  // ------------------------------------------------------------------------------- forget

  @Test
  public void forgetDropsTheRememberedStamp() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    feed(o, 3, data(1), stamp(1), dol(2).seenBy(2));
    assertTrue(o.canSkipInactivityWait(3, 2));
    o.forget(3);
    assertFalse(o.canSkipInactivityWait(3, 2), "forget must drop the stamp");
    feed(o, 3, stamp(1));
    assertTrue(o.canSkipInactivityWait(3, 2), "after forget the partition starts from scratch");
  }

  @Test
  public void forgetDropsTheHighestTermToo() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    feed(o, 4, data(2));
    feed(o, 4, stamp(1));
    assertFalse(o.canSkipInactivityWait(4, 3), "late stamp T1 after T2");
    o.forget(4);
    feed(o, 4, stamp(1));
    assertTrue(o.canSkipInactivityWait(4, 3), "the highest term T2 must have been forgotten with the partition");
  }

  @Test
  public void forgetTouchesOnlyItsPartition() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    feed(o, 1, stamp(1));
    feed(o, 2, stamp(1));
    feed(o, 700, stamp(1));
    o.forget(2);
    assertTrue(o.canSkipInactivityWait(1, 2));
    assertFalse(o.canSkipInactivityWait(2, 2));
    assertTrue(o.canSkipInactivityWait(700, 2));
  }

  @Test
  public void forgetOfUnknownPartitionsIsHarmless() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    o.forget(0);
    o.forget(15);
    o.forget(16);
    o.forget(100_000);
    feed(o, 5, stamp(1));
    o.forget(100_000);
    assertTrue(o.canSkipInactivityWait(5, 2));
    assertFalse(o.canSkipInactivityWait(100_000, 2));
  }

  // --------------------------------------------------------------------------- partitions

  @Test
  public void partitionsAreIndependent() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    // interleaved: a stamp on 0, data on 1, ...
    o.observe(0, Kind.DATA.key(), 1, -1);
    o.observe(1, Kind.DATA.key(), 1, -1);
    o.observe(0, Kind.STEP_DOWN.key(), 1, -1);
    o.observe(1, Kind.STEP_DOWN.key(), 1, -1);
    o.observe(1, Kind.HEARTBEAT.key(), 1, -1); // forgets partition 1's stamp only
    o.observe(2, Kind.DATA.key(), 7, -1); // a high term on partition 2 only
    o.observe(0, Kind.DOL.key(), 2, 2);
    assertTrue(o.canSkipInactivityWait(0, 2));
    assertFalse(o.canSkipInactivityWait(1, 2));
    assertFalse(o.canSkipInactivityWait(2, 8));
    o.observe(2, Kind.STEP_DOWN.key(), 3, -1); // late stamp on 2
    o.observe(3, Kind.STEP_DOWN.key(), 3, -1); // the same stamp on 3 counts
    assertFalse(o.canSkipInactivityWait(2, 8));
    assertTrue(o.canSkipInactivityWait(3, 8));
    assertTrue(o.canSkipInactivityWait(0, 2), "partition 0 unchanged by the others");
  }

  @Test
  public void largePartitionsGrowTheStateAndKeepEarlierState() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    feed(o, 3, stamp(1));
    feed(o, 1000, data(1), stamp(1));
    feed(o, 17, data(4));
    feed(o, 16, stamp(2));
    feed(o, 4096, stamp(5));
    feed(o, 100_000, stamp(1), data(1));
    assertTrue(o.canSkipInactivityWait(3, 2), "state of partition 3 must survive the growth");
    assertTrue(o.canSkipInactivityWait(1000, 2));
    assertFalse(o.canSkipInactivityWait(17, 5));
    assertTrue(o.canSkipInactivityWait(16, 3));
    assertTrue(o.canSkipInactivityWait(4096, 6));
    assertFalse(o.canSkipInactivityWait(4096, 5));
    assertFalse(o.canSkipInactivityWait(100_000, 2));
    assertFalse(o.canSkipInactivityWait(999, 2), "a never-seen partition inside the grown array");
    assertFalse(o.canSkipInactivityWait(200_000, 2), "a never-seen partition beyond the array");
    feed(o, 1000, dol(1));
    assertFalse(o.canSkipInactivityWait(1000, 2));
    assertTrue(o.canSkipInactivityWait(3, 2));
  }

  @Test
  public void negativePartitionInObserveIsRejected() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    assertThrows(IllegalArgumentException.class, () -> o.observe(-1, StampKeys.stepDownKey(), 1, -1));
    assertThrows(IllegalArgumentException.class, () -> o.observe(-1, Kind.DATA.key(), 1, 2));
    assertThrows(IllegalArgumentException.class, () -> o.observe(Integer.MIN_VALUE, Kind.DATA.key(), -1, -1));
    // nothing was half-created: a valid partition works normally afterwards
    feed(o, 0, stamp(1));
    assertTrue(o.canSkipInactivityWait(0, 2));
    assertFalse(o.canSkipInactivityWait(-1, 2));
  }

  /** The partition is checked before anything else, own records included. */
  @Test
  public void negativePartitionIsRejectedEvenForTheReadersOwnRecord() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    assertThrows(IllegalArgumentException.class, () -> o.observe(-1, Kind.DATA.key(), 2, 2));
  }

  /** An absurd partition number is refused instead of sizing the state array. */
  @Test
  public void partitionBeyondTheLimitIsRejected() {
    StampObserver o = observer(true, HandoffMetrics.NOOP);
    assertThrows(IllegalArgumentException.class, () -> o.observe(Integer.MAX_VALUE, Kind.DATA.key(), 1, -1));
    assertThrows(IllegalArgumentException.class, () -> o.observe(StampObserver.MAX_PARTITION + 1, Kind.DATA.key(), 1, -1));
    o.observe(StampObserver.MAX_PARTITION, Kind.STEP_DOWN.key(), 1, -1);
    assertTrue(o.canSkipInactivityWait(StampObserver.MAX_PARTITION, 2));
  }


  // ------------------------------------------------------------------------- decideHandover

  /** What the records of a partition allow, whether the window elapsed, the answer, counter deltas. */
  @DataProvider(name = "decide")
  public Object[][] decide() {
    return new Object[][] {
      {"no stamp, window running", false, true, false, HandoverPath.WAIT, 0, 0},
      {"no stamp, window elapsed", false, true, true, HandoverPath.LEGACY_WAIT, 0, 1},
      {"counting stamp, window running", true, true, false, HandoverPath.FAST_PATH, 1, 0},
      {"counting stamp, window elapsed: the fast path wins", true, true, true, HandoverPath.FAST_PATH, 1, 0},
      {"consuming off, window running", true, false, false, HandoverPath.WAIT, 0, 0},
      {"consuming off, window elapsed", true, false, true, HandoverPath.LEGACY_WAIT, 0, 1},
    };
  }

  @Test(dataProvider = "decide")
  public void decideHandoverAnswersAndCountsOnce(String name, boolean stampCounts, boolean consume,
      boolean elapsed, HandoverPath expected, int fastDelta, int legacyDelta) {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    StampObserver o = observer(consume, m);
    if (stampCounts) {
      feed(o, 6, data(1), stamp(1), dol(2).seenBy(2));
    } else {
      feed(o, 6, data(1), stamp(1), dol(2));
    }
    assertEquals(o.decideHandover(6, 2, elapsed), expected, name);
    assertEquals(m.fastPath(), fastDelta, name + ": fast path counter");
    assertEquals(m.legacyWait(), legacyDelta, name + ": legacy wait counter");
    assertEquals(m.staleTermWrite(), 0, name);
    assertEquals(m.emitSuccess() + m.emitFailure(), 0, name);
  }

  @Test
  public void waitAnswersAreNeverCountedAndTheFinalAnswerOnce() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    StampObserver o = observer(true, m);
    feed(o, 0, data(1));
    for (int i = 0; i < 10; i++) {
      assertEquals(o.decideHandover(0, 2, false), HandoverPath.WAIT);
    }
    assertEquals(m.fastPath(), 0);
    assertEquals(m.legacyWait(), 0);
    assertEquals(o.decideHandover(0, 2, true), HandoverPath.LEGACY_WAIT);
    assertEquals(m.fastPath(), 0);
    assertEquals(m.legacyWait(), 1);

    // a second promotion on another partition, this time by the fast path
    feed(o, 1, data(1), stamp(1));
    for (int i = 0; i < 3; i++) {
      assertTrue(o.canSkipInactivityWait(1, 2), "canSkipInactivityWait is a pure query");
    }
    assertEquals(m.fastPath(), 0, "canSkipInactivityWait must not count");
    assertEquals(o.decideHandover(1, 2, false), HandoverPath.FAST_PATH);
    assertEquals(m.fastPath(), 1);
    assertEquals(m.legacyWait(), 1);
  }

  @Test
  public void decideHandoverWithoutATermFallsBackToTheLegacyWait() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    StampObserver o = observer(true, m);
    feed(o, 0, stamp(1));
    assertEquals(o.decideHandover(0, -1, false), HandoverPath.WAIT);
    assertEquals(o.decideHandover(0, 0, false), HandoverPath.WAIT);
    assertEquals(o.decideHandover(0, -1, true), HandoverPath.LEGACY_WAIT);
    assertEquals(m.fastPath(), 0);
    assertEquals(m.legacyWait(), 1);
  }

  @Test
  public void decideHandoverReportsItsPartitionAndPath() {
    List<String> reported = new ArrayList<>();
    HandoffMetrics recording = new HandoffMetrics() {
      @Override
      public void handover(int partition, HandoverPath path) {
        reported.add(partition + ":" + path);
      }
    };
    StampObserver o = observer(true, recording);
    feed(o, 1000, data(1), stamp(1));
    feed(o, 5, data(1));
    assertEquals(o.decideHandover(5, 2, false), HandoverPath.WAIT);
    assertEquals(o.decideHandover(1000, 2, false), HandoverPath.FAST_PATH);
    assertEquals(o.decideHandover(5, 2, true), HandoverPath.LEGACY_WAIT);
    assertEquals(reported, List.of("1000:FAST_PATH", "5:LEGACY_WAIT"));
  }
}
