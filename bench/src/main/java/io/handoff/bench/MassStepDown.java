package io.handoff.bench;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.embedded.EmbeddedKafkaClusterBuilder;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How one mass step-down grows with the partitions stepping down together: one {@code
 * emitStepDowns} call over 1,000 to 10,000 partitions spread over 100 version topics, stamps on the
 * host's producer (Kafka's defaults), on an embedded cluster and with every broker unreachable.
 * Prints a table and writes an SVG chart.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.handoff.bench.MassStepDown \
 *     [sizes=1000,2000,5000,10000] [brokers=1] [svg=docs/mass-stepdown.svg] [repeats=3]
 * </pre>
 */
public final class MassStepDown {

  static final int TOPICS = 100;
  static final long ACK_TIMEOUT_MS = 1_000;

  /** The slack docs/PERFORMANCE.md holds a demotion to beyond the ack timeout. */
  static final long SLACK_MS = 200;

  private MassStepDown() {}

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
    int repeats = Integer.parseInt(opts.getOrDefault("repeats", "3"));
    Path svg = Path.of(opts.getOrDefault("svg", "docs/mass-stepdown.svg"));
    int perTopic = (Arrays.stream(sizes).max().orElseThrow() + TOPICS - 1) / TOPICS;

    double[] reachable = new double[sizes.length];
    long[] acked = new long[sizes.length];
    try (EmbeddedKafkaCluster kafka = cluster(brokers)) {
      long t0 = System.nanoTime();
      int rf = Math.min(3, brokers);
      for (int t = 0; t < TOPICS; t++) {
        kafka.createTopic(topic(t), perTopic, rf, Map.of());
      }
      System.out.printf(
          Locale.ROOT,
          "%d topics of %d partitions (replication %d) on %d broker(s), created in %.1f s%n",
          TOPICS,
          perTopic,
          rf,
          brokers,
          (System.nanoTime() - t0) / 1e9);
      try (Producer<byte[], byte[]> host = producer(kafka.bootstrapServers());
          LeadershipHandoffEmitter emitter = emitter(host, 10_000)) {
        warm(host, perTopic);
        long term = 1;
        for (int i = 0; i < sizes.length; i++) {
          double[] ms = new double[repeats];
          long ok = Long.MAX_VALUE;
          for (int r = 0; r < repeats; r++) {
            List<StepDown> downs = stepDowns(sizes[i], term++);
            long s = System.nanoTime();
            List<EmitOutcome> out = emitter.emitStepDowns(downs);
            ms[r] = (System.nanoTime() - s) / 1e6;
            ok = Math.min(ok, out.stream().filter(EmitOutcome::isAcked).count());
          }
          Arrays.sort(ms);
          reachable[i] = ms[repeats / 2];
          acked[i] = ok;
        }
      }
    }

    double[] unreachable = new double[sizes.length];
    long[] timedOut = new long[sizes.length];
    String closed = "127.0.0.1:" + closedPort();
    for (int i = 0; i < sizes.length; i++) {
      try (Producer<byte[], byte[]> host = producer(closed);
          LeadershipHandoffEmitter emitter = emitter(host, ACK_TIMEOUT_MS)) {
        List<StepDown> downs = stepDowns(sizes[i], 1);
        long s = System.nanoTime();
        List<EmitOutcome> out = emitter.emitStepDowns(downs);
        unreachable[i] = (System.nanoTime() - s) / 1e6;
        timedOut[i] = out.stream().filter(o -> o.status() == EmitStatus.TIMED_OUT).count();
      }
    }

    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "| partitions (over %d topics) | all acked, median of %d (ms) | acked | brokers"
            + " unreachable (ms) | timed out | limit unreachable (ms) |%n",
        TOPICS,
        repeats);
    System.out.println("|---|---|---|---|---|---|");
    for (int i = 0; i < sizes.length; i++) {
      System.out.printf(
          Locale.ROOT,
          "| %,d | %,.0f | %,d of %,d | %,.0f | %,d of %,d | %,d |%n",
          sizes[i],
          reachable[i],
          acked[i],
          sizes[i],
          unreachable[i],
          timedOut[i],
          sizes[i],
          ACK_TIMEOUT_MS + SLACK_MS);
    }
    MassStepDownChart.write(
        svg,
        "One mass step-down, stamps on the host's producer, " + brokers + " embedded broker(s)",
        List.of(
            new MassStepDownChart.Series("broker up, all acked", "#1f77b4", sizes, reachable),
            new MassStepDownChart.Series("brokers unreachable", "#d62728", sizes, unreachable)),
        List.of(
            new MassStepDownChart.Limit("target: 1 s", 1_000),
            new MassStepDownChart.Limit(
                "ack timeout + " + SLACK_MS + " ms", ACK_TIMEOUT_MS + SLACK_MS)));
    System.out.println();
    System.out.println("Chart written to " + svg);
  }

  private static EmbeddedKafkaCluster cluster(int brokers) {
    EmbeddedKafkaClusterBuilder b =
        EmbeddedKafkaCluster.builder()
            .brokers(brokers)
            // Kafka's 10 MiB default index files, allocated for every fresh partition, cost this
            // machine gigabytes at 10,000 partitions; production brokers are sized by operators.
            .brokerProperty("log.index.size.max.bytes", "65536");
    if (brokers >= 3) {
      b.brokerProperty("min.insync.replicas", "2");
    }
    return b.start();
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

  /** A server's data producer: Kafka's defaults. */
  private static Producer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
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
