package io.handoff.embedded;

import java.nio.file.Path;
import kafka.server.ControllerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.SharedServer;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;

/** The cluster's single, dedicated KRaft controller. */
final class ControllerNode extends KafkaNode {

  private volatile ControllerServer server;

  ControllerNode(
      KafkaConfig config,
      NodeSocketFactory sockets,
      Path dataDir,
      EmbeddedFaultHandlerFactory faults) {
    super(config, sockets, dataDir, faults);
  }

  @Override
  String describe() {
    return "controller " + config.nodeId();
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
    server = new ControllerServer(shared, KafkaRaftServer.configSchema(), bootstrap);
  }

  @Override
  void stopShared(SharedServer shared) {
    shared.stopForController();
  }

  @Override
  void shutdownServer() {
    server.shutdown();
  }

  @Override
  void clearServer() {
    server = null;
  }
}
