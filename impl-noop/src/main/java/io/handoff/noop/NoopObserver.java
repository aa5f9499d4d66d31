package io.handoff.noop;

import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.LeadershipHandoffObserver;

/**
 * Keeps no state and never cuts the wait. Handovers are still counted, all as legacy waits, so
 * that the fast-path ratio of a cluster that has not switched consuming on reads 0, not nothing.
 */
final class NoopObserver implements LeadershipHandoffObserver {

  private final HandoffMetrics metrics;

  NoopObserver(HandoffMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void observe(int partition, byte[] recordKey, long recordTermId, long myTerm) {
    // Deliberately empty: the hot path of a host that has not switched consuming on costs a call.
  }

  @Override
  public boolean canSkipInactivityWait(int partition, long myTerm) {
    return false;
  }

  @Override
  public HandoverPath decideHandover(int partition, long myTerm, boolean inactivityWindowElapsed) {
    HandoverPath path = HandoverPath.choose(false, inactivityWindowElapsed);
    if (path != HandoverPath.WAIT) {
      metrics.handover(partition, path);
    }
    return path;
  }

  @Override
  public void forget(int partition) {
  }

  @Override
  public String toString() {
    return "NoopObserver";
  }
}
