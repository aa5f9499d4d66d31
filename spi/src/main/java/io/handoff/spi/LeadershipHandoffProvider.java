package io.handoff.spi;

import java.util.List;

/**
 * A handoff strategy, found through {@link java.util.ServiceLoader}: implementations list their
 * class in {@code META-INF/services/io.handoff.spi.LeadershipHandoffProvider} and are chosen by
 * {@link #name()} through the {@code server.leader.handover.strategy} setting.
 *
 * <p>A provider must have a public no-argument constructor that does no I/O and cannot fail in an
 * ordinary deployment: discovery instantiates every provider on the class path, including the ones
 * that will not be used. Expensive work belongs in the factories, and there preferably on first
 * use.
 *
 * <p><b>Threads.</b> The factories may be called from any thread, concurrently. They do not block
 * on the network: emitters connect lazily.
 *
 * <p>A provider makes the strategy's parts: an emitter and, per version topic, the evidence ({@link
 * HandoverEvidence}). What every strategy shares (argument checks, the consume switch, deciding and
 * counting decisions, never throwing to the host) is the engine's, not the provider's.
 *
 * <p>Verify an implementation with the contract kit, {@code io.handoff:handoff-tck}.
 */
public interface LeadershipHandoffProvider {

  /**
   * The short, stable name the setting {@code server.leader.handover.strategy} selects, such as
   * {@code "stamp"} or {@code "noop"}: lower case letters, digits, '-' and '_', starting with a
   * letter. Must not change between releases; two providers on one class path must not share it.
   */
  String name();

  /**
   * The keys this strategy reads besides the spi's, each under {@code
   * server.leader.handover.kafka.} or {@code server.leader.handover.<name>.}: with type, default,
   * valid values, documentation, and whether the value is a secret (a secret's value is then never
   * printed, wherever settings are parsed with this provider on the class path). Every given value
   * of these keys is validated at selection, whether this provider is selected or not (so a mistake
   * fails at the first start, not on the day a switch is turned on), and its problems are reported
   * with all others.
   *
   * <p>Called once, at discovery, from whichever thread discovers; must not block. The default
   * declares none.
   */
  default List<ConfigKey> configKeys() {
    return List.of();
  }

  /**
   * The problems of {@code settings} that the validators of {@link #configKeys()} cannot see
   * (cross-key rules, a library's own table of settings), one message each, as {@code Invalid value
   * 'x' for configuration y: reason}, naming the full key and never a secret's value; empty when
   * there are none. Called when the provider is selected for either side or named by the strategy,
   * before any factory, on the selecting thread; must not block on the network. The default finds
   * none.
   *
   * @param settings the settings being selected from, whose spi keys are valid; non-null
   */
  default List<String> validate(HandoffSettings settings) {
    return List.of();
  }

  /**
   * Creates an emitter for these settings. The engine wraps it ({@link LeadershipHandoffs#emitter})
   * so that whatever it throws reaches the host as a {@link EmitStatus#FAILED} outcome; the emitter
   * still answers every outcome itself and reports it to {@code metrics}. The emitter honours
   * {@link HandoffSettings#emitStepDownStamp()}: when it is false the emitter writes nothing and
   * answers {@link EmitStatus#SKIPPED_DISABLED}.
   *
   * <p>An emitter that writes must order every stamp after the stepping-down leader's own records
   * (rule E2 of {@code docs/ARCHITECTURE.md}). It gets what it needs for that from the host through
   * {@code resources} (the host's data producer, a {@link WriteBarrier}, or whatever the strategy
   * documents), and when they do not allow an ordered wiring it refuses to be created: a wiring
   * that cannot guarantee the order must not exist.
   *
   * @param settings validated settings; non-null
   * @param metrics where to report; non-null ({@link HandoffMetrics#NOOP} for none)
   * @param resources what the host lends; non-null ({@link HostResources#none()} for nothing)
   * @return a new emitter owned by the caller, who closes it (the resources stay the host's)
   * @throws IllegalArgumentException if a setting this strategy needs is missing or invalid (the
   *     message names the key), or the resources allow no ordered wiring (the message says what to
   *     lend)
   */
  LeadershipHandoffEmitter newEmitter(
      HandoffSettings settings, HandoffMetrics metrics, HostResources resources);

  /**
   * Creates the evidence of one version topic for one reader: the strategy's rules, which the
   * engine wraps in the {@link LeadershipHandoffObserver} hosts call ({@link
   * LeadershipHandoffs#observers}). The engine applies {@link
   * HandoffSettings#consumeStepDownStamp()}, checks arguments, decides, reports the metric of each
   * decision and guards against an evidence that throws, so the evidence does none of that. {@link
   * TenureObserver} applies the safety rules; a strategy that extends it only says which records
   * are its declarations and stamps.
   *
   * @param settings validated settings; non-null
   * @param metrics where to report what the evidence itself sees (tenures that turn unclean);
   *     non-null ({@link HandoffMetrics#NOOP} for none)
   * @param versionTopic the version topic the evidence follows; non-blank (checked by the engine)
   * @param localWriterId the writer id of the replica it judges for; non-blank (checked by the
   *     engine)
   * @return new evidence with no state, owned by the engine's observer
   * @throws IllegalArgumentException if a setting this strategy needs is missing or invalid
   */
  HandoverEvidence newEvidence(
      HandoffSettings settings, HandoffMetrics metrics, String versionTopic, String localWriterId);
}
