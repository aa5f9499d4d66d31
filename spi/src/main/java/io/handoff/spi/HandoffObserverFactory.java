package io.handoff.spi;

/**
 * Opens one {@link LeadershipHandoffObserver} per version topic. This, not an observer, is what a
 * server holds once (or binds in its injector): observers carry per-partition state and must never
 * be shared between version topics (rule S1 of {@code docs/ARCHITECTURE.md}).
 *
 * <p>Thread-safe; opening an observer does no I/O and does not block.
 */
@FunctionalInterface
public interface HandoffObserverFactory {

  /**
   * A new observer of {@code versionTopic} for the replica whose writer id is {@code
   * localWriterId}. Each call returns a new observer with no state.
   *
   * @param versionTopic the version topic; non-blank
   * @param localWriterId the replica's writer id, the host name it writes into its records' leader
   *     metadata; non-blank
   * @throws IllegalArgumentException if either is blank
   * @throws NullPointerException if either is null
   */
  LeadershipHandoffObserver open(String versionTopic, String localWriterId);
}
