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

/**
 * {@link CountingHandoffMetrics} counts each event under its documented metric name, keeps the
 * snapshot order stable, counts only {@link EmitStatus#SKIPPED_UNESTABLISHED} among the skips,
 * rejects {@link HandoverPath#WAIT}, and loses no increment under concurrent recording; the {@link
 * HandoffMetrics#NOOP} sink accepts every call.
 */
public class CountingHandoffMetricsTest {

  private static final StepDown SD = StepDown.established("store_v3", 7, 42L, 1, "host-a");

  @Test
  public void metricNamesAreTheDocumentedOnes() {
    assertEquals(HandoffMetrics.EMIT_SUCCESS, "leader_stepdown_stamp_emit_success", "emit success");
    assertEquals(HandoffMetrics.EMIT_FAILURE, "leader_stepdown_stamp_emit_failure", "emit failure");
    assertEquals(HandoffMetrics.EMIT_LATENCY, "leader_stepdown_stamp_emit_latency", "emit latency");
    assertEquals(HandoffMetrics.FAST_PATH, "leader_handover_fast_path", "fast path");
    assertEquals(HandoffMetrics.LEGACY_WAIT, "leader_handover_legacy_wait", "legacy wait");
    assertEquals(
        HandoffMetrics.EMIT_SKIPPED_UNESTABLISHED,
        "leader_stepdown_stamp_skipped_unestablished",
        "skipped unestablished");
    assertEquals(HandoffMetrics.UNCLEAN_TENURE, "leader_handover_unclean_tenure", "unclean tenure");
  }

  @Test
  public void startsAtZero() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    assertEquals(m.emitSuccess(), 0L, "emitSuccess");
    assertEquals(m.emitFailure(), 0L, "emitFailure");
    assertEquals(m.emitLatencyNanosTotal(), 0L, "emitLatencyNanosTotal");
    assertEquals(m.fastPath(), 0L, "fastPath");
    assertEquals(m.legacyWait(), 0L, "legacyWait");
    assertEquals(m.skippedUnestablished(), 0L, "skippedUnestablished");
    assertEquals(m.uncleanTenure(), 0L, "uncleanTenure");
  }

  @Test
  public void counts() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    m.stampEmitted(SD, 100L);
    m.stampEmitted(SD, 200L);
    m.stampEmitFailed(SD, EmitStatus.TIMED_OUT, 50L);
    m.stampSkipped(SD, EmitStatus.SKIPPED_UNESTABLISHED);
    m.stampSkipped(SD, EmitStatus.SKIPPED_UNESTABLISHED);
    m.stampSkipped(SD, EmitStatus.SKIPPED_UNESTABLISHED);
    m.handover("store_v3", 1, HandoverPath.FAST_PATH);
    m.handover("store_v3", 2, HandoverPath.LEGACY_WAIT);
    m.handover("other_v1", 3, HandoverPath.LEGACY_WAIT);
    m.uncleanTenure("store_v3", 1);

    assertEquals(m.emitSuccess(), 2L, "emitSuccess");
    assertEquals(m.emitFailure(), 1L, "emitFailure");
    assertEquals(m.emitLatencyNanosTotal(), 350L, "latency of successes and failures");
    assertEquals(m.fastPath(), 1L, "fastPath");
    assertEquals(m.legacyWait(), 2L, "legacyWait");
    assertEquals(m.skippedUnestablished(), 3L, "skippedUnestablished");
    assertEquals(m.uncleanTenure(), 1L, "uncleanTenure");

    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put(HandoffMetrics.EMIT_SUCCESS, 2L);
    expected.put(HandoffMetrics.EMIT_FAILURE, 1L);
    expected.put(HandoffMetrics.FAST_PATH, 1L);
    expected.put(HandoffMetrics.LEGACY_WAIT, 2L);
    expected.put(HandoffMetrics.EMIT_SKIPPED_UNESTABLISHED, 3L);
    expected.put(HandoffMetrics.UNCLEAN_TENURE, 1L);
    assertEquals(m.snapshot(), expected, "snapshot");
    assertEquals(
        new ArrayList<>(m.snapshot().keySet()),
        new ArrayList<>(expected.keySet()),
        "snapshot order");
    assertEquals(m.toString(), "CountingHandoffMetrics" + expected, "toString");
  }

  @Test
  public void onlyTheUnestablishedSkipIsCounted() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    m.stampSkipped(SD, EmitStatus.SKIPPED_DISABLED);
    m.stampSkipped(SD, EmitStatus.SKIPPED_NO_TERM);
    assertEquals(m.skippedUnestablished(), 0L, "disabled and no-term skips are not counted");
    m.stampSkipped(SD, EmitStatus.SKIPPED_UNESTABLISHED);
    assertEquals(m.skippedUnestablished(), 1L, "an unestablished skip is counted");
    assertEquals(m.emitFailure(), 0L, "a skip is no failure");
    assertEquals(m.emitSuccess(), 0L, "a skip is no success");
  }

  @Test
  public void waitIsRejectedAndCountsNothing() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> m.handover("store_v3", 0, HandoverPath.WAIT));
    assertEquals(e.getMessage(), "WAIT is not a handover", "message");
    assertEquals(m.fastPath(), 0L, "fastPath");
    assertEquals(m.legacyWait(), 0L, "legacyWait");
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
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int j = 0; j < ops; j++) {
                    m.stampEmitted(SD, 1L);
                    m.stampEmitFailed(SD, EmitStatus.FAILED, 2L);
                    m.stampSkipped(SD, EmitStatus.SKIPPED_UNESTABLISHED);
                    m.handover("store_v3", j, HandoverPath.FAST_PATH);
                    m.handover("store_v3", j, HandoverPath.LEGACY_WAIT);
                    m.uncleanTenure("store_v3", j);
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
    assertEquals(m.emitSuccess(), n, "emitSuccess");
    assertEquals(m.emitFailure(), n, "emitFailure");
    assertEquals(m.emitLatencyNanosTotal(), 3 * n, "emitLatencyNanosTotal");
    assertEquals(m.skippedUnestablished(), n, "skippedUnestablished");
    assertEquals(m.fastPath(), n, "fastPath");
    assertEquals(m.legacyWait(), n, "legacyWait");
    assertEquals(m.uncleanTenure(), n, "uncleanTenure");
  }

  @Test
  public void noopSinkAcceptsEverything() {
    HandoffMetrics noop = HandoffMetrics.NOOP;
    noop.stampEmitted(SD, 1L);
    noop.stampEmitFailed(SD, EmitStatus.FAILED, 1L);
    noop.stampSkipped(SD, EmitStatus.SKIPPED_UNESTABLISHED);
    noop.handover("store_v3", 0, HandoverPath.FAST_PATH);
    noop.handover("store_v3", 0, HandoverPath.WAIT);
    noop.uncleanTenure("store_v3", 0);
    assertEquals(noop.toString(), "HandoffMetrics.NOOP", "toString");
  }
}
