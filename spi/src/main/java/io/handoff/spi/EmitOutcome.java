package io.handoff.spi;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The result of emitting one step-down stamp. Immutable.
 *
 * @param stepDown the request this outcome answers
 * @param status what happened
 * @param elapsedNanos time spent by the emitter on this stamp, from the call until the outcome was
 *     known ({@code 0} for skipped stamps)
 * @param offset the offset the broker gave the stamp when {@link EmitStatus#ACKED}, else {@code -1}
 * @param cause the failure for {@link EmitStatus#FAILED}, {@link EmitStatus#TIMED_OUT} and {@link
 *     EmitStatus#INTERRUPTED} when one is known, else {@code null}
 */
public record EmitOutcome(
    StepDown stepDown, EmitStatus status, long elapsedNanos, long offset, Throwable cause) {

  public EmitOutcome {
    requireNonNull(stepDown, "stepDown is null");
    requireNonNull(status, "status is null");
  }

  /** The broker acknowledged the stamp at {@code offset}. */
  public static EmitOutcome acked(StepDown stepDown, long elapsedNanos, long offset) {
    return new EmitOutcome(stepDown, EmitStatus.ACKED, elapsedNanos, offset, null);
  }

  /**
   * Nothing was sent.
   *
   * @throws IllegalArgumentException unless {@code status} is a {@code SKIPPED_*} status
   */
  public static EmitOutcome skipped(StepDown stepDown, EmitStatus status) {
    requireNonNull(status, "status is null");
    if (!status.isSkipped()) {
      throw new IllegalArgumentException("not a skip status: " + status);
    }
    return new EmitOutcome(stepDown, status, 0L, -1L, null);
  }

  /**
   * The stamp may not be on the topic.
   *
   * @throws IllegalArgumentException unless {@code status} is {@code TIMED_OUT}, {@code FAILED} or
   *     {@code INTERRUPTED}
   */
  public static EmitOutcome failed(
      StepDown stepDown, EmitStatus status, long elapsedNanos, Throwable cause) {
    requireNonNull(status, "status is null");
    if (!status.isFailure()) {
      throw new IllegalArgumentException("not a failure status: " + status);
    }
    return new EmitOutcome(stepDown, status, elapsedNanos, -1L, cause);
  }

  /** Shorthand for {@code status().isAcked()}. */
  public boolean isAcked() {
    return status.isAcked();
  }

  /** The cause, if any. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(cause);
  }

  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("EmitOutcome{")
            .append(stepDown.topicPartition())
            .append(", term=")
            .append(stepDown.leaderTerm())
            .append(", ")
            .append(status)
            .append(", ")
            .append(elapsedNanos / 1_000)
            .append(" µs");
    if (offset >= 0) {
      sb.append(", offset=").append(offset);
    }
    if (cause != null) {
      sb.append(", cause=").append(cause);
    }
    return sb.append('}').toString();
  }
}
