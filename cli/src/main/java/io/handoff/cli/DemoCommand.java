package io.handoff.cli;

import io.handoff.host.Handover;
import io.handoff.host.ReferenceReplica;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
@Command(
    name = "demo",
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
      names = "--inactivity-wait",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "The legacy inactivity window for the demo (default: ${DEFAULT-VALUE}; production default: 300s).")
  Duration inactivityWait;

  @Option(
      names = "--report",
      paramLabel = "FILE.html",
      description = "Also write a self-contained HTML report.")
  Path report;

  /** What one strategy's story produced, with every handover told moment by moment. */
  record StrategyResult(
      String strategy,
      List<Long> gapsNanos,
      long stampsEmitted,
      long fastPaths,
      long legacyWaits,
      List<HandoverStory> stories) {
    GapStats stats() {
      return GapStats.of(gapsNanos);
    }
  }

  /**
   * One partition's handover in one round, each moment in nanoseconds from the moment the old
   * leader started stepping down; a moment that did not happen (no stamp, no write) is null.
   *
   * @param stamp the old leader's step-down stamp: status, offset and elapsed time
   * @param lastWriteAcked the ack of the old leader's last write before it stepped down; often
   *     after 0, since a server steps down with writes in flight and the stamp is ordered after
   *     them
   * @param stampAcked the stamp's ack: the emitter's elapsed time, from when it was called
   * @param promoted the new leader's promotion, once the old leader stepped down from every
   *     partition
   * @param declarationAcked the ack of the new leader's declaration of leadership
   * @param declarationRead the new leader saw its declaration read back
   * @param writable the decision: the new leader may write
   * @param firstWriteAcked the ack of the new leader's first write
   */
  record HandoverStory(
      int round,
      int partition,
      String oldLeader,
      String newLeader,
      long term,
      EmitOutcome stamp,
      Long lastWriteAcked,
      Long stampAcked,
      long promoted,
      long declarationAcked,
      long declarationRead,
      long writable,
      HandoverPath path,
      HandoverReason reason,
      Long firstWriteAcked) {}

  /**
   * A leader's writes to one partition: when its first record and its last were acknowledged
   * (nanoTime).
   */
  private record Writes(CompletableFuture<Long> firstAckedAt, CompletableFuture<Long> lastAckedAt) {
    static final Writes NONE = new Writes(null, null);
  }

  /** A handover whose writes may still be in flight when it is recorded. */
  private record Pending(
      int round,
      String oldLeader,
      String newLeader,
      long start,
      long emittedAt,
      EmitOutcome stamp,
      Writes before,
      Handover handover,
      Writes after) {}

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
    out.printf(
        Locale.ROOT,
        "handoff demo: %d partitions, %d handover(s) each per strategy, inactivity window %s"
            + " (shortened from the %d s production default)%n",
        partitions,
        rounds,
        seconds(inactivityWait),
        PRODUCTION_WINDOW_SECONDS);

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
    List<Integer> all = IntStream.range(0, partitions).boxed().toList();
    List<Long> gaps = new ArrayList<>();
    List<Pending> pending = new ArrayList<>();
    // The new leader's writes start as soon as its partition is writable, as a server's do, on a
    // thread
    // of their own: not on the replica's consumer thread that completes the promotion.
    ExecutorService writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "demo-writer");
              t.setDaemon(true);
              return t;
            });
    try (ReferenceReplica a = replica("host-a", servers, topic, all, props, metrics);
        ReferenceReplica b = replica("host-b", servers, topic, all, props, metrics)) {
      // A step-down from no partition: the first one in a process loads the emitter's classes
      // before
      // its clock starts, which would place the first round's stamps earlier than they were acked.
      a.stepDownAll(List.of());
      b.stepDownAll(List.of());
      long term = nextTerm(0);
      for (int p : all) {
        a.startAsFirstLeader(p, term);
      }
      Map<Integer, Writes> written = new HashMap<>();
      for (int p : all) {
        written.put(p, write(a, p));
      }
      out.printf(
          Locale.ROOT,
          "[%s] host-a leads %s (term %d) and wrote %d records per partition%n",
          strategy,
          topic,
          term,
          records);

      ReferenceReplica oldLeader = a;
      ReferenceReplica newLeader = b;
      for (int round = 1; round <= rounds; round++) {
        term = nextTerm(term);
        long start = System.nanoTime();
        ReferenceReplica.StepDowns stepDowns = oldLeader.stepDownAll(all);
        List<EmitOutcome> outcomes = stepDowns.outcomes();
        long emitted = outcomes.stream().filter(EmitOutcome::isAcked).count();
        out.printf(
            Locale.ROOT,
            "[%s] round %d: %s steps down from %d partitions (%s), %s takes over with term %d%n",
            strategy,
            round,
            oldLeader.config().replicaId(),
            partitions,
            emitted > 0
                ? emitted + " stamps acked in " + GapStats.human(System.nanoTime() - start)
                : "no stamp",
            newLeader.config().replicaId(),
            term);
        List<CompletableFuture<Handover>> promotions = new ArrayList<>();
        List<CompletableFuture<Writes>> writes = new ArrayList<>();
        for (int p : all) {
          CompletableFuture<Handover> promotion = newLeader.promote(p, term);
          promotions.add(promotion);
          ReferenceReplica leader = newLeader;
          writes.add(promotion.thenApplyAsync(h -> write(leader, p), writer));
        }
        List<Handover> handovers = await(strategy, promotions, start);
        for (int i = 0; i < all.size(); i++) {
          int p = all.get(i);
          // Handed to the producer before the next step-down, whose stamp is ordered after them.
          Writes after = writes.get(i).get(10, TimeUnit.SECONDS);
          pending.add(
              new Pending(
                  round,
                  oldLeader.config().replicaId(),
                  newLeader.config().replicaId(),
                  start,
                  stepDowns.emittedAtNanos(),
                  outcomes.get(i),
                  written.get(p),
                  handovers.get(i),
                  after));
          written.put(p, after);
        }
        long fast = handovers.stream().filter(h -> h.path() == HandoverPath.FAST_PATH).count();
        handovers.forEach(h -> gaps.add(h.writableAtNanos() - start));
        GapStats roundStats =
            GapStats.of(handovers.stream().map(h -> h.writableAtNanos() - start).toList());
        out.printf(
            Locale.ROOT,
            "[%s]   %s may write: %d fast path(s), %d legacy wait(s); gap median %s, max %s%n",
            strategy,
            newLeader.config().replicaId(),
            fast,
            handovers.size() - fast,
            GapStats.human(roundStats.medianNanos()),
            GapStats.human(roundStats.maxNanos()));
        ReferenceReplica t = oldLeader;
        oldLeader = newLeader;
        newLeader = t;
      }
      // Every write is acknowledged or failed within the producers' delivery timeout; closing the
      // replicas would fail those still in flight, so their moments are read first.
      List<HandoverStory> stories = stories(pending);
      return new StrategyResult(
          strategy, gaps, metrics.emitSuccess(), metrics.fastPath(), metrics.legacyWait(), stories);
    } finally {
      writer.shutdownNow();
    }
  }

  private static List<HandoverStory> stories(List<Pending> pending) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    List<HandoverStory> stories = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      Handover h = p.handover();
      EmitOutcome stamp = p.stamp();
      stories.add(
          new HandoverStory(
              p.round(),
              h.partition(),
              p.oldLeader(),
              p.newLeader(),
              h.term(),
              stamp,
              since(p.start(), ackedAt(p.before().lastAckedAt(), deadline)),
              stamp.isAcked() ? p.emittedAt() - p.start() + stamp.elapsedNanos() : null,
              h.promotedAtNanos() - p.start(),
              h.declarationAckedAtNanos() - p.start(),
              h.declarationReadAtNanos() - p.start(),
              h.writableAtNanos() - p.start(),
              h.path(),
              h.reason(),
              since(p.start(), ackedAt(p.after().firstAckedAt(), deadline))));
    }
    return stories;
  }

  /** When the writes were acknowledged, or null when there were none or they failed. */
  private static Long ackedAt(CompletableFuture<Long> ack, long deadline) {
    if (ack == null) {
      return null;
    }
    try {
      return ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException e) {
      return null;
    }
  }

  private static Long since(long start, Long at) {
    return at == null ? null : at - start;
  }

  private ReferenceReplica replica(
      String id,
      String servers,
      String topic,
      List<Integer> all,
      Properties props,
      CountingHandoffMetrics metrics) {
    return new ReferenceReplica(
        new ReferenceReplica.Config(id, servers, topic, 0, inactivityWait),
        all,
        HandoffSettings.from(props),
        metrics);
  }

  /**
   * The leader's writes to a partition, handed to its producer without waiting, as a server writes:
   * the next step-down comes while they may still be in flight, and its stamp is ordered after
   * them. The first record is handed alone, so that its ack is the first write's.
   */
  private Writes write(ReferenceReplica leader, int partition) {
    if (records == 0) {
      return Writes.NONE;
    }
    CompletableFuture<Long> first =
        leader.writeDataAsync(partition, 1).thenApply(offsets -> System.nanoTime());
    CompletableFuture<Long> last =
        records == 1
            ? first
            : leader.writeDataAsync(partition, records - 1).thenApply(offsets -> System.nanoTime());
    return new Writes(first, last);
  }

  /** Waits for every promotion, printing progress each second while it takes longer. */
  private List<Handover> await(
      String strategy, List<CompletableFuture<Handover>> promotions, long start)
      throws InterruptedException, ExecutionException {
    CompletableFuture<Void> all =
        CompletableFuture.allOf(promotions.toArray(CompletableFuture[]::new));
    long limitNanos = inactivityWait.toNanos() + TimeUnit.SECONDS.toNanos(60);
    int lastReported = 0;
    while (true) {
      try {
        all.get(200, TimeUnit.MILLISECONDS);
        break;
      } catch (TimeoutException e) {
        long waited = System.nanoTime() - start;
        if (waited > limitNanos) {
          throw new CliException(
              "Handover did not finish within " + seconds(Duration.ofNanos(limitNanos)));
        }
        int secondsWaited = (int) TimeUnit.NANOSECONDS.toSeconds(waited);
        if (secondsWaited >= lastReported + 2) {
          lastReported = secondsWaited;
          long done = promotions.stream().filter(CompletableFuture::isDone).count();
          out.printf(
              Locale.ROOT,
              "[%s]   ... %d s of %s window waited, %d/%d partitions writable%n",
              strategy,
              secondsWaited,
              seconds(inactivityWait),
              done,
              promotions.size());
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
    out.printf(
        Locale.ROOT,
        "Handover gap: old leader starts stepping down -> new leader may write (window %s)%n",
        seconds(inactivityWait));
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

  /** Terms as a cluster manager hands them out: wall-clock milliseconds, strictly increasing. */
  private static long nextTerm(long previous) {
    return Math.max(previous + 1, System.currentTimeMillis());
  }

  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
