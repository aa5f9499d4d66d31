package io.handoff.spi;

import static java.util.Objects.requireNonNull;

/**
 * An observer that keeps no state and never cuts the wait: every handover takes the legacy wait,
 * and is still counted as such, so that the fast-path ratio of a cluster that has not switched
 * consuming on reads 0, not nothing. Its exported state is empty and restoring accepts anything but
 * null: there is nothing to restore. The {@code noop} strategy's observer, and a safe stand-in
 * wherever a strategy has no evidence to offer.
 *
 * <p>Thread-safe; nothing blocks or allocates.
 */
public final class LegacyWaitObserver implements LeadershipHandoffObserver {

  private static final byte[] NO_STATE = new byte[0];

  private final HandoffMetrics metrics;
  private final String versionTopic;
  private final String localWriterId;

  public LegacyWaitObserver(HandoffMetrics metrics, String versionTopic, String localWriterId) {
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.versionTopic = requireNonNull(versionTopic, "versionTopic is null");
    this.localWriterId = requireNonNull(localWriterId, "localWriterId is null");
  }

  @Override
  public String versionTopic() {
    return versionTopic;
  }

  @Override
  public String localWriterId() {
    return localWriterId;
  }

  @Override
  public void observe(
      int partition, long offset, byte[] recordKey, CharSequence writerId, long termId) {
    // Deliberately empty: the hot path of a host that has not switched consuming on costs a call.
  }

  @Override
  public void observeUndecodable(int partition, long offset) {}

  @Override
  public boolean canSkipInactivityWait(int partition, long myTerm) {
    return false;
  }

  @Override
  public HandoverPath decideHandover(int partition, long myTerm, boolean inactivityWindowElapsed) {
    HandoverPath path = HandoverPath.choose(false, inactivityWindowElapsed);
    if (path != HandoverPath.WAIT) {
      metrics.handover(versionTopic, partition, path, HandoverReason.CONSUMING_OFF);
    }
    return path;
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
  public void restoreState(int partition, long resumeOffset, byte[] state) {
    requireNonNull(state, "state is null");
  }

  @Override
  public void forget(int partition) {}

  @Override
  public String toString() {
    return "LegacyWaitObserver{" + versionTopic + "}";
  }
}
