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
   * No acknowledgement arrived within the ack timeout. The stamp may still land, within the
   * delivery bound the emitter documents and never later; that is safe, because a stamp is only
   * emitted once the leader has stopped writing, but the caller cannot count on it.
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

  /** True for the outcomes that mean "a stamp should have been written but may not have been". */
  public boolean isFailure() {
    return this == TIMED_OUT || this == FAILED || this == INTERRUPTED;
  }
}
