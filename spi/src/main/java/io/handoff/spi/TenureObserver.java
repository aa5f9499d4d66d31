package io.handoff.spi;

import static java.util.Objects.requireNonNull;

/**
 * An observer that applies the tenure rules of {@link TenureTracker} to a strategy's own evidence:
 * a subclass says only which records are declarations of leadership and which are step-down stamps
 * ({@link #roleOf}); deciding, metrics, export and restore are done here, the same way for every
 * strategy. Both the stamp strategy and vendors' strategies build on it.
 *
 * <p>Threads and blocking as documented on {@link LeadershipHandoffObserver}.
 */
public abstract class TenureObserver implements LeadershipHandoffObserver {

  /** What a record is to the tenure rules. */
  public enum Role {
    /** A declaration of leadership: it starts a tenure. */
    DECLARATION,
    /** A step-down stamp: it may close the tenure of its writer. */
    STEP_DOWN,
    /** Anything else a writer appends. */
    OTHER
  }

  private final boolean consume;
  private final HandoffMetrics metrics;
  private final String localWriterId;
  private final TenureTracker tenures;

  /**
   * @param settings the observer honours {@link HandoffSettings#consumeStepDownStamp()}: when it is
   *     false, state is still kept (so that switching it on needs no re-read) but the wait is never
   *     cut
   * @throws IllegalArgumentException if {@code versionTopic} or {@code localWriterId} is blank
   */
  protected TenureObserver(
      HandoffSettings settings, HandoffMetrics metrics, String versionTopic, String localWriterId) {
    this(settings, metrics, versionTopic, localWriterId, null);
  }

  /**
   * As {@link #TenureObserver(HandoffSettings, HandoffMetrics, String, String)}, telling {@code
   * listener} (which may be null) whenever a tenure changes: for tools that show tenures.
   */
  protected TenureObserver(
      HandoffSettings settings,
      HandoffMetrics metrics,
      String versionTopic,
      String localWriterId,
      TenureListener listener) {
    requireNonNull(settings, "settings is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    requireNonNull(localWriterId, "localWriterId is null");
    if (localWriterId.isBlank()) {
      throw new IllegalArgumentException("localWriterId is blank");
    }
    this.consume = settings.consumeStepDownStamp();
    this.localWriterId = localWriterId;
    this.tenures = new TenureTracker(versionTopic, metrics, listener);
  }

  /**
   * The role of a record with this key. Called on the hot path for every record: must not allocate,
   * block or throw; a null key is {@link Role#OTHER}.
   */
  protected abstract Role roleOf(byte[] recordKey);

  @Override
  public final String versionTopic() {
    return tenures.versionTopic();
  }

  @Override
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
  public final boolean canSkipInactivityWait(int partition, long myTerm) {
    return consume && tenures.mayCut(partition, localWriterId, myTerm);
  }

  @Override
  public final HandoverPath decideHandover(
      int partition, long myTerm, boolean inactivityWindowElapsed) {
    HandoverPath path =
        HandoverPath.choose(canSkipInactivityWait(partition, myTerm), inactivityWindowElapsed);
    if (path != HandoverPath.WAIT) {
      // Once per promotion: the explanation's allocation is no concern here.
      metrics.handover(versionTopic(), partition, path, explain(partition, myTerm).reason());
    }
    return path;
  }

  @Override
  public final HandoverExplanation explain(int partition, long myTerm) {
    return tenures.explain(partition, localWriterId, myTerm, consume);
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
    return getClass().getSimpleName()
        + "{"
        + versionTopic()
        + ", reader="
        + localWriterId
        + ", consume="
        + consume
        + "}";
  }
}
