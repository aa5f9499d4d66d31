package io.handoff.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code handoff} command line. Errors print one line and exit non-zero; {@code -v} adds the
 * stack trace and more logging.
 */
@Command(
    name = "handoff",
    mixinStandardHelpOptions = true,
    versionProvider = HandoffCli.Version.class,
    description = "Fast, safe leadership handovers for Kafka-backed replicated stores.",
    subcommands = {
      DemoCommand.class,
      InspectCommand.class,
      ExplainCommand.class,
      ProvidersCommand.class,
      StampCommand.class,
      BenchCommand.class,
      ClusterCommand.class,
      CommandLine.HelpCommand.class
    })
public final class HandoffCli implements Runnable {

  /** Exit code for a failure the command reported (unreachable broker, missing topic, ...). */
  public static final int EXIT_FAILURE = 1;

  /** Exit code for a bad command line. */
  public static final int EXIT_USAGE = 2;

  @Option(
      names = {"-v", "--verbose"},
      description = "More logging, and stack traces on errors. Repeat for more (-vv).",
      scope = CommandLine.ScopeType.INHERIT)
  void verbose(boolean[] flags) {
    verbosity = flags.length;
    Level level = verbosity >= 2 ? Level.DEBUG : Level.INFO;
    ((Logger) LoggerFactory.getLogger("io.handoff")).setLevel(level);
    if (verbosity >= 2) {
      ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.INFO);
      ((Logger) LoggerFactory.getLogger("kafka")).setLevel(Level.INFO);
    }
  }

  private static int verbosity;

  /** How many {@code -v} the command line gave: commands that log more, or less, read it. */
  static int verbosity() {
    return verbosity;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this),
        "Missing command: choose one of demo, inspect, explain, providers, stamp, bench, cluster");
  }

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /**
   * Runs one command line with the given streams and returns the exit code: for tests and
   * embedding.
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    verbosity = 0;
    CommandLine cli = new CommandLine(new HandoffCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("handoff: error: " + message(e));
          if (verbosity > 0) {
            e.printStackTrace(commandLine.getErr());
          }
          commandLine.getErr().flush();
          return EXIT_FAILURE;
        });
    cli.setParameterExceptionHandler(
        (e, a) -> {
          PrintWriter w = e.getCommandLine().getErr();
          w.println("handoff: " + e.getMessage());
          w.println(
              "Try '"
                  + e.getCommandLine().getCommandSpec().qualifiedName()
                  + " --help' for more information.");
          w.flush();
          return EXIT_USAGE;
        });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * The most useful line of an exception: its message, followed by its root cause's when that says
   * something more ("Failed to create new KafkaAdminClient: No resolvable bootstrap urls ...").
   */
  static String message(Throwable e) {
    if (e instanceof CliException) {
      return e.getMessage(); // already written for the user
    }
    Throwable t = e;
    while ((t.getMessage() == null || t.getMessage().isBlank()) && t.getCause() != null) {
      t = t.getCause();
    }
    String text = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != t && root.getMessage() != null && !text.contains(root.getMessage())) {
      text += ": " + root.getMessage();
    }
    return text;
  }

  /** The version from the jar's manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = HandoffCli.class.getPackage().getImplementationVersion();
      return new String[] {"handoff " + (v == null ? "(development build)" : v)};
    }
  }
}
