package io.handoff.spi;

import java.util.concurrent.CompletionStage;

/**
 * The host's answer to "have all your sends to this partition completed?", for an emitter that
 * writes its stamps on a producer of its own and so must not send a stamp before the leader's own
 * records are on the partition (rule E2 of {@code docs/ARCHITECTURE.md}). Lent to the strategy
 * through {@link HostResources}.
 *
 * <p>Implementations are called on the demotion path, after the host stopped writing to the
 * partition, from any thread: they must not block.
 */
@FunctionalInterface
public interface WriteBarrier {

  /**
   * A stage that completes normally once every record the host handed to its writer for {@code
   * partition} of {@code versionTopic} before this call has been acknowledged by the broker, and
   * exceptionally if one of them failed (the emitter then writes no stamp: it cannot tell whether
   * that record may still land). Already complete when there is nothing outstanding. Never null;
   * must not block.
   */
  CompletionStage<?> writesCompleted(String versionTopic, int partition);
}
