package io.handoff.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;

/**
 * The entry point of one node of a {@link ForkedKafkaCluster}, in a process of its own:
 *
 * <pre>
 * java -cp ... io.handoff.embedded.ForkedKafkaNode controller|broker NODE_PROPERTIES CLUSTER_ID
 * </pre>
 *
 * <p>It formats the node's storage, starts the node on the ports its properties name and creates
 * the file {@value #READY_FILE} in its data directory once it runs. It stops when its standard
 * input ends: the cluster closes that pipe to stop it, and the pipe also ends when the process that
 * started it dies, however it dies, so that no node outlives its cluster.
 */
public final class ForkedKafkaNode {

  /** Created in the node's data directory once the node runs. */
  static final String READY_FILE = "ready";

  private ForkedKafkaNode() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3 || !(args[0].equals("controller") || args[0].equals("broker"))) {
      System.err.println(
          "usage: ForkedKafkaNode controller|broker NODE_PROPERTIES CLUSTER_ID (got "
              + String.join(" ", args)
              + ")");
      System.exit(2);
    }
    KafkaConfig config = new KafkaConfig(read(Path.of(args[1])), false);
    Path dataDir = Path.of(config.metadataLogDir());
    EmbeddedFaultHandlerFactory faults = new EmbeddedFaultHandlerFactory();
    // No reserved ports: the node binds the ports of its listeners, which the cluster chose.
    NodeSocketFactory sockets = new NodeSocketFactory();
    KafkaNode node =
        args[0].equals("controller")
            ? new ControllerNode(config, sockets, dataDir, faults)
            : new BrokerNode(config.nodeId(), config, sockets, dataDir, faults, -1, -1);
    node.format(args[2]);
    node.create();
    node.startup();
    Files.createFile(dataDir.resolve(READY_FILE));
    waitForEndOfInput(System.in);
    node.shutdown();
    System.exit(faults.firstFatalFault() == null ? 0 : 1);
  }

  private static Map<String, String> read(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    Map<String, String> props = new HashMap<>();
    p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k)));
    return props;
  }

  private static void waitForEndOfInput(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // Nothing is expected on the pipe but its end.
      }
    } catch (IOException e) {
      // A broken pipe means the cluster is gone: stop as well.
    }
  }
}
