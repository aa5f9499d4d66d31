package io.handoff.spi;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.expectThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.Test;

public class CountingHandoffMetricsTest {

  private static final StepDown SD = StepDown.established("store_v3", 7, 42L, 1, "host-a");

  @Test
  public void metricNamesAreTheDocumentedOnes() {
    assertEquals(HandoffMetrics.EMIT_SUCCESS, "leader_stepdown_stamp_emit_success");
    assertEquals(HandoffMetrics.EMIT_FAILURE, "leader_stepdown_stamp_emit_failure");
    assertEquals(HandoffMetrics.FAST_PATH, "leader_handover_fast_path");
    assertEquals(HandoffMetrics.LEGACY_WAIT, "leader_handover_legacy_wait");
  }

  @Test
  public void startsAtZero() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    assertEquals(m.emitSuccess(), 0L);
    assertEquals(m.emitFailure(), 0L);
    assertEquals(m.emitLatencyNanosTotal(), 0L);
    assertEquals(m.fastPath(), 0L);
    assertEquals(m.legacyWait(), 0L);
    assertEquals(m.staleTermWrite(), 0L);
  }

  @Test
  public void counts() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    m.stampEmitted(SD, 100L);
    m.stampEmitted(SD, 200L);
    m.stampEmitFailed(SD, EmitStatus.TIMED_OUT, 50L);
    m.handover(1, HandoverPath.FAST_PATH);
    m.handover(2, HandoverPath.LEGACY_WAIT);
    m.handover(3, HandoverPath.LEGACY_WAIT);
    m.staleTermWrite(1, 3L, 4L);

    assertEquals(m.emitSuccess(), 2L);
    assertEquals(m.emitFailure(), 1L);
    assertEquals(m.emitLatencyNanosTotal(), 350L);
    assertEquals(m.fastPath(), 1L);
    assertEquals(m.legacyWait(), 2L);
    assertEquals(m.staleTermWrite(), 1L);

    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put(HandoffMetrics.EMIT_SUCCESS, 2L);
    expected.put(HandoffMetrics.EMIT_FAILURE, 1L);
    expected.put(HandoffMetrics.FAST_PATH, 1L);
    expected.put(HandoffMetrics.LEGACY_WAIT, 2L);
    expected.put(HandoffMetrics.STALE_TERM_WRITE, 1L);
    assertEquals(m.snapshot(), expected);
    assertEquals(new ArrayList<>(m.snapshot().keySet()), new ArrayList<>(expected.keySet()));
    assertEquals(m.toString(), "CountingHandoffMetrics" + expected);
  }

  @Test
  public void waitIsRejectedAndCountsNothing() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> m.handover(0, HandoverPath.WAIT));
    assertEquals(e.getMessage(), "WAIT is not a handover");
    assertEquals(m.fastPath(), 0L);
    assertEquals(m.legacyWait(), 0L);
  }

  @Test(timeOut = 60_000)
  public void concurrentRecordingLosesNothing() throws Exception {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    int threads = 4;
    int ops = 10_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(() -> {
          start.await();
          for (int j = 0; j < ops; j++) {
            m.stampEmitted(SD, 1L);
            m.stampEmitFailed(SD, EmitStatus.FAILED, 2L);
            m.handover(j, HandoverPath.FAST_PATH);
            m.handover(j, HandoverPath.LEGACY_WAIT);
            m.staleTermWrite(j, 1L, 2L);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long n = (long) threads * ops;
    assertEquals(m.emitSuccess(), n);
    assertEquals(m.emitFailure(), n);
    assertEquals(m.emitLatencyNanosTotal(), 3 * n);
    assertEquals(m.fastPath(), n);
    assertEquals(m.legacyWait(), n);
    assertEquals(m.staleTermWrite(), n);
  }

  @Test
  public void noopSinkAcceptsEverything() {
    HandoffMetrics noop = HandoffMetrics.NOOP;
    noop.stampEmitted(SD, 1L);
    noop.stampEmitFailed(SD, EmitStatus.FAILED, 1L);
    noop.handover(0, HandoverPath.FAST_PATH);
    noop.handover(0, HandoverPath.WAIT);
    noop.staleTermWrite(0, 1L, 2L);
    assertEquals(noop.toString(), "HandoffMetrics.NOOP");
  }
}
