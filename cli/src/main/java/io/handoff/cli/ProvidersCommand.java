package io.handoff.cli;

import io.handoff.spi.ConfigKey;
import io.handoff.spi.HandoffConfigException;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.ProviderInfo;
import io.handoff.spi.ProviderRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code handoff providers}: what is on the class path and what a configuration selects. Only
 * looks: it never creates an emitter or an observer, so no broker is touched.
 */
@Command(
    name = "providers",
    mixinStandardHelpOptions = true,
    versionProvider = HandoffCli.Version.class,
    sortOptions = false,
    description = {
      "Lists the leadership handoff providers on the class path, every configuration key (the spi's and"
          + " each provider's, with type, default and documentation), the emitter and observer providers"
          + " the given properties select, the effective settings (secrets hidden) and any warnings;"
          + " or every problem of the properties at once.",
      "Creates no emitter and no observer: no broker is contacted."
    })
final class ProvidersCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "A properties file (java.util.Properties format, UTF-8) with server.leader.handover.* keys.")
  Path config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "A property, overriding the file. Repeatable.")
  List<String> sets = new ArrayList<>();

  @Override
  public Integer call() {
    Properties props = properties();
    PrintWriter out = spec.commandLine().getOut();
    ProviderRegistry registry = LeadershipHandoffs.registry();

    List<ProviderInfo> providers = LeadershipHandoffs.availableProviders();
    out.println("Providers (" + providers.size() + "):");
    if (providers.isEmpty()) {
      out.println("  (none)");
    }
    int nameWidth = providers.stream().mapToInt(p -> p.name().length()).max().orElse(0);
    int classWidth = providers.stream().mapToInt(p -> p.className().length()).max().orElse(0);
    for (ProviderInfo p : providers) {
      out.println(
          "  "
              + pad(p.name(), nameWidth)
              + "  "
              + pad(p.className(), classWidth)
              + "  "
              + p.location());
    }
    List<String> broken = registry.broken();
    if (!broken.isEmpty()) {
      out.println("Broken providers (" + broken.size() + "):");
      broken.forEach(b -> out.println("  " + InspectRecordKind.oneLine(b)));
    }
    out.flush();

    printKeys(out, "spi", HandoffSettings.keys());
    for (ProviderInfo p : providers) {
      printKeys(out, p.name(), registry.provider(p.name()).configKeys());
    }
    out.flush();

    HandoffSettings settings;
    try {
      settings = registry.validate(props);
    } catch (HandoffConfigException e) {
      PrintWriter err = spec.commandLine().getErr();
      List<String> errors = e.errors();
      err.println(
          "handoff: error: invalid configuration ("
              + errors.size()
              + (errors.size() == 1 ? " error):" : " errors):"));
      errors.forEach(err::println);
      err.flush();
      return HandoffCli.EXIT_FAILURE;
    }
    LeadershipHandoffProvider emitter = select(() -> registry.emitterProvider(settings));
    LeadershipHandoffProvider observer = select(() -> registry.observerProvider(settings));

    out.println("Selected:");
    out.println("  emitter:  " + emitter.name() + "  (" + emitter.getClass().getName() + ")");
    out.println("  observer: " + observer.name() + "  (" + observer.getClass().getName() + ")");

    Map<String, String> effective = settings.effective();
    out.println("Effective settings:");
    int keyWidth = effective.keySet().stream().mapToInt(String::length).max().orElse(0);
    effective.forEach(
        (k, v) -> out.println("  " + pad(k, keyWidth) + " = " + InspectRecordKind.oneLine(v)));

    List<String> warnings = settings.warnings();
    out.println("Warnings (" + warnings.size() + "):" + (warnings.isEmpty() ? " none" : ""));
    warnings.forEach(w -> out.println("  " + InspectRecordKind.oneLine(w)));
    out.flush();
    return 0;
  }

  /**
   * The declared keys of {@code owner}, one line each: name, type (or {@code secret}), default and
   * what it does, taken from the same table that parses and validates.
   */
  private static void printKeys(PrintWriter out, String owner, List<ConfigKey> keys) {
    out.println("Keys of " + owner + " (" + keys.size() + "):" + (keys.isEmpty() ? " none" : ""));
    int nameWidth = keys.stream().mapToInt(k -> k.name().length()).max().orElse(0);
    for (ConfigKey k : keys) {
      String type = k.secret() ? "secret" : k.type().name().toLowerCase(Locale.ROOT);
      String valid = k.validator().describe();
      out.println(
          "  "
              + pad(k.name(), nameWidth)
              + "  "
              + pad(type, 7)
              + "  "
              + pad("default: " + (k.defaultValue() == null ? "(none)" : k.defaultValue()), 32)
              + "  "
              + InspectRecordKind.oneLine(k.doc())
              + (valid.isEmpty() ? "" : " Valid: " + valid + "."));
    }
  }

  private interface Selection {
    LeadershipHandoffProvider get();
  }

  /**
   * Runs one selection of a validated configuration: what can still fail is a missing provider,
   * whose message names it and the fix.
   */
  private static LeadershipHandoffProvider select(Selection selection) {
    try {
      return selection.get();
    } catch (IllegalStateException e) {
      throw new CliException(HandoffCli.message(e), e);
    }
  }

  /** The --config file's properties, overlaid with the --set pairs. */
  private Properties properties() {
    Properties props = new Properties();
    if (config != null) {
      try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
        props.load(r);
      } catch (NoSuchFileException e) {
        throw new CliException("Cannot read configuration file " + config + ": no such file", e);
      } catch (AccessDeniedException e) {
        throw new CliException(
            "Cannot read configuration file " + config + ": permission denied", e);
      } catch (IOException | IllegalArgumentException e) {
        String why = Files.isDirectory(config) ? "it is a directory" : HandoffCli.message(e);
        throw new CliException("Cannot read configuration file " + config + ": " + why, e);
      }
    }
    for (String pair : sets) {
      int eq = pair.indexOf('=');
      if (eq < 0) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Invalid --set '" + pair + "': expected KEY=VALUE");
      }
      if (pair.substring(0, eq).isBlank()) {
        // The value is not echoed: it may be a secret.
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Invalid --set: the key before '=' is empty; expected KEY=VALUE");
      }
      props.setProperty(pair.substring(0, eq).strip(), pair.substring(eq + 1));
    }
    return props;
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
