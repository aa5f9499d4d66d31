package io.handoff.spi;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The typed, validated view of a server's {@code server.leader.handover.*} properties.
 *
 * <p>Every key is declared once in {@link #keys()} with its type, default and documentation.
 * Parsing reports all invalid values together in one {@link HandoffConfigException}, each as {@code
 * Invalid value 'x' for configuration y: reason}. Unknown keys under the prefix are not fatal (a
 * newer server may pass keys an older library does not know) but each gets a WARN that suggests the
 * closest known key. Values whose names look secret ({@code password}, {@code secret}, {@code
 * sasl.jaas.config}) print as {@code [hidden]} in {@link #toString()} and {@link #effective()}.
 *
 * <p>Immutable and thread-safe. Parsing does no I/O.
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

  private static final Pattern PROVIDER_NAME = Pattern.compile("[a-z][a-z0-9_-]*");

  /** The type of a declared key. */
  public enum Type {
    BOOLEAN,
    LONG,
    STRING
  }

  /**
   * One declared configuration key.
   *
   * @param name the full property name
   * @param type how its value is parsed
   * @param defaultValue the value used when the key is absent
   * @param doc what it does
   */
  public record Key(String name, Type type, String defaultValue, String doc) {}

  private static final List<Key> KEYS =
      List.of(
          new Key(
              EMIT_STEPDOWN_STAMP,
              Type.BOOLEAN,
              "false",
              "Emit a step-down stamp on LEADER -> STANDBY / OFFLINE. false selects the no-op emitter."),
          new Key(
              CONSUME_STEPDOWN_STAMP,
              Type.BOOLEAN,
              "false",
              "Honour step-down stamps when deciding to cut the inactivity wait. false selects the no-op observer."),
          new Key(
              ACK_TIMEOUT_MS,
              Type.LONG,
              "1000",
              "Longest a demotion waits for the broker's ack of its stamp, in ms. Negative values clamp to 0;"
                  + " at most "
                  + MAX_ACK_TIMEOUT_MS
                  + "."),
          new Key(
              STRATEGY,
              Type.STRING,
              "stamp",
              "Name of the provider used when a switch above is on."));

  private final boolean emitStepDownStamp;
  private final boolean consumeStepDownStamp;
  private final long ackTimeoutMs;
  private final String strategy;
  private final boolean strategyExplicit;
  private final Map<String, String> kafkaProperties;
  private final Map<String, String> strategyProperties;
  private final List<String> warnings;

  private HandoffSettings(Parser p) {
    this.emitStepDownStamp = p.emit;
    this.consumeStepDownStamp = p.consume;
    this.ackTimeoutMs = p.ackTimeoutMs;
    this.strategy = p.strategy;
    this.strategyExplicit = p.strategyExplicit;
    this.kafkaProperties = Collections.unmodifiableMap(p.kafka);
    this.strategyProperties = Collections.unmodifiableMap(p.strategyProps);
    this.warnings = List.copyOf(p.warnings);
  }

  /** The declared keys, in documentation order. */
  public static List<Key> keys() {
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
   * @throws HandoffConfigException listing every invalid value
   * @throws NullPointerException if {@code properties} is null
   */
  public static HandoffSettings from(Properties properties) {
    requireNonNull(properties, "properties is null");
    Map<String, Object> map = new LinkedHashMap<>();
    for (String name : properties.stringPropertyNames()) {
      map.put(name, properties.getProperty(name));
    }
    // Non-string values put with Properties.put are invisible to stringPropertyNames().
    properties.forEach(
        (k, v) -> {
          if (k instanceof String s && !map.containsKey(s)) {
            map.put(s, v);
          }
        });
    return from(map);
  }

  /**
   * Parses a map of properties; values may be strings, or {@link Boolean} and integral {@link
   * Number}s for the typed keys.
   *
   * @throws HandoffConfigException listing every invalid value
   * @throws NullPointerException if {@code properties} is null
   */
  public static HandoffSettings from(Map<String, ?> properties) {
    requireNonNull(properties, "properties is null");
    Parser p = new Parser(properties);
    p.parse();
    if (!p.errors.isEmpty()) {
      throw new HandoffConfigException(p.errors);
    }
    for (String w : p.warnings) {
      LOG.warn(w);
    }
    return new HandoffSettings(p);
  }

  /** {@value #EMIT_STEPDOWN_STAMP}. */
  public boolean emitStepDownStamp() {
    return emitStepDownStamp;
  }

  /** {@value #CONSUME_STEPDOWN_STAMP}. */
  public boolean consumeStepDownStamp() {
    return consumeStepDownStamp;
  }

  /**
   * {@value #ACK_TIMEOUT_MS}, after clamping: {@code 0 <= value <= }{@value #MAX_ACK_TIMEOUT_MS}.
   */
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
   * Properties under {@value #KAFKA_PREFIX}, prefix removed, values as given (secrets included).
   */
  public Map<String, String> kafkaProperties() {
    return kafkaProperties;
  }

  /**
   * Properties under {@code server.leader.handover.<strategy>.}, prefix removed: where a vendor's
   * strategy reads its own keys without tripping the unknown-key warning.
   */
  public Map<String, String> strategyProperties() {
    return strategyProperties;
  }

  /** The warnings parsing produced (clamped values, unknown keys); each was also logged at WARN. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Name fragments of values that must never be printed: the three the documentation promises
   * (broadened to catch misspellings such as {@code sasl.jaas.confg} or {@code pasword}), and those
   * of Kafka's other password-type client settings (PEM keys, passphrases, basic-auth user info).
   */
  private static final List<String> SECRET_FRAGMENTS =
      List.of(
          "passw",
          "secret",
          "jaas",
          "passphrase",
          "ssl.keystore.key",
          "private.key",
          "user.info",
          "credential",
          "token");

  /** Words a strategy may not be named, because keys under them mean something else. */
  private static final List<String> RESERVED_NAMES =
      List.of("consume", "emit", "kafka", "strategy");

  /** Whether a key's value must never be printed. */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    for (String fragment : SECRET_FRAGMENTS) {
      if (k.contains(fragment)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code name} can be selected by {@value #STRATEGY}: lower-case letters, digits, '-' or
   * '_', starting with a letter, and not a reserved word.
   */
  public static boolean isValidProviderName(String name) {
    return name != null && PROVIDER_NAME.matcher(name).matches() && !RESERVED_NAMES.contains(name);
  }

  /**
   * The effective configuration for display: every declared key with its value, then the Kafka and
   * strategy properties, secrets as {@value #HIDDEN}.
   */
  public Map<String, String> effective() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(EMIT_STEPDOWN_STAMP, Boolean.toString(emitStepDownStamp));
    m.put(CONSUME_STEPDOWN_STAMP, Boolean.toString(consumeStepDownStamp));
    m.put(ACK_TIMEOUT_MS, Long.toString(ackTimeoutMs));
    m.put(STRATEGY, strategy);
    new TreeMap<>(kafkaProperties)
        .forEach((k, v) -> m.put(KAFKA_PREFIX + k, isSecret(k) ? HIDDEN : v));
    String sp = PREFIX + strategy + ".";
    new TreeMap<>(strategyProperties).forEach((k, v) -> m.put(sp + k, isSecret(k) ? HIDDEN : v));
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
        && kafkaProperties.equals(s.kafkaProperties)
        && strategyProperties.equals(s.strategyProperties);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        emitStepDownStamp, consumeStepDownStamp, ackTimeoutMs, strategy, kafkaProperties);
  }

  /** One parse: collects every error and warning before deciding. */
  private static final class Parser {
    private final Map<String, ?> in;
    final List<String> errors = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    boolean emit;
    boolean consume;
    long ackTimeoutMs;
    String strategy;
    boolean strategyExplicit;
    final Map<String, String> kafka = new LinkedHashMap<>();
    final Map<String, String> strategyProps = new LinkedHashMap<>();

    Parser(Map<String, ?> in) {
      this.in = in;
    }

    void parse() {
      emit = parseBoolean(EMIT_STEPDOWN_STAMP);
      consume = parseBoolean(CONSUME_STEPDOWN_STAMP);
      long timeout = parseLong(ACK_TIMEOUT_MS);
      if (timeout < 0) {
        warnings.add(
            "Configuration "
                + ACK_TIMEOUT_MS
                + "="
                + timeout
                + " is negative; using 0 (send the stamp, do not wait for its ack)");
        timeout = 0;
      } else if (timeout > MAX_ACK_TIMEOUT_MS) {
        errors.add(
            invalid(
                ACK_TIMEOUT_MS,
                in.get(ACK_TIMEOUT_MS),
                "must be at most "
                    + MAX_ACK_TIMEOUT_MS
                    + " ms (the legacy inactivity window; waiting longer gains nothing)"));
      }
      ackTimeoutMs = timeout;
      strategyExplicit = in.get(STRATEGY) != null;
      strategy = parseStrategy();

      String strategyPrefix = strategy == null ? null : PREFIX + strategy + ".";
      for (Map.Entry<String, ?> e : in.entrySet()) {
        String name = e.getKey();
        if (name == null || !name.startsWith(PREFIX) || isDeclared(name)) {
          continue;
        }
        if (name.startsWith(KAFKA_PREFIX)) {
          String sub = name.substring(KAFKA_PREFIX.length());
          if (sub.isEmpty()) {
            errors.add(
                "Invalid configuration "
                    + name
                    + ": a Kafka client property name must follow the prefix");
          } else {
            kafka.put(sub, String.valueOf(e.getValue()));
          }
        } else if (strategyPrefix != null && name.startsWith(strategyPrefix)) {
          strategyProps.put(name.substring(strategyPrefix.length()), String.valueOf(e.getValue()));
        } else {
          warnings.add(
              "Unknown configuration "
                  + name
                  + " is ignored; did you mean "
                  + closestKey(name)
                  + "?");
        }
      }
    }

    private boolean parseBoolean(String key) {
      Object v = in.get(key);
      if (v == null) {
        return Boolean.parseBoolean(defaultOf(key));
      }
      if (v instanceof Boolean b) {
        return b;
      }
      String s = v.toString().trim();
      if (s.equalsIgnoreCase("true")) {
        return true;
      }
      if (s.equalsIgnoreCase("false")) {
        return false;
      }
      errors.add(invalid(key, v, "must be true or false"));
      return false;
    }

    private long parseLong(String key) {
      Object v = in.get(key);
      if (v == null) {
        return Long.parseLong(defaultOf(key));
      }
      if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
        return ((Number) v).longValue();
      }
      String s = v.toString().trim();
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        errors.add(
            invalid(
                key, v, "must be a whole number of milliseconds, at most " + MAX_ACK_TIMEOUT_MS));
        return Long.parseLong(defaultOf(key));
      }
    }

    private String parseStrategy() {
      Object v = in.get(STRATEGY);
      if (v == null) {
        return defaultOf(STRATEGY);
      }
      String s = v.toString().trim();
      if (s.isEmpty()) {
        errors.add(invalid(STRATEGY, v, "must name a provider, such as 'noop' or 'stamp'"));
        return null;
      }
      if (!PROVIDER_NAME.matcher(s).matches()) {
        errors.add(
            invalid(
                STRATEGY,
                v,
                "must be a provider name: lower-case letters, digits, '-' or '_', starting with a letter"));
        return null;
      }
      if (RESERVED_NAMES.contains(s)) {
        errors.add(invalid(STRATEGY, v, "must not be one of the reserved words " + RESERVED_NAMES));
        return null;
      }
      return s;
    }

    private static String invalid(String key, Object value, String reason) {
      String shown = isSecret(key) ? HIDDEN : String.valueOf(value);
      return "Invalid value '" + shown + "' for configuration " + key + ": " + reason;
    }
  }

  private static boolean isDeclared(String name) {
    for (Key k : KEYS) {
      if (k.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static String defaultOf(String name) {
    for (Key k : KEYS) {
      if (k.name().equals(name)) {
        return k.defaultValue();
      }
    }
    throw new IllegalArgumentException("undeclared key " + name);
  }

  /** The declared key (or the Kafka prefix) nearest to {@code name} by edit distance. */
  static String closestKey(String name) {
    String best = KAFKA_PREFIX + "<producer property>";
    int bestDistance = editDistance(name, KAFKA_PREFIX);
    for (Key k : KEYS) {
      int d = editDistance(name, k.name());
      if (d < bestDistance) {
        bestDistance = d;
        best = k.name();
      }
    }
    return best;
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
