package io.handoff.spi;

import static io.handoff.spi.HandoffSettings.KAFKA_PREFIX;
import static io.handoff.spi.HandoffSettings.PREFIX;
import static io.handoff.spi.HandoffSettings.STRATEGY;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The table of every declared configuration key: the spi's ({@link HandoffSettings#keys()}) first,
 * then those the providers contribute ({@link LeadershipHandoffProvider#configKeys()}). It parses
 * properties and decides which values are secrets.
 *
 * <p>The spi's keys are parsed and validated by {@link HandoffSettings#from(Map)}. The keys of a
 * provider are validated when {@link ProviderRegistry#validate(Map)} selects that provider; until
 * then they only say which of the values passed through under {@value HandoffSettings#KAFKA_PREFIX}
 * or a strategy's prefix are secrets.
 *
 * <p>Immutable and thread-safe.
 */
public final class HandoffConfigDef {

  /**
   * Name fragments that make an undeclared value under {@value HandoffSettings#KAFKA_PREFIX} or a
   * strategy's prefix secret. The declared keys decide first; this catches misspelt and unknown
   * names (a {@code sasl.jaas.confg} typed by hand still holds a password).
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

  private static final HandoffConfigDef SPI = new HandoffConfigDef(List.of());

  private final List<ConfigKey> keys;
  private final Map<String, ConfigKey> byName;

  private HandoffConfigDef(List<ConfigKey> contributed) {
    Map<String, ConfigKey> m = new LinkedHashMap<>();
    for (ConfigKey k : HandoffSettings.keys()) {
      m.put(k.name(), k);
    }
    for (ConfigKey k : contributed) {
      requireNonNull(k, "a contributed key is null");
      if (isSpiKey(k.name()) || k.name().equals(KAFKA_PREFIX)) {
        throw new IllegalArgumentException(
            "Configuration key " + k.name() + " is the spi's own and cannot be declared again");
      }
      // Two Kafka-based strategies may both declare a Kafka key: secret if either says so.
      m.merge(k.name(), k, (a, b) -> a.secret() || !b.secret() ? a : b);
    }
    this.byName = m;
    this.keys = List.copyOf(m.values());
  }

  /** The spi's keys only. */
  public static HandoffConfigDef spi() {
    return SPI;
  }

  /**
   * The spi's keys and {@code contributed}.
   *
   * @throws IllegalArgumentException if a contributed key redeclares one of the spi's
   */
  public static HandoffConfigDef of(List<ConfigKey> contributed) {
    requireNonNull(contributed, "contributed is null");
    return new HandoffConfigDef(contributed);
  }

  /**
   * The spi's keys and those each of {@code providers} declares.
   *
   * @throws IllegalStateException naming the provider, if its declaration fails or declares a key
   *     outside the Kafka prefix and its own, or one of the spi's
   */
  static HandoffConfigDef ofProviders(Collection<LeadershipHandoffProvider> providers) {
    List<ConfigKey> contributed = new ArrayList<>();
    for (LeadershipHandoffProvider p : providers) {
      String provider = "Leadership handoff provider " + p.getClass().getName();
      List<ConfigKey> keys;
      try {
        keys = List.copyOf(requireNonNull(p.configKeys(), "configKeys() returned null"));
      } catch (RuntimeException e) {
        throw new IllegalStateException(provider + " cannot declare its keys: " + e, e);
      }
      String own = PREFIX + p.name() + ".";
      for (ConfigKey k : keys) {
        String n = k.name();
        boolean underKafka = n.startsWith(KAFKA_PREFIX) && !n.equals(KAFKA_PREFIX);
        boolean underOwn = n.startsWith(own) && !n.equals(own);
        if (!underKafka && !underOwn) {
          throw new IllegalStateException(
              provider
                  + " declares the key "
                  + n
                  + ", which is neither under "
                  + KAFKA_PREFIX
                  + " nor under "
                  + own);
        }
      }
      contributed.addAll(keys);
    }
    return new HandoffConfigDef(contributed);
  }

  /**
   * The table of the providers {@link LeadershipHandoffs#registry()} discovers on the class path,
   * or of the spi alone when discovery fails (selection reports that failure itself).
   */
  static HandoffConfigDef discovered() {
    try {
      return LeadershipHandoffs.registry().configDef();
    } catch (IllegalStateException e) {
      return SPI;
    }
  }

  /** Every key, the spi's first, in declaration order. */
  public List<ConfigKey> keys() {
    return keys;
  }

  /** The key declared with this full name. */
  public Optional<ConfigKey> key(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * Whether the value of the property {@code name} must never be printed: as declared, and for an
   * undeclared name whether it looks like a secret's (password, secret, jaas, passphrase, private
   * key, credential, token, ...), case-insensitively.
   */
  public boolean isSecret(String name) {
    requireNonNull(name, "name is null");
    ConfigKey k = byName.get(name);
    if (k != null) {
      return k.secret();
    }
    String lower = name.toLowerCase(Locale.ROOT);
    return SECRET_FRAGMENTS.stream().anyMatch(lower::contains);
  }

  /** The outcome of one lenient parse: invalid values replaced by their defaults. */
  record Parsed(
      Map<String, Object> values,
      boolean strategyExplicit,
      Map<String, Object> passThrough,
      List<String> errors,
      Set<String> invalidKeys,
      List<String> warnings) {}

  /** Parses {@code in}, collecting every error and warning instead of stopping at one. */
  Parsed parse(Map<String, ?> in) {
    Map<String, Object> values = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    Set<String> invalid = new HashSet<>();
    for (ConfigKey k : HandoffSettings.keys()) {
      Object raw = in.get(k.name());
      String problem = k.problem(raw);
      if (problem != null) {
        errors.add(problem);
        invalid.add(k.name());
      }
      values.put(k.name(), k.parse(problem == null ? raw : null));
    }
    String strategyPrefix = invalid.contains(STRATEGY) ? null : PREFIX + values.get(STRATEGY) + ".";
    Map<String, Object> passThrough = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    for (Map.Entry<String, ?> e : in.entrySet()) {
      String name = e.getKey();
      if (name == null || !name.startsWith(PREFIX) || isSpiKey(name)) {
        continue;
      }
      if (name.equals(KAFKA_PREFIX)) {
        errors.add(
            "Invalid configuration "
                + name
                + ": a Kafka client property name must follow the prefix");
      } else if (name.startsWith(KAFKA_PREFIX)
          || (strategyPrefix != null && name.startsWith(strategyPrefix))) {
        // A value the host wrapped as a Secret stays one, whatever its name.
        String v = Secret.reveal(e.getValue());
        passThrough.put(name, isSecret(name) || e.getValue() instanceof Secret ? new Secret(v) : v);
      } else {
        warnings.add(
            "Unknown configuration "
                + name
                + " is ignored; did you mean "
                + closestKey(name)
                + "?");
      }
    }
    return new Parsed(values, in.get(STRATEGY) != null, passThrough, errors, invalid, warnings);
  }

  private static boolean isSpiKey(String name) {
    return HandoffSettings.keys().stream().anyMatch(k -> k.name().equals(name));
  }

  /** The spi key (or the Kafka prefix) nearest to {@code name} by edit distance. */
  static String closestKey(String name) {
    String best = KAFKA_PREFIX + "<producer property>";
    int bestDistance = editDistance(name, KAFKA_PREFIX);
    for (ConfigKey k : HandoffSettings.keys()) {
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

  @Override
  public String toString() {
    return "HandoffConfigDef" + byName.keySet();
  }
}
