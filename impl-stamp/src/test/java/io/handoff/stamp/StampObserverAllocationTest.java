package io.handoff.stamp;

import static io.handoff.stamp.StampObserverFixtures.A;
import static io.handoff.stamp.StampObserverFixtures.B;
import static io.handoff.stamp.StampObserverFixtures.NO_TERM;
import static io.handoff.stamp.StampObserverFixtures.READER;
import static io.handoff.stamp.StampObserverFixtures.ctl;
import static io.handoff.stamp.StampObserverFixtures.data;
import static io.handoff.stamp.StampObserverFixtures.dol;
import static io.handoff.stamp.StampObserverFixtures.hb;
import static io.handoff.stamp.StampObserverFixtures.noKey;
import static io.handoff.stamp.StampObserverFixtures.stamp;
import static org.testng.Assert.assertEquals;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.stamp.StampObserverFixtures.Rec;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.testng.SkipException;
import org.testng.annotations.Test;

/**
 * {@code observe} is on the ingestion hot path: once a partition has been seen it allocates
 * nothing in the steady state of a healthy cluster, whatever the record (data with and without a
 * term, heartbeats, control messages, keyless records, repeated declarations and stamps), including
 * the declarations that start new tenures when, as a host's decoder gives them, writer ids are
 * Strings. The decision itself allocates nothing either.
 */
public class StampObserverAllocationTest {

  private static final int CALLS = 1_000_000;
  private static final int[] PARTITIONS = {0, 1, 17, 1000};

  /**
   * One partition's pass: three tenures, each closed by its own stamp; after record 11 the reader's
   * own tenure is current and A's clean tenure just before it, so the reader of term 2 may cut.
   */
  private static final List<Rec> SCRIPT = List.of(
      dol(A, 1), data(A), data(A, 1), hb(A, 1), ctl(A, NO_TERM), dol(A, 1), noKey(A, NO_TERM), stamp(A, 1),
      stamp(A, 1), dol(READER, 2), data(READER), data(READER, 2), hb(READER, 2), stamp(READER, 2),
      dol(B, 3), stamp(B, 3));
  private static final int CUT_AFTER = 11;
  private static final int STEPS = SCRIPT.size() * PARTITIONS.length;

  private final int[] partitions = new int[STEPS];
  private final byte[][] keys = new byte[STEPS][];
  private final String[] writers = new String[STEPS];
  private final long[] terms = new long[STEPS];
  private final boolean[] ask = new boolean[STEPS];
  private final long[] offsets = new long[PARTITIONS.length];

  public StampObserverAllocationTest() {
    for (int i = 0; i < STEPS; i++) {
      int step = i / PARTITIONS.length;
      Rec r = SCRIPT.get(step);
      partitions[i] = i % PARTITIONS.length;
      keys[i] = r.kind().key();
      writers[i] = r.writer();
      terms[i] = r.term();
      ask[i] = step == CUT_AFTER;
    }
  }

  /** Feeds {@code calls} records; returns how many times the reader was allowed the cut. */
  private long run(StampObserver o, int calls) {
    long cuts = 0;
    for (int i = 0; i < calls; i++) {
      int j = i % STEPS;
      int lane = partitions[j];
      o.observe(PARTITIONS[lane], offsets[lane]++, keys[j], writers[j], terms[j]);
      if (ask[j] && o.canSkipInactivityWait(PARTITIONS[lane], 2)) {
        cuts++;
      }
    }
    return cuts;
  }

  @Test
  public void observeAllocatesNothingOnceThePartitionsHaveBeenSeen() {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean)
        || !bean.isThreadAllocatedMemorySupported()) {
      throw new SkipException("this JVM cannot measure a thread's allocations");
    }
    if (!bean.isThreadAllocatedMemoryEnabled()) {
      bean.setThreadAllocatedMemoryEnabled(true);
    }
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    StampObserver o = StampObserverFixtures.observer(metrics);
    int calls = CALLS - CALLS % STEPS;

    // warm-up: every partition seen, hot code compiled
    long warmCuts = run(o, 3 * calls);
    assertEquals(warmCuts, 3L * calls / SCRIPT.size(), "every pass must end with the reader's cut on every partition");

    long before = bean.getCurrentThreadAllocatedBytes();
    long cuts = run(o, calls);
    long allocated = bean.getCurrentThreadAllocatedBytes() - before;

    assertEquals(cuts, (long) calls / SCRIPT.size(), "the measured loop decided as the warm-up did");
    assertEquals(metrics.uncleanTenure(), 0, "a healthy cluster: no tenure turned unclean");
    assertEquals(allocated, 0L,
        calls + " observe() calls and " + cuts + " decisions allocated " + allocated + " bytes");
  }
}
