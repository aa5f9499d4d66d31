package io.handoff.bench;

import io.handoff.codec.EnvelopeCodec;
import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.embedded.EmbeddedKafkaClusterBuilder;
import io.handoff.embedded.ForkedKafkaCluster;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import io.handoff.stamp.KafkaStampEmitter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How one mass step-down grows with the partitions stepping down together: one {@code
 * emitStepDowns} call over 1,000 to 10,000 partitions spread over 100 version topics, stamps on the
 * host's producer (Kafka's defaults), on an embedded cluster and with every broker unreachable.
 *
 * <p>Each step-down is measured against the limit of the same cluster in the same run: the host's
 * producer writing one plain record to each of the same partitions and flushing, just before. With
 * {@code processes=true} the controller and brokers run in processes of their own (so that 10,000
 * partitions with replication factor 3 fit, see {@link ForkedKafkaCluster}), and the processor time
 * of each call is split into the brokers', this JVM's (the host's producer and the emitter) and the
 * emitter's own sender thread's. Prints a table and writes an SVG chart.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.handoff.bench.MassStepDown \
 *     [sizes=1000,2000,5000,10000] [brokers=1] [processes=false] [svg=docs/mass-stepdown.svg] \
 *     [repeats=3] [ack-timeout-ms=120000] [host.KAFKA_SETTING=VALUE ...] \
 *     [broker.KAFKA_SETTING=VALUE ...]
 * </pre>
 */
public final class MassStepDown {

  static final int TOPICS = 100;
  static final long ACK_TIMEOUT_MS = 1_000;

  /** The slack docs/PERFORMANCE.md holds a demotion to beyond the ack timeout. */
  static final long SLACK_MS = 200;

  private MassStepDown() {}

  /** What the bench needs of a cluster, in-process or forked. */
  private record Cluster(
      AutoCloseable handle,
      String bootstrapServers,
      TopicMaker topics,
      java.util.function.LongSupplier brokersCpuNanos) {}

  private interface TopicMaker {
    void create(String name, int partitions, int rf);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new java.util.HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("expected key=value, got " + a);
      }
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    int[] sizes =
        Arrays.stream(opts.getOrDefault("sizes", "1000,2000,5000,10000").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    int brokers = Integer.parseInt(opts.getOrDefault("brokers", "1"));
    boolean processes = Boolean.parseBoolean(opts.getOrDefault("processes", "false"));
    int repeats = Integer.parseInt(opts.getOrDefault("repeats", "3"));
    // Long enough that every stamp is acked however slow the cluster: the time to all acked is
    // what is measured, not whether the ack timeout was met.
    long ackTimeoutMs = Long.parseLong(opts.getOrDefault("ack-timeout-ms", "120000"));
    Path svg = Path.of(opts.getOrDefault("svg", "docs/mass-stepdown.svg"));
    Map<String, String> hostSettings = prefixed(opts, "host.");
    Map<String, String> brokerSettings = prefixed(opts, "broker.");
    int perTopic = (Arrays.stream(sizes).max().orElseThrow() + TOPICS - 1) / TOPICS;

    MassStepDownRow[] rows = new MassStepDownRow[sizes.length];
    Cluster kafka = cluster(brokers, processes, brokerSettings);
    try (AutoCloseable closing = kafka.handle()) {
      long t0 = System.nanoTime();
      int rf = Math.min(3, brokers);
      for (int t = 0; t < TOPICS; t++) {
        kafka.topics().create(topic(t), perTopic, rf);
      }
      System.out.printf(
          Locale.ROOT,
          "%d topics of %d partitions (replication %d) on %d broker(s)%s, created in %.1f s%n",
          TOPICS,
          perTopic,
          rf,
          brokers,
          processes ? " in processes of their own" : "",
          (System.nanoTime() - t0) / 1e9);
      try (Producer<byte[], byte[]> host = producer(kafka.bootstrapServers(), hostSettings);
          LeadershipHandoffEmitter emitter = emitter(host, ackTimeoutMs)) {
        warm(host, perTopic);
        long term = 1;
        for (int i = 0; i < sizes.length; i++) {
          double[] stamps = new double[repeats];
          double[] limit = new double[repeats];
          double[] brokersCpu = new double[repeats];
          double[] jvmCpu = new double[repeats];
          double[] senderCpu = new double[repeats];
          long acked = Long.MAX_VALUE;
          for (int r = 0; r < repeats; r++) {
            List<StepDown> downs = stepDowns(sizes[i], term++);
            limit[r] = plainRecordsMs(host, downs);
            long brokers0 = kafka.brokersCpuNanos().getAsLong();
            long jvm0 = Cpu.processNanos();
            long sender0 = Cpu.threadNanos(KafkaStampEmitter.SENDER_THREAD_NAME);
            long s = System.nanoTime();
            List<EmitOutcome> out = emitter.emitStepDowns(downs);
            stamps[r] = (System.nanoTime() - s) / 1e6;
            jvmCpu[r] = (Cpu.processNanos() - jvm0) / 1e6;
            senderCpu[r] = (Cpu.threadNanos(KafkaStampEmitter.SENDER_THREAD_NAME) - sender0) / 1e6;
            brokersCpu[r] = (kafka.brokersCpuNanos().getAsLong() - brokers0) / 1e6;
            acked = Math.min(acked, out.stream().filter(EmitOutcome::isAcked).count());
          }
          rows[i] =
              new MassStepDownRow(
                  sizes[i],
                  median(stamps),
                  acked,
                  median(limit),
                  processes ? median(brokersCpu) : Double.NaN,
                  median(jvmCpu),
                  median(senderCpu),
                  0,
                  0);
          System.out.printf(
              Locale.ROOT,
              "%,d partitions: step-down %,.0f ms, plain records %,.0f ms%n",
              sizes[i],
              rows[i].stampsMs(),
              rows[i].limitMs());
        }
      }
    }

    String closed = "127.0.0.1:" + closedPort();
    for (int i = 0; i < sizes.length; i++) {
      try (Producer<byte[], byte[]> host = producer(closed, hostSettings);
          LeadershipHandoffEmitter emitter = emitter(host, ACK_TIMEOUT_MS)) {
        List<StepDown> downs = stepDowns(sizes[i], 1);
        long s = System.nanoTime();
        List<EmitOutcome> out = emitter.emitStepDowns(downs);
        double ms = (System.nanoTime() - s) / 1e6;
        long timedOut = out.stream().filter(o -> o.status() == EmitStatus.TIMED_OUT).count();
        rows[i] = rows[i].withUnreachable(ms, timedOut);
      }
    }

    MassStepDownRow.print(rows, TOPICS, repeats, processes);
    String where = brokers + " embedded broker(s)" + (processes ? " in their own processes" : "");
    MassStepDownChart.write(
        svg,
        "One mass step-down, stamps on the host's producer, " + where,
        List.of(
            new MassStepDownChart.Series(
                "broker up, all acked", "#1f77b4", sizes, column(rows, MassStepDownRow::stampsMs)),
            new MassStepDownChart.Series(
                "limit: a plain record to each partition",
                "#2ca02c",
                sizes,
                column(rows, MassStepDownRow::limitMs)),
            new MassStepDownChart.Series(
                "brokers unreachable",
                "#d62728",
                sizes,
                column(rows, MassStepDownRow::unreachableMs))),
        List.of(
            new MassStepDownChart.Limit("target: 1 s", 1_000),
            new MassStepDownChart.Limit(
                "ack timeout + " + SLACK_MS + " ms", ACK_TIMEOUT_MS + SLACK_MS)));
    System.out.println();
    System.out.println("Chart written to " + svg);
  }

  private static Cluster cluster(int brokers, boolean processes, Map<String, String> settings) {
    EmbeddedKafkaClusterBuilder b =
        EmbeddedKafkaCluster.builder()
            .brokers(brokers)
            .startupTimeout(java.time.Duration.ofMinutes(3))
            // Kafka's 10 MiB default index files, allocated for every fresh partition, cost this
            // machine gigabytes at 10,000 partitions; production brokers are sized by operators.
            .brokerProperty("log.index.size.max.bytes", "65536");
    if (brokers >= 3) {
      b.brokerProperty("min.insync.replicas", "2");
    }
    settings.forEach(b::brokerProperty);
    if (processes) {
      ForkedKafkaCluster k = b.startForked();
      return new Cluster(
          k,
          k.bootstrapServers(),
          (name, partitions, rf) -> k.createTopic(name, partitions, rf, Map.of()),
          () -> k.cpuTime().toNanos());
    }
    EmbeddedKafkaCluster k = b.start();
    return new Cluster(
        k,
        k.bootstrapServers(),
        (name, partitions, rf) -> k.createTopic(name, partitions, rf, Map.of()),
        () -> 0L);
  }

  private static Map<String, String> prefixed(Map<String, String> opts, String prefix) {
    Map<String, String> m = new java.util.TreeMap<>();
    opts.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            m.put(k.substring(prefix.length()), v);
          }
        });
    return m;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static double[] column(
      MassStepDownRow[] rows, java.util.function.ToDoubleFunction<MassStepDownRow> f) {
    return Arrays.stream(rows).mapToDouble(f).toArray();
  }

  /**
   * The host's producer writing one plain record to each partition of {@code downs} and flushing:
   * what the same cluster takes for as many records of a stamp's size as the step-down sends
   * stamps. Most of a stamp's bytes are its {@code vtp} header, which the record carries too.
   */
  static double plainRecordsMs(Producer<byte[], byte[]> host, List<StepDown> downs) {
    byte[] value = new byte[100];
    byte[] vtp = EnvelopeCodec.vtpHeaderValue();
    long s = System.nanoTime();
    for (StepDown d : downs) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(EnvelopeCodec.VTP_HEADER, vtp);
      host.send(new ProducerRecord<>(d.versionTopic(), d.partition(), null, null, value, headers));
    }
    host.flush();
    return (System.nanoTime() - s) / 1e6;
  }

  static String topic(int t) {
    return String.format(Locale.ROOT, "mass%03d_v1", t);
  }

  /** The first {@code n / TOPICS} partitions of every topic. */
  private static List<StepDown> stepDowns(int n, long term) {
    List<StepDown> downs = new ArrayList<>(n);
    for (int p = 0; downs.size() < n; p++) {
      for (int t = 0; t < TOPICS && downs.size() < n; t++) {
        downs.add(StepDown.established(topic(t), p, term, 0, "host-a.example.com"));
      }
    }
    return downs;
  }

  /** A server's data producer: Kafka's defaults, or the {@code host.*} settings given. */
  private static Producer<byte[], byte[]> producer(String bootstrap, Map<String, String> settings) {
    Properties p = new Properties();
    p.putAll(settings);
    p.put("bootstrap.servers", bootstrap);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static LeadershipHandoffEmitter emitter(Producer<byte[], byte[]> host, long ackMs) {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.ACK_TIMEOUT_MS, Long.toString(ackMs));
    return LeadershipHandoffs.emitter(
        HandoffSettings.from(p), HandoffMetrics.NOOP, HostResources.of(Producer.class, host));
  }

  /** The leader has been writing every partition: metadata known, connections and batches warm. */
  private static void warm(Producer<byte[], byte[]> host, int perTopic) {
    byte[] value = new byte[100];
    for (int t = 0; t < TOPICS; t++) {
      for (int p = 0; p < perTopic; p++) {
        host.send(new ProducerRecord<>(topic(t), p, null, value));
      }
    }
    host.flush();
  }

  private static int closedPort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
