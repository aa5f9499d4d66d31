package io.handoff.cli;

import io.handoff.host.Handover;
import io.handoff.host.ReferenceReplica;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/**
 * The scenario {@code demo} and {@code bench} both play: two reference replicas follow every
 * partition of one version topic; the first leads them all, then in each round the leader steps
 * down from every partition and the other replica takes them over, so that leadership alternates.
 * What a command does around the rounds (writes in flight, printing, timing) is its {@link Script}.
 *
 * <p>Used by one thread; close it only after the last round's writes are accounted for, since
 * closing the replicas fails the writes still in flight.
 */
final class HandoverScenario implements AutoCloseable {

  /**
   * One round, as the script sees it once the new leader was asked to take every partition over.
   *
   * @param number 1 for the first round
   * @param term the new leader's term
   * @param startNanos {@link System#nanoTime()} when the old leader started stepping down
   * @param stepDowns the old leader's stamps, one per partition in the order of {@link
   *     #partitions()}
   * @param steppedDownNanos {@link System#nanoTime()} when the step-down returned
   * @param promotions the new leader's promotions, one per partition in the same order
   */
  record Round(
      int number,
      long term,
      ReferenceReplica oldLeader,
      ReferenceReplica newLeader,
      long startNanos,
      ReferenceReplica.StepDowns stepDowns,
      long steppedDownNanos,
      List<CompletableFuture<Handover>> promotions) {

    /**
     * Waits for every promotion, at most {@code limit} from the round's start, telling {@code
     * progress} every other second while it takes longer.
     *
     * @return the handovers, in the order of the promotions
     * @throws CliException if the limit passed first
     */
    List<Handover> await(Duration limit, Progress progress)
        throws InterruptedException, ExecutionException {
      CompletableFuture<Void> all =
          CompletableFuture.allOf(promotions.toArray(CompletableFuture[]::new));
      int lastReported = 0;
      while (true) {
        try {
          all.get(200, TimeUnit.MILLISECONDS);
          break;
        } catch (TimeoutException e) {
          long waited = System.nanoTime() - startNanos;
          if (waited > limit.toNanos()) {
            throw new CliException(
                "Handover of round " + number + " did not finish within " + seconds(limit));
          }
          int secondsWaited = (int) TimeUnit.NANOSECONDS.toSeconds(waited);
          if (secondsWaited >= lastReported + 2) {
            lastReported = secondsWaited;
            long done = promotions.stream().filter(CompletableFuture::isDone).count();
            progress.waiting(secondsWaited, done, promotions.size());
          }
        }
      }
      List<Handover> handovers = new ArrayList<>(promotions.size());
      for (CompletableFuture<Handover> f : promotions) {
        handovers.add(f.get());
      }
      return handovers;
    }
  }

  /** What a long wait for the promotions of a round tells. */
  @FunctionalInterface
  interface Progress {
    Progress SILENT = (secondsWaited, writable, partitions) -> {};

    void waiting(int secondsWaited, long writable, int partitions);
  }

  /** What a command does around the handovers; every method runs on the thread that plays. */
  interface Script {
    /** The first leader leads every partition with {@code term}; no round has started. */
    default void started(ReferenceReplica leader, long term) throws Exception {}

    /**
     * Just before {@code oldLeader} steps down in round {@code number}: the clock has not begun.
     */
    default void beforeStepDown(int number, ReferenceReplica oldLeader) throws Exception {}

    /**
     * The old leader stepped down and the new one was asked to take every partition over; the next
     * round starts when this returns, so it waits for the promotions it cares about.
     */
    void handedOver(Round round) throws Exception;
  }

  private final List<Integer> partitions;
  private final ReferenceReplica first;
  private final ReferenceReplica second;

  /**
   * Starts both replicas, following every partition from the beginning.
   *
   * @param hosts the ids of the two replicas, the first leader first
   * @param window the inactivity window a new leader waits out without a stamp
   */
  HandoverScenario(
      String servers,
      String topic,
      List<String> hosts,
      int partitions,
      HandoffSettings settings,
      Duration window,
      HandoffMetrics metrics) {
    if (hosts.size() != 2) {
      throw new IllegalArgumentException("two replica ids expected, got " + hosts);
    }
    this.partitions = IntStream.range(0, partitions).boxed().toList();
    this.first = replica(hosts.get(0), servers, topic, settings, window, metrics);
    ReferenceReplica other;
    try {
      other = replica(hosts.get(1), servers, topic, settings, window, metrics);
    } catch (RuntimeException e) {
      first.close();
      throw e;
    }
    this.second = other;
  }

  private ReferenceReplica replica(
      String id,
      String servers,
      String topic,
      HandoffSettings settings,
      Duration window,
      HandoffMetrics metrics) {
    return new ReferenceReplica(
        new ReferenceReplica.Config(id, servers, topic, 0, window), partitions, settings, metrics);
  }

  /** Every partition of the topic, in the order of a round's stamps and promotions. */
  List<Integer> partitions() {
    return partitions;
  }

  /**
   * Makes the first replica the leader of every partition, then plays {@code rounds} handovers of
   * every partition, leadership alternating between the two replicas.
   */
  void play(int rounds, Script script) throws Exception {
    // A step-down from no partition: the first one in a process loads the emitter's classes before
    // its clock starts, which would place the first round's stamps later than they were acked.
    first.stepDownAll(List.of());
    second.stepDownAll(List.of());
    long term = nextTerm(0);
    for (int p : partitions) {
      first.startAsFirstLeader(p, term);
    }
    script.started(first, term);
    ReferenceReplica oldLeader = first;
    ReferenceReplica newLeader = second;
    for (int number = 1; number <= rounds; number++) {
      term = nextTerm(term);
      script.beforeStepDown(number, oldLeader);
      long start = System.nanoTime();
      ReferenceReplica.StepDowns stepDowns = oldLeader.stepDownAll(partitions);
      long steppedDown = System.nanoTime();
      List<CompletableFuture<Handover>> promotions = new ArrayList<>(partitions.size());
      for (int p : partitions) {
        promotions.add(newLeader.promote(p, term));
      }
      script.handedOver(
          new Round(number, term, oldLeader, newLeader, start, stepDowns, steppedDown, promotions));
      ReferenceReplica t = oldLeader;
      oldLeader = newLeader;
      newLeader = t;
    }
  }

  @Override
  public void close() {
    try {
      first.close();
    } finally {
      second.close();
    }
  }

  /** Terms as a cluster manager hands them out: wall-clock milliseconds, strictly increasing. */
  static long nextTerm(long previous) {
    return Math.max(previous + 1, System.currentTimeMillis());
  }

  /** A window for people: "10 s", "1.5 s". */
  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
