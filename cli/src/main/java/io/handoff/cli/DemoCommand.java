package io.handoff.cli;

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
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Plays leadership handovers between two reference replicas on a real broker, once with each
 * strategy, and reports the gap: old leader starts stepping down -> new leader may write.
 */
@Command(name = "demo",
    description = {
        "Plays leadership handovers on a real Kafka broker, with the no-op strategy (the new leader waits",
        "out the inactivity window) and with the stamp strategy (the new leader cuts the wait), and",
        "compares the handover gaps. Starts an embedded broker unless --bootstrap-servers is given."})
final class DemoCommand implements Callable<Integer> {

  static final long PRODUCTION_WINDOW_SECONDS = 300;

  @Spec
  CommandSpec spec;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Use this Kafka cluster instead of an embedded broker.")
  String bootstrapServers;

  @Option(names = "--partitions", defaultValue = "8", description = "Partitions handed over at once (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--rounds", defaultValue = "2",
      description = "Handovers per partition and strategy; leadership alternates between the replicas (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--records", defaultValue = "20", description = "Records each leader writes per partition (default: ${DEFAULT-VALUE}).")
  int records;

  @Option(names = "--inactivity-wait", defaultValue = "10s", converter = DurationConverter.class,
      description = "The legacy inactivity window for the demo (default: ${DEFAULT-VALUE}; production default: 300s).")
  Duration inactivityWait;

  @Option(names = "--report", paramLabel = "FILE.html", description = "Also write a self-contained HTML report.")
  Path report;

  /** What one strategy's story produced. */
  record StrategyResult(String strategy, List<Long> gapsNanos, long stampsEmitted, long fastPaths, long legacyWaits) {
    GapStats stats() {
      return GapStats.of(gapsNanos);
    }
  }

  private PrintWriter out;

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
    if (inactivityWait.isNegative() || inactivityWait.isZero()) {
      throw new CliException("--inactivity-wait must be positive, got " + inactivityWait);
    }
    out.printf(Locale.ROOT, "handoff demo: %d partitions, %d handover(s) each per strategy, inactivity window %s"
            + " (shortened from the %d s production default)%n",
        partitions, rounds, seconds(inactivityWait), PRODUCTION_WINDOW_SECONDS);

    try (KafkaTarget kafka = KafkaTarget.open(bootstrapServers, out)) {
      List<StrategyResult> results = new ArrayList<>();
      results.add(play("noop", kafka));
      results.add(play("stamp", kafka));
      printTable(results);
      if (report != null) {
        try {
          Files.writeString(report, DemoReport.html(results, partitions, rounds, inactivityWait));
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
    String servers = kafka.servers();
    String topic = "demo_" + strategy + "_v" + System.currentTimeMillis();
    kafka.createTopic(topic, partitions);

    Properties props = new Properties();
    if (stamp) {
      props.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
      props.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true");
      props.setProperty(HandoffSettings.STRATEGY, "stamp");
      props.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", servers);
    }
    out.println();
    out.printf(Locale.ROOT, "[%s] %s%n", strategy, stamp
        ? "strategy 'stamp': the old leader appends a step-down stamp; the new leader that reads it may write at once"
        : "strategy 'noop' (today's behaviour): no stamp; the new leader waits until the partition is silent for the window");

    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    List<Integer> all = IntStream.range(0, partitions).boxed().toList();
    List<Long> gaps = new ArrayList<>();
    try (ReferenceReplica a = replica("host-a", servers, topic, all, props, metrics);
        ReferenceReplica b = replica("host-b", servers, topic, all, props, metrics)) {
      long term = nextTerm(0);
      for (int p : all) {
        a.startAsFirstLeader(p, term);
      }
      writeAll(a, all);
      out.printf(Locale.ROOT, "[%s] host-a leads %s (term %d) and wrote %d records per partition%n",
          strategy, topic, term, records);

      ReferenceReplica oldLeader = a;
      ReferenceReplica newLeader = b;
      for (int round = 1; round <= rounds; round++) {
        term = nextTerm(term);
        long start = System.nanoTime();
        List<EmitOutcome> outcomes = oldLeader.demoteAll(all);
        long emitted = outcomes.stream().filter(EmitOutcome::isAcked).count();
        out.printf(Locale.ROOT, "[%s] round %d: %s steps down from %d partitions (%s), %s takes over with term %d%n",
            strategy, round, oldLeader.config().replicaId(), partitions,
            emitted > 0 ? emitted + " stamps acked in " + GapStats.human(System.nanoTime() - start) : "no stamp",
            newLeader.config().replicaId(), term);
        List<CompletableFuture<Handover>> promotions = new ArrayList<>();
        for (int p : all) {
          promotions.add(newLeader.promote(p, term));
        }
        List<Handover> handovers = await(strategy, promotions, start);
        long fast = handovers.stream().filter(h -> h.path() == HandoverPath.FAST_PATH).count();
        handovers.forEach(h -> gaps.add(h.writableAtNanos() - start));
        GapStats roundStats = GapStats.of(handovers.stream().map(h -> h.writableAtNanos() - start).toList());
        out.printf(Locale.ROOT, "[%s]   %s may write: %d fast path(s), %d legacy wait(s); gap median %s, max %s%n",
            strategy, newLeader.config().replicaId(), fast, handovers.size() - fast,
            GapStats.human(roundStats.medianNanos()), GapStats.human(roundStats.maxNanos()));
        writeAll(newLeader, all);
        ReferenceReplica t = oldLeader;
        oldLeader = newLeader;
        newLeader = t;
      }
    }
    return new StrategyResult(strategy, gaps, metrics.emitSuccess(), metrics.fastPath(), metrics.legacyWait());
  }

  private ReferenceReplica replica(String id, String servers, String topic, List<Integer> all, Properties props,
      CountingHandoffMetrics metrics) {
    return new ReferenceReplica(new ReferenceReplica.Config(id, servers, topic, 0, inactivityWait), all,
        HandoffSettings.from(props), metrics);
  }

  /**
   * The leader's writes of a round, handed to its producer without waiting, as a server writes: the
   * next step-down comes while they may still be in flight, and its stamp is ordered after them.
   */
  private void writeAll(ReferenceReplica leader, List<Integer> all) {
    if (records > 0) {
      for (int p : all) {
        leader.writeDataAsync(p, records);
      }
    }
  }

  /** Waits for every promotion, printing progress each second while it takes longer. */
  private List<Handover> await(String strategy, List<CompletableFuture<Handover>> promotions, long start)
      throws InterruptedException, ExecutionException {
    CompletableFuture<Void> all = CompletableFuture.allOf(promotions.toArray(CompletableFuture[]::new));
    long limitNanos = inactivityWait.toNanos() + TimeUnit.SECONDS.toNanos(60);
    int lastReported = 0;
    while (true) {
      try {
        all.get(200, TimeUnit.MILLISECONDS);
        break;
      } catch (TimeoutException e) {
        long waited = System.nanoTime() - start;
        if (waited > limitNanos) {
          throw new CliException("Handover did not finish within " + seconds(Duration.ofNanos(limitNanos)));
        }
        int secondsWaited = (int) TimeUnit.NANOSECONDS.toSeconds(waited);
        if (secondsWaited >= lastReported + 2) {
          lastReported = secondsWaited;
          long done = promotions.stream().filter(CompletableFuture::isDone).count();
          out.printf(Locale.ROOT, "[%s]   ... %d s of %s window waited, %d/%d partitions writable%n",
              strategy, secondsWaited, seconds(inactivityWait), done, promotions.size());
          out.flush();
        }
      }
    }
    List<Handover> handovers = new ArrayList<>();
    for (CompletableFuture<Handover> f : promotions) {
      handovers.add(f.get());
    }
    return handovers;
  }

  private void printTable(List<StrategyResult> results) {
    out.println();
    out.printf(Locale.ROOT, "Handover gap: old leader starts stepping down -> new leader may write (window %s)%n",
        seconds(inactivityWait));
    String fmt = "%-9s %9s %11s %11s %11s %8s %11s %13s%n";
    out.printf(Locale.ROOT, fmt, "strategy", "handovers", "gap median", "gap p99", "gap max", "stamps", "fast paths", "legacy waits");
    for (StrategyResult r : results) {
      GapStats s = r.stats();
      out.printf(Locale.ROOT, fmt, r.strategy(), s.count(), GapStats.human(s.medianNanos()),
          GapStats.human(s.p99Nanos()), GapStats.human(s.maxNanos()), r.stampsEmitted(), r.fastPaths(), r.legacyWaits());
    }
    GapStats noop = results.get(0).stats();
    GapStats stamp = results.get(1).stats();
    if (stamp.medianNanos() > 0) {
      out.printf(Locale.ROOT, "Speedup of the median gap with the stamp: %,.0fx%n",
          (double) noop.medianNanos() / stamp.medianNanos());
    }
  }


  /** Terms as a cluster manager hands them out: wall-clock milliseconds, strictly increasing. */
  private static long nextTerm(long previous) {
    return Math.max(previous + 1, System.currentTimeMillis());
  }

  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
