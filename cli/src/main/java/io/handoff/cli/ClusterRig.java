package io.handoff.cli;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.helix.EmbeddedZooKeeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.helix.HelixManager;
import org.apache.helix.controller.HelixControllerMain;
import org.apache.helix.manager.zk.ZKHelixAdmin;
import org.apache.helix.model.LeaderStandbySMD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every run of the cluster command shares: an in-process ZooKeeper, a Helix controller and a
 * 3-broker Kafka cluster (replication factor 3, {@code min.insync.replicas=2}), and a work
 * directory for the servers' files. Each run ({@link ClusterRun}) adds a store version and its own
 * server processes. {@link #close()} stops everything that was started, runs, servers included, and
 * deletes the work directory; it is idempotent and registered as a shutdown hook, so Ctrl-C cleans
 * up too.
 */
final class ClusterRig implements AutoCloseable {

  static final String CLUSTER = "handoff-cluster";
  static final int BROKERS = 3;
  static final int MIN_INSYNC_REPLICAS = 2;

  private static final Logger LOG = LoggerFactory.getLogger(ClusterRig.class);

  /**
   * How a rig is set up.
   *
   * @param window the servers' inactivity window (shortened from production's 300 s)
   * @param sessionTimeout the servers' ZooKeeper session timeout: how long a crashed or paused
   *     server keeps its leaderships
   * @param writeInterval how often a leader writes a batch
   */
  record Settings(
      int servers,
      int partitions,
      Duration window,
      Duration sessionTimeout,
      Duration writeInterval,
      Duration settleTimeout,
      boolean keepFiles) {}

  final Settings settings;
  final Path workDir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<ClusterRun> runs = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread hook = new Thread(this::close, "cluster-cleanup");
  private EmbeddedKafkaCluster kafka;
  private EmbeddedZooKeeper zk;
  private ZKHelixAdmin admin;
  private int versions;

  private ClusterRig(Settings settings, Path workDir) {
    this.settings = settings;
    this.workDir = workDir;
  }

  /** Starts ZooKeeper, Kafka and the controller; on failure stops what had started, and throws. */
  static ClusterRig start(Settings settings) throws IOException {
    ClusterRig rig = new ClusterRig(settings, Files.createTempDirectory("handoff-cluster-"));
    Runtime.getRuntime().addShutdownHook(rig.hook);
    try {
      rig.zk = rig.remember(EmbeddedZooKeeper.start());
      rig.kafka =
          rig.remember(
              EmbeddedKafkaCluster.builder()
                  .brokers(BROKERS)
                  .brokerProperty("min.insync.replicas", Integer.toString(MIN_INSYNC_REPLICAS))
                  .start());
      rig.admin = new ZKHelixAdmin(rig.zk.connectString());
      rig.remember(rig.admin::close);
      rig.admin.addCluster(CLUSTER, true);
      rig.admin.addStateModelDef(CLUSTER, LeaderStandbySMD.name, LeaderStandbySMD.build());
      HelixManager controller =
          HelixControllerMain.startHelixController(
              rig.zk.connectString(), CLUSTER, "controller", HelixControllerMain.STANDALONE);
      rig.remember(controller::disconnect);
      return rig;
    } catch (IOException | RuntimeException e) {
      rig.close();
      throw e;
    }
  }

  private <T extends AutoCloseable> T remember(T resource) {
    synchronized (open) {
      open.add(resource);
    }
    return resource;
  }

  String zookeeper() {
    return zk.connectString();
  }

  String bootstrap() {
    return kafka.bootstrapServers();
  }

  ZKHelixAdmin admin() {
    return admin;
  }

  /**
   * A new store version (topic {@code store_v<n>}, a Helix resource of the same name) served by new
   * server processes; nothing is started yet.
   */
  ClusterRun newRun(String scenario, String strategy) {
    int version;
    synchronized (runs) {
      version = ++versions;
    }
    String topic = "store_v" + version;
    kafka.createTopic(
        topic,
        settings.partitions(),
        BROKERS,
        Map.of("min.insync.replicas", Integer.toString(MIN_INSYNC_REPLICAS)));
    Path dir = workDir.resolve(topic);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    ClusterRun run = new ClusterRun(this, scenario, strategy, topic, dir);
    synchronized (runs) {
      runs.add(run);
    }
    return run;
  }

  /** Stops every run's servers, the controller, Kafka and ZooKeeper; deletes the work directory. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook is this call's twin and finds everything closed
      }
    }
    synchronized (runs) {
      runs.forEach(ClusterRun::close);
    }
    List<AutoCloseable> toClose;
    synchronized (open) {
      toClose = new ArrayList<>(open);
    }
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        LOG.warn("Stopping {} failed: {}", toClose.get(i), e.toString());
      }
    }
    if (settings.keepFiles()) {
      return;
    }
    try (Stream<Path> files = Files.walk(workDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Deleting {} failed: {}", workDir, e.toString());
    }
  }
}
