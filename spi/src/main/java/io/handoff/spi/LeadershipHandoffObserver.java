package io.handoff.spi;

/**
 * Watches the partitions of one version topic, as one replica reads them, and tells that replica,
 * once it is the new leader of a partition, whether it may skip the inactivity wait.
 *
 * <p>One observer serves one version topic and one reader (the local writer id), by construction: a
 * host opens one per version topic it hosts ({@link HandoffObserverFactory#open}), so partition 3
 * of {@code store_a_v7} and partition 3 of {@code store_b_v2} can never share state (rule S1 of
 * {@code docs/ARCHITECTURE.md}).
 *
 * <p>The host feeds every record it consumes from the local version topic to {@link #observe} (or
 * {@link #observeUndecodable} for a record it cannot read), partition by partition, in offset
 * order, whatever its role. As a new leader it writes its declaration of leadership (DoL), keeps
 * observing, and calls {@link #decideHandover} on every turn of its wait loop until the answer is
 * not {@link HandoverPath#WAIT}. The observer answers {@link HandoverPath#FAST_PATH} only when the
 * records prove that every earlier leader has stopped writing, and it checks itself that the
 * reader's own DoL for its term has been read back (rule R4): a host cannot skip that step by
 * mistake. When in doubt the answer is the legacy wait.
 *
 * <p><b>Threads.</b> Calls for one partition must be ordered by the host: one thread at a time,
 * with a happens-before edge between consecutive calls (the same consumer thread, a lock, or a
 * queue). The observer publishes nothing itself: a host that decides on another thread than the one
 * that observes must provide that edge, or it may decide on a stale state. Different partitions may
 * be observed and queried from different threads at once.
 *
 * <p><b>Blocking.</b> Nothing blocks: no I/O, no locks held across calls. {@link #observe} is on
 * the ingestion hot path and does not allocate in the steady state.
 *
 * <p><b>Who implements it.</b> The engine: observers come from {@link HandoffObserverFactory} (or
 * {@link HandoffEngine#observer}) around a strategy's {@link HandoverEvidence}. Strategies
 * implement that evidence, not this interface. The engine checks arguments (a partition outside 0
 * to {@link TenureTracker#MAX_PARTITION} or a negative offset is an {@link
 * IllegalArgumentException} naming the topic-partition and offset; {@link #canSkipInactivityWait}
 * simply answers false for such a partition), applies {@link
 * HandoffSettings#consumeStepDownStamp()}, and never lets a strategy's failure through: when the
 * evidence throws, the failure is logged with the topic-partition and offset, the partition takes
 * the legacy wait ({@link HandoverReason#STRATEGY_FAILED}) until {@link #forget} or a successful
 * {@link #restoreState}, and no method throws to the host for it.
 */
public interface LeadershipHandoffObserver {

  /** The version topic this observer follows. */
  String versionTopic();

  /** The writer id of the replica this observer decides for (its host name in leader metadata). */
  String localWriterId();

  /**
   * Takes note of one record consumed from {@code partition} of {@link #versionTopic()}.
   *
   * @param partition the partition the record came from
   * @param offset the record's offset; records of a partition come in increasing offset order
   * @param recordKey the record's raw Kafka key bytes (not retained, not modified); null for a
   *     record without a key, which is no stamp
   * @param writerId the writer id of the record's leader metadata ({@code hostName}), or null when
   *     the record carries none; read during the call only, so a reused buffer is fine
   * @param termId the record's leadership term ({@code termId} of its leader metadata), or {@code
   *     -1} when it carries none: Venice's leaders write their data that way
   * @throws IllegalArgumentException if {@code partition} is out of range or {@code offset} is
   *     negative
   */
  void observe(int partition, long offset, byte[] recordKey, CharSequence writerId, long termId);

  /**
   * Takes note of a record at {@code offset} that the host could not decode (an envelope version it
   * does not know, a null value, corrupt bytes). Nobody can tell whose it is, so it makes the
   * current tenure unclean. Use the strategy's own record helper where it has one, so that the rule
   * for undecodable records is applied the same way everywhere.
   */
  void observeUndecodable(int partition, long offset);

  /**
   * Whether the reader, leader of {@code partition} with {@code myTerm}, may start writing now
   * instead of waiting out the inactivity window. Pure query: no side effects, no metrics.
   *
   * @param myTerm the reader's term; a value {@code <= 0} always answers false
   * @return true only when the observed records prove every earlier leader has stopped
   */
  boolean canSkipInactivityWait(int partition, long myTerm);

  /**
   * One turn of a new leader's wait loop: {@link HandoverPath#FAST_PATH} when {@link
   * #canSkipInactivityWait} holds, {@link HandoverPath#LEGACY_WAIT} when the host says the
   * inactivity window has elapsed, else {@link HandoverPath#WAIT}. A non-{@code WAIT} answer means
   * "start writing now", is counted in the metrics ({@code leader_handover_fast_path} or {@code
   * leader_handover_legacy_wait}, with the {@link HandoverReason} of the decision: for a legacy
   * wait, why the fast path was refused), and is the moment to mark the term established ({@link
   * LeaderTerms#established}). Call it until then and no more, so that each promotion counts once.
   *
   * @param inactivityWindowElapsed whether the host's legacy silence check is satisfied
   * @return the path, never null; never {@link HandoverPath#FAST_PATH} when the strategy failed on
   *     this partition or its explanation contradicts its answer
   * @throws IllegalArgumentException if {@code partition} is out of range
   */
  HandoverPath decideHandover(int partition, long myTerm, boolean inactivityWindowElapsed);

  /**
   * What {@link #decideHandover} would answer now for a leader of {@code partition} with {@code
   * myTerm}, and why, naming the tenures and the record responsible. For operators and tools: it
   * allocates, and is never needed on the per-record path. Pure query: no side effects, no metrics.
   *
   * @return the explanation; its {@link HandoverExplanation#mayCut()} equals {@link
   *     #canSkipInactivityWait}
   */
  HandoverExplanation explain(int partition, long myTerm);

  /**
   * The observer's state of {@code partition} as a few bytes (rule R5), for a host that checkpoints
   * its consumption: store them with the checkpoint, and after a restart pass them to {@link
   * #restoreState} before observing from the checkpoint. Without a restore, an observer that starts
   * inside a tenure never cuts the wait for its successor. Never null; empty when the strategy
   * keeps nothing or failed to export (a restore of it is then refused, the safe default).
   */
  byte[] exportState(int partition);

  /**
   * Restores {@code partition} from {@link #exportState} bytes taken when the next record to
   * observe was at {@code resumeOffset}. Bytes of another topic or partition, of another offset, or
   * that are not an export are rejected, and the partition is left in the state of an observer that
   * has seen nothing (which never cuts the wait until a new tenure begins in sight).
   *
   * @throws IllegalArgumentException naming what does not fit, or for a partition out of range or a
   *     negative offset
   * @throws NullPointerException if {@code state} is null
   */
  void restoreState(int partition, long resumeOffset, byte[] state);

  /**
   * Drops all state of {@code partition}, for a replica that no longer hosts it. A later {@link
   * #observe} for that partition starts from scratch.
   */
  void forget(int partition);
}
