package io.handoff.micrometer;

import static org.testng.Assert.assertTrue;

import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.handoff.spi.StepDown;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import org.testng.SkipException;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * The cost paragraph of {@link MicrometerHandoffMetrics}: once each tag combination has its meter,
 * recording allocates nothing of its own, with or without the topic tag (no tag list, no key, no
 * boxed value per event).
 */
public class SteadyStateAllocationTest {

  private static final int EVENTS = 100_000;

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

  @DataProvider
  public Object[][] perTopicTags() {
    return new Object[][] {{false}, {true}};
  }

  private static void counters(MicrometerHandoffMetrics metrics, StepDown stepDown, int events) {
    for (int i = 0; i < events; i++) {
      int partition = i & 7;
      metrics.stampSkipped(stepDown, EmitStatus.SKIPPED_UNESTABLISHED);
      metrics.handover("store_v1", partition, HandoverPath.LEGACY_WAIT, HandoverReason.NO_STAMP);
      metrics.handover(
          "store_v1", partition, HandoverPath.FAST_PATH, HandoverReason.CLEAN_STEP_DOWN);
      metrics.uncleanTenure("store_v1", partition);
    }
  }

  private static void latencies(MicrometerHandoffMetrics metrics, StepDown stepDown, int events) {
    for (int i = 0; i < events; i++) {
      metrics.stampEmitted(stepDown, 1_000_000L + i);
      metrics.stampEmitFailed(stepDown, EmitStatus.TIMED_OUT, 1_000_000_000L + i);
    }
  }

  @Test(dataProvider = "perTopicTags")
  public void countingAllocatesNothingOnceTheMetersExist(boolean perTopicTags) {
    com.sun.management.ThreadMXBean bean = allocationBean();
    MicrometerHandoffMetrics metrics =
        new MicrometerHandoffMetrics(
            new SimpleMeterRegistry(),
            MicrometerHandoffMetrics.Options.builder().perTopicTags(perTopicTags).build());
    StepDown stepDown = StepDown.established("store_v1", 3, 5, 0, "host-a");
    counters(metrics, stepDown, 3 * EVENTS);

    long before = bean.getCurrentThreadAllocatedBytes();
    counters(metrics, stepDown, EVENTS);
    long allocated = bean.getCurrentThreadAllocatedBytes() - before;
    // A tag list per event would be hundreds of bytes each; the bound leaves room for the few bytes
    // the JVM itself may allocate on this thread now and then.
    assertTrue(allocated < EVENTS, 4 * EVENTS + " events allocated " + allocated + " bytes");
  }

  @Test(dataProvider = "perTopicTags")
  public void latenciesAllocateNothingOnceTheMetersExist(boolean perTopicTags) {
    com.sun.management.ThreadMXBean bean = allocationBean();
    MicrometerHandoffMetrics metrics =
        new MicrometerHandoffMetrics(
            new SimpleMeterRegistry(),
            MicrometerHandoffMetrics.Options.builder().perTopicTags(perTopicTags).build());
    StepDown stepDown = StepDown.established("store_v1", 3, 5, 0, "host-a");
    latencies(metrics, stepDown, 3 * EVENTS);

    long before = bean.getCurrentThreadAllocatedBytes();
    latencies(metrics, stepDown, EVENTS);
    long allocated = bean.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < EVENTS, 2 * EVENTS + " events allocated " + allocated + " bytes");
  }
}
