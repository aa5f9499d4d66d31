package io.handoff.stamp;

import static io.handoff.stamp.StampObserverFixtures.TOPIC;
import static io.handoff.stamp.StampObserverFixtures.observer;
import static io.handoff.tck.RuleRecords.A;
import static io.handoff.tck.RuleRecords.READER;
import static io.handoff.tck.RuleRecords.Z;
import static io.handoff.tck.RuleRecords.cleanTenure;
import static io.handoff.tck.RuleRecords.data;
import static io.handoff.tck.RuleRecords.dol;
import static io.handoff.tck.RuleRecords.seq;
import static io.handoff.tck.RuleRecords.stamp;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.TenureTracker;
import io.handoff.tck.RuleFeed;
import io.handoff.tck.RuleRecords.Rec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Rule R5 and the life of a partition's state: an observer that starts inside a tenure never counts
 * it; a checkpointed state restored at the offset it was taken at continues exactly where it left
 * off; anything that does not fit is rejected with a message naming the mismatch and leaves the
 * partition as if nothing had been seen; {@code forget} drops one partition only.
 */
public class StampObserverStateTest {

  private static final int P = 2;

  /** Every split point of a happy handover: the restored observer decides as the original would. */
  @Test
  public void aStateRestoredAtItsOffsetContinuesWhereItLeftOff() {
    List<Rec> records = seq(data(Z), cleanTenure(A, 1), dol(READER, 2), data(READER));
    for (int split = 0; split <= records.size(); split++) {
      LeadershipHandoffObserver before = observer(HandoffMetrics.NOOP);
      RuleFeed f = StampObserverFixtures.feed(before).add(P, records.subList(0, split));
      byte[] state = before.exportState(P);
      long resumeAt = f.nextOffset(P);
      if (split > 0) {
        assertEquals(
            TenureTracker.resumeOffsetOf(state), resumeAt, "the export names where to resume");
      }

      LeadershipHandoffObserver after = observer(HandoffMetrics.NOOP);
      after.restoreState(P, resumeAt, state);
      StampObserverFixtures.feed(after)
          .resumeAt(P, resumeAt)
          .add(P, records.subList(split, records.size()));
      assertTrue(
          after.canSkipInactivityWait(P, 2),
          "restored after " + split + " record(s) of " + records);

      LeadershipHandoffObserver notRestored = observer(HandoffMetrics.NOOP);
      StampObserverFixtures.feed(notRestored)
          .resumeAt(P, resumeAt)
          .add(P, records.subList(split, records.size()));
      boolean sawADol = records.subList(split, records.size()).contains(dol(A, 1));
      assertEquals(
          notRestored.canSkipInactivityWait(P, 2),
          sawADol,
          "without a restore, only an observer that saw A's DoL itself may cut (split "
              + split
              + ")");
    }
  }

  @Test
  public void anExportIsAFewDozenBytes() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    StampObserverFixtures.feed(o).add(P, seq(cleanTenure(A, 1), dol(READER, 2)));
    byte[] state = o.exportState(P);
    assertTrue(state.length < 100, state.length + " bytes");
    assertNotNull(o.exportState(P + 1), "a partition never seen exports too");
  }

  /**
   * An export taken before anything was seen may be restored at any offset: there is nothing to
   * resume.
   */
  @Test
  public void anEmptyStateRestoresAnywhere() {
    byte[] empty = observer(HandoffMetrics.NOOP).exportState(P);
    assertEquals(TenureTracker.resumeOffsetOf(empty), -1L);
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    o.restoreState(P, 12_345, empty);
    StampObserverFixtures.feed(o)
        .resumeAt(P, 12_345)
        .add(P, seq(cleanTenure(A, 1), dol(READER, 2)));
    assertTrue(o.canSkipInactivityWait(P, 2), "a restored empty state is a fresh start");
  }

  @DataProvider(name = "misfits")
  public Object[][] misfits() {
    LeadershipHandoffObserver source = observer(HandoffMetrics.NOOP);
    RuleFeed f = StampObserverFixtures.feed(source).add(P, cleanTenure(A, 1)); // offsets 100..103
    byte[] state = source.exportState(P);
    byte[] flipped = state.clone();
    flipped[flipped.length - 1] ^= 0x5a;
    byte[] truncated = java.util.Arrays.copyOf(state, state.length - 5);
    long at = f.nextOffset(P);
    return new Object[][] {
      {"garbage", "not a state at all".getBytes(StandardCharsets.UTF_8), P, at, "magic"},
      {"too short", new byte[] {1, 2, 3}, P, at, "too short"},
      {"empty", new byte[0], P, at, "too short"},
      {"a corrupted byte", flipped, P, at, "checksum"},
      {"truncated", truncated, P, at, "checksum"},
      {"another partition", state, P + 1, at, TOPIC + "-" + P},
      {"another offset", state, P, at + 1, "offset " + at},
      {"an earlier offset", state, P, at - 1, "offset " + at},
    };
  }

  @Test(dataProvider = "misfits")
  public void aRestoreThatDoesNotFitIsRejectedAndLeavesNothingSeen(
      String name, byte[] bytes, int partition, long resumeAt, String named) {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    // the partition held a handover the reader could have cut on
    RuleFeed f =
        StampObserverFixtures.feed(o).add(partition, seq(cleanTenure(A, 1), dol(READER, 2)));
    assertTrue(o.canSkipInactivityWait(partition, 2), "precondition");
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> o.restoreState(partition, resumeAt, bytes));
    assertTrue(
        e.getMessage().contains(TOPIC + "-" + partition),
        name + ": names the partition: " + e.getMessage());
    assertTrue(
        e.getMessage().contains(named),
        name + ": names the mismatch (" + named + "): " + e.getMessage());
    assertFalse(o.canSkipInactivityWait(partition, 2), name + ": the earlier state is gone");
    // as if nothing had been seen: the next records are the middle of a tenure
    f.resumeAt(partition, resumeAt).add(partition, stamp(A, 1), dol(READER, 3));
    assertFalse(
        o.canSkipInactivityWait(partition, 3), name + ": A's DoL was not seen since the reset");
    f.add(partition, seq(cleanTenure(A, 3), dol(READER, 4)));
    assertTrue(
        o.canSkipInactivityWait(partition, 4), name + ": a tenure begun in sight counts again");
  }

  @Test
  public void aStateOfAnotherTopicIsRejected() {
    LeadershipHandoffObserver x =
        StampObserverFixtures.open(true, HandoffMetrics.NOOP, "storeX_v1", READER);
    RuleFeed f = StampObserverFixtures.feed(x).add(P, cleanTenure(A, 1));
    byte[] state = x.exportState(P);
    LeadershipHandoffObserver y =
        StampObserverFixtures.open(true, HandoffMetrics.NOOP, "storeY_v2", READER);
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> y.restoreState(P, f.nextOffset(P), state));
    assertTrue(
        e.getMessage().contains("storeY_v2-" + P) && e.getMessage().contains("storeX_v1-" + P),
        e.getMessage());
    StampObserverFixtures.feed(y).resumeAt(P, f.nextOffset(P)).add(P, dol(READER, 2));
    assertFalse(y.canSkipInactivityWait(P, 2), "storeX_v1's state proves nothing for storeY_v2");
  }

  @Test
  public void aNullStateIsAProgrammingError() {
    assertThrows(
        NullPointerException.class, () -> observer(HandoffMetrics.NOOP).restoreState(P, 0, null));
  }

  // ------------------------------------------------------------------------------- forget

  @Test
  public void forgetDropsOnlyItsPartition() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    RuleFeed f = StampObserverFixtures.feed(o);
    for (int p : new int[] {1, 2, 700}) {
      f.add(p, seq(cleanTenure(A, 1), dol(READER, 2)));
    }
    o.forget(2);
    assertTrue(o.canSkipInactivityWait(1, 2));
    assertFalse(o.canSkipInactivityWait(2, 2), "forget drops the partition's state");
    assertTrue(o.canSkipInactivityWait(700, 2));
    f.add(2, stamp(A, 1), dol(READER, 3));
    assertFalse(
        o.canSkipInactivityWait(2, 3),
        "after forget the partition starts from scratch, mid-tenure");
    f.add(2, seq(cleanTenure(A, 3), dol(READER, 4)));
    assertTrue(o.canSkipInactivityWait(2, 4));
  }

  @Test
  public void forgetOfUnknownPartitionsIsHarmless() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    o.forget(0);
    o.forget(15);
    o.forget(16);
    o.forget(io.handoff.spi.TenureTracker.MAX_PARTITION);
    StampObserverFixtures.feed(o).add(5, seq(cleanTenure(A, 1), dol(READER, 2)));
    o.forget(100_000);
    assertTrue(o.canSkipInactivityWait(5, 2));
    assertFalse(o.canSkipInactivityWait(100_000, 2));
    assertThrows(
        IllegalArgumentException.class,
        () -> o.forget(io.handoff.spi.TenureTracker.MAX_PARTITION + 1));
  }
}
