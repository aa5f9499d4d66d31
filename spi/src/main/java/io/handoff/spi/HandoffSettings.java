package io.handoff.spi;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The typed, validated view of a server's {@code server.leader.handover.*} properties.
 *
 * <p>Every key is declared once, as a {@link ConfigKey} in {@link #keys()}: its type, default,
 * valid values, documentation and secrecy. Parsing reports all invalid values together in one
 * {@link HandoffConfigException}, each as {@code Invalid value 'x' for configuration y: reason}.
 * Unknown keys under the prefix are not fatal (a newer server may pass keys an older library does
 * not know) but each gets a WARN that suggests the closest known key.
 *
 * <p>Values under {@value #KAFKA_PREFIX} and under the selected strategy's prefix pass through
 * unparsed; the keys providers declare say which of them are secrets (and, for an undeclared name,
 * whether it looks like a secret's). A secret is held as a {@link Secret}, whose {@code toString()}
 * is {@value #HIDDEN}, so {@link #toString()}, {@link #effective()}, logs and exception messages
 * never show it; its consumer calls {@link Secret#reveal()}.
 *
 * <p>Immutable and thread-safe. Parsing does no I/O; the first parse discovers the providers on the
 * class path (see {@link LeadershipHandoffs#registry()}) to learn their secret keys.
 */
public final class HandoffSettings {

  private static final Logger LOG = LoggerFactory.getLogger(HandoffSettings.class);

  public static final String PREFIX = "server.leader.handover.";
  public static final String EMIT_STEPDOWN_STAMP = PREFIX + "emit.stepdown.stamp";
  public static final String CONSUME_STEPDOWN_STAMP = PREFIX + "consume.stepdown.stamp";
  public static final String ACK_TIMEOUT_MS = PREFIX + "emit.stepdown.stamp.ack.timeout.ms";
  public static final String STRATEGY = PREFIX + "strategy";

  /** Keys under this prefix go, prefix removed, to the stamp producer. */
  public static final String KAFKA_PREFIX = PREFIX + "kafka.";

  /**
   * The longest accepted ack timeout: waiting longer than the legacy inactivity window gains
   * nothing.
   */
  public static final long MAX_ACK_TIMEOUT_MS = 300_000L;

  public static final String HIDDEN = "[hidden]";

  private static final List<ConfigKey> KEYS =
      List.of(
          ConfigKey.bool(
              EMIT_STEPDOWN_STAMP,
              false,
              "Emit a step-down stamp on LEADER -> STANDBY / OFFLINE. false selects the no-op emitter."),
          ConfigKey.bool(
              CONSUME_STEPDOWN_STAMP,
              false,
              "Honour step-down stamps when deciding to cut the inactivity wait. false selects the no-op observer."),
          ConfigKey.number(
              ACK_TIMEOUT_MS,
              1000L,
              0,
              MAX_ACK_TIMEOUT_MS,
              "Longest a demotion waits for the broker's ack of its stamp, in ms. 0 sends the stamp"
                  + " without waiting; waiting longer than the legacy inactivity window gains nothing."),
          ConfigKey.string(
              STRATEGY,
              "stamp",
              ConfigKey.Validator.providerName(),
              "Name of the provider used when a switch above is on."));

  private final boolean emitStepDownStamp;
  private final boolean consumeStepDownStamp;
  private final long ackTimeoutMs;
  private final String strategy;
  private final boolean strategyExplicit;
  private final Map<String, Object> passThrough;
  private final Map<String, Object> kafkaProperties;
  private final Map<String, Object> strategyProperties;
  private final List<String> warnings;

  /** Settings from a lenient parse: its invalid values were replaced by their defaults. */
  HandoffSettings(HandoffConfigDef.Parsed p) {
    this.emitStepDownStamp = (Boolean) p.values().get(EMIT_STEPDOWN_STAMP);
    this.consumeStepDownStamp = (Boolean) p.values().get(CONSUME_STEPDOWN_STAMP);
    this.ackTimeoutMs = (Long) p.values().get(ACK_TIMEOUT_MS);
    this.strategy = (String) p.values().get(STRATEGY);
    this.strategyExplicit = p.strategyExplicit();
    this.passThrough = Collections.unmodifiableMap(new LinkedHashMap<>(p.passThrough()));
    Map<String, Object> kafka = new LinkedHashMap<>();
    Map<String, Object> own = new LinkedHashMap<>();
    String strategyPrefix = PREFIX + strategy + ".";
    passThrough.forEach(
        (k, v) -> {
          if (k.startsWith(KAFKA_PREFIX)) {
            kafka.put(k.substring(KAFKA_PREFIX.length()), v);
          } else {
            own.put(k.substring(strategyPrefix.length()), v);
          }
        });
    this.kafkaProperties = Collections.unmodifiableMap(kafka);
    this.strategyProperties = Collections.unmodifiableMap(own);
    this.warnings = List.copyOf(p.warnings());
  }

  /** The spi's declared keys, in documentation order; providers declare theirs on their own. */
  public static List<ConfigKey> keys() {
    return KEYS;
  }

  /** Settings with every default: both switches off, so nothing is emitted and nothing is cut. */
  public static HandoffSettings defaults() {
    return from(Map.of());
  }

  /**
   * Parses properties. Keys outside {@link #PREFIX} are ignored, so a server may pass its whole
   * configuration.
   *
   * @throws HandoffConfigException listing every invalid value of the spi's keys
   * @throws NullPointerException if {@code properties} is null
   */
  public static HandoffSettings from(Properties properties) {
    return from(toMap(properties));
  }

  /**
   * Parses a map of properties; values may be strings, or {@link Boolean} and integral {@link
   * Number}s for the typed keys. Secrets are told apart with the keys of the providers on the class
   * path.
   *
   * @throws HandoffConfigException listing every invalid value of the spi's keys
   * @throws NullPointerException if {@code properties} is null
   */
  public static HandoffSettings from(Map<String, ?> properties) {
    requireNonNull(properties, "properties is null");
    return from(properties, HandoffConfigDef.discovered());
  }

  /**
   * As {@link #from(Map)}, telling secrets apart with {@code configDef}: for hosts that assemble
   * their providers themselves ({@link ProviderRegistry#configDef()}).
   *
   * @throws HandoffConfigException listing every invalid value of the spi's keys
   */
  public static HandoffSettings from(Map<String, ?> properties, HandoffConfigDef configDef) {
    requireNonNull(properties, "properties is null");
    requireNonNull(configDef, "configDef is null");
    HandoffConfigDef.Parsed p = configDef.parse(properties);
    if (!p.errors().isEmpty()) {
      throw new HandoffConfigException(p.errors());
    }
    return new HandoffSettings(p).logWarnings();
  }

  /** Logs each warning once at WARN; returns this. */
  HandoffSettings logWarnings() {
    warnings.forEach(LOG::warn);
    return this;
  }

  /** The string-keyed entries of {@code properties}, defaults and non-string values included. */
  static Map<String, Object> toMap(Properties properties) {
    requireNonNull(properties, "properties is null");
    Map<String, Object> map = new LinkedHashMap<>();
    for (String name : properties.stringPropertyNames()) {
      map.put(name, properties.getProperty(name));
    }
    // Non-string values put with Properties.put are invisible to stringPropertyNames() and to
    // getProperty(), which answers the default instead: the properties' own entries win.
    properties.forEach(
        (k, v) -> {
          if (k instanceof String s) {
            map.put(s, v);
          }
        });
    return map;
  }

  /** {@value #EMIT_STEPDOWN_STAMP}. */
  public boolean emitStepDownStamp() {
    return emitStepDownStamp;
  }

  /** {@value #CONSUME_STEPDOWN_STAMP}. */
  public boolean consumeStepDownStamp() {
    return consumeStepDownStamp;
  }

  /** {@value #ACK_TIMEOUT_MS}: {@code 0 <= value <= }{@value #MAX_ACK_TIMEOUT_MS}. */
  public long ackTimeoutMs() {
    return ackTimeoutMs;
  }

  /** {@value #STRATEGY}, trimmed. */
  public String strategy() {
    return strategy;
  }

  /** Whether {@value #STRATEGY} was given rather than defaulted. */
  public boolean strategyExplicit() {
    return strategyExplicit;
  }

  /**
   * Properties under {@value #KAFKA_PREFIX}, prefix removed: a {@link String} each, or a {@link
   * Secret} for a secret, which only the code that builds the producer's configuration reveals.
   */
  public Map<String, Object> kafkaProperties() {
    return kafkaProperties;
  }

  /**
   * Properties under {@code server.leader.handover.<strategy>.}, prefix removed, as {@link
   * #kafkaProperties()}: where a vendor's strategy reads its own keys without tripping the
   * unknown-key warning.
   */
  public Map<String, Object> strategyProperties() {
    return strategyProperties;
  }

  /** The warnings parsing produced (unknown keys); each was also logged at WARN. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * The problems of the given values of {@code keys} (a provider's, under {@value #KAFKA_PREFIX} or
   * its strategy prefix), one {@code Invalid value 'x' for configuration y: reason} each, secrets
   * hidden; empty when every given value is valid. Absent keys are not problems.
   */
  public List<String> problems(List<ConfigKey> keys) {
    requireNonNull(keys, "keys is null");
    List<String> problems = new ArrayList<>();
    for (ConfigKey k : keys) {
      String problem = k.problem(passThrough.get(k.name()));
      if (problem != null) {
        problems.add(problem);
      }
    }
    return problems;
  }

  /**
   * Whether {@code name} can be selected by {@value #STRATEGY}: lower-case letters, digits, '-' or
   * '_', starting with a letter, and not a reserved word.
   */
  public static boolean isValidProviderName(String name) {
    return name != null && ConfigKey.Validator.providerName().problem(name) == null;
  }

  /**
   * The effective configuration for display: every spi key with its value, then the Kafka and
   * strategy properties, secrets as {@value #HIDDEN}.
   */
  public Map<String, String> effective() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(EMIT_STEPDOWN_STAMP, Boolean.toString(emitStepDownStamp));
    m.put(CONSUME_STEPDOWN_STAMP, Boolean.toString(consumeStepDownStamp));
    m.put(ACK_TIMEOUT_MS, Long.toString(ackTimeoutMs));
    m.put(STRATEGY, strategy);
    new TreeMap<>(kafkaProperties).forEach((k, v) -> m.put(KAFKA_PREFIX + k, String.valueOf(v)));
    String sp = PREFIX + strategy + ".";
    new TreeMap<>(strategyProperties).forEach((k, v) -> m.put(sp + k, String.valueOf(v)));
    return m;
  }

  @Override
  public String toString() {
    return "HandoffSettings" + effective();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HandoffSettings s
        && emitStepDownStamp == s.emitStepDownStamp
        && consumeStepDownStamp == s.consumeStepDownStamp
        && ackTimeoutMs == s.ackTimeoutMs
        && strategy.equals(s.strategy)
        && strategyExplicit == s.strategyExplicit
        && passThrough.equals(s.passThrough);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        emitStepDownStamp, consumeStepDownStamp, ackTimeoutMs, strategy, passThrough);
  }
}
