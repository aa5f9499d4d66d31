package io.handoff.stamp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.stamp.StampObserverFixtures.Kind;
import java.lang.management.ManagementFactory;
import org.testng.SkipException;
import org.testng.annotations.Test;

/**
 * {@code observe} is on the ingestion hot path: once a partition has been seen it must not
 * allocate, whatever the record (data, stamps, own records, stale writes).
 */
public class StampObserverAllocationTest {

  private static final int CALLS = 1_000_000;
  private static final long BUDGET_BYTES = 64 * 1024;
  private static final int[] PARTITIONS = {0, 1, 17, 1000};

  /** One partition's 16-record script, repeated; ends with a counting stamp T5 (a reader of T6 may cut). */
  private static final Object[][] SCRIPT = {
    {Kind.DATA, 5L, -1L},
    {Kind.HEARTBEAT, 5L, -1L},
    {Kind.STEP_DOWN, 5L, -1L},
    {Kind.DOL, 6L, 6L}, // own
    {Kind.DATA, 6L, 6L}, // own
    {Kind.DATA, 3L, -1L}, // stale write: counted
    {Kind.STEP_DOWN, 5L, -1L},
    {Kind.OTHER_CONTROL, -1L, -1L}, // no term
    {Kind.STEP_DOWN, 5L, -1L},
    {Kind.DATA, 6L, 6L}, // own
    {Kind.DOL, 2L, -1L}, // stale write
    {Kind.STEP_DOWN, 5L, -1L},
    {Kind.HEARTBEAT, 6L, 6L}, // own
    {Kind.DATA, 5L, -1L},
    {Kind.STEP_DOWN, 4L, -1L}, // a late stamp, stale too
    {Kind.STEP_DOWN, 5L, -1L},
  };

  private final int[] partitions = new int[64];
  private final byte[][] keys = new byte[64][];
  private final long[] terms = new long[64];
  private final long[] myTerms = new long[64];

  public StampObserverAllocationTest() {
    for (int i = 0; i < 64; i++) {
      Object[] step = SCRIPT[i / PARTITIONS.length];
      partitions[i] = PARTITIONS[i % PARTITIONS.length];
      keys[i] = ((Kind) step[0]).key();
      terms[i] = (Long) step[1];
      myTerms[i] = (Long) step[2];
    }
  }

  private long run(StampObserver o, int calls) {
    long cuts = 0;
    for (int i = 0; i < calls; i++) {
      int j = i & 63;
      o.observe(partitions[j], keys[j], terms[j], myTerms[j]);
      if (j == 63 && o.canSkipInactivityWait(partitions[j], 6)) {
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
    StampObserver o = StampObserverFixtures.observer(true, metrics);

    // warm-up: every partition seen, stale-write warnings logged once, hot code compiled
    long warmCuts = run(o, 3 * CALLS);
    assertEquals(warmCuts, 3 * CALLS / 64, "the script must end with a cut on every pass");
    long staleBefore = metrics.staleTermWrite();

    long before = bean.getCurrentThreadAllocatedBytes();
    long cuts = run(o, CALLS);
    long allocated = bean.getCurrentThreadAllocatedBytes() - before;

    assertEquals(cuts, CALLS / 64);
    // at least the three records of a lower term per partition (12 in all) per pass of 64 are stale
    // writes; CALLS is a multiple of 64
    long stale = metrics.staleTermWrite() - staleBefore;
    assertTrue(stale >= 12L * CALLS / 64, "stale writes in the measured loop: " + stale);
    assertTrue(allocated < BUDGET_BYTES,
        CALLS + " observe() calls allocated " + allocated + " bytes (budget " + BUDGET_BYTES + ")");
  }
}
