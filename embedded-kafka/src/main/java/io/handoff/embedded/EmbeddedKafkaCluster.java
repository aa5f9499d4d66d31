package io.handoff.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.SharedServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.MetadataCache;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.common.MetadataVersion;
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
 *       with {@link Builder#saslPlainUser(String, String)}: {@link #saslBootstrapServers()}
 * </ul>
 *
 * There is no authorizer: every authenticated user may do everything.
 *
 * <p>Test-friendly defaults (each can be overridden with {@link Builder#brokerProperty(String,
 * String)}): replication factor of the offsets, transaction-state and share-state topics {@code
 * min(brokers, 3)} and their min ISR {@code min(brokers, 2)}, 5 partitions for each of these
 * internal topics, {@code group.initial.rebalance.delay.ms=0}, broker heartbeats every 500 ms with
 * a 3 s session timeout, fewer network/IO/background threads and a 2 MiB log-cleaner dedupe buffer.
 * Everything else is Kafka's default (for example {@code auto.create.topics.enable=true}, {@code
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

  private static final String PLAIN_LOGIN_MODULE =
      "org.apache.kafka.common.security.plain.PlainLoginModule";

  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._-]+");

  /** Broker settings that the cluster manages itself and that cannot be overridden. */
  private static final Set<String> RESERVED_PROPERTIES =
      Set.of(
          "process.roles",
          "node.id",
          "broker.id",
          "listeners",
          "advertised.listeners",
          "listener.security.protocol.map",
          "inter.broker.listener.name",
          "security.inter.broker.protocol",
          "controller.listener.names",
          "controller.quorum.voters",
          "controller.quorum.bootstrap.servers",
          "log.dir",
          "log.dirs",
          "metadata.log.dir");

  private static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CONTROLLED_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  private static final AtomicInteger THREAD_COUNTER = new AtomicInteger();

  private final Path baseDir;
  private final String clusterId;
  private final Duration startupTimeout;
  private final boolean saslEnabled;
  private final EmbeddedFaultHandlerFactory faultHandlerFactory = new EmbeddedFaultHandlerFactory();
  private final ControllerNode controller;
  private final List<BrokerNode> brokers;
  private final Object lifecycleLock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @return a builder for a new cluster; nothing is started until {@link Builder#start()}
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures and starts an {@link EmbeddedKafkaCluster}. */
  public static final class Builder {
    private int brokers = 1;
    private final Map<String, String> brokerProperties = new LinkedHashMap<>();
    private final Map<String, String> saslUsers = new LinkedHashMap<>();
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;

    private Builder() {}

    /**
     * Number of brokers (default 1). Brokers are broker-only nodes; the KRaft quorum is a separate,
     * single controller node, so any one broker of a multi-broker cluster can be stopped.
     *
     * @param n number of brokers, at least 1
     * @return this builder
     */
    public Builder brokers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("brokers must be at least 1, was " + n);
      }
      this.brokers = n;
      return this;
    }

    /**
     * Adds a Kafka server setting for all nodes, for example {@code min.insync.replicas}, {@code
     * auto.create.topics.enable}, {@code num.partitions} or {@code default.replication.factor}. The
     * settings are applied to the controller node as well, because in KRaft mode the controller
     * applies cluster-wide defaults when it creates topics. They override this class's
     * test-friendly defaults. Listener, node identity, quorum and storage-directory settings are
     * managed by the cluster and rejected.
     *
     * @param key Kafka server config name
     * @param value its value
     * @return this builder
     * @throws IllegalArgumentException for a setting that the cluster manages itself
     */
    public Builder brokerProperty(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (RESERVED_PROPERTIES.contains(key.trim().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "'" + key + "' is managed by EmbeddedKafkaCluster and cannot be set");
      }
      brokerProperties.put(key.trim(), value);
      return this;
    }

    /**
     * Adds a user for SASL/PLAIN authentication. When at least one user is added, every broker also
     * exposes a {@code SASL_PLAINTEXT} listener (mechanism {@code PLAIN}) that accepts exactly
     * these users, configured through {@code listener.name.sasl_plaintext.plain.sasl.jaas.config}.
     * The {@code PLAINTEXT} listener stays available without authentication.
     *
     * @param user user name: letters, digits, {@code .}, {@code _} and {@code -}
     * @param password its password (any characters)
     * @return this builder
     */
    public Builder saslPlainUser(String user, String password) {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
      if (!USER_NAME.matcher(user).matches()) {
        throw new IllegalArgumentException(
            "SASL user name must match " + USER_NAME.pattern() + ": " + user);
      }
      saslUsers.put(user, password);
      return this;
    }

    /**
     * Upper bound for {@link #start()} and {@link EmbeddedKafkaCluster#startBroker(int)} (default
     * 60 s).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder startupTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("startup timeout must be positive");
      }
      this.startupTimeout = timeout;
      return this;
    }

    /**
     * Formats storage for all nodes in a fresh temporary directory, starts the controller and all
     * brokers and waits until every broker is registered, unfenced and known to every other broker.
     *
     * @return the running cluster
     * @throws EmbeddedKafkaException if the cluster does not come up within the startup timeout;
     *     everything started so far is stopped and deleted again
     */
    public EmbeddedKafkaCluster start() {
      EmbeddedKafkaCluster cluster;
      try {
        cluster = new EmbeddedKafkaCluster(this);
      } catch (IOException e) {
        throw new EmbeddedKafkaException(
            "Could not prepare embedded Kafka cluster: " + e.getMessage(), e);
      }
      try {
        cluster.startAll();
        return cluster;
      } catch (RuntimeException | Error e) {
        try {
          cluster.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }

  private EmbeddedKafkaCluster(Builder builder) throws IOException {
    this.startupTimeout = builder.startupTimeout;
    this.saslEnabled = !builder.saslUsers.isEmpty();
    this.clusterId = Uuid.randomUuid().toString();
    this.baseDir = Files.createTempDirectory("handoff-embedded-kafka-");
    List<NodeSocketFactory> socketFactories = new ArrayList<>();
    try {
      NodeSocketFactory controllerSockets = new NodeSocketFactory();
      socketFactories.add(controllerSockets);
      int controllerPort = controllerSockets.reserve(CONTROLLER_LISTENER);
      String voters = CONTROLLER_NODE_ID + "@" + NodeSocketFactory.LOOPBACK + ":" + controllerPort;

      Map<String, String> defaults = defaultProperties(builder.brokers);

      Path controllerDir = Files.createDirectories(baseDir.resolve("controller"));
      Map<String, String> controllerProps = new HashMap<>(defaults);
      controllerProps.putAll(builder.brokerProperties);
      controllerProps.put("process.roles", "controller");
      controllerProps.put("node.id", Integer.toString(CONTROLLER_NODE_ID));
      controllerProps.put(
          "listeners",
          CONTROLLER_LISTENER + "://" + NodeSocketFactory.LOOPBACK + ":" + controllerPort);
      controllerProps.put("listener.security.protocol.map", protocolMap());
      controllerProps.put("controller.listener.names", CONTROLLER_LISTENER);
      controllerProps.put("controller.quorum.voters", voters);
      controllerProps.put("log.dirs", controllerDir.toString());
      controllerProps.put("metadata.log.dir", controllerDir.toString());
      this.controller =
          new ControllerNode(
              kafkaConfig(controllerProps, "controller"), controllerSockets, controllerDir);

      List<BrokerNode> brokerNodes = new ArrayList<>();
      for (int i = 0; i < builder.brokers; i++) {
        NodeSocketFactory sockets = new NodeSocketFactory();
        socketFactories.add(sockets);
        int plainPort = sockets.reserve(PLAINTEXT_LISTENER);
        int saslPort = saslEnabled ? sockets.reserve(SASL_LISTENER) : -1;
        String listeners =
            PLAINTEXT_LISTENER
                + "://"
                + NodeSocketFactory.LOOPBACK
                + ":"
                + plainPort
                + (saslEnabled
                    ? "," + SASL_LISTENER + "://" + NodeSocketFactory.LOOPBACK + ":" + saslPort
                    : "");

        Path dataDir = Files.createDirectories(baseDir.resolve("broker-" + i));
        Map<String, String> props = new HashMap<>(defaults);
        if (saslEnabled) {
          String prefix = "listener.name." + SASL_LISTENER.toLowerCase(Locale.ROOT) + ".";
          props.put("sasl.enabled.mechanisms", "PLAIN");
          props.put(prefix + "sasl.enabled.mechanisms", "PLAIN");
          props.put(prefix + "plain.sasl.jaas.config", serverJaasConfig(builder.saslUsers));
        }
        props.putAll(builder.brokerProperties);
        props.put("process.roles", "broker");
        props.put("node.id", Integer.toString(i));
        props.put("listeners", listeners);
        props.put("advertised.listeners", listeners);
        props.put("listener.security.protocol.map", protocolMap());
        props.put("inter.broker.listener.name", PLAINTEXT_LISTENER);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("controller.quorum.voters", voters);
        props.put("log.dirs", dataDir.toString());
        props.put("metadata.log.dir", dataDir.toString());
        brokerNodes.add(
            new BrokerNode(
                i, kafkaConfig(props, "broker " + i), sockets, dataDir, plainPort, saslPort));
      }
      this.brokers = Collections.unmodifiableList(brokerNodes);
    } catch (IOException | RuntimeException e) {
      socketFactories.forEach(NodeSocketFactory::closeUnused);
      deleteQuietly(baseDir);
      throw e;
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Public API
  // ------------------------------------------------------------------------------------------------

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
          "No SASL listener: configure at least one user with Builder.saslPlainUser()");
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
    return PLAIN_LOGIN_MODULE
        + " required username="
        + quote(user)
        + " password="
        + quote(password)
        + ";";
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
    NewTopic topic =
        new NewTopic(name, partitions, (short) replicationFactor)
            .configs(configs == null ? Map.of() : new HashMap<>(configs));
    long deadline = deadlineAfter(OPERATION_TIMEOUT);
    try (Admin admin = newAdmin()) {
      admin
          .createTopics(List.of(topic))
          .all()
          .get(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new EmbeddedKafkaException("Could not create topic " + name + ": " + cause, cause);
    } catch (TimeoutException e) {
      throw new EmbeddedKafkaException(
          "Creating topic " + name + " timed out after " + OPERATION_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("Interrupted while creating topic " + name, e);
    }
    waitUntil(
        "all partitions of topic " + name + " to have a leader known to every running broker",
        () -> leadersKnown(name, partitions),
        deadline);
    awaitServing(name, partitions, deadline);
  }

  /**
   * Waits until every partition's leader answers for it. Metadata names a leader before that broker
   * has opened the partition's log, and a broker opening a thousand logs takes seconds; a client
   * writing in that window sees NOT_LEADER_OR_FOLLOWER and its first writes time out.
   */
  private void awaitServing(String name, int partitions, long deadline) {
    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> all =
        new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      all.put(
          new org.apache.kafka.common.TopicPartition(name, p),
          org.apache.kafka.clients.admin.OffsetSpec.latest());
    }
    try (Admin admin = newAdmin()) {
      long remaining = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      // The admin client retries NOT_LEADER_OR_FOLLOWER until its timeout.
      admin.listOffsets(all).all().get(remaining, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new EmbeddedKafkaException(
          "Partitions of topic " + name + " are not served: " + cause, cause);
    } catch (TimeoutException e) {
      throw new EmbeddedKafkaException(
          "Partitions of topic " + name + " were not served within " + OPERATION_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("Interrupted while waiting for topic " + name, e);
    }
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
      if (!node.isRunning()) {
        throw new IllegalStateException("Broker " + index + " is not running");
      }
      long began = System.nanoTime();
      node.shutdown();
      long stopped = System.nanoTime();
      long deadline = deadlineAfter(OPERATION_TIMEOUT);
      waitUntil(
          "the other brokers to see broker " + index + " as stopped",
          () -> {
            for (BrokerNode other : brokers) {
              BrokerServer server = other.server;
              if (server == null) {
                continue;
              }
              MetadataCache cache = server.metadataCache();
              if (cache.hasAliveBroker(index) && !cache.isBrokerFenced(index)) {
                return false;
              }
            }
            return true;
          },
          deadline);
      LOG.info(
          "Embedded Kafka broker {} stopped in {} ms (fenced after {} ms more)",
          index,
          TimeUnit.NANOSECONDS.toMillis(stopped - began),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped));
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
      if (node.isRunning()) {
        throw new IllegalStateException("Broker " + index + " is already running");
      }
      long began = System.nanoTime();
      long deadline = deadlineAfter(startupTimeout);
      node.create();
      runAll("start broker " + index, List.of(node::startup), deadline);
      waitUntil(
          "every running broker to see all running brokers", this::brokersSeeEachOther, deadline);
      LOG.info(
          "Embedded Kafka broker {} restarted in {} ms",
          index,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
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
      List<Runnable> brokerShutdowns = new ArrayList<>();
      for (BrokerNode node : brokers) {
        if (node.isRunning()) {
          brokerShutdowns.add(node::shutdown);
        }
      }
      try {
        runAll("stop brokers", brokerShutdowns, deadlineAfter(OPERATION_TIMEOUT));
      } catch (RuntimeException e) {
        LOG.warn("Embedded Kafka: stopping brokers failed", e);
      }
      try {
        runAll("stop controller", List.of(controller::shutdown), deadlineAfter(OPERATION_TIMEOUT));
      } catch (RuntimeException e) {
        LOG.warn("Embedded Kafka: stopping the controller failed", e);
      }
      LOG.info("Embedded Kafka cluster {} closed", clusterId);
      controller.sockets.closeUnused();
      brokers.forEach(b -> b.sockets.closeUnused());
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

  // ------------------------------------------------------------------------------------------------
  // Startup
  // ------------------------------------------------------------------------------------------------

  private void startAll() {
    long deadline = deadlineAfter(startupTimeout);
    long began = System.nanoTime();
    format(controller.config, controller.dataDir);
    for (BrokerNode node : brokers) {
      format(node.config, node.dataDir);
    }
    synchronized (lifecycleLock) {
      controller.create();
      runAll("start controller", List.of(controller::startup), deadline);
      List<Runnable> startups = new ArrayList<>();
      for (BrokerNode node : brokers) {
        node.create();
        startups.add(node::startup);
      }
      runAll("start brokers", startups, deadline);
      waitUntil("every broker to see all brokers", this::brokersSeeEachOther, deadline);
    }
    LOG.info(
        "Embedded Kafka cluster {} with {} broker(s) started in {} ms: {}",
        clusterId,
        brokers.size(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
        bootstrapServers());
  }

  private void format(KafkaConfig config, Path dataDir) {
    Formatter formatter =
        new Formatter()
            .setPrintStream(
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
            .setNodeId(config.nodeId())
            .setClusterId(clusterId)
            .setDirectories(List.of(dataDir.toString()))
            .setMetadataLogDirectory(dataDir.toString())
            .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
            .setControllerListenerName(CONTROLLER_LISTENER)
            .setIgnoreFormatted(false);
    try {
      formatter.run();
    } catch (Exception e) {
      throw new EmbeddedKafkaException(
          "Could not format storage of node " + config.nodeId() + " in " + dataDir, e);
    }
  }

  private boolean brokersSeeEachOther() {
    for (BrokerNode observer : brokers) {
      BrokerServer server = observer.server;
      if (server == null) {
        continue;
      }
      MetadataCache cache = server.metadataCache();
      for (BrokerNode target : brokers) {
        if (target.isRunning()
            && (!cache.hasAliveBroker(target.index) || cache.isBrokerFenced(target.index))) {
          return false;
        }
      }
    }
    return true;
  }

  private boolean leadersKnown(String topic, int partitions) {
    ListenerName listener = ListenerName.normalised(PLAINTEXT_LISTENER);
    for (BrokerNode node : brokers) {
      BrokerServer server = node.server;
      if (server == null) {
        continue;
      }
      MetadataCache cache = server.metadataCache();
      for (int p = 0; p < partitions; p++) {
        if (cache.getPartitionLeaderEndpoint(topic, p, listener).isEmpty()) {
          return false;
        }
      }
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------------
  // Nodes
  // ------------------------------------------------------------------------------------------------

  /** Builds the {@link SharedServer} of a node; the log dirs must be formatted. */
  private SharedServer newSharedServer(
      KafkaConfig config,
      NodeSocketFactory sockets,
      Metrics metrics,
      MetaPropertiesEnsemble ensemble) {
    return new SharedServer(
        config,
        ensemble,
        Time.SYSTEM,
        metrics,
        CompletableFuture.completedFuture(
            QuorumConfig.parseVoterConnections(config.quorumConfig().voters())),
        QuorumConfig.parseBootstrapServers(config.quorumConfig().bootstrapServers()),
        faultHandlerFactory,
        sockets);
  }

  private final class ControllerNode {
    final KafkaConfig config;
    final NodeSocketFactory sockets;
    final Path dataDir;
    volatile ControllerServer server;
    volatile Metrics metrics;

    ControllerNode(KafkaConfig config, NodeSocketFactory sockets, Path dataDir) {
      this.config = config;
      this.sockets = sockets;
      this.dataDir = dataDir;
    }

    void create() {
      scala.Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> dirs =
          KafkaRaftServer.initializeLogDirs(
              config, LOG, "[embedded controller " + config.nodeId() + "] ");
      Metrics nodeMetrics = new Metrics();
      SharedServer shared = newSharedServer(config, sockets, nodeMetrics, dirs._1());
      try {
        server = new ControllerServer(shared, KafkaRaftServer.configSchema(), dirs._2());
        metrics = nodeMetrics;
      } catch (RuntimeException | Error e) {
        shared.stopForController();
        nodeMetrics.close();
        throw e;
      }
    }

    void startup() {
      server.startup();
    }

    void shutdown() {
      ControllerServer current = server;
      if (current != null) {
        try {
          current.shutdown();
        } finally {
          server = null;
          closeMetrics(this.metrics);
          metrics = null;
        }
      }
    }
  }

  private final class BrokerNode {
    final int index;
    final KafkaConfig config;
    final NodeSocketFactory sockets;
    final Path dataDir;
    final int plaintextPort;
    final int saslPort;
    volatile BrokerServer server;
    volatile Metrics metrics;

    BrokerNode(
        int index,
        KafkaConfig config,
        NodeSocketFactory sockets,
        Path dataDir,
        int plaintextPort,
        int saslPort) {
      this.index = index;
      this.config = config;
      this.sockets = sockets;
      this.dataDir = dataDir;
      this.plaintextPort = plaintextPort;
      this.saslPort = saslPort;
    }

    boolean isRunning() {
      return server != null;
    }

    void create() {
      scala.Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> dirs =
          KafkaRaftServer.initializeLogDirs(config, LOG, "[embedded broker " + index + "] ");
      Metrics nodeMetrics = new Metrics();
      SharedServer shared = newSharedServer(config, sockets, nodeMetrics, dirs._1());
      try {
        server = new BrokerServer(shared);
        metrics = nodeMetrics;
      } catch (RuntimeException | Error e) {
        shared.stopForBroker();
        nodeMetrics.close();
        throw e;
      }
    }

    void startup() {
      server.startup();
    }

    void shutdown() {
      BrokerServer current = server;
      if (current != null) {
        try {
          current.shutdown(CONTROLLED_SHUTDOWN_TIMEOUT);
        } finally {
          server = null;
          closeMetrics(this.metrics);
          metrics = null;
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Helpers
  // ------------------------------------------------------------------------------------------------

  private static Map<String, String> defaultProperties(int brokerCount) {
    String internalRf = Integer.toString(Math.min(brokerCount, 3));
    String internalMinIsr = Integer.toString(Math.min(brokerCount, 2));
    Map<String, String> props = new HashMap<>();
    props.put("offsets.topic.replication.factor", internalRf);
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.replication.factor", internalRf);
    props.put("transaction.state.log.min.isr", internalMinIsr);
    props.put("transaction.state.log.num.partitions", "5");
    props.put("share.coordinator.state.topic.replication.factor", internalRf);
    props.put("share.coordinator.state.topic.min.isr", internalMinIsr);
    props.put("share.coordinator.state.topic.num.partitions", "5");
    props.put("group.initial.rebalance.delay.ms", "0");
    // Fast registration/unfencing of brokers. The session timeout also bounds how soon a stopped
    // broker can register again: the controller rejects a new incarnation of a broker id while the
    // old incarnation's session is still valid (DUPLICATE_BROKER_REGISTRATION).
    props.put("broker.heartbeat.interval.ms", "500");
    props.put("broker.session.timeout.ms", "3000");
    // Keep the footprint of each node small.
    props.put("num.network.threads", "2");
    props.put("num.io.threads", "4");
    props.put("background.threads", "4");
    props.put("num.recovery.threads.per.data.dir", "1");
    props.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
    // Each partition's offset and time indexes are created, at this size, on its first index
    // entry (after 4 KiB of data). At the 10 MiB default a topic of a thousand partitions makes
    // the broker allocate 20 GB at once and stall for seconds; 64 KiB still indexes ~350 MiB.
    props.put("log.index.size.max.bytes", Integer.toString(64 * 1024));
    return props;
  }

  private KafkaConfig kafkaConfig(Map<String, String> props, String node) {
    Map<String, String> all = new HashMap<>(props);
    all.put("server.max.startup.time.ms", Long.toString(startupTimeout.toMillis()));
    try {
      return new KafkaConfig(all, false);
    } catch (RuntimeException e) {
      throw new EmbeddedKafkaException(
          "Invalid Kafka configuration for " + node + ": " + e.getMessage(), e);
    }
  }

  private static String protocolMap() {
    return CONTROLLER_LISTENER
        + ":PLAINTEXT,"
        + PLAINTEXT_LISTENER
        + ":PLAINTEXT,"
        + SASL_LISTENER
        + ":SASL_PLAINTEXT";
  }

  private static String serverJaasConfig(Map<String, String> users) {
    StringBuilder sb = new StringBuilder(PLAIN_LOGIN_MODULE).append(" required");
    users.forEach(
        (user, password) -> sb.append(" user_").append(user).append('=').append(quote(password)));
    return sb.append(';').toString();
  }

  /**
   * Quotes a JAAS option value; Kafka's JAAS parser understands backslash escapes in quoted
   * strings.
   */
  private static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private Admin newAdmin() {
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) OPERATION_TIMEOUT.toMillis());
    return Admin.create(props);
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

  private static long deadlineAfter(Duration timeout) {
    return System.nanoTime() + timeout.toNanos();
  }

  private void waitUntil(String what, BooleanSupplier condition, long deadlineNanos) {
    while (true) {
      Throwable fault = faultHandlerFactory.firstFatalFault();
      if (fault != null) {
        throw new EmbeddedKafkaException(
            "Embedded Kafka hit a fatal fault while waiting for " + what, fault);
      }
      if (condition.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new EmbeddedKafkaException("Timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EmbeddedKafkaException("Interrupted while waiting for " + what, e);
      }
    }
  }

  /**
   * Runs the tasks in parallel on daemon threads and waits for all of them until the deadline.
   * Kafka bounds its own startup by {@code server.max.startup.time.ms}; this is the outer guard.
   */
  private void runAll(String what, List<Runnable> tasks, long deadlineNanos) {
    if (tasks.isEmpty()) {
      return;
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            tasks.size(), daemonThreads("embedded-kafka-" + what.replace(' ', '-')));
    boolean completed = false;
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Runnable task : tasks) {
        futures.add(executor.submit(task));
      }
      for (Future<?> future : futures) {
        long remaining = deadlineNanos - System.nanoTime();
        try {
          future.get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          throw new EmbeddedKafkaException("Embedded Kafka: " + what + " failed: " + cause, cause);
        } catch (TimeoutException e) {
          Throwable fault = faultHandlerFactory.firstFatalFault();
          EmbeddedKafkaException failure =
              new EmbeddedKafkaException(
                  "Embedded Kafka: "
                      + what
                      + " did not finish in time"
                      + (fault != null ? " (fatal fault: " + fault.getMessage() + ")" : ""),
                  fault);
          throw failure;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new EmbeddedKafkaException("Interrupted during: " + what, e);
        }
      }
      completed = true;
    } finally {
      if (completed) {
        executor.shutdown();
      } else {
        // Interrupt what is still running and give it a moment, so that the cleanup that follows
        // does not race with a half-finished startup.
        executor.shutdownNow();
        try {
          if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("Embedded Kafka: '{}' still running after being interrupted", what);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + THREAD_COUNTER.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void closeMetrics(Metrics metrics) {
    if (metrics != null) {
      try {
        metrics.close();
      } catch (RuntimeException e) {
        LOG.debug("Closing metrics failed", e);
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      Utils.delete(dir.toFile());
    } catch (IOException | RuntimeException e) {
      LOG.warn("Embedded Kafka: could not delete {}", dir, e);
    }
  }
}
