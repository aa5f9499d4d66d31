package io.handoff.embedded;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.SharedServer;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of an embedded cluster: its configuration, pre-bound listener sockets and storage, and
 * the Kafka server that runs on them while it is up. A node can be created and shut down again any
 * number of times; its storage and ports stay. Lifecycle calls are serialised by the cluster.
 */
abstract class KafkaNode {

  static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

  final KafkaConfig config;
  final NodeSocketFactory sockets;
  final Path dataDir;
  private final EmbeddedFaultHandlerFactory faults;
  private volatile Metrics metrics;

  KafkaNode(
      KafkaConfig config,
      NodeSocketFactory sockets,
      Path dataDir,
      EmbeddedFaultHandlerFactory faults) {
    this.config = config;
    this.sockets = sockets;
    this.dataDir = dataDir;
    this.faults = faults;
  }

  /** Writes the node's meta.properties and bootstrap checkpoint; once, before the first create. */
  final void format(String clusterId) {
    Formatter formatter =
        new Formatter()
            .setPrintStream(
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
            .setNodeId(config.nodeId())
            .setClusterId(clusterId)
            .setDirectories(List.of(dataDir.toString()))
            .setMetadataLogDirectory(dataDir.toString())
            .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
            .setControllerListenerName(EmbeddedKafkaCluster.CONTROLLER_LISTENER)
            .setIgnoreFormatted(false);
    try {
      formatter.run();
    } catch (Exception e) {
      throw new EmbeddedKafkaException(
          "Could not format storage of node " + config.nodeId() + " in " + dataDir, e);
    }
  }

  /** Builds (but does not start) the node's server on its formatted storage. */
  final void create() {
    scala.Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> dirs =
        KafkaRaftServer.initializeLogDirs(config, LOG, "[embedded " + describe() + "] ");
    Metrics nodeMetrics = new Metrics();
    SharedServer shared =
        new SharedServer(
            config,
            dirs._1(),
            Time.SYSTEM,
            nodeMetrics,
            CompletableFuture.completedFuture(
                QuorumConfig.parseVoterConnections(config.quorumConfig().voters())),
            QuorumConfig.parseBootstrapServers(config.quorumConfig().bootstrapServers()),
            faults,
            sockets);
    try {
      createServer(shared, dirs._2());
      metrics = nodeMetrics;
    } catch (RuntimeException | Error e) {
      stopShared(shared);
      nodeMetrics.close();
      throw e;
    }
  }

  /** Stops the server if it runs and releases its metrics; the storage and ports stay. */
  final void shutdown() {
    if (!isRunning()) {
      return;
    }
    try {
      shutdownServer();
    } finally {
      clearServer();
      Metrics current = metrics;
      metrics = null;
      if (current != null) {
        try {
          current.close();
        } catch (RuntimeException e) {
          LOG.debug("Closing metrics failed", e);
        }
      }
    }
  }

  /** "controller 3000", "broker 0": for logs and thread names. */
  abstract String describe();

  abstract boolean isRunning();

  abstract void startup();

  abstract void createServer(SharedServer shared, BootstrapMetadata bootstrap);

  /** Releases a shared server whose node server could not be built. */
  abstract void stopShared(SharedServer shared);

  abstract void shutdownServer();

  abstract void clearServer();
}
