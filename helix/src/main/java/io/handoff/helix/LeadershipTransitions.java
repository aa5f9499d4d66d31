package io.handoff.helix;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.LeaderTerms;
import io.handoff.spi.StepDown;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leadership transitions of one version topic's partitions, wired to the SPI the way a server's
 * cluster-manager callbacks should be. Nothing here knows a cluster manager: the Helix adapter
 * ({@link LeaderStandbyModelFactory}) calls it from Helix's transitions, and a server with another
 * cluster manager calls the same four methods from its own:
 *
 * <ul>
 *   <li>{@link #becomeLeader} (STANDBY -> LEADER, with the term the cluster manager gave the
 *       leadership, e.g. Helix's message creation time): hands the promotion to the replica on this
 *       object's own thread and returns at once; the replica declares its leadership and waits for
 *       the fast path or the legacy wait there, never on the cluster manager's thread;
 *   <li>{@link #becomeStandby} (LEADER -> STANDBY), {@link #becomeOffline} (-> OFFLINE) and {@link
 *       #reset} (the cluster manager dropped the replica's session, or Helix's graceful {@code
 *       disconnect()}, which sends a leader no LEADER -> STANDBY at all): when the replica leads or
 *       is becoming leader of the partition, it stops writing and steps down through the SPI's
 *       emitter, which stamps only an established term ({@link LeaderTerms#demoted}) and orders the
 *       stamp after the replica's writes;
 *   <li>{@link #close()} (the server shuts down): refuses promotions from then on and steps down
 *       from every partition it leads at once, against one shared ack deadline.
 * </ul>
 *
 * <p><b>Bounded.</b> No method blocks longer than {@link #handlerBound()}: the ack timeout plus
 * {@link #SLACK}. The replica's step-down is itself bounded by the ack timeout plus thread
 * hand-offs (rule E3 of {@code docs/ARCHITECTURE.md}); the slack covers waiting behind a promotion
 * that is handing its declaration to the producer, and scheduling on a loaded machine. A step-down
 * that has not finished by then is abandoned: its term is cleared here, so the replica's late
 * step-down finds no term and stamps nothing, and the next leader takes the legacy wait.
 *
 * <p><b>Terms cleared on every path.</b> After a step-down method returns, the partition's term is
 * cleared in {@link Replica#terms()}, whether the replica's step-down succeeded, threw or was
 * abandoned.
 *
 * <p><b>Order.</b> Every call into the replica runs on this object's single thread, in the order of
 * the calls to this object, so a promotion, its step-down and the next promotion of one partition
 * reach the replica in that order even when a step-down was abandoned.
 *
 * <p>Thread-safe: the cluster manager may call for different partitions from different threads at
 * once; calls for one partition must be ordered (Helix and other cluster managers run one
 * transition per partition at a time).
 *
 * @param <R> what the replica's promotion completes with (e.g. the reference host's {@code
 *     Handover})
 */
public final class LeadershipTransitions<R> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeadershipTransitions.class);

  /** What a step-down handler may take beyond the ack timeout (see the class comment). */
  public static final Duration SLACK = Duration.ofSeconds(1);

  /**
   * A replica of one version topic, as the transitions drive it: the SPI steps of a host ({@code
   * docs/ARCHITECTURE.md}, "The SPI's contract for hosts"). The reference host's {@code
   * ReferenceReplica} is one; a server's ingestion task is another.
   *
   * @param <R> what a promotion completes with
   */
  public interface Replica<R> {

    /** The terms of the replica's version topic; the transitions clear a term the replica left. */
    LeaderTerms terms();

    /** The replica's writer id, written into its stamps. */
    String writerId();

    /** The local pub-sub cluster id its stamps carry. */
    int clusterId();

    /**
     * STANDBY -> LEADER: {@link LeaderTerms#promoted}, write the declaration of leadership, and
     * complete once the observer answered the fast path or the legacy wait and {@link
     * LeaderTerms#established} answered true (the replica writes from then on); cancel or fail the
     * future if the partition is stepped down first. Must return without waiting for the handover.
     */
    CompletableFuture<R> promote(int partition, long term);

    /**
     * LEADER -> STANDBY / OFFLINE for {@code partitions}: stop writing (no record of them handed to
     * the producer after this), {@link LeaderTerms#demoted} for each, and hand the step-downs to
     * the emitter in one call; blocks at most the ack timeout plus thread hand-offs.
     *
     * @return one outcome per partition, in order
     */
    List<EmitOutcome> stepDown(Collection<Integer> partitions);
  }

  /** Why a replica stepped down: what the cluster manager or the server asked. */
  public enum Cause {
    /** LEADER -> STANDBY. */
    STANDBY,
    /** A transition to OFFLINE of a partition the replica still led or was becoming leader of. */
    OFFLINE,
    /** The cluster manager reset the partition (session lost, or Helix's graceful disconnect). */
    RESET,
    /** The server is shutting down ({@link #close()}). */
    SHUTDOWN
  }

  /**
   * What happened, for a server's log or an orchestrator. Called on the transitions' thread, the
   * caller's thread or the replica's threads: implementations are thread-safe and quick. An
   * exception thrown by a listener is logged and ignored.
   *
   * @param <R> what a promotion completes with
   */
  public interface Listener<R> {
    /** A promotion was handed to the replica. */
    default void promoting(int partition, long term) {}

    /** The replica may write: its promotion completed with {@code result}. */
    default void writable(int partition, long term, R result) {}

    /**
     * A promotion ended without leadership: stepped down first ({@code cause} a {@link
     * java.util.concurrent.CancellationException}), failed, or refused while closing.
     */
    default void promotionEnded(int partition, long term, Throwable cause) {}

    /**
     * A step-down finished: {@code outcome} is the emitter's answer, or {@link EmitStatus#FAILED}
     * with the reason when the replica's step-down threw or was abandoned (then nothing is
     * stamped).
     */
    default void steppedDown(
        int partition, Cause cause, EmitOutcome outcome, long startedAtNanos, long endedAtNanos) {}
  }

  private final Replica<R> replica;
  private final Listener<R> listener;
  private final Duration handlerBound;
  private final ExecutorService thread;
  private final Set<Integer> leading = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * @param replica the replica of one version topic
   * @param ackTimeout the emitter's ack timeout ({@code HandoffSettings#ackTimeoutMs()})
   * @param listener told what happened
   */
  public LeadershipTransitions(Replica<R> replica, Duration ackTimeout, Listener<R> listener) {
    this.replica = requireNonNull(replica, "replica is null");
    this.listener = requireNonNull(listener, "listener is null");
    requireNonNull(ackTimeout, "ackTimeout is null");
    if (ackTimeout.isNegative()) {
      throw new IllegalArgumentException("ackTimeout must be >= 0, got " + ackTimeout);
    }
    this.handlerBound = ackTimeout.plus(SLACK);
    String topic = replica.terms().versionTopic();
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "transitions-" + topic);
              t.setDaemon(true);
              return t;
            });
  }

  /** The longest any method of this object blocks: the ack timeout plus {@link #SLACK}. */
  public Duration handlerBound() {
    return handlerBound;
  }

  /** Whether the replica leads {@code partition} or is becoming its leader. */
  public boolean isLeading(int partition) {
    return leading.contains(partition);
  }

  /**
   * STANDBY -> LEADER of {@code partition} with {@code term}: hands the promotion to the replica on
   * the transitions' thread and returns at once. Refused after {@link #close()}: the partition is
   * then not led, and the cluster manager learns it when the server leaves.
   *
   * @throws IllegalArgumentException if {@code partition < 0} or {@code term <= 0}
   */
  public void becomeLeader(int partition, long term) {
    if (partition < 0 || term <= 0) {
      throw new IllegalArgumentException(
          "partition must be >= 0 and term > 0, got "
              + replica.terms().versionTopic()
              + "-"
              + partition
              + " term "
              + term);
    }
    if (closed) {
      tell(() -> listener.promotionEnded(partition, term, new IllegalStateException("closing")));
      return;
    }
    leading.add(partition);
    tell(() -> listener.promoting(partition, term));
    try {
      thread.execute(() -> promote(partition, term));
    } catch (RejectedExecutionException e) {
      leading.remove(partition);
      tell(() -> listener.promotionEnded(partition, term, e));
    }
  }

  private void promote(int partition, long term) {
    CompletableFuture<R> handover;
    try {
      handover = replica.promote(partition, term);
    } catch (RuntimeException e) {
      LOG.warn(
          "Promotion of {}-{} term {} failed: {}",
          replica.terms().versionTopic(),
          partition,
          term,
          e.toString());
      tell(() -> listener.promotionEnded(partition, term, e));
      return;
    }
    handover.whenComplete(
        (result, e) ->
            tell(
                () -> {
                  if (e == null) {
                    listener.writable(partition, term, result);
                  } else {
                    listener.promotionEnded(partition, term, e);
                  }
                }));
  }

  /** LEADER -> STANDBY: steps down from {@code partition}. */
  public void becomeStandby(int partition) {
    stepDown(List.of(partition), Cause.STANDBY);
  }

  /** A transition to OFFLINE: steps down only if the replica still leads {@code partition}. */
  public void becomeOffline(int partition) {
    stepDown(List.of(partition), Cause.OFFLINE);
  }

  /**
   * The cluster manager reset {@code partition}: a step-down if the replica leads it or is becoming
   * its leader, else nothing.
   */
  public void reset(int partition) {
    stepDown(List.of(partition), Cause.RESET);
  }

  /** Refuses promotions from now on and steps down from every partition led, at once. */
  @Override
  public void close() {
    closed = true;
    stepDown(List.copyOf(leading), Cause.SHUTDOWN);
    thread.shutdown();
  }

  private void stepDown(List<Integer> asked, Cause cause) {
    LeaderTerms terms = replica.terms();
    List<Integer> partitions = new ArrayList<>(asked.size());
    for (int p : asked) {
      // A term the replica holds without our promotion (a caller that bypassed us) is cleared too.
      if (leading.remove(p) | terms.isLeader(p)) {
        partitions.add(p);
      }
    }
    if (partitions.isEmpty()) {
      return;
    }
    long startedAt = System.nanoTime();
    List<EmitOutcome> outcomes = null;
    Throwable failure = null;
    try {
      Future<List<EmitOutcome>> done = thread.submit(() -> replica.stepDown(partitions));
      outcomes = done.get(handlerBound.toNanos(), TimeUnit.NANOSECONDS);
      if (outcomes.size() != partitions.size()) {
        failure =
            new IllegalStateException(
                "the replica answered " + outcomes.size() + " outcomes for " + partitions);
        outcomes = null;
      }
    } catch (TimeoutException e) {
      failure =
          new TimeoutException(
              "the step-down did not finish within " + handlerBound.toMillis() + " ms");
    } catch (ExecutionException e) {
      failure = e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
    } catch (RuntimeException e) {
      failure = e; // rejected: closed meanwhile
    } finally {
      long endedAt = System.nanoTime();
      for (int i = 0; i < partitions.size(); i++) {
        int p = partitions.get(i);
        // Every path: a replica that threw or is still stuck must not keep the term, which a late
        // step-down would otherwise stamp after the next leader took over.
        StepDown left = terms.demoted(p, replica.clusterId(), replica.writerId());
        EmitOutcome outcome =
            outcomes != null
                ? outcomes.get(i)
                : EmitOutcome.failed(
                    left, EmitStatus.FAILED, endedAt - startedAt, describe(failure, cause, p));
        tell(() -> listener.steppedDown(p, cause, outcome, startedAt, endedAt));
      }
    }
    if (failure != null) {
      LOG.warn(
          "Step-down of {} from {} ({}) gave no stamp: {}",
          replica.writerId(),
          terms.versionTopic() + partitions,
          cause,
          failure.toString());
    }
  }

  private static Throwable describe(Throwable failure, Cause cause, int partition) {
    return failure != null
        ? failure
        : new IllegalStateException("no outcome for partition " + partition + " on " + cause);
  }

  private static void tell(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("A transitions listener failed: {}", e.toString(), e);
    }
  }
}
