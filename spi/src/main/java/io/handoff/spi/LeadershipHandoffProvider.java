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
   * Creates an emitter for these settings. The emitter honours {@link
   * HandoffSettings#emitStepDownStamp()}: when it is false the emitter writes nothing and answers
   * {@link EmitStatus#SKIPPED_DISABLED}.
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
   * Creates an observer of one version topic for one reader. The observer honours {@link
   * HandoffSettings#consumeStepDownStamp()}: when it is false it never lets a leader skip the wait.
   * {@link TenureObserver} applies the safety rules; a strategy that extends it only says which
   * records are its declarations and stamps.
   *
   * @param settings validated settings; non-null
   * @param metrics where to report; non-null ({@link HandoffMetrics#NOOP} for none)
   * @param versionTopic the version topic the observer follows; non-blank
   * @param localWriterId the writer id of the replica it decides for; non-blank
   * @return a new observer with no state, owned by the caller
   * @throws IllegalArgumentException if a setting this strategy needs is missing or invalid, or a
   *     name is blank
   */
  LeadershipHandoffObserver newObserver(
      HandoffSettings settings, HandoffMetrics metrics, String versionTopic, String localWriterId);
}
