package io.handoff.host;

import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;

/**
 * How one promotion ended: the new leader of {@code partition} with {@code term} may write. The
 * {@link System#nanoTime()} moments tell where the time of the handover went: writing the
 * declaration of leadership, reading it back, then deciding.
 *
 * @param partition the partition taken over
 * @param term the new leader's term
 * @param path {@link HandoverPath#FAST_PATH} or {@link HandoverPath#LEGACY_WAIT}
 * @param promotedAtNanos {@link System#nanoTime()} when the promotion started
 * @param writableAtNanos {@link System#nanoTime()} when the replica decided it may write
 * @param declarationAckedAtNanos {@link System#nanoTime()} when the broker acknowledged the new
 *     leader's declaration of leadership
 * @param declarationReadAtNanos {@link System#nanoTime()} when the replica saw that it had read its
 *     declaration back; never before the acknowledgement, since only that tells its offset
 * @param reason why the observer allowed the fast path or refused it ({@link
 *     io.handoff.spi.LeadershipHandoffObserver#explain}); null when not known
 */
public record Handover(
    int partition,
    long term,
    HandoverPath path,
    long promotedAtNanos,
    long writableAtNanos,
    long declarationAckedAtNanos,
    long declarationReadAtNanos,
    HandoverReason reason) {

  /**
   * A handover whose declaration was not timed: its moments are taken as the decision's, which came
   * after them, and its reason is not known.
   */
  public Handover(
      int partition, long term, HandoverPath path, long promotedAtNanos, long writableAtNanos) {
    this(
        partition,
        term,
        path,
        promotedAtNanos,
        writableAtNanos,
        writableAtNanos,
        writableAtNanos,
        null);
  }
}
