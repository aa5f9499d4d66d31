package io.handoff.spi;

/** Which way a new leader got to write: see {@link LeadershipHandoffObserver#decideHandover}. */
public enum HandoverPath {
  /** A counting step-down stamp let the new leader skip the inactivity wait. */
  FAST_PATH,
  /** The new leader waited until the partition had been silent for the inactivity window. */
  LEGACY_WAIT,
  /** Neither yet: no counting stamp and the inactivity window has not elapsed. Keep waiting. */
  WAIT;

  /**
   * The path for one step of a wait loop: the fast path wins over the legacy wait, and neither
   * means wait. For implementations of {@link LeadershipHandoffObserver#decideHandover}.
   */
  public static HandoverPath choose(
      boolean canSkipInactivityWait, boolean inactivityWindowElapsed) {
    if (canSkipInactivityWait) {
      return FAST_PATH;
    }
    return inactivityWindowElapsed ? LEGACY_WAIT : WAIT;
  }
}
