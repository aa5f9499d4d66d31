package io.handoff.spi;

/**
 * Sink for the library's counters and the emit latency. Hosts adapt it to their metrics system
 * (Micrometer, Tehuti, Dropwizard, ...); every method has a no-op default so an adapter overrides
 * only what it records.
 *
 * <p><b>Threads and blocking.</b> Methods are called on the threads that emit and observe: the
 * demotion handler's thread and the ingestion threads. Implementations must be thread-safe, must
 * not block and must not throw; a sink that throws is a bug in the sink, and emitters do not guard
 * against it on the hot path.
 *
 * <p>Metric names, for adapters that register by name: {@link #EMIT_SUCCESS}, {@link
 * #EMIT_FAILURE}, {@link #EMIT_LATENCY}, {@link #EMIT_SKIPPED_UNESTABLISHED}, {@link #FAST_PATH},
 * {@link #LEGACY_WAIT}, {@link #UNCLEAN_TENURE}.
 */
public interface HandoffMetrics {

  String EMIT_SUCCESS = "leader_stepdown_stamp_emit_success";
  String EMIT_FAILURE = "leader_stepdown_stamp_emit_failure";
  String EMIT_LATENCY = "leader_stepdown_stamp_emit_latency";
  String FAST_PATH = "leader_handover_fast_path";
  String LEGACY_WAIT = "leader_handover_legacy_wait";
  String EMIT_SKIPPED_UNESTABLISHED = "leader_stepdown_stamp_skipped_unestablished";
  String UNCLEAN_TENURE = "leader_handover_unclean_tenure";

  /** A sink that records nothing. */
  HandoffMetrics NOOP =
      new HandoffMetrics() {
        @Override
        public String toString() {
          return "HandoffMetrics.NOOP";
        }
      };

  /**
   * A stamp was acknowledged ({@link #EMIT_SUCCESS}); {@code latencyNanos} feeds {@link
   * #EMIT_LATENCY}.
   */
  default void stampEmitted(StepDown stepDown, long latencyNanos) {}

  /**
   * A stamp that should have been written may not have been ({@link #EMIT_FAILURE}): status is
   * {@link EmitStatus#TIMED_OUT}, {@link EmitStatus#FAILED} or {@link EmitStatus#INTERRUPTED}.
   * Skipped stamps are not failures: they go to {@link #stampSkipped}.
   */
  default void stampEmitFailed(StepDown stepDown, EmitStatus status, long latencyNanos) {}

  /**
   * No stamp was written, on purpose: {@code status} is a {@code SKIPPED_*} status. Emitters report
   * every skip here. {@link EmitStatus#SKIPPED_UNESTABLISHED} feeds {@link
   * #EMIT_SKIPPED_UNESTABLISHED}: a leader demoted while still waiting, whose successor will take
   * the legacy wait.
   */
  default void stampSkipped(StepDown stepDown, EmitStatus status) {}

  /**
   * A new leader of {@code partition} of {@code versionTopic} started writing by {@code path}
   * ({@link #FAST_PATH} or {@link #LEGACY_WAIT}).
   */
  default void handover(String versionTopic, int partition, HandoverPath path) {}

  /**
   * {@link #handover(String, int, HandoverPath)} with the reason of the decision: for {@link
   * HandoverPath#LEGACY_WAIT}, why the fast path was refused at that moment (so that an operator
   * can read "legacy waits this hour: 12, of which unclean tenure: 11"); for the fast path, {@link
   * HandoverReason#CLEAN_STEP_DOWN}. Observers report through this one; the default passes the call
   * on without the reason.
   */
  default void handover(
      String versionTopic, int partition, HandoverPath path, HandoverReason reason) {
    handover(versionTopic, partition, path);
  }

  /**
   * A tenure on {@code partition} of {@code versionTopic} became unclean ({@link #UNCLEAN_TENURE}):
   * a record of another writer, an undecodable record, or a record after the tenure's step-down
   * stamp appeared in it, so its stamp will not let the next leader skip the wait. Counted once per
   * tenure. In a healthy cluster this stays at zero; anything else is a writer that did not stop.
   */
  default void uncleanTenure(String versionTopic, int partition) {}
}
