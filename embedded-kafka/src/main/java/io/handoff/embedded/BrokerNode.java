package io.handoff.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import kafka.server.BrokerServer;
import kafka.server.KafkaConfig;
import kafka.server.SharedServer;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.metadata.MetadataCache;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;

/**
 * A broker-only node; its index in the cluster is its node id. It keeps its ports across restarts,
 * so clients reconnect to the same address.
 */
final class BrokerNode extends KafkaNode {

  private static final Duration CONTROLLED_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  final int index;
  final int plaintextPort;
  final int saslPort;
  private volatile BrokerServer server;

  BrokerNode(
      int index,
      KafkaConfig config,
      NodeSocketFactory sockets,
      Path dataDir,
      EmbeddedFaultHandlerFactory faults,
      int plaintextPort,
      int saslPort) {
    super(config, sockets, dataDir, faults);
    this.index = index;
    this.plaintextPort = plaintextPort;
    this.saslPort = saslPort;
  }

  @Override
  String describe() {
    return "broker " + index;
  }

  @Override
  boolean isRunning() {
    return server != null;
  }

  @Override
  void startup() {
    server.startup();
  }

  @Override
  void createServer(SharedServer shared, BootstrapMetadata bootstrap) {
    server = new BrokerServer(shared);
  }

  @Override
  void stopShared(SharedServer shared) {
    shared.stopForBroker();
  }

  @Override
  void shutdownServer() {
    server.shutdown(CONTROLLED_SHUTDOWN_TIMEOUT);
  }

  @Override
  void clearServer() {
    server = null;
  }

  /** This broker's metadata cache, or null while it is stopped. */
  private MetadataCache cache() {
    BrokerServer current = server;
    return current == null ? null : current.metadataCache();
  }

  /** Whether every running broker sees every running broker registered and unfenced. */
  static boolean seeEachOther(List<BrokerNode> brokers) {
    for (BrokerNode observer : brokers) {
      MetadataCache cache = observer.cache();
      if (cache == null) {
        continue;
      }
      for (BrokerNode target : brokers) {
        if (target.isRunning()
            && (!cache.hasAliveBroker(target.index) || cache.isBrokerFenced(target.index))) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether every running broker sees broker {@code index} gone or fenced. */
  static boolean seeStopped(List<BrokerNode> brokers, int index) {
    for (BrokerNode other : brokers) {
      MetadataCache cache = other.cache();
      if (cache != null && cache.hasAliveBroker(index) && !cache.isBrokerFenced(index)) {
        return false;
      }
    }
    return true;
  }

  /** Whether every running broker knows a leader for each partition of {@code topic}. */
  static boolean leadersKnown(List<BrokerNode> brokers, String topic, int partitions) {
    ListenerName listener = ListenerName.normalised(EmbeddedKafkaCluster.PLAINTEXT_LISTENER);
    for (BrokerNode node : brokers) {
      MetadataCache cache = node.cache();
      if (cache == null) {
        continue;
      }
      for (int p = 0; p < partitions; p++) {
        if (cache.getPartitionLeaderEndpoint(topic, p, listener).isEmpty()) {
          return false;
        }
      }
    }
    return true;
  }
}
