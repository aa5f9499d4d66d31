package io.handoff.spi;

import static java.util.Objects.requireNonNull;

/**
 * Evidence that keeps no state and never proves anything: every handover takes the legacy wait, and
 * the engine still counts it as such, so that the fast-path ratio of a cluster that has not
 * switched consuming on reads 0, not nothing. It explains {@link HandoverReason#CONSUMING_OFF} (the
 * strategy never cuts). Its exported state is empty and restoring accepts anything: there is
 * nothing to restore. The {@code noop} strategy's evidence, and a safe stand-in wherever a strategy
 * has no evidence to offer.
 *
 * <p>Thread-safe; nothing blocks or allocates but {@link #explain}.
 */
public final class LegacyWaitObserver implements HandoverEvidence {

  private static final byte[] NO_STATE = new byte[0];

  private final String versionTopic;
  private final String localWriterId;

  /**
   * @param versionTopic the version topic it stands for, named in explanations; non-null
   * @param localWriterId the reader it stands for; non-null
   */
  public LegacyWaitObserver(String versionTopic, String localWriterId) {
    this.versionTopic = requireNonNull(versionTopic, "versionTopic is null");
    this.localWriterId = requireNonNull(localWriterId, "localWriterId is null");
  }

  @Override
  public void observe(
      int partition, long offset, byte[] recordKey, CharSequence writerId, long termId) {
    // Deliberately empty: the hot path of a host that has not switched consuming on costs a call.
  }

  @Override
  public void observeUndecodable(int partition, long offset) {}

  @Override
  public boolean mayCut(int partition, long myTerm) {
    return false;
  }

  @Override
  public HandoverExplanation explain(int partition, long myTerm) {
    return new HandoverExplanation(
        versionTopic,
        partition,
        localWriterId,
        myTerm,
        HandoverReason.CONSUMING_OFF,
        null,
        null,
        null);
  }

  @Override
  public byte[] exportState(int partition) {
    return NO_STATE.clone();
  }

  @Override
  public void restoreState(int partition, long resumeOffset, byte[] state) {}

  @Override
  public void forget(int partition) {}

  @Override
  public String toString() {
    return "LegacyWaitObserver{" + versionTopic + "}";
  }
}
