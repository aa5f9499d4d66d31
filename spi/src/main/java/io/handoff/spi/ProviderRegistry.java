package io.handoff.spi;

import static java.util.Objects.requireNonNull;

import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers found on a class path, by name, and the selection rules that pick one for a set of
 * settings.
 *
 * <p>Discovery outcomes are explicit: a provider that cannot be loaded is logged at WARN with its
 * class and cause and kept in {@link #broken()}, without hiding the others; two providers with the
 * same name fail construction naming both classes; an unknown name fails selection with the list of
 * available names.
 *
 * <p>Immutable and thread-safe once built. {@link LeadershipHandoffs} holds the registry of its own
 * class loader; build one yourself to select from another class loader or from given providers.
 */
public final class ProviderRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

  /** The name of the rolling-upgrade default, used whenever a switch is off. */
  public static final String NOOP = "noop";

  /** The artifact that provides {@value #NOOP}. */
  public static final String NOOP_ARTIFACT = "io.handoff:handoff-noop";

  private final Map<String, LeadershipHandoffProvider> byName;
  private final List<String> broken;
  private final HandoffConfigDef configDef;

  private ProviderRegistry(Map<String, LeadershipHandoffProvider> byName, List<String> broken) {
    this.byName = byName;
    this.broken = List.copyOf(broken);
    this.configDef = HandoffConfigDef.ofProviders(byName.values());
  }

  /**
   * Discovers providers with {@link ServiceLoader} in {@code classLoader}.
   *
   * @throws IllegalStateException if two providers share a name
   */
  public static ProviderRegistry load(ClassLoader classLoader) {
    requireNonNull(classLoader, "classLoader is null");
    List<LeadershipHandoffProvider> found = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    Iterator<LeadershipHandoffProvider> it =
        ServiceLoader.load(LeadershipHandoffProvider.class, classLoader).iterator();
    // A broken entry throws from hasNext() or next(); the iterator then moves on to the next entry.
    // The bound guards against a loader that would keep failing on the same entry.
    for (int attempts = 0; attempts < 10_000; attempts++) {
      try {
        if (!it.hasNext()) {
          break;
        }
        found.add(it.next());
      } catch (ServiceConfigurationError e) {
        String problem = describe(e);
        LOG.warn("A leadership handoff provider could not be loaded and is skipped: {}", problem);
        broken.add(problem);
      }
    }
    return of(found, broken);
  }

  /**
   * A registry of the given providers, for tests and hosts that assemble providers themselves.
   *
   * @throws IllegalStateException if two providers share a name, or a name is blank
   */
  public static ProviderRegistry of(List<? extends LeadershipHandoffProvider> providers) {
    return of(providers, List.of());
  }

  private static ProviderRegistry of(
      List<? extends LeadershipHandoffProvider> providers, List<String> broken) {
    requireNonNull(providers, "providers is null");
    Map<String, LeadershipHandoffProvider> byName = new LinkedHashMap<>();
    for (LeadershipHandoffProvider p : providers) {
      requireNonNull(p, "provider is null");
      String name = p.name();
      if (name == null || name.isBlank()) {
        throw new IllegalStateException(
            "Leadership handoff provider "
                + p.getClass().getName()
                + " has a blank name; a provider must return a short stable name such as 'stamp'");
      }
      if (!HandoffSettings.isValidProviderName(name)) {
        throw new IllegalStateException(
            "Leadership handoff provider "
                + p.getClass().getName()
                + " is named '"
                + name
                + "', which "
                + HandoffSettings.STRATEGY
                + " cannot select: use lower-case"
                + " letters, digits, '-' or '_', starting with a letter, and none of consume, emit, kafka, strategy");
      }
      LeadershipHandoffProvider previous = byName.putIfAbsent(name, p);
      if (previous != null) {
        throw new IllegalStateException(
            "Two leadership handoff providers are named '"
                + name
                + "': "
                + previous.getClass().getName()
                + " ("
                + location(previous.getClass())
                + ") and "
                + p.getClass().getName()
                + " ("
                + location(p.getClass())
                + "). Remove one of them from the class path.");
      }
    }
    return new ProviderRegistry(byName, broken);
  }

  /**
   * The table of every key: the spi's, then those of each provider, in discovery order. Parse with
   * it ({@link HandoffSettings#from(Map, HandoffConfigDef)}) to hide these providers' secrets.
   */
  public HandoffConfigDef configDef() {
    return configDef;
  }

  /**
   * The one validation pass of {@code properties}: the spi's keys, then {@link
   * #problems(HandoffSettings)} (the strategy name, the providers' keys, and the settings the
   * selected provider checks itself, such as the stamp strategy's Kafka producer settings). The
   * selection itself is made by {@link #emitterProvider} and {@link #observerProvider}. Warnings
   * (unknown keys) are logged once when the configuration is valid.
   *
   * @return the validated settings, secrets told apart with {@link #configDef()}
   * @throws HandoffConfigException listing every problem found
   */
  public HandoffSettings validate(Map<String, ?> properties) {
    requireNonNull(properties, "properties is null");
    HandoffConfigDef.Parsed parsed = configDef.parse(properties);
    HandoffSettings settings = new HandoffSettings(parsed);
    List<String> problems = new ArrayList<>(parsed.errors());
    // With a malformed strategy name nothing can be selected, so nothing more can be checked.
    if (!parsed.invalidKeys().contains(HandoffSettings.STRATEGY)) {
      problems.addAll(problems(settings));
    }
    if (!problems.isEmpty()) {
      throw new HandoffConfigException(problems);
    }
    return settings.logWarnings();
  }

  /** {@link #validate(Map)} of the string-keyed entries of {@code properties}. */
  public HandoffSettings validate(Properties properties) {
    return validate(HandoffSettings.toMap(properties));
  }

  /**
   * The problems of parsed settings that only the providers can see, one message each; empty when
   * there are none:
   *
   * <ul>
   *   <li>an unknown strategy, when a switch is on or the strategy is named;
   *   <li>the invalid given values of every declared key of every provider here, selected or not,
   *       so that a mistake fails at the first start rather than on the day a switch is turned on;
   *   <li>{@link LeadershipHandoffProvider#validate} of each provider selected for either side and
   *       of the provider the strategy names.
   * </ul>
   *
   * A selected provider that is missing (such as {@value #NOOP}) is not a configuration problem:
   * selecting it fails.
   */
  public List<String> problems(HandoffSettings settings) {
    requireNonNull(settings, "settings is null");
    Set<String> problems = new LinkedHashSet<>();
    String strategy = settings.strategy();
    boolean anyOn = settings.emitStepDownStamp() || settings.consumeStepDownStamp();
    if ((anyOn || settings.strategyExplicit()) && !byName.containsKey(strategy)) {
      problems.add(unknownStrategy(strategy));
    }
    problems.addAll(settings.problems(configDef.keys()));
    Set<LeadershipHandoffProvider> selected = new LinkedHashSet<>();
    for (String name :
        List.of(
            settings.emitStepDownStamp() ? strategy : NOOP,
            settings.consumeStepDownStamp() ? strategy : NOOP,
            strategy)) {
      LeadershipHandoffProvider p = byName.get(name);
      if (p != null) {
        selected.add(p);
      }
    }
    for (LeadershipHandoffProvider p : selected) {
      problems.addAll(
          requireNonNull(
              p.validate(settings),
              () -> "provider " + p.getClass().getName() + " returned null from validate()"));
    }
    return new ArrayList<>(problems);
  }

  /** The providers found, in discovery order. */
  public List<ProviderInfo> providers() {
    List<ProviderInfo> infos = new ArrayList<>();
    byName
        .values()
        .forEach(
            p ->
                infos.add(
                    new ProviderInfo(p.name(), p.getClass().getName(), location(p.getClass()))));
    return infos;
  }

  /** The names found, in discovery order. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** The names, sorted: messages must not depend on class-path order. */
  private List<String> sortedNames() {
    return byName.keySet().stream().sorted().toList();
  }

  /**
   * Providers listed on the class path that could not be loaded: class and cause, one line each.
   */
  public List<String> broken() {
    return broken;
  }

  /**
   * The provider named {@code name}.
   *
   * @throws IllegalStateException naming the missing provider, the available ones and, for {@value
   *     #NOOP}, the artifact to add
   */
  public LeadershipHandoffProvider provider(String name) {
    requireNonNull(name, "name is null");
    LeadershipHandoffProvider p = byName.get(name);
    if (p != null) {
      return p;
    }
    StringBuilder msg = new StringBuilder();
    if (NOOP.equals(name)) {
      msg.append("The no-op leadership handoff provider ('noop') is not on the class path. Add ")
          .append(NOOP_ARTIFACT)
          .append(": it is the default whenever emitting or consuming stamps is switched off.");
    } else {
      msg.append("No leadership handoff provider named '").append(name).append("'.");
    }
    msg.append(" Available: ").append(sortedNames());
    appendBroken(msg);
    throw new IllegalStateException(msg.toString());
  }

  /**
   * The provider whose emitter these settings select: the strategy when emitting is on, else
   * {@value #NOOP}.
   */
  public LeadershipHandoffProvider emitterProvider(HandoffSettings settings) {
    requireNonNull(settings, "settings is null");
    return select(settings, settings.emitStepDownStamp());
  }

  /**
   * The provider whose observer these settings select: the strategy when consuming is on, else
   * {@value #NOOP}.
   */
  public LeadershipHandoffProvider observerProvider(HandoffSettings settings) {
    requireNonNull(settings, "settings is null");
    return select(settings, settings.consumeStepDownStamp());
  }

  private LeadershipHandoffProvider select(HandoffSettings settings, boolean switchedOn) {
    // The strategy is checked even when this side is off, if it was named explicitly: a typo
    // must fail at the first start, not on the day the switch is turned on.
    if (switchedOn || settings.strategyExplicit()) {
      String strategy = settings.strategy();
      if (!byName.containsKey(strategy)) {
        throw new HandoffConfigException(unknownStrategy(strategy));
      }
    }
    return provider(switchedOn ? settings.strategy() : NOOP);
  }

  private String unknownStrategy(String strategy) {
    StringBuilder msg =
        new StringBuilder("Unknown strategy '")
            .append(strategy)
            .append("' for ")
            .append(HandoffSettings.STRATEGY)
            .append(". Available: ")
            .append(sortedNames());
    appendBroken(msg);
    return msg.toString();
  }

  private void appendBroken(StringBuilder msg) {
    if (!broken.isEmpty()) {
      msg.append(". Providers that failed to load: ").append(broken);
    }
  }

  private static String describe(ServiceConfigurationError e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = e.getMessage();
    if (root != e) {
      text += " (cause: " + root + ")";
    }
    return text;
  }

  static String location(Class<?> type) {
    try {
      CodeSource cs = type.getProtectionDomain().getCodeSource();
      return cs == null || cs.getLocation() == null ? "unknown" : cs.getLocation().toString();
    } catch (SecurityException e) {
      return "unknown";
    }
  }

  @Override
  public String toString() {
    return "ProviderRegistry" + names();
  }
}
