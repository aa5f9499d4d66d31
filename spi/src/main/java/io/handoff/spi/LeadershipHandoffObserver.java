package io.handoff.spi;

/**
 * Watches the local version topic and tells a new leader when it may skip the inactivity wait.
 *
 * <p>The host feeds every record it consumes from the local version topic to {@link #observe},
 * partition by partition, in offset order, and asks {@link #canSkipInactivityWait} (or, better,
 * {@link #decideHandover}) when, as a new leader, it would otherwise wait for the partition to
 * fall silent. The observer must answer {@code true} only when the records it saw prove that
 * every earlier leader has stopped writing; when in doubt it answers {@code false} and the host
 * falls back to the legacy wait. The rules of the stamp strategy are in the architecture guide
 * ("Observer rules"); other strategies may use other evidence but must never be less safe.
 *
 * <p><b>Threads.</b> Different partitions may be observed and queried from different threads at
 * the same time. Calls for one partition must come from one thread at a time, or be ordered by
 * the host (the way a consumer loop orders them); calls for a partition are not synchronised
 * against each other by the observer.
 *
 * <p><b>Blocking.</b> Nothing blocks: no I/O, no locks held across calls. {@link #observe} is on
 * the ingestion hot path and must not allocate in the steady state.
 */
public interface LeadershipHandoffObserver {

  /**
   * Takes note of one record consumed from the local version topic.
   *
   * @param partition the version-topic partition the record came from
   * @param recordKey the record's raw Kafka key bytes, non-null (not checked on this hot path);
   *     not retained after the call, not modified
   * @param recordTermId the record's leadership term ({@code termId} of its leader metadata footer),
   *     or {@code -1} when the record carries none
   * @param myTerm the reader's current leadership term of that partition, {@code -1} while follower
   *     (see {@link LeaderTerms})
   */
  void observe(int partition, byte[] recordKey, long recordTermId, long myTerm);

  /**
   * Whether a leader of term {@code myTerm} may start writing to {@code partition} now instead of
   * waiting out the inactivity window. Pure query: no side effects, no metrics; may be polled.
   *
   * @param partition the partition being taken over
   * @param myTerm the new leader's term; a value {@code <= 0} always answers false
   * @return true only when the observed records prove every earlier leader has stopped
   */
  boolean canSkipInactivityWait(int partition, long myTerm);

  /**
   * One step of a new leader's wait loop: answers {@link HandoverPath#FAST_PATH} when
   * {@link #canSkipInactivityWait} holds, {@link HandoverPath#LEGACY_WAIT} when the host says the
   * inactivity window has elapsed, else {@link HandoverPath#WAIT}. A non-{@code WAIT} answer
   * means "start writing now" and is reported to the metrics sink ({@code
   * leader_handover_fast_path} or {@code leader_handover_legacy_wait}); call it until then, and
   * stop calling it once it said so, so that each promotion counts once.
   *
   * @param partition the partition being taken over
   * @param myTerm the new leader's term
   * @param inactivityWindowElapsed whether the host's legacy silence check is satisfied
   * @return the path, never null
   */
  HandoverPath decideHandover(int partition, long myTerm, boolean inactivityWindowElapsed);

  /**
   * Drops all state of {@code partition}, for a replica that no longer hosts it. A later
   * {@link #observe} for that partition starts from scratch. Never blocks.
   */
  void forget(int partition);
}
