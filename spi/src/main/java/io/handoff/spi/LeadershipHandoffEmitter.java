package io.handoff.spi;

import java.util.Collection;
import java.util.List;

/**
 * Writes step-down stamps when a leader gives up a version-topic partition.
 *
 * <p>The host calls {@link #emitStepDown} from its LEADER -> STANDBY (or OFFLINE) transition,
 * after it has stopped producing to the partition and before it reports the transition done.
 * Whatever happens on the wire comes back as an {@link EmitOutcome}: the emitter never throws for
 * broker, network or produce failures, so a demotion handler can call it without a try block and
 * cannot be hung by it for longer than the ack timeout.
 *
 * <p><b>Threads.</b> Implementations are thread-safe: any number of demotion threads may call
 * {@link #emitStepDown} and {@link #emitStepDowns} concurrently, for the same or different
 * partitions. {@link #close()} may be called from any thread, concurrently with emits.
 *
 * <p><b>Blocking.</b> The emit methods block the calling thread at most for the configured ack
 * timeout ({@link HandoffSettings#ackTimeoutMs()}) plus the time the client library needs to hand
 * the record over (which a correct implementation bounds too: see its documentation). They never
 * wait for a retry beyond that deadline.
 *
 * <p><b>Life cycle.</b> Created by a {@link LeadershipHandoffProvider}, usually through
 * {@link LeadershipHandoffs#emitter}. Resources (connections, threads) may be opened lazily on the
 * first emit, never by the constructor of an emitter that is switched off. After {@link #close()},
 * the emit methods do not throw either: they answer {@link EmitStatus#FAILED} with an
 * {@link IllegalStateException} as the cause, or {@link EmitStatus#SKIPPED_DISABLED} for an
 * emitter that never writes.
 */
public interface LeadershipHandoffEmitter extends AutoCloseable {

  /**
   * Writes one step-down stamp to {@code stepDown}'s topic-partition and waits for the broker's
   * acknowledgement, at most the ack timeout.
   *
   * <p>A term of zero or less gives {@link EmitStatus#SKIPPED_NO_TERM} without writing; an
   * emitter that is switched off gives {@link EmitStatus#SKIPPED_DISABLED}. If the calling thread
   * is interrupted while waiting, the result is {@link EmitStatus#INTERRUPTED} and the thread's
   * interrupt status is set again on return.
   *
   * @param stepDown what to stamp; non-null
   * @return the outcome; never null
   * @throws NullPointerException if {@code stepDown} is null (a programming error, not a failure)
   */
  EmitOutcome emitStepDown(StepDown stepDown);

  /**
   * Writes one stamp for each element and waits for all acknowledgements against a single shared
   * deadline of one ack timeout from the call, so that stepping down from many partitions at once
   * costs about one round trip rather than one per partition.
   *
   * <p>Blocks at most one ack timeout in total (not per element). Same outcome rules as
   * {@link #emitStepDown}; stamps still unacknowledged at the deadline are
   * {@link EmitStatus#TIMED_OUT}.
   *
   * @param stepDowns what to stamp, in order; non-null and without null elements; may be empty
   * @return one outcome per element, in iteration order of {@code stepDowns}
   * @throws NullPointerException if {@code stepDowns} or one of its elements is null
   */
  List<EmitOutcome> emitStepDowns(Collection<StepDown> stepDowns);

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
   * Releases what the emitter holds (producer connections, threads). Blocks for a bounded time,
   * documented by the implementation, and discards stamps whose deadline has passed rather than
   * delivering them late. Idempotent: later calls return at once. Does not throw checked exceptions.
   */
  @Override
  void close();
}
