package io.handoff.embedded;

import io.handoff.embedded.EmbeddedKafkaClusterBuilder.ClusterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real KRaft cluster whose controller and brokers each run in a JVM of their own, started with
 * this process's class path ({@link EmbeddedKafkaClusterBuilder#startForked()}). It exists for
 * sizes one JVM cannot hold: every replica keeps a file open, and a process's open files are
 * limited, so 10,000 partitions with replication factor 3 (30,000 replicas) need three processes.
 * Each node's output goes to {@code node.log} in its directory.
 *
 * <p>No node outlives the process that started it: a node stops when its standard input ends, which
 * {@link #close} does on purpose and the death of this process does anyway.
 */
public final class ForkedKafkaCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ForkedKafkaCluster.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final String BROKER_HEAP = "-Xmx2g";
  private static final String CONTROLLER_HEAP = "-Xmx512m";

  private final Path baseDir;
  private final List<NodeProcess> brokers;
  private final NodeProcess controller;
  private final String bootstrapServers;
  private final ClusterTasks tasks = new ClusterTasks(new EmbeddedFaultHandlerFactory());
  private final TopicCreator topics;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread reaper = new Thread(this::destroyAll, "forked-kafka-reaper");

  private ForkedKafkaCluster(Path baseDir, NodeProcess controller, List<NodeProcess> brokers) {
    this.baseDir = baseDir;
    this.controller = controller;
    this.brokers = List.copyOf(brokers);
    this.bootstrapServers =
        brokers.stream()
            .map(b -> NodeSocketFactory.LOOPBACK + ":" + b.port())
            .collect(Collectors.joining(","));
    this.topics = new TopicCreator(this::bootstrapServers, null, tasks);
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  static ForkedKafkaCluster start(ClusterSpec spec) {
    if (spec.saslEnabled()) {
      throw new IllegalStateException("A forked cluster has no SASL listener");
    }
    Path baseDir;
    try {
      baseDir = Files.createTempDirectory("handoff-forked-kafka-");
    } catch (IOException e) {
      throw new EmbeddedKafkaException("Could not create a directory for a forked cluster", e);
    }
    String clusterId = Uuid.randomUuid().toString();
    List<NodeProcess> started = new ArrayList<>();
    ForkedKafkaCluster cluster = null;
    try {
      // Ports are chosen here and released just before the nodes bind them.
      NodeSocketFactory ports = new NodeSocketFactory();
      int controllerPort = ports.reserve(EmbeddedKafkaCluster.CONTROLLER_LISTENER);
      int[] brokerPorts = new int[spec.brokers()];
      for (int i = 0; i < brokerPorts.length; i++) {
        brokerPorts[i] = ports.reserve(EmbeddedKafkaCluster.PLAINTEXT_LISTENER + i);
      }
      NodeConfigs configs = new NodeConfigs(spec, controllerPort);
      Path controllerDir = Files.createDirectories(baseDir.resolve("controller"));
      KafkaConfig controllerConfig = configs.controller(controllerPort, controllerDir);
      List<KafkaConfig> brokerConfigs = new ArrayList<>();
      for (int i = 0; i < brokerPorts.length; i++) {
        Path dir = Files.createDirectories(baseDir.resolve("broker-" + i));
        brokerConfigs.add(configs.broker(i, brokerPorts[i], -1, dir));
      }
      ports.closeUnused();
      NodeProcess controller =
          NodeProcess.launch(
              "controller", controllerConfig, controllerDir, CONTROLLER_HEAP, clusterId, -1);
      started.add(controller);
      List<NodeProcess> brokers = new ArrayList<>();
      for (int i = 0; i < brokerPorts.length; i++) {
        NodeProcess b =
            NodeProcess.launch(
                "broker",
                brokerConfigs.get(i),
                baseDir.resolve("broker-" + i),
                BROKER_HEAP,
                clusterId,
                brokerPorts[i]);
        started.add(b);
        brokers.add(b);
      }
      cluster = new ForkedKafkaCluster(baseDir, controller, brokers);
      long deadline = ClusterTasks.deadlineAfter(spec.startupTimeout());
      for (NodeProcess n : started) {
        cluster.tasks.waitUntil(
            n.name() + " to run (its log: " + n.log() + ")", n::isReady, deadline);
      }
      cluster.awaitBrokers(deadline);
      LOG.info(
          "Forked Kafka cluster {} with {} broker(s) started: {}",
          clusterId,
          brokers.size(),
          cluster.bootstrapServers());
      return cluster;
    } catch (IOException | RuntimeException e) {
      if (cluster != null) {
        cluster.close();
      } else {
        started.forEach(n -> n.process().destroyForcibly());
        EmbeddedKafkaCluster.deleteQuietly(baseDir);
      }
      throw e instanceof EmbeddedKafkaException k
          ? k
          : new EmbeddedKafkaException("Could not start a forked Kafka cluster: " + e, e);
    }
  }

  /** {@code host:port,...} of every broker. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Creates a topic and waits until every partition's leader serves it.
   *
   * @throws EmbeddedKafkaException naming the topic if it cannot be created or served in time
   */
  public void createTopic(
      String name, int partitions, int replicationFactor, Map<String, String> configs) {
    ensureOpen();
    topics.create(name, partitions, replicationFactor, configs);
  }

  /**
   * The processor time the node processes have used so far, all of them together: the part of a
   * measurement that is the brokers' work rather than the caller's.
   */
  public Duration cpuTime() {
    Duration total = Duration.ZERO;
    for (NodeProcess n : nodes()) {
      total = total.plus(n.process().info().totalCpuDuration().orElse(Duration.ZERO));
    }
    return total;
  }

  /** The process ids of the controller and the brokers, in that order. */
  public List<Long> pids() {
    return nodes().stream().map(n -> n.process().pid()).toList();
  }

  /**
   * Stops the brokers (controlled shutdown, in parallel), then the controller, each within 30 s or
   * forcibly, and deletes the cluster's directory. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    NodeProcess.stop(brokers, STOP_TIMEOUT);
    NodeProcess.stop(List.of(controller), STOP_TIMEOUT);
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // The JVM is shutting down already; the hook runs anyway.
    }
    EmbeddedKafkaCluster.deleteQuietly(baseDir);
  }

  private Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            (Object) bootstrapServers,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            10_000));
  }

  private List<NodeProcess> nodes() {
    List<NodeProcess> all = new ArrayList<>();
    all.add(controller);
    all.addAll(brokers);
    return all;
  }

  private void awaitBrokers(long deadline) {
    try (Admin admin = admin()) {
      tasks.waitUntil(
          brokers.size() + " forked brokers to register",
          () -> registered(admin) == brokers.size(),
          deadline);
    }
  }

  /** How many brokers the controller has registered, or -1 while none answers. */
  private static int registered(Admin admin) {
    try {
      return admin.describeCluster().nodes().get(1, TimeUnit.SECONDS).size();
    } catch (ExecutionException | TimeoutException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("Interrupted while waiting for the brokers", e);
    }
  }

  private void destroyAll() {
    nodes().forEach(n -> n.process().destroyForcibly());
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("Forked Kafka cluster is closed");
    }
  }
}
