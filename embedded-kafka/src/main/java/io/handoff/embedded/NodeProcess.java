package io.handoff.embedded;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a {@link ForkedKafkaCluster}: its process, its directory and the port clients reach
 * it on (brokers only; -1 for the controller). Its output goes to {@code node.log} there.
 */
record NodeProcess(String name, Process process, Path dir, int port) {

  private static final Logger LOG = LoggerFactory.getLogger(ForkedKafkaCluster.class);

  Path log() {
    return dir.resolve("node.log");
  }

  /** Writes the node's configuration into {@code dir} and starts its process on it. */
  static NodeProcess launch(
      String role, KafkaConfig config, Path dir, String heap, String clusterId, int port)
      throws IOException {
    Properties props = new Properties();
    config.originals().forEach((k, v) -> props.setProperty(k, String.valueOf(v)));
    Path file = dir.resolve("node.properties");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      props.store(w, role + " " + config.nodeId());
    }
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            heap,
            "-cp",
            System.getProperty("java.class.path"),
            ForkedKafkaNode.class.getName(),
            role,
            file.toString(),
            clusterId);
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("node.log").toFile());
    String name = role.equals("broker") ? "broker " + config.nodeId() : role;
    return new NodeProcess(name, pb.start(), dir, port);
  }

  /**
   * Whether the node runs.
   *
   * @throws EmbeddedKafkaException with the end of its log if it exited before it ran
   */
  boolean isReady() {
    if (Files.exists(dir.resolve(ForkedKafkaNode.READY_FILE))) {
      return true;
    }
    if (!process.isAlive()) {
      throw new EmbeddedKafkaException(
          "Forked Kafka "
              + name
              + " exited with status "
              + process.exitValue()
              + " before it ran; the end of "
              + log()
              + ":\n"
              + tail());
    }
    return false;
  }

  /** Ends the nodes' input, which stops them, and waits; kills what does not stop in time. */
  static void stop(List<NodeProcess> nodes, Duration timeout) {
    for (NodeProcess n : nodes) {
      try {
        n.process().getOutputStream().close();
      } catch (IOException e) {
        // Its end of the pipe is gone: the process is gone or going.
      }
    }
    long deadline = ClusterTasks.deadlineAfter(timeout);
    for (NodeProcess n : nodes) {
      try {
        long left = Math.max(1, deadline - System.nanoTime());
        if (!n.process().waitFor(left, TimeUnit.NANOSECONDS)) {
          LOG.warn("Forked Kafka {} did not stop within {}; killing it", n.name(), timeout);
          n.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        n.process().destroyForcibly();
      }
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
