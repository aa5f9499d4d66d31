package io.handoff.helix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A single ZooKeeper server in this JVM, on a free loopback port, with its data in a temporary
 * directory removed by {@link #close()}: what a Helix cluster of tests, demos and the cluster
 * command needs. Starts in about a second.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

  private final Path dir;
  private final ServerCnxnFactory factory;

  private EmbeddedZooKeeper(Path dir, ServerCnxnFactory factory) {
    this.dir = dir;
    this.factory = factory;
  }

  /**
   * Starts a server.
   *
   * @throws IOException if the directory or the port cannot be had
   */
  public static EmbeddedZooKeeper start() throws IOException {
    Path dir = Files.createTempDirectory("handoff-zk-");
    ServerCnxnFactory factory = null;
    try {
      ZooKeeperServer server =
          new ZooKeeperServer(dir.resolve("snap").toFile(), dir.resolve("log").toFile(), 500);
      factory =
          ServerCnxnFactory.createFactory(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
      factory.startup(server);
      return new EmbeddedZooKeeper(dir, factory);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cleanUp(factory, dir);
      throw new IOException("interrupted while starting ZooKeeper", e);
    } catch (IOException | RuntimeException e) {
      cleanUp(factory, dir);
      throw e;
    }
  }

  /** {@code 127.0.0.1:port}. */
  public String connectString() {
    return InetAddress.getLoopbackAddress().getHostAddress() + ":" + factory.getLocalPort();
  }

  /** Stops the server and deletes its data. */
  @Override
  public void close() {
    cleanUp(factory, dir);
  }

  private static void cleanUp(ServerCnxnFactory factory, Path dir) {
    if (factory != null) {
      factory.shutdown();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
