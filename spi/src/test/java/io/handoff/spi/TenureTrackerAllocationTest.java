package io.handoff.spi;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.lang.management.ManagementFactory;
import org.slf4j.LoggerFactory;
import org.testng.SkipException;
import org.testng.annotations.Test;

/**
 * The cost paragraph of {@link TenureTracker}: once a partition has been seen, taking in records
 * allocates nothing per record, even when tenures keep turning unclean and warnings are switched
 * off (the warning's arguments are not built then); and the per-partition state grows
 * geometrically, so that partitions first seen in increasing order cost a bounded amount of
 * allocation, not one copy of the state array each.
 */
public class TenureTrackerAllocationTest {

  private static final String A = "host-a";
  private static final String B = "host-b";

  private static com.sun.management.ThreadMXBean allocationBean() {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean)
        || !bean.isThreadAllocatedMemorySupported()) {
      throw new SkipException("this JVM cannot measure a thread's allocations");
    }
    if (!bean.isThreadAllocatedMemoryEnabled()) {
      bean.setThreadAllocatedMemoryEnabled(true);
    }
    return bean;
  }

  /** Each tenure turns unclean: A declares, B writes into it. Returns the next offset. */
  private static long uncleanTenures(TenureTracker tracker, long offset, int tenures) {
    long o = offset;
    for (int i = 0; i < tenures; i++) {
      int partition = i & 3;
      tracker.declaration(partition, o++, A, 5);
      tracker.other(partition, o++, B, TenureTracker.NO_TERM);
      tracker.other(partition, o++, A, TenureTracker.NO_TERM);
    }
    return o;
  }

  @Test
  public void uncleanTenuresAllocateNothingWhileWarningsAreOff() {
    com.sun.management.ThreadMXBean bean = allocationBean();
    Logger logger = (Logger) LoggerFactory.getLogger(TenureTracker.class);
    Level previous = logger.getLevel();
    logger.setLevel(Level.ERROR);
    try {
      CountingHandoffMetrics metrics = new CountingHandoffMetrics();
      TenureTracker tracker = new TenureTracker("store_v1", metrics);
      int tenures = 200_000;
      long offset = uncleanTenures(tracker, Integer.MAX_VALUE, 3 * tenures);

      long before = bean.getCurrentThreadAllocatedBytes();
      uncleanTenures(tracker, offset, tenures);
      long allocated = bean.getCurrentThreadAllocatedBytes() - before;

      assertEquals(metrics.uncleanTenure(), 4L * tenures, "every tenure turned unclean and was counted");
      // Building the warning would take dozens of bytes per tenure; the bound leaves room for the
      // few bytes the JVM itself may allocate on this thread now and then.
      assertTrue(allocated < tenures, tenures + " unclean tenures allocated " + allocated + " bytes");
    } finally {
      logger.setLevel(previous);
    }
  }

  @Test
  public void partitionsSeenInIncreasingOrderGrowTheStateGeometrically() {
    com.sun.management.ThreadMXBean bean = allocationBean();
    int partitions = 4096;
    TenureTracker tracker = new TenureTracker("store_v1", HandoffMetrics.NOOP);
    long before = bean.getCurrentThreadAllocatedBytes();
    for (int p = 0; p < partitions; p++) {
      tracker.declaration(p, 0, A, 5);
    }
    long allocated = bean.getCurrentThreadAllocatedBytes() - before;
    // About 100 bytes per partition: its state and its share of the array's doublings. One copy of
    // the array per new partition would be some 30 MB.
    assertTrue(allocated < 1L << 20, partitions + " partitions allocated " + allocated + " bytes");
    for (int p = 0; p < partitions; p++) {
      assertEquals(TenureTracker.resumeOffsetOf(tracker.export(p)), 1L, "partition " + p + " kept its state");
    }
  }
}
