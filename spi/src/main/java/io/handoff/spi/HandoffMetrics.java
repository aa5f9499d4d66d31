package io.handoff.spi;

/**
 * Sink for the library's counters and the emit latency. Hosts adapt it to their metrics system
 * (Micrometer, Tehuti, Dropwizard, ...); every method has a no-op default so an adapter overrides
 * only what it records.
 *
 * <p><b>Threads and blocking.</b> Methods are called on the threads that emit and observe: the
 * demotion handler's thread and the ingestion threads. Implementations must be thread-safe, must
 * not block and must not throw; a sink that throws is a bug in the sink, and emitters do not
 * guard against it on the hot path.
 *
 * <p>Metric names, for adapters that register by name: {@link #EMIT_SUCCESS},
 * {@link #EMIT_FAILURE}, {@link #EMIT_LATENCY}, {@link #FAST_PATH}, {@link #LEGACY_WAIT},
 * {@link #STALE_TERM_WRITE}.
 */
public interface HandoffMetrics {

  String EMIT_SUCCESS = "leader_stepdown_stamp_emit_success";
  String EMIT_FAILURE = "leader_stepdown_stamp_emit_failure";
  String EMIT_LATENCY = "leader_stepdown_stamp_emit_latency";
  String FAST_PATH = "leader_handover_fast_path";
  String LEGACY_WAIT = "leader_handover_legacy_wait";
  String STALE_TERM_WRITE = "leader_handover_stale_term_write";

  /** A sink that records nothing. */
  HandoffMetrics NOOP = new HandoffMetrics() {
    @Override
    public String toString() {
      return "HandoffMetrics.NOOP";
    }
  };

  /** A stamp was acknowledged ({@link #EMIT_SUCCESS}); {@code latencyNanos} feeds {@link #EMIT_LATENCY}. */
  default void stampEmitted(StepDown stepDown, long latencyNanos) {
  }

  /**
   * A stamp that should have been written may not have been ({@link #EMIT_FAILURE}): status is
   * {@link EmitStatus#TIMED_OUT}, {@link EmitStatus#FAILED} or {@link EmitStatus#INTERRUPTED}.
   * Skipped stamps are not failures and are not reported.
   */
  default void stampEmitFailed(StepDown stepDown, EmitStatus status, long latencyNanos) {
  }

  /** A new leader of {@code partition} started writing by {@code path} ({@link #FAST_PATH} or {@link #LEGACY_WAIT}). */
  default void handover(int partition, HandoverPath path) {
  }

  /**
   * A record of term {@code recordTerm} arrived on {@code partition} after a step-down stamp of term
   * {@code stampTerm}, and {@code recordTerm} is lower, or equal for a record that is not itself a
   * stamp: a leader that stepped down is still writing ({@link #STALE_TERM_WRITE}).
   */
  default void staleTermWrite(int partition, long recordTerm, long stampTerm) {
  }
}
