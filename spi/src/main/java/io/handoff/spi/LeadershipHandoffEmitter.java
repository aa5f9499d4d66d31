package io.handoff.spi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Writes step-down stamps when a leader gives up a version-topic partition.
 *
 * <p>The host calls {@link #emitStepDown} from its LEADER -> STANDBY (or OFFLINE) transition, after
 * it has stopped producing to the partition and before it reports the transition done. Whatever
 * happens on the wire comes back as an {@link EmitOutcome}: the emitter never throws for broker,
 * network or produce failures, so a demotion handler can call it without a try block and cannot be
 * hung by it for longer than the ack timeout.
 *
 * <p><b>Threads.</b> Implementations are thread-safe: any number of demotion threads may call
 * {@link #emitStepDown} and {@link #emitStepDowns} concurrently, for the same or different
 * partitions. {@link #close()} may be called from any thread, concurrently with emits.
 *
 * <p><b>Ordering.</b> A stamp says "I have stopped writing": an emitter that writes orders every
 * stamp after all the records the leader sent to that partition before the call (rule E2 of {@code
 * docs/ARCHITECTURE.md}), by sending it on the host's own producer or by waiting until the host's
 * sends completed. It gets what it needs for that through {@link HostResources} when it is created,
 * and refuses to be created without it.
 *
 * <p><b>Blocking.</b> {@link #emitStepDown} blocks the calling thread at most for the configured
 * ack timeout ({@link HandoffSettings#ackTimeoutMs()}) plus a few milliseconds of hand-off between
 * threads, whoever owns the producer: metadata waits, a full send buffer and producer creation
 * included. It never waits for a retry beyond that deadline. {@link #emitStepDowns} blocks as much
 * for the whole batch when the strategy overrides it with one shared deadline (the stamp strategy
 * does), and up to one ack timeout per element with the default.
 *
 * <p><b>The engine.</b> Hosts get emitters from {@link LeadershipHandoffs#emitter}, which wraps the
 * strategy's emitter: it checks arguments, turns anything the strategy throws into a {@link
 * EmitStatus#FAILED} outcome with the cause, and answers {@code FAILED} with an {@link
 * IllegalStateException} after {@link #close()} unless the strategy skips the step-down. A strategy
 * should still honour every rule below itself: the contract kit checks its emitter unwrapped.
 *
 * <p><b>Stamps that were not acknowledged.</b> A {@link EmitStatus#TIMED_OUT} or {@link
 * EmitStatus#INTERRUPTED} stamp may still land later (how much later depends on the producer: see
 * the implementation). That is safe because it is ordered after the leader's own records: it lands
 * inside the next leader's tenure or after its declaration of leadership, where the tenure rules
 * never let it count (rules E4 and R3). The next leader then takes the legacy wait.
 *
 * <p><b>Life cycle.</b> Created by a {@link LeadershipHandoffProvider}, usually through {@link
 * LeadershipHandoffs#emitter}. Resources (connections, threads) may be opened lazily on the first
 * emit, never by the constructor of an emitter that is switched off. After {@link #close()}, the
 * emit methods do not throw either: they answer {@link EmitStatus#FAILED} with an {@link
 * IllegalStateException} as the cause, or {@link EmitStatus#SKIPPED_DISABLED} for an emitter that
 * never writes.
 */
public interface LeadershipHandoffEmitter extends AutoCloseable {

  /**
   * Writes one step-down stamp to {@code stepDown}'s topic-partition and waits for the broker's
   * acknowledgement, at most the ack timeout.
   *
   * <p>A term of zero or less gives {@link EmitStatus#SKIPPED_NO_TERM} without writing; an emitter
   * that is switched off gives {@link EmitStatus#SKIPPED_DISABLED}. If the calling thread is
   * interrupted while waiting, the result is {@link EmitStatus#INTERRUPTED} and the thread's
   * interrupt status is set again on return.
   *
   * @param stepDown what to stamp; non-null
   * @return the outcome; never null
   * @throws NullPointerException if {@code stepDown} is null (a programming error, not a failure)
   */
  EmitOutcome emitStepDown(StepDown stepDown);

  /**
   * Writes one stamp for each element, in order, and answers one outcome per element.
   *
   * <p>The default calls {@link #emitStepDown} for each element in turn, so it blocks up to one ack
   * timeout <em>per element</em>: right for a strategy that never writes (it answers at once), too
   * slow for one that does. A strategy that writes overrides it to hand every stamp over first and
   * wait for all acknowledgements against one shared deadline of one ack timeout from the call, so
   * that stepping down from many partitions at once costs about one round trip rather than one per
   * partition (as the stamp strategy's emitter does); stamps still unacknowledged at that deadline
   * are {@link EmitStatus#TIMED_OUT}. Same outcome rules as {@link #emitStepDown}.
   *
   * @param stepDowns what to stamp, in order; non-null and without null elements; may be empty
   * @return one outcome per element, in iteration order of {@code stepDowns}
   * @throws NullPointerException if {@code stepDowns} or one of its elements is null (checked
   *     before anything is emitted)
   */
  default List<EmitOutcome> emitStepDowns(Collection<StepDown> stepDowns) {
    java.util.Objects.requireNonNull(stepDowns, "stepDowns is null");
    List<StepDown> batch = new ArrayList<>(stepDowns.size());
    for (StepDown s : stepDowns) {
      if (s == null) {
        throw new NullPointerException("stepDowns holds a null element at index " + batch.size());
      }
      batch.add(s);
    }
    List<EmitOutcome> outcomes = new ArrayList<>(batch.size());
    for (StepDown s : batch) {
      outcomes.add(emitStepDown(s));
    }
    return outcomes;
  }

  /**
   * Gets ready to stamp {@code versionTopic} (opens connections, fetches metadata) so that a later
   * step-down costs one round trip. For a host to call when it becomes leader, off the demotion
   * path. Blocks at most the ack timeout; never throws for broker failures (they are logged) and
   * does nothing when emitting is off or the emitter is closed. The default does nothing.
   *
   * @param versionTopic the topic this host now leads partitions of; non-null
   */
  default void prepare(String versionTopic) {
    java.util.Objects.requireNonNull(versionTopic, "versionTopic is null");
  }

  /**
   * Forgets whatever the emitter keeps about {@code versionTopic} (cached metadata), for a host
   * that retired that store version. Never blocks. The default does nothing.
   */
  default void retire(String versionTopic) {
    java.util.Objects.requireNonNull(versionTopic, "versionTopic is null");
  }

  /**
   * Releases what the emitter holds (producer connections, threads). Blocks for a bounded time,
   * documented by the implementation, and discards stamps whose deadline has passed rather than
   * delivering them late. Idempotent: later calls return at once. Does not throw checked
   * exceptions.
   */
  @Override
  void close();
}
