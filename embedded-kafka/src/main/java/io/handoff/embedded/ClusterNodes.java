package io.handoff.embedded;

import io.handoff.embedded.EmbeddedKafkaClusterBuilder.ClusterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes of one cluster and what happens to them: starting them all, stopping and restarting a
 * single broker (the faults tests inject) and stopping them all. Callers serialise these calls.
 */
final class ClusterNodes {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

  final ControllerNode controller;
  final List<BrokerNode> brokers;
  final ClusterTasks tasks;
  private final Duration startupTimeout;

  private ClusterNodes(
      ControllerNode controller,
      List<BrokerNode> brokers,
      ClusterTasks tasks,
      Duration startupTimeout) {
    this.controller = controller;
    this.brokers = brokers;
    this.tasks = tasks;
    this.startupTimeout = startupTimeout;
  }

  /**
   * Reserves every node's ports and writes its configuration and storage directory under {@code
   * baseDir}; starts nothing. On failure, releases the ports reserved so far.
   */
  static ClusterNodes prepare(ClusterSpec spec, Path baseDir) throws IOException {
    EmbeddedFaultHandlerFactory faults = new EmbeddedFaultHandlerFactory();
    List<NodeSocketFactory> socketFactories = new ArrayList<>();
    try {
      NodeSocketFactory controllerSockets = new NodeSocketFactory();
      socketFactories.add(controllerSockets);
      int controllerPort = controllerSockets.reserve(EmbeddedKafkaCluster.CONTROLLER_LISTENER);
      NodeConfigs configs = new NodeConfigs(spec, controllerPort);
      Path controllerDir = Files.createDirectories(baseDir.resolve("controller"));
      ControllerNode controller =
          new ControllerNode(
              configs.controller(controllerPort, controllerDir),
              controllerSockets,
              controllerDir,
              faults);

      List<BrokerNode> brokers = new ArrayList<>();
      for (int i = 0; i < spec.brokers(); i++) {
        NodeSocketFactory sockets = new NodeSocketFactory();
        socketFactories.add(sockets);
        int plainPort = sockets.reserve(EmbeddedKafkaCluster.PLAINTEXT_LISTENER);
        int saslPort =
            spec.saslEnabled() ? sockets.reserve(EmbeddedKafkaCluster.SASL_LISTENER) : -1;
        Path dataDir = Files.createDirectories(baseDir.resolve("broker-" + i));
        brokers.add(
            new BrokerNode(
                i,
                configs.broker(i, plainPort, saslPort, dataDir),
                sockets,
                dataDir,
                faults,
                plainPort,
                saslPort));
      }
      return new ClusterNodes(
          controller,
          Collections.unmodifiableList(brokers),
          new ClusterTasks(faults),
          spec.startupTimeout());
    } catch (IOException | RuntimeException e) {
      socketFactories.forEach(NodeSocketFactory::closeUnused);
      throw e;
    }
  }

  /** Formats every node's storage, starts the controller, then all brokers in parallel. */
  void startAll(String clusterId) {
    long deadline = ClusterTasks.deadlineAfter(startupTimeout);
    controller.format(clusterId);
    for (BrokerNode node : brokers) {
      node.format(clusterId);
    }
    controller.create();
    tasks.runAll("start controller", List.of(controller::startup), deadline);
    List<Runnable> startups = new ArrayList<>();
    for (BrokerNode node : brokers) {
      node.create();
      startups.add(node::startup);
    }
    tasks.runAll("start brokers", startups, deadline);
    tasks.waitUntil(
        "every broker to see all brokers", () -> BrokerNode.seeEachOther(brokers), deadline);
  }

  /** Controlled shutdown of a running broker; returns once the others see it fenced. */
  void stopBroker(BrokerNode node) {
    if (!node.isRunning()) {
      throw new IllegalStateException("Broker " + node.index + " is not running");
    }
    long began = System.nanoTime();
    node.shutdown();
    long stopped = System.nanoTime();
    long deadline = ClusterTasks.deadlineAfter(TopicCreator.OPERATION_TIMEOUT);
    tasks.waitUntil(
        "the other brokers to see broker " + node.index + " as stopped",
        () -> BrokerNode.seeStopped(brokers, node.index),
        deadline);
    LOG.info(
        "Embedded Kafka broker {} stopped in {} ms (fenced after {} ms more)",
        node.index,
        TimeUnit.NANOSECONDS.toMillis(stopped - began),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped));
  }

  /** Starts a stopped broker again; returns once every running broker sees it unfenced. */
  void startBroker(BrokerNode node) {
    if (node.isRunning()) {
      throw new IllegalStateException("Broker " + node.index + " is already running");
    }
    long began = System.nanoTime();
    long deadline = ClusterTasks.deadlineAfter(startupTimeout);
    node.create();
    tasks.runAll("start broker " + node.index, List.of(node::startup), deadline);
    tasks.waitUntil(
        "every running broker to see all running brokers",
        () -> BrokerNode.seeEachOther(brokers),
        deadline);
    LOG.info(
        "Embedded Kafka broker {} restarted in {} ms",
        node.index,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
  }

  /** Stops the running brokers in parallel, then the controller; logs failures, never throws. */
  void stopAll() {
    List<Runnable> brokerShutdowns = new ArrayList<>();
    for (BrokerNode node : brokers) {
      if (node.isRunning()) {
        brokerShutdowns.add(node::shutdown);
      }
    }
    try {
      tasks.runAll(
          "stop brokers",
          brokerShutdowns,
          ClusterTasks.deadlineAfter(TopicCreator.OPERATION_TIMEOUT));
    } catch (RuntimeException e) {
      LOG.warn("Embedded Kafka: stopping brokers failed", e);
    }
    try {
      tasks.runAll(
          "stop controller",
          List.of(controller::shutdown),
          ClusterTasks.deadlineAfter(TopicCreator.OPERATION_TIMEOUT));
    } catch (RuntimeException e) {
      LOG.warn("Embedded Kafka: stopping the controller failed", e);
    }
    controller.sockets.closeUnused();
    brokers.forEach(b -> b.sockets.closeUnused());
  }
}
