package io.handoff.cli;

import io.handoff.cli.HandoverStories.Writes;
import io.handoff.host.Handover;
import io.handoff.host.ReferenceReplica;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Plays leadership handovers between two reference replicas on a real broker, once with each
 * strategy, and reports the gap: old leader starts stepping down -> new leader may write.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = HandoffCli.Version.class,
    description = {
      "Plays leadership handovers on a real Kafka broker, with the no-op strategy (the new leader waits",
      "out the inactivity window) and with the stamp strategy (the new leader cuts the wait), and",
      "compares the handover gaps. Starts an embedded broker unless --bootstrap-servers is given."
    })
final class DemoCommand implements Callable<Integer> {

  static final long PRODUCTION_WINDOW_SECONDS = 300;

  @Spec CommandSpec spec;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Use this Kafka cluster instead of an embedded broker.")
  String bootstrapServers;

  @Option(
      names = "--partitions",
      defaultValue = "8",
      description = "Partitions handed over at once (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--rounds",
      defaultValue = "2",
      description =
          "Handovers per partition and strategy; leadership alternates between the replicas (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--records",
      defaultValue = "20",
      description = "Records each leader writes per partition (default: ${DEFAULT-VALUE}).")
  int records;

  @Option(
      names = "--inactivity-window",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "The legacy inactivity window for the demo, e.g. 10s or 1500ms (default: ${DEFAULT-VALUE};"
              + " production default: 300s).")
  Duration window;

  /** The name of {@code --inactivity-window} before it was aligned with {@code bench}. */
  @Option(names = "--inactivity-wait", hidden = true, converter = DurationConverter.class)
  Duration inactivityWait;

  @Option(
      names = "--report",
      paramLabel = "FILE.html",
      description = "Also write a self-contained HTML report.")
  Path report;

  private PrintWriter out;

  /** The window asked for, under its name or its older one. */
  Duration inactivityWindow() {
    return inactivityWait != null ? inactivityWait : window;
  }

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    if (partitions < 1 || partitions > 1000) {
      throw new CliException("--partitions must be between 1 and 1000, got " + partitions);
    }
    if (rounds < 1 || rounds > 100) {
      throw new CliException("--rounds must be between 1 and 100, got " + rounds);
    }
    if (records < 0) {
      throw new CliException("--records must be >= 0, got " + records);
    }
    if (inactivityWindow().isNegative() || inactivityWindow().isZero()) {
      throw new CliException(
          "--inactivity-window must be positive, got " + inactivityWindow().toMillis() + "ms");
    }
    out.printf(
        Locale.ROOT,
        "handoff demo: %d partitions, %d handover(s) each per strategy, inactivity window %s"
            + " (shortened from the %d s production default)%n",
        partitions,
        rounds,
        HandoverScenario.seconds(inactivityWindow()),
        PRODUCTION_WINDOW_SECONDS);

    try (KafkaTarget kafka = KafkaTarget.open(bootstrapServers, out)) {
      List<StrategyResult> results = new ArrayList<>();
      results.add(play("noop", kafka));
      results.add(play("stamp", kafka));
      printTable(results);
      if (report != null) {
        try {
          Files.writeString(
              report, DemoReport.html(results, partitions, rounds, inactivityWindow()));
        } catch (IOException e) {
          throw new CliException("Cannot write report " + report + ": " + e.getMessage(), e);
        }
        out.println("Report written to " + report.toAbsolutePath());
      }
      return 0;
    }
  }

  private StrategyResult play(String strategy, KafkaTarget kafka) throws Exception {
    boolean stamp = strategy.equals("stamp");
    String topic = "demo_" + strategy + "_v" + System.currentTimeMillis();
    kafka.createTopic(topic, partitions);

    Properties props = new Properties();
    if (stamp) {
      props.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
      props.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true");
      props.setProperty(HandoffSettings.STRATEGY, "stamp");
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "[%s] %s%n",
        strategy,
        stamp
            ? "strategy 'stamp': the old leader appends a step-down stamp; the new leader that reads it may write at once"
            : "strategy 'noop' (today's behaviour): no stamp; the new leader waits until the partition is silent for the window");

    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    List<Long> gaps = new ArrayList<>();
    HandoverStories stories = new HandoverStories();
    // The new leader's writes start as soon as its partition is writable, as a server's do, on a
    // thread of their own: not on the replica's consumer thread that completes the promotion.
    ExecutorService writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "demo-writer");
              t.setDaemon(true);
              return t;
            });
    try (HandoverScenario scenario =
        new HandoverScenario(
            kafka.servers(),
            topic,
            List.of("host-a", "host-b"),
            partitions,
            HandoffSettings.from(props),
            inactivityWindow(),
            metrics)) {
      Map<Integer, Writes> written = new HashMap<>();
      scenario.play(
          rounds,
          new HandoverScenario.Script() {
            @Override
            public void started(ReferenceReplica leader, long term) {
              for (int p : scenario.partitions()) {
                written.put(p, Writes.of(leader, p, records));
              }
              out.printf(
                  Locale.ROOT,
                  "[%s] %s leads %s (term %d) and wrote %d records per partition%n",
                  strategy,
                  leader.config().replicaId(),
                  topic,
                  term,
                  records);
            }

            @Override
            public void handedOver(HandoverScenario.Round round) throws Exception {
              List<Integer> all = scenario.partitions();
              List<CompletableFuture<Writes>> writes = new ArrayList<>(all.size());
              for (int i = 0; i < all.size(); i++) {
                int p = all.get(i);
                writes.add(
                    round
                        .promotions()
                        .get(i)
                        .thenApplyAsync(h -> Writes.of(round.newLeader(), p, records), writer));
              }
              printStepDown(strategy, round);
              List<Handover> handovers =
                  round.await(
                      inactivityWindow().plusSeconds(60),
                      (waited, writable, total) -> {
                        out.printf(
                            Locale.ROOT,
                            "[%s]   ... %d s of %s window waited, %d/%d partitions writable%n",
                            strategy,
                            waited,
                            HandoverScenario.seconds(inactivityWindow()),
                            writable,
                            total);
                        out.flush();
                      });
              List<EmitOutcome> outcomes = round.stepDowns().outcomes();
              for (int i = 0; i < all.size(); i++) {
                int p = all.get(i);
                // Handed to the producer before the next step-down, whose stamp is ordered after.
                Writes after = writes.get(i).get(10, TimeUnit.SECONDS);
                stories.add(round, outcomes.get(i), written.get(p), handovers.get(i), after);
                written.put(p, after);
              }
              List<Long> roundGaps =
                  handovers.stream().map(h -> h.writableAtNanos() - round.startNanos()).toList();
              gaps.addAll(roundGaps);
              printTakenOver(strategy, round, handovers, GapStats.of(roundGaps));
            }
          });
      // Closing the replicas would fail the writes still in flight: their moments are read first.
      return new StrategyResult(
          strategy,
          gaps,
          metrics.emitSuccess(),
          metrics.fastPath(),
          metrics.legacyWait(),
          stories.tell());
    } finally {
      writer.shutdownNow();
    }
  }

  private void printStepDown(String strategy, HandoverScenario.Round round) {
    long emitted = round.stepDowns().outcomes().stream().filter(EmitOutcome::isAcked).count();
    out.printf(
        Locale.ROOT,
        "[%s] round %d: %s steps down from %d partitions (%s), %s takes over with term %d%n",
        strategy,
        round.number(),
        round.oldLeader().config().replicaId(),
        partitions,
        emitted > 0
            ? emitted
                + " stamps acked in "
                + GapStats.human(round.steppedDownNanos() - round.startNanos())
            : "no stamp",
        round.newLeader().config().replicaId(),
        round.term());
  }

  private void printTakenOver(
      String strategy, HandoverScenario.Round round, List<Handover> handovers, GapStats stats) {
    long fast = handovers.stream().filter(h -> h.path() == HandoverPath.FAST_PATH).count();
    out.printf(
        Locale.ROOT,
        "[%s]   %s may write: %d fast path(s), %d legacy wait(s); gap median %s, max %s%n",
        strategy,
        round.newLeader().config().replicaId(),
        fast,
        handovers.size() - fast,
        GapStats.human(stats.medianNanos()),
        GapStats.human(stats.maxNanos()));
  }

  private void printTable(List<StrategyResult> results) {
    out.println();
    out.printf(
        Locale.ROOT,
        "Handover gap: old leader starts stepping down -> new leader may write (window %s)%n",
        HandoverScenario.seconds(inactivityWindow()));
    String fmt = "%-9s %9s %11s %11s %11s %8s %11s %13s%n";
    out.printf(
        Locale.ROOT,
        fmt,
        "strategy",
        "handovers",
        "gap median",
        "gap p99",
        "gap max",
        "stamps",
        "fast paths",
        "legacy waits");
    for (StrategyResult r : results) {
      GapStats s = r.stats();
      out.printf(
          Locale.ROOT,
          fmt,
          r.strategy(),
          s.count(),
          GapStats.human(s.medianNanos()),
          GapStats.human(s.p99Nanos()),
          GapStats.human(s.maxNanos()),
          r.stampsEmitted(),
          r.fastPaths(),
          r.legacyWaits());
    }
    GapStats noop = results.get(0).stats();
    GapStats stamp = results.get(1).stats();
    if (stamp.medianNanos() > 0) {
      out.printf(
          Locale.ROOT,
          "Speedup of the median gap with the stamp: %,.0fx%n",
          (double) noop.medianNanos() / stamp.medianNanos());
    }
  }
}
