package io.handoff.host;

import java.util.concurrent.CompletableFuture;

/**
 * A promotion in progress: created by {@link ReferenceReplica#promote}, acknowledged by the data
 * producer's callback, owned by the consumer thread once queued.
 */
final class Promotion {
  final int partition;
  final long term;
  final long startedAt = System.nanoTime();
  final CompletableFuture<Handover> result = new CompletableFuture<>();
  // Set by the producer's callback before dolOffset, so that whoever sees the offset sees the
  // time.
  volatile long dolAckedAt;
  volatile long dolOffset = -1;
  // Consumer-thread state.
  boolean dolRead;
  long dolReadAt;

  Promotion(int partition, long term) {
    this.partition = partition;
    this.term = term;
  }
}
