package io.handoff.cli;

import io.handoff.cli.BenchReport.Figure;
import io.handoff.host.Handover;
import io.handoff.host.ReferenceReplica;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * End-to-end figures on a real broker: the physical limit (a bare produce round trip and a
 * produce-to-fetch latency), the emit latency a demotion pays, the handover gap with the stamp,
 * mass step-downs, and step-downs against an unreachable broker.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = HandoffCli.Version.class,
    description = {
      "Measures handovers on a real Kafka broker against their physical limit (one produce round trip",
      "plus one fetch). Starts an embedded broker unless --bootstrap-servers is given."
    })
final class BenchCommand implements Callable<Integer> {

  /** Puts a leader has in flight, per partition, when it steps down. */
  static final int IN_FLIGHT = 50;

  /** Handovers before the timed ones, to open every connection both ways. */
  static final int WARM_UP_ROUNDS = 4;

  @Spec CommandSpec spec;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Use this Kafka cluster instead of an embedded broker.")
  String bootstrapServers;

  @Option(
      names = "--brokers",
      defaultValue = "1",
      description =
          "Brokers of the embedded cluster; with 3 or more, topics have replication factor 3 and"
              + " min.insync.replicas=2, as in production (default: ${DEFAULT-VALUE}).")
  int brokers;

  @Option(
      names = "--handovers",
      defaultValue = "200",
      description = "Handovers to time with the stamp strategy (default: ${DEFAULT-VALUE}).")
  int handovers;

  @Option(
      names = "--partitions",
      defaultValue = "1",
      description =
          "Partitions handed over together in each round of the handover run (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--mass",
      defaultValue = "1000",
      description =
          "Partitions stepping down together in the mass runs (default: ${DEFAULT-VALUE}).")
  int mass;

  @Option(
      names = "--ack-timeout",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "Ack timeout of the emitters, e.g. 1s or 500ms (default: ${DEFAULT-VALUE}).")
  Duration ackTimeoutOption;

  /** The milliseconds {@code --ack-timeout} took before every duration was written alike. */
  @Option(names = "--ack-timeout-ms", hidden = true)
  Long ackTimeoutMs;

  @Option(
      names = "--inactivity-window",
      paramLabel = "DURATION",
      defaultValue = "300s",
      converter = DurationConverter.class,
      description =
          "Legacy inactivity window the legacy figure is derived from (default: ${DEFAULT-VALUE}).")
  Duration window;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Write every figure and the machine facts as JSON.")
  Path json;

  private PrintWriter out;

  /** The ack timeout asked for, in either spelling. */
  Duration ackTimeout() {
    return ackTimeoutMs != null ? Duration.ofMillis(ackTimeoutMs) : ackTimeoutOption;
  }

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    Duration ackTimeout = ackTimeout();
    if (handovers < 1 || partitions < 1 || mass < 1 || ackTimeout.isNegative()) {
      throw new CliException(
          "--handovers, --partitions and --mass must be >= 1 and --ack-timeout >= 0");
    }
    BenchMeasurements measure = new BenchMeasurements(ackTimeout, mass);
    try (KafkaTarget kafka = KafkaTarget.open(bootstrapServers, brokers, out)) {
      String servers = kafka.servers();
      String run = Long.toString(System.currentTimeMillis());
      String vt = "bench_v" + run;
      String baselineTopic = "bench_baseline_" + run;
      // Its own topic: the emit benchmark's stamps carry terms a later handover must not compete
      // with.
      String emitTopic = "bench_emit_v" + run;
      String massTopic = "bench_mass_v" + run;
      kafka.createTopic(vt, partitions);
      kafka.createTopic(baselineTopic, 1);
      kafka.createTopic(emitTopic, 1);
      kafka.createTopic(massTopic, mass);

      int samples = handovers;
      List<Figure> figures = new ArrayList<>();
      progress("Baseline: bare produce round trip and produce-to-fetch, " + samples + " samples");
      List<Long>[] baseline = measure.baseline(servers, baselineTopic, samples);
      figures.add(
          new Figure(
              BenchReport.PRODUCE, "bare Kafka produce, acks=all, send to ack", baseline[0]));
      figures.add(
          new Figure(
              BenchReport.FETCH,
              "bare Kafka produce to a consumer's poll returning it",
              baseline[1]));

      progress(
          "Emit latency added to a demotion (emitStepDown) behind "
              + IN_FLIGHT
              + " asynchronous puts, "
              + samples
              + " samples per wiring");
      figures.add(
          new Figure(
              "emit_step_down",
              "emitStepDown on the host's producer, "
                  + IN_FLIGHT
                  + " puts in flight: call to return",
              measure.emitLatency(servers, emitTopic, samples, true)));
      figures.add(
          new Figure(
              "emit_step_down_after_writes",
              "emitStepDown on its own producer after the host's "
                  + IN_FLIGHT
                  + " puts: call to return",
              measure.emitLatency(servers, emitTopic, samples, false)));

      progress("Handover gap with the stamp strategy, " + handovers + " handovers");
      figures.add(
          new Figure(
              BenchReport.HANDOVER_GAP,
              "old leader starts stepping down -> new leader may write",
              handoverGaps(servers, vt, measure)));

      progress("Mass step-down: " + mass + " partitions in one emitStepDowns");
      List<Long> massTook = new ArrayList<>();
      long massAcked = measure.massStepDown(servers, massTopic, massTook);
      figures.add(
          new Figure(
              "mass_step_down_acked",
              mass + " partitions: emitStepDowns call until all acked",
              massTook));

      progress("Mass step-down with the broker unreachable: " + mass + " partitions");
      figures.add(
          new Figure(
              "mass_step_down_unreachable",
              mass
                  + " partitions on a host producer with Kafka's"
                  + " default max.block.ms, bootstrap on a closed port: call to return",
              List.of(measure.unreachable(massTopic))));

      BenchReport report =
          new BenchReport(
              new BenchReport.Parameters(
                  handovers, partitions, mass, ackTimeout, window, bootstrapServers, brokers),
              figures,
              massAcked);
      report.print(out);
      if (json != null) {
        write(json, report.json());
        out.println("JSON written to " + json.toAbsolutePath());
      }
      return 0;
    }
  }

  private void progress(String what) {
    out.println("... " + what);
    out.flush();
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new CliException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Handovers between two reference replicas, which write the way a server does: before each
   * step-down the leader hands {@value #IN_FLIGHT} puts per partition to its producer without
   * waiting, and the stamp travels on that producer after them. The window is long enough that a
   * legacy wait would fail the run: every handover must take the fast path.
   */
  private List<Long> handoverGaps(String servers, String topic, BenchMeasurements measure)
      throws Exception {
    List<Long> gaps = new ArrayList<>();
    int rounds = WARM_UP_ROUNDS + (handovers + partitions - 1) / partitions;
    try (HandoverScenario scenario =
        new HandoverScenario(
            servers,
            topic,
            List.of("bench-a", "bench-b"),
            partitions,
            HandoffSettings.from(measure.stampProps(servers)),
            Duration.ofMinutes(10),
            new CountingHandoffMetrics())) {
      scenario.play(
          rounds,
          new HandoverScenario.Script() {
            @Override
            public void beforeStepDown(int number, ReferenceReplica oldLeader) {
              for (int p : scenario.partitions()) {
                oldLeader.writeDataAsync(p, IN_FLIGHT);
              }
            }

            @Override
            public void handedOver(HandoverScenario.Round round) throws Exception {
              for (Handover h :
                  round.await(Duration.ofSeconds(30), HandoverScenario.Progress.SILENT)) {
                if (h.path() != HandoverPath.FAST_PATH) {
                  throw new CliException(
                      "A handover took the legacy path during the benchmark: " + h);
                }
                if (round.number() > WARM_UP_ROUNDS && gaps.size() < handovers) {
                  gaps.add(h.writableAtNanos() - round.startNanos());
                }
              }
            }
          });
    }
    return gaps;
  }
}
