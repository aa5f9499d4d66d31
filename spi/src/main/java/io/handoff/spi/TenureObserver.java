package io.handoff.spi;

import static java.util.Objects.requireNonNull;

/**
 * Evidence that applies the tenure rules of {@link TenureTracker} to a strategy's own records: a
 * subclass says only which records are declarations of leadership and which are step-down stamps
 * ({@link #roleOf}); the rules, export and restore are done here, the same way for every strategy.
 * Both the stamp strategy and vendors' strategies build on it. The engine wraps it in the observer
 * hosts call, which decides, counts decisions and applies the consume switch.
 *
 * <p>Threads, blocking and allocation as documented on {@link HandoverEvidence}: {@link #observe}
 * allocates nothing once a partition has been seen, except on a declaration of leadership.
 */
public abstract class TenureObserver implements HandoverEvidence {

  /** What a record is to the tenure rules. */
  public enum Role {
    /** A declaration of leadership: it starts a tenure. */
    DECLARATION,
    /** A step-down stamp: it may close the tenure of its writer. */
    STEP_DOWN,
    /** Anything else a writer appends. */
    OTHER
  }

  private final String localWriterId;
  private final TenureTracker tenures;

  /**
   * @param metrics where tenures that turn unclean are counted
   * @param versionTopic the version topic whose partitions this evidence follows; non-blank
   * @param localWriterId the reader it judges for; non-blank
   * @throws IllegalArgumentException if {@code versionTopic} or {@code localWriterId} is blank
   */
  protected TenureObserver(HandoffMetrics metrics, String versionTopic, String localWriterId) {
    this(metrics, versionTopic, localWriterId, null);
  }

  /**
   * As {@link #TenureObserver(HandoffMetrics, String, String)}, telling {@code listener} (which may
   * be null) whenever a tenure changes: for tools that show tenures.
   */
  protected TenureObserver(
      HandoffMetrics metrics, String versionTopic, String localWriterId, TenureListener listener) {
    requireNonNull(metrics, "metrics is null");
    requireNonNull(localWriterId, "localWriterId is null");
    if (localWriterId.isBlank()) {
      throw new IllegalArgumentException("localWriterId is blank");
    }
    this.localWriterId = localWriterId;
    this.tenures = new TenureTracker(versionTopic, metrics, listener);
  }

  /**
   * The role of a record with this key. Called on the hot path for every record: must not allocate,
   * block or throw; a null key is {@link Role#OTHER}.
   */
  protected abstract Role roleOf(byte[] recordKey);

  /** The version topic this evidence follows. */
  public final String versionTopic() {
    return tenures.versionTopic();
  }

  /** The reader this evidence judges for. */
  public final String localWriterId() {
    return localWriterId;
  }

  @Override
  public final void observe(
      int partition, long offset, byte[] recordKey, CharSequence writerId, long termId) {
    switch (roleOf(recordKey)) {
      case DECLARATION -> tenures.declaration(partition, offset, writerId, termId);
      case STEP_DOWN -> tenures.stepDown(partition, offset, writerId, termId);
      default -> tenures.other(partition, offset, writerId, termId);
    }
  }

  @Override
  public final void observeUndecodable(int partition, long offset) {
    tenures.undecodable(partition, offset);
  }

  @Override
  public final boolean mayCut(int partition, long myTerm) {
    return tenures.mayCut(partition, localWriterId, myTerm);
  }

  @Override
  public final HandoverExplanation explain(int partition, long myTerm) {
    return tenures.explain(partition, localWriterId, myTerm, true);
  }

  @Override
  public final byte[] exportState(int partition) {
    return tenures.export(partition);
  }

  @Override
  public final void restoreState(int partition, long resumeOffset, byte[] state) {
    requireNonNull(state, "state is null");
    tenures.restore(partition, resumeOffset, state);
  }

  @Override
  public final void forget(int partition) {
    tenures.forget(partition);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + versionTopic() + ", reader=" + localWriterId + "}";
  }
}
