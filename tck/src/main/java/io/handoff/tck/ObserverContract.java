package io.handoff.tck;

import static io.handoff.tck.RuleRecords.A;
import static io.handoff.tck.RuleRecords.B;
import static io.handoff.tck.RuleRecords.READER;
import static io.handoff.tck.RuleRecords.cleanTenure;
import static io.handoff.tck.RuleRecords.data;
import static io.handoff.tck.RuleRecords.dol;
import static io.handoff.tck.RuleRecords.seq;
import static io.handoff.tck.RuleRecords.stamp;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.fail;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * The observer's contract: every case of {@link ObserverRules} answered as worked out by hand, with
 * its {@link HandoverReason}, and counted once when decided; consuming switched off never cuts;
 * version topics and partitions share nothing; state export and restore (rule R5) and forget. A
 * strategy that cuts the wait ({@link Capability#CUTS_THE_WAIT}) must give each case's answer; one
 * that does not must never cut and give {@link HandoverReason#CONSUMING_OFF} for all of them.
 *
 * <pre>{@code
 * public class AcmeObserverContractTest extends ObserverContract {
 *   protected LeadershipHandoffProvider newProvider() { return new AcmeProvider(); }
 *   protected Set<Capability> capabilities() {
 *     return EnumSet.of(Capability.CUTS_THE_WAIT, Capability.KEEPS_EXPORTABLE_STATE);
 *   }
 *   protected RuleKeys recordKeys() { return RuleKeys.of(AcmeKeys.DOL, AcmeKeys.STEP_DOWN); }
 * }
 * }</pre>
 *
 * <p>Observers are opened through {@link
 * LeadershipHandoffs#observers(io.handoff.spi.ProviderRegistry, io.handoff.spi.HandoffSettings,
 * HandoffMetrics)}, as a host opens them.
 */
public abstract class ObserverContract extends ProviderContract {

  private static final int P = 0;

  /**
   * The strategy's record keys. A strategy that cuts the wait must name at least its declaration
   * and stamp keys; the default, {@link RuleKeys#none()}, is for one that does not.
   */
  protected RuleKeys recordKeys() {
    return RuleKeys.none();
  }

  @BeforeClass
  public void capabilitiesNeedTheirKeys() {
    if (has(Capability.CUTS_THE_WAIT) && recordKeys().isNone()) {
      fail(
          getClass().getName()
              + " declares CUTS_THE_WAIT: override recordKeys() with the strategy's declaration and"
              + " step-down keys");
    }
  }

  /**
   * An observer of {@code versionTopic} for {@link ObserverRules#READER}, consuming switched on.
   */
  protected final LeadershipHandoffObserver observer(HandoffMetrics metrics, String versionTopic) {
    return observer(true, metrics, versionTopic);
  }

  private LeadershipHandoffObserver observer(
      boolean consume, HandoffMetrics metrics, String versionTopic) {
    return LeadershipHandoffs.observers(registry(), settings(false, consume), metrics)
        .open(versionTopic, READER);
  }

  private RuleFeed feed(LeadershipHandoffObserver o) {
    return new RuleFeed(o, recordKeys());
  }

  /**
   * One turn of the reader's wait loop. The one place the contracts decide a handover, so that the
   * decision's entry point can move without touching the rules.
   */
  protected HandoverPath decide(
      LeadershipHandoffObserver o, int partition, long myTerm, boolean windowElapsed) {
    return o.decideHandover(partition, myTerm, windowElapsed);
  }

  private boolean cuts() {
    return has(Capability.CUTS_THE_WAIT);
  }

  @DataProvider(name = "observerRules")
  public Object[][] observerRules() {
    return ObserverRules.cases().stream().map(c -> new Object[] {c}).toArray(Object[][]::new);
  }

  @Test(dataProvider = "observerRules")
  public void everyRuleCaseIsAnsweredWithItsReason(RuleCase c) {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = observer(metrics, topic());
    feed(o).add(P, c.records());
    boolean cut = cuts() && c.expectedCut();
    HandoverReason reason = cuts() ? c.expected() : HandoverReason.CONSUMING_OFF;
    String what = c.describe() + (cuts() ? "" : " (a strategy that never cuts)");
    assertEquals(o.canSkipInactivityWait(P, c.readerTerm()), cut, what);
    assertEquals(o.canSkipInactivityWait(P, c.readerTerm()), cut, "a pure query, again: " + what);
    assertEquals(o.explain(P, c.readerTerm()).reason(), reason, "explain: " + what);
    assertFalse(o.canSkipInactivityWait(P + 1, c.readerTerm()), "nothing leaks: " + what);
    HandoverPath first = decide(o, P, c.readerTerm(), false);
    assertEquals(first, cut ? HandoverPath.FAST_PATH : HandoverPath.WAIT, "window open: " + what);
    if (!cut) {
      assertEquals(
          decide(o, P, c.readerTerm(), true), HandoverPath.LEGACY_WAIT, "window over: " + what);
    }
    assertEquals(metrics.handovers(reason), 1, "the decision counted with its reason: " + what);
    assertEquals(metrics.fastPath() + metrics.legacyWait(), 1, "counted once: " + what);
  }

  @Test
  public void theHappyPathCutsOnlyWhenConsumingIsOn() {
    List<RuleRecords.Rec> happy = seq(cleanTenure(A, 1), dol(READER, 2));
    LeadershipHandoffObserver on = observer(HandoffMetrics.NOOP, topic());
    assertEquals(feed(on).add(P, happy).cut(P, 2), cuts(), "a clean tenure closed by its stamp");
    LeadershipHandoffObserver off = observer(false, HandoffMetrics.NOOP, topic());
    assertFalse(feed(off).add(P, happy).cut(P, 2), "consuming switched off must never cut");
    assertEquals(off.explain(P, 2).reason(), HandoverReason.CONSUMING_OFF, "consuming off");
  }

  @Test
  public void observerKnowsItsTopicAndReader() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP, "store_a_v7");
    assertEquals(o.versionTopic(), "store_a_v7");
    assertEquals(o.localWriterId(), READER);
    var observers =
        LeadershipHandoffs.observers(registry(), settings(false, true), HandoffMetrics.NOOP);
    assertThrows(IllegalArgumentException.class, () -> observers.open(" ", READER));
    assertThrows(NullPointerException.class, () -> observers.open("t", null));
  }

  @Test
  public void aFreshObserverNeverCuts() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP, topic());
    for (long term : new long[] {-1, 0, 1, 2, Long.MAX_VALUE}) {
      assertFalse(o.canSkipInactivityWait(0, term), "nothing observed, term " + term);
    }
  }

  @Test
  public void decideHandoverCountsEachPathOnce() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = observer(metrics, topic());
    assertEquals(decide(o, 0, 2, false), HandoverPath.WAIT, "no proof, window not over");
    assertEquals(metrics.legacyWait() + metrics.fastPath(), 0, "WAIT is not counted");
    assertEquals(decide(o, 0, 2, true), HandoverPath.LEGACY_WAIT, "no proof, window over");
    assertEquals(metrics.legacyWait(), 1, "leader_handover_legacy_wait");
    feed(o).add(1, seq(cleanTenure(A, 1), dol(READER, 3)));
    assertEquals(
        decide(o, 1, 3, false),
        cuts() ? HandoverPath.FAST_PATH : HandoverPath.WAIT,
        "a clean step-down, window not over");
    assertEquals(metrics.fastPath(), cuts() ? 1 : 0, "leader_handover_fast_path");
    assertEquals(metrics.legacyWait(), 1, "leader_handover_legacy_wait");
  }

  @Test
  public void versionTopicsShareNothing() {
    LeadershipHandoffObserver x = observer(HandoffMetrics.NOOP, "storeX_v1");
    LeadershipHandoffObserver y = observer(HandoffMetrics.NOOP, "storeY_v2");
    RuleFeed fy = feed(y).add(3, data("zombie-y", 4));
    feed(x).add(3, seq(cleanTenure(A, 5), dol(READER, 9)));
    fy.add(3, dol(READER, 9));
    assertFalse(fy.cut(3, 9), "storeX_v1's stamp must prove nothing for storeY_v2-3");
    assertEquals(x.canSkipInactivityWait(3, 9), cuts(), "storeX_v1-3 itself");
  }

  @Test
  public void exportedStateRestoresTheFastPath() {
    LeadershipHandoffObserver before = observer(HandoffMetrics.NOOP, topic());
    RuleFeed f = feed(before).add(2, dol(A, 1), data(A));
    byte[] state = before.exportState(2);
    assertNotNull(state, "exportState");
    long resumeAt = f.nextOffset(2);

    LeadershipHandoffObserver restored = observer(HandoffMetrics.NOOP, topic());
    restored.restoreState(2, resumeAt, state);
    RuleFeed g = feed(restored).resumeAt(2, resumeAt).add(2, data(A), stamp(A, 1), dol(READER, 2));
    assertEquals(
        g.cut(2, 2),
        cuts() && has(Capability.KEEPS_EXPORTABLE_STATE),
        "restored from a checkpoint inside the tenure");

    LeadershipHandoffObserver notRestored = observer(HandoffMetrics.NOOP, topic());
    RuleFeed h =
        feed(notRestored).resumeAt(2, resumeAt).add(2, data(A), stamp(A, 1), dol(READER, 2));
    assertFalse(
        h.cut(2, 2),
        "started inside a tenure without its state: the tenure's beginning was never seen");
  }

  @Test
  public void restoringNullIsAProgrammingError() {
    assertThrows(
        NullPointerException.class,
        () -> observer(HandoffMetrics.NOOP, topic()).restoreState(2, 2, null));
  }

  @Test
  public void restoredBytesThatAreNoExportNeverLeadToACut() {
    for (byte[] b : new byte[][] {new byte[0], {1, 2, 3}, {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0}}) {
      LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP, topic());
      try {
        o.restoreState(2, 100, b);
        assertFalse(
            has(Capability.KEEPS_EXPORTABLE_STATE),
            "a strategy that keeps state must reject bytes that are no export");
      } catch (IllegalArgumentException rejected) {
        // The rule for every strategy is the one below; rejecting is how a stateful one gets there.
      }
      RuleFeed after = feed(o).resumeAt(2, 100).add(2, dol(READER, 2));
      assertFalse(after.cut(2, 2), "whatever was restored, nothing proves an earlier step-down");
    }
  }

  @Test
  public void restoreRejectsWhatDoesNotFit() {
    requires(Capability.KEEPS_EXPORTABLE_STATE, "restoreState validates what it is given");
    LeadershipHandoffObserver source = observer(HandoffMetrics.NOOP, topic());
    RuleFeed sf = feed(source).resumeAt(2, 0).add(2, dol(A, 1), stamp(A, 1));
    byte[] state = source.exportState(2);
    long at = sf.nextOffset(2);
    byte[][] bad = {
      new byte[0],
      new byte[] {1, 2, 3},
      "not a state at all, just text".getBytes(java.nio.charset.StandardCharsets.UTF_8),
      flipLastByte(state)
    };
    for (byte[] b : bad) {
      LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP, topic());
      assertThrows(IllegalArgumentException.class, () -> o.restoreState(2, at, b));
      RuleFeed after = feed(o).resumeAt(2, at).add(2, dol(READER, 2));
      assertFalse(after.cut(2, 2), "garbage restored must leave the safe default");
    }
    LeadershipHandoffObserver otherPartition = observer(HandoffMetrics.NOOP, topic());
    assertThrows(IllegalArgumentException.class, () -> otherPartition.restoreState(3, at, state));
    LeadershipHandoffObserver otherTopic = observer(HandoffMetrics.NOOP, topic() + "-other");
    assertThrows(IllegalArgumentException.class, () -> otherTopic.restoreState(2, at, state));
    LeadershipHandoffObserver otherOffset = observer(HandoffMetrics.NOOP, topic());
    assertThrows(IllegalArgumentException.class, () -> otherOffset.restoreState(2, 7, state));
    RuleFeed afterReject = feed(otherOffset).resumeAt(2, 7).add(2, dol(READER, 2));
    assertFalse(afterReject.cut(2, 2), "a rejected restore leaves the safe default");
  }

  private static byte[] flipLastByte(byte[] b) {
    byte[] c = b.clone();
    c[c.length - 1] ^= 0x5a;
    return c;
  }

  @Test
  public void forgetDropsOnlyThatPartition() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP, topic());
    RuleFeed f = feed(o);
    f.add(0, seq(cleanTenure(A, 1), dol(READER, 2)));
    f.add(1, seq(cleanTenure(A, 1), dol(READER, 2)));
    o.forget(0);
    assertFalse(f.cut(0, 2), "forget(partition) drops its state");
    assertEquals(f.cut(1, 2), cuts(), "forget(0) must keep partition 1");
  }

  @Test
  public void partitionsMayBeObservedFromDifferentThreads() throws Exception {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP, topic());
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<String>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int partition = t;
        tasks.add(
            () -> {
              RuleFeed f = feed(o);
              String leader = A + partition;
              f.add(partition, dol(leader, 1));
              for (int round = 1; round <= 2_000; round++) {
                f.add(partition, data(leader), stamp(leader, round), dol(READER, round + 1));
                if (f.cut(partition, round + 1) != cuts()) {
                  return "round " + round + ": expected the cut to be " + cuts();
                }
                f.add(partition, data(B));
                if (f.cut(partition, round + 1)) {
                  return "round " + round + ": cut after another writer";
                }
                f.add(partition, dol(leader, round + 1));
              }
              return null;
            });
      }
      for (Future<String> r : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
        String problem = r.get();
        if (problem != null) {
          fail("a partition's decision was disturbed by another partition's thread: " + problem);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
