package io.handoff.cli;

import io.handoff.host.Handover;
import io.handoff.host.ReferenceReplica;
import io.handoff.spi.EmitOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The demo's handovers as they happen, told as {@link HandoverStory stories} once every write
 * involved is acknowledged or failed. The old leader's last writes and the new leader's first are
 * handed to the producer without waiting, as a server writes, so their acks come in while the
 * rounds go on.
 */
final class HandoverStories {

  /** Every write is acknowledged or failed within the producers' delivery timeout, and before. */
  private static final long ACK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(40);

  /**
   * A leader's writes to one partition: when its first record and its last were acknowledged
   * (nanoTime); null futures when it wrote nothing.
   */
  record Writes(CompletableFuture<Long> firstAckedAt, CompletableFuture<Long> lastAckedAt) {
    static final Writes NONE = new Writes(null, null);

    /**
     * {@code records} writes of {@code leader} to {@code partition}, handed to its producer without
     * waiting: the next step-down comes while they may still be in flight, and its stamp is ordered
     * after them. The first record is handed alone, so that its ack is the first write's.
     */
    static Writes of(ReferenceReplica leader, int partition, int records) {
      if (records == 0) {
        return NONE;
      }
      CompletableFuture<Long> first =
          leader.writeDataAsync(partition, 1).thenApply(offsets -> System.nanoTime());
      CompletableFuture<Long> last =
          records == 1
              ? first
              : leader
                  .writeDataAsync(partition, records - 1)
                  .thenApply(offsets -> System.nanoTime());
      return new Writes(first, last);
    }
  }

  /** A handover whose writes may still be in flight. */
  private record Pending(
      HandoverScenario.Round round,
      EmitOutcome stamp,
      Writes before,
      Handover handover,
      Writes after) {}

  private final List<Pending> pending = new ArrayList<>();

  /**
   * One partition's handover: {@code before} are the old leader's writes, {@code after} the new
   * leader's, once it could write.
   */
  void add(
      HandoverScenario.Round round,
      EmitOutcome stamp,
      Writes before,
      Handover handover,
      Writes after) {
    pending.add(new Pending(round, stamp, before, handover, after));
  }

  /** Every handover added, in order, waiting for the acks of their writes. */
  List<HandoverStory> tell() {
    long deadline = System.nanoTime() + ACK_WAIT_NANOS;
    List<HandoverStory> stories = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      HandoverScenario.Round round = p.round();
      long start = round.startNanos();
      Handover h = p.handover();
      EmitOutcome stamp = p.stamp();
      stories.add(
          new HandoverStory(
              round.number(),
              h.partition(),
              round.oldLeader().config().replicaId(),
              round.newLeader().config().replicaId(),
              h.term(),
              stamp,
              since(start, ackedAt(p.before().lastAckedAt(), deadline)),
              stamp.isAcked()
                  ? round.stepDowns().emittedAtNanos() - start + stamp.elapsedNanos()
                  : null,
              h.promotedAtNanos() - start,
              h.declarationAckedAtNanos() - start,
              h.declarationReadAtNanos() - start,
              h.writableAtNanos() - start,
              h.path(),
              h.reason(),
              since(start, ackedAt(p.after().firstAckedAt(), deadline))));
    }
    return stories;
  }

  /** When the writes were acknowledged, or null when there were none or they failed. */
  private static Long ackedAt(CompletableFuture<Long> ack, long deadline) {
    if (ack == null) {
      return null;
    }
    try {
      return ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException e) {
      return null;
    }
  }

  private static Long since(long start, Long at) {
    return at == null ? null : at - start;
  }
}
