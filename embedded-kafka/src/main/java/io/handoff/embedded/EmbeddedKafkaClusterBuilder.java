package io.handoff.embedded;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configures and starts an {@link EmbeddedKafkaCluster}; obtained from {@link
 * EmbeddedKafkaCluster#builder()}. Not thread-safe: configure it on one thread, then call {@link
 * #start()}.
 */
public final class EmbeddedKafkaClusterBuilder {

  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._-]+");

  private static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private int brokers = 1;
  private final Map<String, String> brokerProperties = new LinkedHashMap<>();
  private final Map<String, String> saslUsers = new LinkedHashMap<>();
  private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;

  EmbeddedKafkaClusterBuilder() {}

  /**
   * Number of brokers (default 1). Brokers are broker-only nodes; the KRaft quorum is a separate,
   * single controller node, so any one broker of a multi-broker cluster can be stopped.
   *
   * @param n number of brokers, at least 1
   * @return this builder
   */
  public EmbeddedKafkaClusterBuilder brokers(int n) {
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
   * applies cluster-wide defaults when it creates topics. They override the cluster's test-friendly
   * defaults. Listener, node identity, quorum and storage-directory settings are managed by the
   * cluster and rejected.
   *
   * @param key Kafka server config name
   * @param value its value
   * @return this builder
   * @throws IllegalArgumentException for a setting that the cluster manages itself
   */
  public EmbeddedKafkaClusterBuilder brokerProperty(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (NodeConfigs.RESERVED_PROPERTIES.contains(key.trim().toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "'" + key + "' is managed by EmbeddedKafkaCluster and cannot be set");
    }
    brokerProperties.put(key.trim(), value);
    return this;
  }

  /**
   * Adds a user for SASL/PLAIN authentication. When at least one user is added, every broker also
   * exposes a {@code SASL_PLAINTEXT} listener (mechanism {@code PLAIN}) that accepts exactly these
   * users, configured through {@code listener.name.sasl_plaintext.plain.sasl.jaas.config}. The
   * {@code PLAINTEXT} listener stays available without authentication.
   *
   * @param user user name: letters, digits, {@code .}, {@code _} and {@code -}
   * @param password its password (any characters)
   * @return this builder
   */
  public EmbeddedKafkaClusterBuilder saslPlainUser(String user, String password) {
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
   * Upper bound for {@link #start()} and {@link EmbeddedKafkaCluster#startBroker(int)} (default 60
   * s).
   *
   * @param timeout a positive duration
   * @return this builder
   */
  public EmbeddedKafkaClusterBuilder startupTimeout(Duration timeout) {
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
      cluster = new EmbeddedKafkaCluster(spec());
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

  /**
   * Starts the same cluster with its controller and every broker in a JVM of its own, for sizes one
   * JVM cannot hold (see {@link ForkedKafkaCluster}). SASL users are not supported there.
   *
   * @return the running cluster
   * @throws EmbeddedKafkaException if a node does not come up within the startup timeout (naming
   *     its log, and with the end of it when the node exited); every process started so far is
   *     stopped
   * @throws IllegalStateException if SASL users were added
   */
  public ForkedKafkaCluster startForked() {
    return ForkedKafkaCluster.start(spec());
  }

  private ClusterSpec spec() {
    return new ClusterSpec(
        brokers,
        Collections.unmodifiableMap(new LinkedHashMap<>(brokerProperties)),
        Collections.unmodifiableMap(new LinkedHashMap<>(saslUsers)),
        startupTimeout);
  }

  /** What the builder collected, frozen. */
  record ClusterSpec(
      int brokers,
      Map<String, String> brokerProperties,
      Map<String, String> saslUsers,
      Duration startupTimeout) {

    boolean saslEnabled() {
      return !saslUsers.isEmpty();
    }
  }
}
