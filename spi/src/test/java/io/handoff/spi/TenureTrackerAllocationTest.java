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
 * allocation, not one copy of the state array each. Declarations, which begin a tenure and keep the
 * one they end for explanations, and stamps allocate nothing either, in healthy and unclean streams
 * alike and with a listener told of every transition.
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

      assertEquals(
          metrics.uncleanTenure(), 4L * tenures, "every tenure turned unclean and was counted");
      // Building the warning would take dozens of bytes per tenure; the bound leaves room for the
      // few bytes the JVM itself may allocate on this thread now and then.
      assertTrue(
          allocated < tenures, tenures + " unclean tenures allocated " + allocated + " bytes");
    } finally {
      logger.setLevel(previous);
    }
  }

  /** Counts the transitions it hears, allocating nothing. */
  private static final class CountingListener implements TenureListener {
    long began;
    long closed;
    long unclean;

    @Override
    public void began(int partition, long offset, String writerId, long term) {
      began++;
    }

    @Override
    public void closed(int partition, long offset) {
      closed++;
    }

    @Override
    public void unclean(
        int partition,
        long offset,
        String writerId,
        long term,
        boolean undecodable,
        boolean afterStamp) {
      unclean++;
    }
  }

  /**
   * A healthy handover per partition and pass: A declares (twice), writes and stamps (twice), the
   * reader declares, writes and stamps; the reader of term 7 may cut just after its declaration.
   * Returns the next offset.
   */
  private static long cleanHandovers(TenureTracker tracker, long offset, int passes, long[] cuts) {
    long o = offset;
    for (int i = 0; i < passes; i++) {
      int partition = i & 3;
      tracker.declaration(partition, o++, A, 5);
      tracker.other(partition, o++, A, TenureTracker.NO_TERM);
      tracker.declaration(partition, o++, A, 5);
      tracker.other(partition, o++, A, 5);
      tracker.stepDown(partition, o++, A, 5);
      tracker.stepDown(partition, o++, A, 5);
      tracker.declaration(partition, o++, TenureScript.ME, 7);
      if (tracker.mayCut(partition, TenureScript.ME, 7)) {
        cuts[0]++;
      }
      tracker.other(partition, o++, TenureScript.ME, TenureTracker.NO_TERM);
      tracker.stepDown(partition, o++, TenureScript.ME, 7);
    }
    return o;
  }

  @Test
  public void declarationsAndStampsOfHealthyHandoversAllocateNothing() {
    com.sun.management.ThreadMXBean bean = allocationBean();
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    CountingListener listener = new CountingListener();
    TenureTracker tracker = new TenureTracker("store_v1", metrics, listener);
    int passes = 200_000;
    long[] cuts = new long[1];
    long offset = cleanHandovers(tracker, 0, 3 * passes, cuts);

    cuts[0] = 0;
    long before = bean.getCurrentThreadAllocatedBytes();
    cleanHandovers(tracker, offset, passes, cuts);
    long allocated = bean.getCurrentThreadAllocatedBytes() - before;

    assertEquals(cuts[0], passes, "every pass let the reader cut");
    assertEquals(metrics.uncleanTenure(), 0L, "a healthy stream");
    assertEquals(listener.began, 4L * 3 * passes, "three declarations a pass were heard");
    assertEquals(listener.closed, 4L * 2 * passes, "two closing stamps a pass were heard");
    assertTrue(
        allocated < passes,
        passes + " handovers of " + 3 * passes + " declarations allocated " + allocated + " bytes");
  }

  /**
   * Tenures that turn unclean in every way: a zombie inside, an undecodable record inside, a write
   * after the stamp, an undecodable record after the stamp, each followed by the reader's
   * declaration, which makes the unclean tenure the one an explanation names. Returns the next
   * offset.
   */
  private static long uncleanHandovers(TenureTracker tracker, long offset, int passes) {
    long o = offset;
    for (int i = 0; i < passes; i++) {
      int partition = i & 3;
      tracker.declaration(partition, o++, A, 5);
      switch ((i >> 2) & 3) {
        case 0 -> tracker.other(partition, o++, B, TenureTracker.NO_TERM);
        case 1 -> tracker.undecodable(partition, o++);
        case 2 -> {
          tracker.stepDown(partition, o++, A, 5);
          tracker.other(partition, o++, A, TenureTracker.NO_TERM);
        }
        default -> {
          tracker.stepDown(partition, o++, A, 5);
          tracker.undecodable(partition, o++);
        }
      }
      tracker.declaration(partition, o++, TenureScript.ME, 7);
    }
    return o;
  }

  @Test
  public void tenuresTurningUncleanInEveryWayAllocateNothingWhileWarningsAreOff() {
    com.sun.management.ThreadMXBean bean = allocationBean();
    Logger logger = (Logger) LoggerFactory.getLogger(TenureTracker.class);
    Level previous = logger.getLevel();
    logger.setLevel(Level.ERROR);
    try {
      CountingHandoffMetrics metrics = new CountingHandoffMetrics();
      CountingListener listener = new CountingListener();
      TenureTracker tracker = new TenureTracker("store_v1", metrics, listener);
      int passes = 200_000;
      long offset = uncleanHandovers(tracker, 0, 3 * passes);

      long before = bean.getCurrentThreadAllocatedBytes();
      uncleanHandovers(tracker, offset, passes);
      long allocated = bean.getCurrentThreadAllocatedBytes() - before;

      assertEquals(
          metrics.uncleanTenure(), 4L * passes, "every tenure of A turned unclean and was counted");
      assertEquals(listener.unclean, 4L * passes, "and was heard");
      assertTrue(allocated < passes, passes + " unclean tenures allocated " + allocated + " bytes");
      assertEquals(
          tracker.explain(0, TenureScript.ME, 7, true).reason(),
          HandoverReason.STAMP_NOT_LAST,
          "the last pass on partition 0 ended with an undecodable record after A's stamp");
    } finally {
      logger.setLevel(previous);
    }
  }

  /**
   * The cost paragraph allows a copy of the writer id where a declaration begins a tenure, and
   * nowhere else: a host whose decoder hands writer ids over in a reused buffer pays nothing more
   * when a zombie's record in that buffer turns a tenure unclean. The declarations here come as
   * Strings, so that only the zombie's records are measured.
   */
  @Test
  public void aZombieWriterIdInAReusedBufferIsCopiedOncePerTenure() {
    com.sun.management.ThreadMXBean bean = allocationBean();
    Logger logger = (Logger) LoggerFactory.getLogger(TenureTracker.class);
    Level previous = logger.getLevel();
    logger.setLevel(Level.ERROR);
    try {
      CountingHandoffMetrics metrics = new CountingHandoffMetrics();
      TenureTracker tracker = new TenureTracker("store_v1", metrics);
      StringBuilder buffer = new StringBuilder(16);
      int tenures = 200_000;
      long offset = 0;
      long before = 0;
      for (int round = 0; round < 4; round++) {
        if (round == 3) {
          before = bean.getCurrentThreadAllocatedBytes();
        }
        for (int i = 0; i < tenures; i++) {
          int partition = i & 3;
          tracker.declaration(partition, offset++, A, 5);
          buffer.setLength(0);
          tracker.other(partition, offset++, buffer.append(B), TenureTracker.NO_TERM);
        }
      }
      long allocated = bean.getCurrentThreadAllocatedBytes() - before;
      assertEquals(metrics.uncleanTenure(), 4L * tenures, "every tenure turned unclean");
      // One copy of the writer id per tenure that turns unclean, kept to name it in explanations.
      assertTrue(
          allocated < 100L * tenures,
          tenures
              + " tenures made unclean by a writer id in a reused buffer"
              + " allocated "
              + allocated
              + " bytes, more than one small copy of the writer id each");
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
      assertEquals(
          TenureTracker.resumeOffsetOf(tracker.export(p)),
          1L,
          "partition " + p + " kept its state");
    }
  }
}
