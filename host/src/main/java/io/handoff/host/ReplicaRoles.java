package io.handoff.host;

import io.handoff.host.ReferenceReplica.Config;
import io.handoff.spi.LeaderTerms;
import io.handoff.spi.StepDown;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A replica's role per partition and the transitions between roles: promotion (declare, then wait
 * for the follower's decision), becoming writable, writing as leader, and demotion. Making a
 * partition writable, writing to it and demoting it hold one lock, so that no record of a demoted
 * leader is handed to the producer after its step-down. Thread-safe.
 */
final class ReplicaRoles implements ReplicaFollower.Gate {

  private final Config config;
  private final LeaderTerms terms;
  private final ReplicaWriter writer;
  private final ReplicaFollower follower;
  private final Set<Integer> writable = ConcurrentHashMap.newKeySet();
  private final Object transitions = new Object();

  ReplicaRoles(Config config, LeaderTerms terms, ReplicaWriter writer, ReplicaFollower follower) {
    this.config = config;
    this.terms = terms;
    this.writer = writer;
    this.follower = follower;
  }

  /** See {@link ReferenceReplica#promote}. */
  CompletableFuture<Handover> promote(int partition, long term) {
    Promotion p = new Promotion(partition, term);
    synchronized (transitions) {
      terms.promoted(partition, term);
      writer.newTenure(partition);
      follower.admit(p);
      writer.writeDeclaration(partition, term, p);
    }
    // The declaration is what the new leader waits to read back.
    writer.flushSoon();
    return p.result;
  }

  /** See {@link ReferenceReplica#startAsFirstLeader}. */
  void startAsFirstLeader(int partition, long term) {
    synchronized (transitions) {
      terms.promoted(partition, term);
      terms.established(partition, term);
      writer.writeDeclaration(partition, term, null);
      writable.add(partition);
    }
  }

  /**
   * The follower's decision for a promotion: the partition becomes writable unless it was demoted
   * meanwhile, in which case its term must never be stamped.
   */
  @Override
  public boolean makeWritable(int partition, long term) {
    synchronized (transitions) {
      if (!terms.established(partition, term)) {
        return false;
      }
      writable.add(partition);
      return true;
    }
  }

  /** Stops writing to each of {@code partitions} and clears its term: the step-downs to emit. */
  List<StepDown> demote(Collection<Integer> partitions) {
    List<StepDown> stepDowns = new ArrayList<>(partitions.size());
    for (int partition : partitions) {
      follower.cancel(partition);
      // Under the lock that also guards making a partition writable: a decision of the consumer
      // thread must not leave a demoted partition writable after its stamp.
      synchronized (transitions) {
        writable.remove(partition);
        stepDowns.add(terms.demoted(partition, config.clusterId(), config.replicaId()));
      }
    }
    return stepDowns;
  }

  boolean isWritable(int partition) {
    return writable.contains(partition);
  }

  /** See {@link ReferenceReplica#writeDataAsync}. */
  CompletableFuture<List<Long>> writeAsLeader(int partition, int count) {
    synchronized (transitions) {
      if (!writable.contains(partition)) {
        throw new IllegalStateException(
            config.replicaId() + " may not write to " + config.topic() + "-" + partition);
      }
      return writer.send(
          partition,
          config.dataCarriesTerm() ? terms.termOf(partition) : LeaderTerms.NOT_LEADER,
          count);
    }
  }

  @Override
  public String toString() {
    return writable.toString();
  }
}
