package io.handoff.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.handoff.helix.ServerEvents;
import io.handoff.helix.VersionTopicAudit;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the library the way servers run it: separate server processes in a Helix cluster, over a
 * 3-broker Kafka, through rolling restarts, rolling upgrades, crashes and pauses, with each
 * strategy; then audits every version topic independently of what the servers said.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    versionProvider = HandoffCli.Version.class,
    description = {
      "Starts an embedded ZooKeeper, a Helix controller, a 3-broker Kafka (replication factor 3,",
      "min.insync.replicas=2) and N server processes, then plays scenarios on a store version of P",
      "partitions, each with the noop and the stamp strategy: rolling-restart, rolling-upgrade, crash",
      "(kill -9), pause (SIGSTOP, then SIGCONT: a zombie). Prints per scenario the handovers, fast",
      "paths, legacy waits, the total time partitions had no writable leader, and the verdict of an",
      "audit of the version topic read back from the start. Exits 1 when an audit fails."
    })
final class ClusterCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--servers",
      defaultValue = "3",
      description = "Server processes (default: ${DEFAULT-VALUE}).")
  int servers;

  @Option(
      names = "--partitions",
      defaultValue = "24",
      description = "Partitions of each store version (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--scenarios",
      split = ",",
      paramLabel = "NAME",
      defaultValue = "rolling-restart,rolling-upgrade,crash,pause",
      description = "Scenarios to play, in order (default: ${DEFAULT-VALUE}).")
  List<String> scenarios;

  @Option(
      names = "--strategies",
      split = ",",
      paramLabel = "NAME",
      defaultValue = "noop,stamp",
      description = "Strategies each scenario runs with: noop, stamp (default: ${DEFAULT-VALUE}).")
  List<String> strategies;

  @Option(
      names = "--inactivity-window",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "The servers' inactivity window, shortened from production's 300 s (default: ${DEFAULT-VALUE}).")
  Duration window;

  @Option(
      names = "--session-timeout",
      paramLabel = "DURATION",
      defaultValue = "4s",
      converter = DurationConverter.class,
      description =
          "The servers' ZooKeeper session timeout: how long a dead or frozen server keeps its"
              + " leaderships, 1s to 10s (default: ${DEFAULT-VALUE}).")
  Duration sessionTimeout;

  @Option(
      names = "--settle-timeout",
      paramLabel = "DURATION",
      defaultValue = "120s",
      converter = DurationConverter.class,
      description =
          "Longest wait for every partition to have a writable leader after a step (default: ${DEFAULT-VALUE}).")
  Duration settleTimeout;

  @Option(
      names = "--keep-files",
      description =
          "Keep the servers' event and log files (deleted at the end otherwise) and print where.")
  boolean keepFiles;

  @Option(
      names = "--report",
      paramLabel = "FILE.html",
      description = "Also write an HTML page with a timeline of every partition of every run.")
  Path report;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<ClusterScenario> plays = new ArrayList<>();
    try {
      scenarios.forEach(s -> plays.add(ClusterScenario.of(s.trim())));
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    for (String s : strategies) {
      if (!s.equals("noop") && !s.equals("stamp")) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "unknown strategy '" + s + "': choose noop or stamp");
      }
    }
    check(servers >= 2 && servers <= 9, "--servers must be from 2 to 9, got " + servers);
    check(partitions >= 1 && partitions <= 1000, "--partitions must be 1 to 1000");
    check(
        sessionTimeout.toMillis() >= 1000 && sessionTimeout.toMillis() <= 10_000,
        "--session-timeout must be from 1s to 10s (ZooKeeper's bounds here), got "
            + sessionTimeout);
    quietClusterLogs();

    out.printf(
        Locale.ROOT,
        "Cluster: embedded ZooKeeper, Helix controller, %d Kafka brokers (RF %d,"
            + " min.insync.replicas=%d), %d server processes, %d partitions per store version%n",
        ClusterRig.BROKERS,
        ClusterRig.BROKERS,
        ClusterRig.MIN_INSYNC_REPLICAS,
        servers,
        partitions);
    out.printf(
        Locale.ROOT,
        "Inactivity window shortened to %s (production default %d s); ZooKeeper session timeout"
            + " %s%n",
        seconds(window.toMillis()),
        DemoCommand.PRODUCTION_WINDOW_SECONDS,
        seconds(sessionTimeout.toMillis()));
    out.flush();
    List<ClusterResult> results = new ArrayList<>();
    ClusterRig.Settings settings =
        new ClusterRig.Settings(
            servers,
            partitions,
            window,
            sessionTimeout,
            Duration.ofMillis(20),
            settleTimeout,
            keepFiles);
    try (ClusterRig rig = ClusterRig.start(settings)) {
      if (keepFiles) {
        out.println("Servers' files kept in " + rig.workDir);
      }
      for (ClusterScenario scenario : plays) {
        for (String strategy : strategies) {
          ClusterResult r = play(rig, scenario, strategy.equals("stamp"));
          out.println(ClusterTable.line(r));
          out.flush();
          results.add(r);
        }
      }
    }
    out.println();
    out.print(ClusterTable.table(results, window));
    if (report != null) {
      Files.writeString(report, ClusterReport.html(results, settings));
      out.println("Report written to " + report.toAbsolutePath());
    }
    out.flush();
    return results.stream().allMatch(r -> r.problems().isEmpty()) ? 0 : HandoffCli.EXIT_FAILURE;
  }

  /**
   * One scenario with one strategy, in its own store version and server processes, from the first
   * leaders to the audit.
   */
  static ClusterResult play(ClusterRig rig, ClusterScenario scenario, boolean stamp)
      throws InterruptedException {
    String strategy = stamp ? "stamp" : "noop";
    try (ClusterRun run = rig.newRun(scenario.label, strategy)) {
      run.start(scenario.initial(stamp));
      scenario.play(run, stamp);
      run.finish();
      ServerEvents events = run.events();
      List<VersionTopicAudit.Partition> audit =
          VersionTopicAudit.audit(rig.bootstrap(), run.topic, rig.settings.partitions());
      return ClusterResult.of(run, events, audit);
    }
  }

  private void check(boolean ok, String message) {
    if (!ok) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }
  }

  /**
   * Helix and ZooKeeper log a few hundred lines per run about their own housekeeping, errors
   * included (a verifier polled before it converges, a resource without live servers at the end):
   * shown with -v (errors) and -vv (warnings) only. The servers' logs are their own.
   */
  static void quietClusterLogs() {
    int v = HandoffCli.verbosity();
    Level level = v == 0 ? Level.OFF : v == 1 ? Level.ERROR : Level.WARN;
    for (String name : List.of("org.apache.helix", "org.apache.zookeeper")) {
      ((Logger) LoggerFactory.getLogger(name)).setLevel(level);
    }
  }

  static String seconds(double ms) {
    return String.format(Locale.ROOT, ms % 1000 == 0 ? "%.0f s" : "%.1f s", ms / 1000);
  }
}
