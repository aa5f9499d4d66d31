package io.handoff.embedded;

import io.handoff.embedded.EmbeddedKafkaClusterBuilder.ClusterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, in-process Apache Kafka cluster in KRaft mode, built from Kafka's own server classes, for
 * integration tests, demos and benchmarks.
 *
 * <p>Topology: one dedicated KRaft controller node (node id {@value #CONTROLLER_NODE_ID}) and
 * {@code n} broker-only nodes with node ids {@code 0 .. n-1} (the broker <em>index</em> used by
 * this API is its node id). Because the controller is a separate node, stopping any broker never
 * touches the metadata quorum, so a 3-broker cluster keeps working with one broker down.
 *
 * <p>Every listener binds to {@code 127.0.0.1} on a port chosen up front, so a stopped broker comes
 * back on the same port. Storage lives in a fresh temporary directory that {@link #close()}
 * deletes.
 *
 * <p>Listeners of every broker:
 *
 * <ul>
 *   <li>{@code PLAINTEXT} (also used between brokers): {@link #bootstrapServers()}
 *   <li>{@code SASL_PLAINTEXT} with mechanism {@code PLAIN}, only when at least one user was added
 *       with {@link EmbeddedKafkaClusterBuilder#saslPlainUser(String, String)}: {@link
 *       #saslBootstrapServers()}
 * </ul>
 *
 * There is no authorizer: every authenticated user may do everything.
 *
 * <p>Test-friendly defaults (each can be overridden with {@link
 * EmbeddedKafkaClusterBuilder#brokerProperty(String, String)}): replication factor of the offsets,
 * transaction-state and share-state topics {@code min(brokers, 3)} and their min ISR {@code
 * min(brokers, 2)}, 5 partitions for each of these internal topics, {@code
 * group.initial.rebalance.delay.ms=0}, broker heartbeats every 500 ms with a 3 s session timeout,
 * fewer network/IO/background threads and a 2 MiB log-cleaner dedupe buffer. Everything else is
 * Kafka's default (for example {@code auto.create.topics.enable=true}, {@code
 * min.insync.replicas=1}).
 *
 * <p>Fatal faults inside a node are logged and make waiting operations fail; unlike a stand-alone
 * Kafka server, they never halt the JVM.
 *
 * <p>Example:
 *
 * <pre>{@code
 * try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder()
 *         .brokers(3)
 *         .brokerProperty("min.insync.replicas", "2")
 *         .start()) {
 *     kafka.createTopic("events", 3, 3, Map.of());
 *     // clients use kafka.bootstrapServers()
 * }
 * }</pre>
 *
 * <p>Logging goes through SLF4J only; this module does not choose a logging backend. Kafka is
 * chatty at INFO, so hosts usually set the {@code kafka} and {@code org.apache.kafka} loggers to
 * WARN.
 *
 * <p>Instances are thread-safe; lifecycle operations ({@link #stopBroker(int)}, {@link
 * #startBroker(int)}, {@link #close()}) are serialized.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

  /** Node id of the dedicated KRaft controller. */
  public static final int CONTROLLER_NODE_ID = 3000;

  /** Name of the plaintext broker listener (also the inter-broker listener). */
  public static final String PLAINTEXT_LISTENER = "PLAINTEXT";

  /** Name of the SASL_PLAINTEXT broker listener (present only with SASL users). */
  public static final String SASL_LISTENER = "SASL_PLAINTEXT";

  static final String CONTROLLER_LISTENER = "CONTROLLER";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

  private final Path baseDir;
  private final String clusterId;
  private final boolean saslEnabled;
  private final ClusterNodes nodes;
  private final List<BrokerNode> brokers;
  private final TopicCreator topics;
  private final Object lifecycleLock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @return a builder for a new cluster; nothing is started until {@link
   *     EmbeddedKafkaClusterBuilder#start()}
   */
  public static EmbeddedKafkaClusterBuilder builder() {
    return new EmbeddedKafkaClusterBuilder();
  }

  /** Prepares every node; starts nothing. */
  EmbeddedKafkaCluster(ClusterSpec spec) throws IOException {
    this.saslEnabled = spec.saslEnabled();
    this.clusterId = Uuid.randomUuid().toString();
    this.baseDir = Files.createTempDirectory("handoff-embedded-kafka-");
    try {
      this.nodes = ClusterNodes.prepare(spec, baseDir);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(baseDir);
      throw e;
    }
    this.brokers = nodes.brokers;
    this.topics =
        new TopicCreator(
            this::bootstrapServers,
            (topic, partitions) -> BrokerNode.leadersKnown(brokers, topic, partitions),
            nodes.tasks);
  }

  /**
   * @return {@code "127.0.0.1:port,..."} of the {@code PLAINTEXT} listeners of the running brokers
   *     (stopped brokers are left out; empty if none is running)
   */
  public String bootstrapServers() {
    return brokers.stream()
        .filter(BrokerNode::isRunning)
        .map(b -> NodeSocketFactory.LOOPBACK + ":" + b.plaintextPort)
        .collect(Collectors.joining(","));
  }

  /**
   * @return {@code "127.0.0.1:port,..."} of the {@code SASL_PLAINTEXT} listeners of the running
   *     brokers
   * @throws IllegalStateException if no SASL user was configured
   */
  public String saslBootstrapServers() {
    if (!saslEnabled) {
      throw new IllegalStateException(
          "No SASL listener: configure at least one user with builder().saslPlainUser()");
    }
    return brokers.stream()
        .filter(BrokerNode::isRunning)
        .map(b -> NodeSocketFactory.LOOPBACK + ":" + b.saslPort)
        .collect(Collectors.joining(","));
  }

  /**
   * @return the configured number of brokers, running or stopped
   */
  public int brokerCount() {
    return brokers.size();
  }

  /**
   * @param index broker index, {@code 0 .. brokerCount()-1} (equal to its node id)
   * @return whether that broker is currently running
   */
  public boolean isBrokerRunning(int index) {
    return broker(index).isRunning();
  }

  /**
   * @return the cluster id written when storage was formatted
   */
  public String clusterId() {
    return clusterId;
  }

  /**
   * Client-side {@code sasl.jaas.config} value for SASL/PLAIN with the given credentials, e.g. for
   * clients of {@link #saslBootstrapServers()} together with {@code
   * security.protocol=SASL_PLAINTEXT} and {@code sasl.mechanism=PLAIN}.
   *
   * @param user user name
   * @param password password
   * @return the JAAS configuration line
   */
  public static String plainJaasConfig(String user, String password) {
    return NodeConfigs.clientJaasConfig(user, password);
  }

  /**
   * Creates a topic and waits until every partition has a leader that all running brokers know of.
   *
   * @param name topic name
   * @param partitions number of partitions, at least 1
   * @param replicationFactor replication factor, at most the number of running brokers
   * @param configs topic configs (e.g. {@code min.insync.replicas}); may be empty
   * @throws EmbeddedKafkaException if Kafka rejects the topic (for example because it exists) or
   *     the partitions get no leader in time
   */
  public void createTopic(
      String name, int partitions, int replicationFactor, Map<String, String> configs) {
    Objects.requireNonNull(name, "name");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1");
    }
    if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
      throw new IllegalArgumentException("replicationFactor must be at least 1");
    }
    ensureOpen();
    topics.create(name, partitions, replicationFactor, configs);
  }

  /**
   * Creates a topic with replication factor {@code min(brokerCount(), 3)} and no topic configs, and
   * waits until every partition has a leader.
   *
   * @param name topic name
   * @param partitions number of partitions
   * @see #createTopic(String, int, int, Map)
   */
  public void createTopic(String name, int partitions) {
    createTopic(name, partitions, Math.min(brokerCount(), 3), Map.of());
  }

  /**
   * Stops one broker with a controlled (clean) shutdown: the controller first moves partition
   * leadership away from it and removes it from the ISRs, then the broker stops and its port is
   * closed. Returns when the other running brokers see it as fenced. Its data and port are kept for
   * {@link #startBroker(int)}.
   *
   * @param index broker index {@code 0 .. brokerCount()-1}
   * @throws IllegalStateException if the broker is not running or the cluster is closed
   */
  public void stopBroker(int index) {
    BrokerNode node = broker(index);
    synchronized (lifecycleLock) {
      ensureOpen();
      nodes.stopBroker(node);
    }
  }

  /**
   * Restarts a broker stopped with {@link #stopBroker(int)}, with the same data directory, node id
   * and ports, and waits until it is unfenced and known to every running broker.
   *
   * <p>As in a real cluster, the controller accepts the new incarnation of the broker only after
   * the session of the old one has expired ({@code broker.session.timeout.ms}, 3 s by default
   * here), so a restart right after a stop takes about that long.
   *
   * @param index broker index {@code 0 .. brokerCount()-1}
   * @throws IllegalStateException if the broker is already running or the cluster is closed
   * @throws EmbeddedKafkaException if it does not come up within the startup timeout
   */
  public void startBroker(int index) {
    BrokerNode node = broker(index);
    synchronized (lifecycleLock) {
      ensureOpen();
      nodes.startBroker(node);
    }
  }

  /**
   * Stops all brokers (in parallel, each with a controlled shutdown) and then the controller, and
   * deletes the temporary storage directory. Idempotent; never throws for shutdown problems, which
   * are logged instead.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (lifecycleLock) {
      nodes.stopAll();
      LOG.info("Embedded Kafka cluster {} closed", clusterId);
      deleteQuietly(baseDir);
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafkaCluster{clusterId="
        + clusterId
        + ", brokers="
        + brokers.size()
        + ", bootstrapServers="
        + bootstrapServers()
        + (closed.get() ? ", closed" : "")
        + "}";
  }

  /** Starts every node and waits until the brokers see each other. */
  void startAll() {
    long began = System.nanoTime();
    synchronized (lifecycleLock) {
      nodes.startAll(clusterId);
    }
    LOG.info(
        "Embedded Kafka cluster {} with {} broker(s) started in {} ms: {}",
        clusterId,
        brokers.size(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
        bootstrapServers());
  }

  private BrokerNode broker(int index) {
    if (index < 0 || index >= brokers.size()) {
      throw new IndexOutOfBoundsException(
          "Broker index " + index + " not in [0, " + brokers.size() + ")");
    }
    return brokers.get(index);
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("Embedded Kafka cluster is closed");
    }
  }

  static void deleteQuietly(Path dir) {
    try {
      Utils.delete(dir.toFile());
    } catch (IOException | RuntimeException e) {
      LOG.warn("Embedded Kafka: could not delete {}", dir, e);
    }
  }
}
