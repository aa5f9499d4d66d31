package io.handoff.spi;

import static java.util.Objects.requireNonNull;

/**
 * The engine around strategies, for code that builds a strategy's parts itself: tools that show an
 * operator the tenures of a partition, tests, benchmarks. Servers do not need it: {@link
 * LeadershipHandoffs} already returns observers and emitters wrapped by the engine. Not part of the
 * SPI a strategy implements.
 *
 * <p>Thread-safe; nothing here blocks.
 */
public final class HandoffEngine {

  private HandoffEngine() {}

  /**
   * The observer hosts call, around {@code evidence}: it owns the version topic and reader, the
   * consume switch, argument checks, the decision and its metric, and the guarantee that a strategy
   * that throws never yields a fast path (see {@link HandoverEvidence}).
   *
   * @param settings the observer honours {@link HandoffSettings#consumeStepDownStamp()}
   * @param metrics where each decision is counted ({@link HandoffMetrics#NOOP} for none)
   * @param versionTopic the version topic {@code evidence} was made for; non-blank
   * @param localWriterId the reader {@code evidence} was made for; non-blank
   * @param evidence the strategy's evidence, owned by the returned observer from now on
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code versionTopic} or {@code localWriterId} is blank
   */
  public static LeadershipHandoffObserver observer(
      HandoffSettings settings,
      HandoffMetrics metrics,
      String versionTopic,
      String localWriterId,
      HandoverEvidence evidence) {
    requireNonNull(settings, "settings is null");
    requireNonNull(metrics, "metrics is null");
    checkNames(versionTopic, localWriterId);
    requireNonNull(evidence, "evidence is null");
    return new EngineObserver(settings, metrics, versionTopic, localWriterId, evidence);
  }

  /**
   * The strategy's evidence inside an observer of the engine, for tools and tests that check which
   * strategy was selected. Hosts have no use for it: calling the evidence directly bypasses the
   * engine's checks and guarantees.
   *
   * @throws IllegalArgumentException if {@code observer} was not made by the engine
   */
  public static HandoverEvidence evidenceOf(LeadershipHandoffObserver observer) {
    requireNonNull(observer, "observer is null");
    if (observer instanceof EngineObserver engine) {
      return engine.evidence();
    }
    throw new IllegalArgumentException(
        "not an observer of the handoff engine: " + observer.getClass().getName());
  }

  /**
   * The strategy's own emitter inside an emitter of the engine, or {@code emitter} itself when the
   * engine did not wrap it: for tools and tests that check which strategy was selected or read a
   * strategy's own settings (such as its ack timeout in force). Hosts emit through {@code emitter}.
   */
  public static LeadershipHandoffEmitter strategyOf(LeadershipHandoffEmitter emitter) {
    requireNonNull(emitter, "emitter is null");
    return emitter instanceof EngineEmitter engine ? engine.strategy() : emitter;
  }

  /** The emitter hosts call, around {@code strategy}; see {@link EngineEmitter}. */
  static LeadershipHandoffEmitter emitter(
      LeadershipHandoffEmitter strategy, HandoffMetrics metrics) {
    requireNonNull(strategy, "strategy is null");
    requireNonNull(metrics, "metrics is null");
    return strategy instanceof EngineEmitter ? strategy : new EngineEmitter(strategy, metrics);
  }

  static void checkNames(String versionTopic, String localWriterId) {
    requireNonNull(versionTopic, "versionTopic is null");
    requireNonNull(localWriterId, "localWriterId is null");
    if (versionTopic.isBlank() || localWriterId.isBlank()) {
      throw new IllegalArgumentException(
          "versionTopic and localWriterId must not be blank, got '"
              + versionTopic
              + "' and '"
              + localWriterId
              + "'");
    }
  }
}
