package io.handoff.cli;

import io.handoff.host.Handover;
import io.handoff.host.ReferenceReplica;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import io.handoff.spi.WriteBarrier;
import io.handoff.stamp.SendTracker;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
    description = {
      "Measures handovers on a real Kafka broker against their physical limit (one produce round trip",
      "plus one fetch). Starts an embedded broker unless --bootstrap-servers is given."
    })
final class BenchCommand implements Callable<Integer> {

  /** Puts a leader has in flight, per partition, when it steps down. */
  static final int IN_FLIGHT = 50;

  @Spec CommandSpec spec;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Use this Kafka cluster instead of an embedded broker.")
  String bootstrapServers;

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
      names = "--ack-timeout-ms",
      defaultValue = "1000",
      description = "Ack timeout of the emitters (default: ${DEFAULT-VALUE}).")
  long ackTimeoutMs;

  @Option(
      names = "--inactivity-window",
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

  /** Samples in nanoseconds with their summary. */
  record Figure(String name, String description, List<Long> nanos) {
    GapStats stats() {
      return GapStats.of(nanos);
    }
  }

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    if (handovers < 1 || partitions < 1 || mass < 1 || ackTimeoutMs < 0) {
      throw new CliException(
          "--handovers, --partitions and --mass must be >= 1 and --ack-timeout-ms >= 0");
    }
    try (KafkaTarget kafka = KafkaTarget.open(bootstrapServers, out)) {
      String servers = kafka.servers();
      String run = Long.toString(System.currentTimeMillis());
      String vt = "bench_v" + run;
      String baselineTopic = "bench_baseline_" + run;
      // Its own topic: the emit benchmark's stamps carry terms a later handover must not compete
      // with.
      String emitTopic = "bench_emit_v" + run;
      String massTopic = "bench_mass_v" + run;
      kafka.createTopic(vt, Math.max(partitions, 1));
      kafka.createTopic(baselineTopic, 1);
      kafka.createTopic(emitTopic, 1);
      kafka.createTopic(massTopic, mass);

      int samples = handovers;
      List<Figure> figures = new ArrayList<>();
      progress("Baseline: bare produce round trip and produce-to-fetch, " + samples + " samples");
      List<Long>[] baseline = baseline(servers, baselineTopic, samples);
      Figure produce =
          new Figure(
              "produce_round_trip", "bare Kafka produce, acks=all, send to ack", baseline[0]);
      Figure fetch =
          new Figure(
              "produce_to_fetch",
              "bare Kafka produce to a consumer's poll returning it",
              baseline[1]);
      figures.add(produce);
      figures.add(fetch);

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
              emitLatency(servers, emitTopic, samples, true)));
      figures.add(
          new Figure(
              "emit_step_down_after_writes",
              "emitStepDown on its own producer after the host's "
                  + IN_FLIGHT
                  + " puts: call to return",
              emitLatency(servers, emitTopic, samples, false)));

      progress("Handover gap with the stamp strategy, " + handovers + " handovers");
      figures.add(
          new Figure(
              "handover_gap_stamp",
              "old leader starts stepping down -> new leader may write",
              handoverGaps(servers, vt)));

      progress("Mass step-down: " + mass + " partitions in one emitStepDowns");
      List<Long> massAcked = new ArrayList<>();
      long massStatus = massStepDown(servers, massTopic, massAcked);
      figures.add(
          new Figure(
              "mass_step_down_acked",
              mass + " partitions: emitStepDowns call until all acked",
              massAcked));

      progress("Mass step-down with the broker unreachable: " + mass + " partitions");
      figures.add(
          new Figure(
              "mass_step_down_unreachable",
              mass
                  + " partitions on a host producer with Kafka's"
                  + " default max.block.ms, bootstrap on a closed port: call to return",
              List.of(unreachable(massTopic))));

      report(figures, produce, fetch, massStatus);
      return 0;
    }
  }

  private void progress(String what) {
    out.println("... " + what);
    out.flush();
  }

  private Properties stampProps(String servers) {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.STRATEGY, "stamp");
    p.setProperty(HandoffSettings.ACK_TIMEOUT_MS, Long.toString(ackTimeoutMs));
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", servers);
    return p;
  }

  @SuppressWarnings("unchecked")
  private List<Long>[] baseline(String servers, String topic, int samples) throws Exception {
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    List<Long> produce = new ArrayList<>();
    List<Long> fetch = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToEnd(List.of(tp));
      consumer.position(tp);
      byte[] value = new byte[100];
      // Round trips alone first: a consumer fetching at the same time would slow the broker down.
      // The first sends open connections and warm up the broker's code as well as ours, so that
      // the limit is not measured on a colder broker than the figures compared with it.
      int warmup = Math.max(20, samples);
      for (int i = 0; i < samples + warmup; i++) {
        long t0 = System.nanoTime();
        producer
            .send(new ProducerRecord<>(topic, 0, new byte[] {0, (byte) i}, value))
            .get(10, TimeUnit.SECONDS);
        if (i >= warmup) {
          produce.add(System.nanoTime() - t0);
        }
      }
      consumer.seekToEnd(List.of(tp));
      consumer.position(tp);
      for (int i = 0; i < samples + 20; i++) {
        long t0 = System.nanoTime();
        var sent = producer.send(new ProducerRecord<>(topic, 0, new byte[] {1, (byte) i}, value));
        long seen = -1;
        long deadline = t0 + TimeUnit.SECONDS.toNanos(10);
        while (seen < 0 && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(1))) {
            seen = System.nanoTime();
          }
        }
        sent.get(10, TimeUnit.SECONDS);
        if (seen < 0) {
          throw new CliException("A record produced to " + topic + " was not fetched within 10 s");
        }
        if (i >= 20) {
          fetch.add(seen - t0);
        }
      }
    }
    return new List[] {produce, fetch};
  }

  /**
   * The demotion's emit latency with the leader's asynchronous data still in flight: before each
   * stamp the "leader" hands {@value #IN_FLIGHT} puts to its data producer (Kafka's defaults)
   * without waiting; the stamp then travels on that producer, or on the emitter's own after a
   * barrier over those puts. Either way the stamp cannot be acknowledged before the puts are.
   */
  private List<Long> emitLatency(
      String servers, String topic, int samples, boolean onHostProducer) {
    List<Long> nanos = new ArrayList<>();
    HandoffSettings settings = HandoffSettings.from(stampProps(servers));
    try (KafkaProducer<byte[], byte[]> data = dataProducer(servers, null)) {
      SendTracker sends = new SendTracker(data);
      try (LeadershipHandoffEmitter emitter =
          LeadershipHandoffs.emitter(
              settings,
              HandoffMetrics.NOOP,
              onHostProducer
                  ? HostResources.of(Producer.class, data)
                  : HostResources.of(WriteBarrier.class, sends))) {
        emitter.prepare(topic);
        long term = System.currentTimeMillis();
        byte[] value = new byte[100];
        for (int i = 0; i < samples + 20; i++) {
          for (int k = 0; k < IN_FLIGHT; k++) {
            sends.send(new ProducerRecord<>(topic, 0, new byte[] {0, (byte) k}, value), null);
          }
          long t0 = System.nanoTime();
          EmitOutcome o = emitter.emitStepDown(StepDown.established(topic, 0, ++term, 0, "bench"));
          long took = System.nanoTime() - t0;
          if (!o.isAcked()) {
            throw new CliException("A stamp was not acked during the emit benchmark: " + o);
          }
          if (i >= 20) {
            nanos.add(took);
          }
        }
      }
    }
    return nanos;
  }

  /** A leader's data producer: Kafka's defaults (acks=all, idempotence, linger, batching). */
  private static KafkaProducer<byte[], byte[]> dataProducer(String servers, Long maxBlockMs) {
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    pp.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-leader");
    if (maxBlockMs != null) {
      pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(maxBlockMs));
    }
    return new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Handovers between two reference replicas, which write the way a server does: before each
   * step-down the leader hands {@value #IN_FLIGHT} puts per partition to its producer without
   * waiting, and the stamp travels on that producer after them.
   */
  private List<Long> handoverGaps(String servers, String topic) throws Exception {
    HandoffSettings settings = HandoffSettings.from(stampProps(servers));
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    List<Integer> all = IntStream.range(0, partitions).boxed().toList();
    List<Long> gaps = new ArrayList<>();
    Duration longWindow = Duration.ofMinutes(10);
    try (ReferenceReplica a =
            new ReferenceReplica(
                new ReferenceReplica.Config("bench-a", servers, topic, 0, longWindow),
                all,
                settings,
                metrics);
        ReferenceReplica b =
            new ReferenceReplica(
                new ReferenceReplica.Config("bench-b", servers, topic, 0, longWindow),
                all,
                settings,
                metrics)) {
      long term = System.currentTimeMillis();
      for (int p : all) {
        a.startAsFirstLeader(p, term);
      }
      ReferenceReplica from = a;
      ReferenceReplica to = b;
      // Warm-up handovers open every connection both ways before anything is timed.
      int warmup = 4;
      int rounds = warmup + (handovers + partitions - 1) / partitions;
      for (int round = 0; round < rounds; round++) {
        term++;
        for (int p : all) {
          from.writeDataAsync(p, IN_FLIGHT);
        }
        long start = System.nanoTime();
        from.demoteAll(all);
        List<CompletableFuture<Handover>> fs = new ArrayList<>();
        for (int p : all) {
          fs.add(to.promote(p, term));
        }
        for (CompletableFuture<Handover> f : fs) {
          Handover h = f.get(30, TimeUnit.SECONDS);
          if (h.path() != HandoverPath.FAST_PATH) {
            throw new CliException("A handover took the legacy path during the benchmark: " + h);
          }
          if (round >= warmup && gaps.size() < handovers) {
            gaps.add(h.writableAtNanos() - start);
          }
        }
        ReferenceReplica t = from;
        from = to;
        to = t;
      }
    }
    return gaps;
  }

  private long massStepDown(String servers, String topic, List<Long> total) {
    try (KafkaProducer<byte[], byte[]> data = dataProducer(servers, null);
        LeadershipHandoffEmitter emitter =
            LeadershipHandoffs.emitter(
                HandoffSettings.from(stampProps(servers)),
                HandoffMetrics.NOOP,
                HostResources.of(Producer.class, data))) {
      emitter.prepare(topic);
      long term = System.currentTimeMillis();
      // Warm-up batches until one is fully acked: a broker that has just created a topic of many
      // partitions takes a moment before it leads all of them. Then the timed batch.
      boolean warm = false;
      for (int attempt = 0; attempt < 20 && !warm; attempt++) {
        warm =
            emitter.emitStepDowns(massBatch(topic, term++)).stream().allMatch(EmitOutcome::isAcked);
      }
      if (!warm) {
        throw new CliException(
            "The " + mass + " partitions of " + topic + " did not accept stamps during warm-up");
      }
      List<StepDown> batch = massBatch(topic, term);
      long t0 = System.nanoTime();
      List<EmitOutcome> outcomes = emitter.emitStepDowns(batch);
      total.add(System.nanoTime() - t0);
      return outcomes.stream().filter(EmitOutcome::isAcked).count();
    }
  }

  private List<StepDown> massBatch(String topic, long term) {
    List<StepDown> batch = new ArrayList<>(mass);
    for (int p = 0; p < mass; p++) {
      batch.add(StepDown.established(topic, p, term, 0, "bench"));
    }
    return batch;
  }

  private long unreachable(String topic) throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String closed = "127.0.0.1:" + closedPort;
    List<StepDown> batch = massBatch(topic, System.currentTimeMillis());
    long took;
    List<EmitOutcome> outcomes;
    // Kafka's default max.block.ms of a minute: the demotion must still return within the ack
    // timeout.
    try (KafkaProducer<byte[], byte[]> data = dataProducer(closed, null);
        LeadershipHandoffEmitter emitter =
            LeadershipHandoffs.emitter(
                HandoffSettings.from(stampProps(closed)),
                HandoffMetrics.NOOP,
                HostResources.of(Producer.class, data))) {
      long t0 = System.nanoTime();
      outcomes = emitter.emitStepDowns(batch);
      took = System.nanoTime() - t0;
      data.close(Duration.ZERO);
    }
    long acked = outcomes.stream().filter(o -> o.status() == EmitStatus.ACKED).count();
    if (acked > 0) {
      throw new CliException(
          "A stamp was acked by an unreachable broker: the benchmark setup is wrong");
    }
    return took;
  }

  private void report(List<Figure> figures, Figure produce, Figure fetch, long massAcked)
      throws IOException {
    long limit = produce.stats().medianNanos() + fetch.stats().medianNanos();
    out.println();
    out.printf(
        Locale.ROOT,
        "Limit of a handover (median produce round trip + median produce-to-fetch): %s%n",
        GapStats.human(limit));
    String fmt = "%-28s %7s %11s %11s %11s %12s%n";
    out.printf(Locale.ROOT, fmt, "figure", "count", "median", "p99", "max", "median/limit");
    for (Figure f : figures) {
      GapStats s = f.stats();
      out.printf(
          Locale.ROOT,
          fmt,
          f.name(),
          s.count(),
          GapStats.human(s.medianNanos()),
          GapStats.human(s.p99Nanos()),
          GapStats.human(s.maxNanos()),
          String.format(Locale.ROOT, "%.2f", (double) s.medianNanos() / limit));
    }
    long stampGap =
        figures.stream()
            .filter(f -> f.name().equals("handover_gap_stamp"))
            .findFirst()
            .orElseThrow()
            .stats()
            .medianNanos();
    long legacy = window.toNanos() + fetch.stats().medianNanos();
    out.printf(
        Locale.ROOT,
        "%-28s %7s %11s   (derived: inactivity window %s + one produce-to-fetch; not waited for)%n",
        "handover_gap_legacy",
        "-",
        GapStats.human(legacy),
        DemoCommand.seconds(window));
    out.printf(
        Locale.ROOT,
        "Mass step-down: %d of %d stamps acked. Speedup of the median handover gap over the legacy wait: %,.0fx%n",
        massAcked,
        mass,
        (double) legacy / stampGap);
    if (json != null) {
      Files.writeString(json, json(figures, limit, legacy, massAcked));
      out.println("JSON written to " + json.toAbsolutePath());
    }
  }

  private String json(List<Figure> figures, long limit, long legacy, long massAcked) {
    Map<String, String> machine = new LinkedHashMap<>();
    machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    machine.put("max_heap_bytes", Long.toString(Runtime.getRuntime().maxMemory()));
    machine.put(
        "jvm",
        Json.quote(
            System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")));
    machine.put(
        "os",
        Json.quote(
            System.getProperty("os.name")
                + " "
                + System.getProperty("os.version")
                + " "
                + System.getProperty("os.arch")));
    machine.put(
        "broker",
        Json.quote(bootstrapServers == null ? "embedded single-node KRaft" : bootstrapServers));
    StringBuilder j = new StringBuilder("{\n  \"machine\": {");
    String sep = "";
    for (var e : machine.entrySet()) {
      j.append(sep).append("\"").append(e.getKey()).append("\": ").append(e.getValue());
      sep = ", ";
    }
    j.append("},\n  \"parameters\": {\"handovers\": ")
        .append(handovers)
        .append(", \"partitions\": ")
        .append(partitions)
        .append(", \"mass\": ")
        .append(mass)
        .append(", \"ack_timeout_ms\": ")
        .append(ackTimeoutMs)
        .append(", \"inactivity_window_ms\": ")
        .append(window.toMillis())
        .append("},\n");
    j.append("  \"limit_nanos\": ").append(limit).append(",\n  \"figures\": {\n");
    sep = "";
    for (Figure f : figures) {
      GapStats s = f.stats();
      j.append(sep)
          .append(
              String.format(
                  Locale.ROOT,
                  "    \"%s\": {\"description\": %s, \"count\": %d, \"median_nanos\": %d, \"p99_nanos\": %d, \"max_nanos\": %d,"
                      + " \"median_over_limit\": %.3f}",
                  f.name(),
                  Json.quote(f.description()),
                  s.count(),
                  s.medianNanos(),
                  s.p99Nanos(),
                  s.maxNanos(),
                  (double) s.medianNanos() / limit));
      sep = ",\n";
    }
    j.append(sep)
        .append(
            String.format(
                Locale.ROOT,
                "    \"handover_gap_legacy\": {\"description\": \"derived: inactivity window + one produce-to-fetch\","
                    + " \"count\": 0, \"median_nanos\": %d, \"p99_nanos\": %d, \"max_nanos\": %d, \"median_over_limit\": %.3f}",
                legacy,
                legacy,
                legacy,
                (double) legacy / limit));
    j.append("\n  },\n  \"mass_step_down_acked_count\": ").append(massAcked).append("\n}\n");
    return j.toString();
  }
}
