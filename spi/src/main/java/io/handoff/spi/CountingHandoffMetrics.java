package io.handoff.spi;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link HandoffMetrics} that keeps plain counters in memory, for tests, tools and hosts without
 * a metrics system. Thread-safe; recording never blocks.
 */
public final class CountingHandoffMetrics implements HandoffMetrics {

  private final LongAdder emitSuccess = new LongAdder();
  private final LongAdder emitFailure = new LongAdder();
  private final LongAdder emitLatencyNanos = new LongAdder();
  private final LongAdder fastPath = new LongAdder();
  private final LongAdder legacyWait = new LongAdder();
  private final LongAdder skippedUnestablished = new LongAdder();
  private final LongAdder uncleanTenure = new LongAdder();
  private final Map<HandoverReason, LongAdder> byReason = new EnumMap<>(HandoverReason.class);

  public CountingHandoffMetrics() {
    for (HandoverReason r : HandoverReason.values()) {
      byReason.put(r, new LongAdder());
    }
  }

  @Override
  public void stampEmitted(StepDown stepDown, long latencyNanos) {
    emitSuccess.increment();
    emitLatencyNanos.add(latencyNanos);
  }

  @Override
  public void stampEmitFailed(StepDown stepDown, EmitStatus status, long latencyNanos) {
    emitFailure.increment();
    emitLatencyNanos.add(latencyNanos);
  }

  @Override
  public void stampSkipped(StepDown stepDown, EmitStatus status) {
    if (status == EmitStatus.SKIPPED_UNESTABLISHED) {
      skippedUnestablished.increment();
    }
  }

  /**
   * @throws IllegalArgumentException for {@link HandoverPath#WAIT}, which is not a handover: a
   *     caller bug
   */
  @Override
  public void handover(String versionTopic, int partition, HandoverPath path) {
    switch (path) {
      case FAST_PATH -> fastPath.increment();
      case LEGACY_WAIT -> legacyWait.increment();
      case WAIT -> throw new IllegalArgumentException("WAIT is not a handover");
    }
  }

  /** Counts the path as {@link #handover(String, int, HandoverPath)} does, and the reason. */
  @Override
  public void handover(
      String versionTopic, int partition, HandoverPath path, HandoverReason reason) {
    handover(versionTopic, partition, path);
    byReason.get(reason).increment();
  }

  /**
   * Handovers decided for {@code reason} so far (legacy waits for a refusal, fast paths for the
   * clean step-down).
   */
  public long handovers(HandoverReason reason) {
    return byReason.get(reason).sum();
  }

  @Override
  public void uncleanTenure(String versionTopic, int partition) {
    uncleanTenure.increment();
  }

  /** {@value HandoffMetrics#EMIT_SUCCESS} so far. */
  public long emitSuccess() {
    return emitSuccess.sum();
  }

  /** {@value HandoffMetrics#EMIT_FAILURE} so far. */
  public long emitFailure() {
    return emitFailure.sum();
  }

  /** Sum of the latencies of every reported emit, successful or not. */
  public long emitLatencyNanosTotal() {
    return emitLatencyNanos.sum();
  }

  /** {@value HandoffMetrics#FAST_PATH} so far. */
  public long fastPath() {
    return fastPath.sum();
  }

  /** {@value HandoffMetrics#LEGACY_WAIT} so far. */
  public long legacyWait() {
    return legacyWait.sum();
  }

  /** {@value HandoffMetrics#EMIT_SKIPPED_UNESTABLISHED} so far. */
  public long skippedUnestablished() {
    return skippedUnestablished.sum();
  }

  /** {@value HandoffMetrics#UNCLEAN_TENURE} so far. */
  public long uncleanTenure() {
    return uncleanTenure.sum();
  }

  /** The counters by their metric names, in a stable order. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put(EMIT_SUCCESS, emitSuccess());
    m.put(EMIT_FAILURE, emitFailure());
    m.put(FAST_PATH, fastPath());
    m.put(LEGACY_WAIT, legacyWait());
    m.put(EMIT_SKIPPED_UNESTABLISHED, skippedUnestablished());
    m.put(UNCLEAN_TENURE, uncleanTenure());
    return m;
  }

  @Override
  public String toString() {
    return "CountingHandoffMetrics" + snapshot();
  }
}
