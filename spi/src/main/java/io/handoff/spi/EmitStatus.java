package io.handoff.spi;

/** What became of one step-down stamp. */
public enum EmitStatus {
  /** The broker acknowledged the stamp within the ack timeout: it is on the partition. */
  ACKED,
  /** Emitting is switched off (or the strategy never writes); nothing was sent. */
  SKIPPED_DISABLED,
  /** The step-down carried no valid term ({@code <= 0}); nothing was sent. */
  SKIPPED_NO_TERM,
  /**
   * The term was never established: the leader was demoted before its own handover finished, so it
   * never checked that its predecessors had stopped, and its stamp would vouch for writers it never
   * saw (rule E1). Nothing was sent; the next leader takes the legacy wait.
   */
  SKIPPED_UNESTABLISHED,
  /**
   * No acknowledgement arrived within the ack timeout. The stamp may still land, within the
   * delivery bound the emitter documents; the caller cannot count on it either way. A stamp that
   * lands late is safe when it is ordered after the leader's own records (rule E2): it then lands
   * inside the next leader's tenure or after its declaration, where the tenure rules never let it
   * count (rule R3).
   */
  TIMED_OUT,
  /** Sending failed, or the broker rejected the stamp, or the emitter was already closed. */
  FAILED,
  /** The calling thread was interrupted while waiting; its interrupt status has been restored. */
  INTERRUPTED;

  /** True only for {@link #ACKED}. */
  public boolean isAcked() {
    return this == ACKED;
  }

  /** True for the {@code SKIPPED_*} outcomes: nothing was sent, on purpose. */
  public boolean isSkipped() {
    return this == SKIPPED_DISABLED || this == SKIPPED_NO_TERM || this == SKIPPED_UNESTABLISHED;
  }

  /** True for the outcomes that mean "a stamp should have been written but may not have been". */
  public boolean isFailure() {
    return this == TIMED_OUT || this == FAILED || this == INTERRUPTED;
  }
}
