package io.handoff.spi;

/**
 * What a strategy knows about the partitions of one version topic, as one replica reads them: the
 * evidence side of a strategy, and all a vendor writes for it. The engine wraps it in the {@link
 * LeadershipHandoffObserver} hosts call ({@link LeadershipHandoffs#observers}), and owns everything
 * that must be the same for every strategy: the version topic and reader it answers for, the
 * consume switch ({@link HandoffSettings#consumeStepDownStamp()}: off, the engine never cuts and
 * explains {@link HandoverReason#CONSUMING_OFF} without asking {@link #mayCut}), argument checks,
 * the handover decision and its metric, and the guarantee that a strategy that throws never
 * produces a fast path. So an implementation holds only the rules: which records it takes in, and
 * when they prove that every earlier leader has stopped.
 *
 * <p>{@link TenureObserver} implements the tenure rules of {@code docs/ARCHITECTURE.md} for any
 * strategy that can say which of its records are declarations of leadership and which are step-down
 * stamps; prefer it over writing rules of your own.
 *
 * <p><b>Arguments.</b> The engine checks them before calling: partitions are between 0 and {@link
 * TenureTracker#MAX_PARTITION}, offsets are {@code >= 0} and {@code state} is not null. An
 * implementation may rely on that.
 *
 * <p><b>Threads.</b> Calls for one partition come one at a time, with a happens-before edge between
 * consecutive calls that the host provides (its consumer thread, a lock or a queue). Calls for
 * different partitions may come from different threads at once: state shared between partitions (a
 * partition table that grows) must be safe for that. An implementation publishes nothing itself and
 * needs no lock for one partition's own state.
 *
 * <p><b>Blocking.</b> Nothing may block: no I/O, no waiting on locks held across calls, no
 * sleeping. {@link #observe} and {@link #observeUndecodable} run on the host's ingestion hot path,
 * once per record consumed.
 *
 * <p><b>Allocation.</b> {@link #observe} must not allocate in the steady state (once a partition
 * has been seen); the engine adds nothing to that path but two comparisons. {@link #explain} and
 * {@link #exportState} allocate freely: they run once per decision or per checkpoint.
 *
 * <p><b>Failures.</b> An implementation should not throw, but the engine does not rely on it: when
 * any method throws a {@link RuntimeException} (except the documented {@link
 * IllegalArgumentException} of {@link #restoreState}), the engine logs it with the topic-partition
 * and offset and treats the partition as untrusted: it never cuts the wait there, and explains
 * {@link HandoverReason#STRATEGY_FAILED}, until the host calls {@link #forget} or a {@link
 * #restoreState} succeeds. Nothing of the exception reaches the host.
 */
public interface HandoverEvidence {

  /**
   * Takes note of one record consumed from {@code partition}; records of a partition come in
   * increasing offset order.
   *
   * @param offset the record's offset, {@code >= 0}
   * @param recordKey the record's raw Kafka key bytes, or null for a record without a key; read
   *     during the call only, never retained or modified
   * @param writerId the writer id of the record's leader metadata, or null when it carries none;
   *     read during the call only (a host may reuse the buffer), so copy it when keeping it
   * @param termId the record's leadership term, or {@code -1} when it carries none
   */
  void observe(int partition, long offset, byte[] recordKey, CharSequence writerId, long termId);

  /**
   * Takes note of a record at {@code offset} that the host could not decode. Nobody can tell whose
   * it is: an implementation must not let it pass as a record of the current leader.
   */
  void observeUndecodable(int partition, long offset);

  /**
   * Whether the records seen prove that the reader (the writer id this evidence was created for),
   * leader of {@code partition} with {@code myTerm}, may skip the inactivity wait. Pure: no side
   * effects, no metrics, no allocation. A {@code myTerm <= 0} answers false.
   */
  boolean mayCut(int partition, long myTerm);

  /**
   * Why {@link #mayCut} answers what it answers now, with the tenures and the record responsible
   * when known. Pure; allocates. Must agree with {@link #mayCut}: its {@link
   * HandoverExplanation#mayCut()} equals {@code mayCut(partition, myTerm)}. The engine checks that
   * when it decides, and refuses the fast path to a strategy that contradicts itself. The engine
   * fills in the version topic, partition, reader and term; an implementation's values for them are
   * not used.
   *
   * @return the explanation, never null
   */
  HandoverExplanation explain(int partition, long myTerm);

  /**
   * The state of {@code partition} as bytes for a host's checkpoint (rule R5), which {@link
   * #restoreState} of an evidence of the same topic and reader takes back. Never null; an empty
   * array is fine for a strategy that keeps nothing.
   */
  byte[] exportState(int partition);

  /**
   * Restores {@code partition} from {@link #exportState} bytes taken when the next record to
   * observe was at {@code resumeOffset}.
   *
   * @throws IllegalArgumentException for bytes that do not fit (not an export, another topic,
   *     partition or offset), naming what does not fit; the partition must then be left as if
   *     nothing had been seen, which never cuts until a new tenure begins in sight
   */
  void restoreState(int partition, long resumeOffset, byte[] state);

  /** Drops all state of {@code partition}: a later {@link #observe} starts from scratch. */
  void forget(int partition);
}
