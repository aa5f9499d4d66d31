package io.handoff.host;

import io.handoff.spi.HandoverPath;

/**
 * How one promotion ended: the new leader of {@code partition} with {@code term} may write.
 *
 * @param partition the partition taken over
 * @param term the new leader's term
 * @param path {@link HandoverPath#FAST_PATH} or {@link HandoverPath#LEGACY_WAIT}
 * @param promotedAtNanos {@link System#nanoTime()} when the promotion started
 * @param writableAtNanos {@link System#nanoTime()} when the replica decided it may write
 */
public record Handover(int partition, long term, HandoverPath path, long promotedAtNanos, long writableAtNanos) {
}
