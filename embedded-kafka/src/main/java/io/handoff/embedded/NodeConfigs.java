package io.handoff.embedded;

import io.handoff.embedded.EmbeddedKafkaClusterBuilder.ClusterSpec;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import kafka.server.KafkaConfig;

/**
 * Writes the Kafka server configuration of each node of one cluster: the test-friendly defaults,
 * then the builder's settings, then what the cluster manages itself (identity, listeners, quorum,
 * storage), which no setting may override.
 */
final class NodeConfigs {

  static final String PLAIN_LOGIN_MODULE =
      "org.apache.kafka.common.security.plain.PlainLoginModule";

  /** Broker settings that the cluster manages itself and that cannot be overridden. */
  static final Set<String> RESERVED_PROPERTIES =
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

  private final ClusterSpec spec;
  private final Map<String, String> defaults;
  private final String voters;

  NodeConfigs(ClusterSpec spec, int controllerPort) {
    this.spec = spec;
    this.defaults = defaultProperties(spec.brokers());
    this.voters =
        EmbeddedKafkaCluster.CONTROLLER_NODE_ID
            + "@"
            + NodeSocketFactory.LOOPBACK
            + ":"
            + controllerPort;
  }

  KafkaConfig controller(int port, Path dataDir) {
    Map<String, String> props = new HashMap<>(defaults);
    props.putAll(spec.brokerProperties());
    props.put("process.roles", "controller");
    props.put("node.id", Integer.toString(EmbeddedKafkaCluster.CONTROLLER_NODE_ID));
    props.put(
        "listeners",
        EmbeddedKafkaCluster.CONTROLLER_LISTENER + "://" + NodeSocketFactory.LOOPBACK + ":" + port);
    props.put("listener.security.protocol.map", protocolMap());
    props.put("controller.listener.names", EmbeddedKafkaCluster.CONTROLLER_LISTENER);
    props.put("controller.quorum.voters", voters);
    props.put("log.dirs", dataDir.toString());
    props.put("metadata.log.dir", dataDir.toString());
    return kafkaConfig(props, "controller");
  }

  /**
   * @param saslPort the SASL listener's port, ignored unless the cluster has SASL users
   */
  KafkaConfig broker(int index, int plainPort, int saslPort, Path dataDir) {
    String listeners =
        EmbeddedKafkaCluster.PLAINTEXT_LISTENER
            + "://"
            + NodeSocketFactory.LOOPBACK
            + ":"
            + plainPort
            + (spec.saslEnabled()
                ? ","
                    + EmbeddedKafkaCluster.SASL_LISTENER
                    + "://"
                    + NodeSocketFactory.LOOPBACK
                    + ":"
                    + saslPort
                : "");
    Map<String, String> props = new HashMap<>(defaults);
    if (spec.saslEnabled()) {
      String prefix =
          "listener.name." + EmbeddedKafkaCluster.SASL_LISTENER.toLowerCase(Locale.ROOT) + ".";
      props.put("sasl.enabled.mechanisms", "PLAIN");
      props.put(prefix + "sasl.enabled.mechanisms", "PLAIN");
      props.put(prefix + "plain.sasl.jaas.config", serverJaasConfig(spec.saslUsers()));
    }
    props.putAll(spec.brokerProperties());
    props.put("process.roles", "broker");
    props.put("node.id", Integer.toString(index));
    props.put("listeners", listeners);
    props.put("advertised.listeners", listeners);
    props.put("listener.security.protocol.map", protocolMap());
    props.put("inter.broker.listener.name", EmbeddedKafkaCluster.PLAINTEXT_LISTENER);
    props.put("controller.listener.names", EmbeddedKafkaCluster.CONTROLLER_LISTENER);
    props.put("controller.quorum.voters", voters);
    props.put("log.dirs", dataDir.toString());
    props.put("metadata.log.dir", dataDir.toString());
    return kafkaConfig(props, "broker " + index);
  }

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
    all.put("server.max.startup.time.ms", Long.toString(spec.startupTimeout().toMillis()));
    try {
      return new KafkaConfig(all, false);
    } catch (RuntimeException e) {
      throw new EmbeddedKafkaException(
          "Invalid Kafka configuration for " + node + ": " + e.getMessage(), e);
    }
  }

  private static String protocolMap() {
    return EmbeddedKafkaCluster.CONTROLLER_LISTENER
        + ":PLAINTEXT,"
        + EmbeddedKafkaCluster.PLAINTEXT_LISTENER
        + ":PLAINTEXT,"
        + EmbeddedKafkaCluster.SASL_LISTENER
        + ":SASL_PLAINTEXT";
  }

  private static String serverJaasConfig(Map<String, String> users) {
    StringBuilder sb = new StringBuilder(PLAIN_LOGIN_MODULE).append(" required");
    users.forEach(
        (user, password) -> sb.append(" user_").append(user).append('=').append(quote(password)));
    return sb.append(';').toString();
  }

  /** The client-side JAAS line for SASL/PLAIN. */
  static String clientJaasConfig(String user, String password) {
    return PLAIN_LOGIN_MODULE
        + " required username="
        + quote(user)
        + " password="
        + quote(password)
        + ";";
  }

  /**
   * Quotes a JAAS option value; Kafka's JAAS parser understands backslash escapes in quoted
   * strings.
   */
  private static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
