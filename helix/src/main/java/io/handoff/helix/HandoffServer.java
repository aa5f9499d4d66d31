package io.handoff.helix;

import static java.util.Objects.requireNonNull;

import io.handoff.host.Handover;
import io.handoff.host.ReferenceReplica;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.HandoffConfigException;
import io.handoff.spi.LeaderTerms;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.apache.helix.HelixManager;
import org.apache.helix.HelixManagerFactory;
import org.apache.helix.InstanceType;
import org.apache.helix.manager.zk.ZKHelixAdmin;
import org.apache.helix.model.IdealState;
import org.apache.helix.model.InstanceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference host as a server process: joins a Helix cluster as a participant, hosts one {@link
 * ReferenceReplica} per resource (a resource is a version topic) following all its partitions, and
 * writes the partitions it leads with asynchronous sends. Its transitions go through {@link
 * LeaderStandbyModelFactory} and {@link LeadershipTransitions}; what they did is printed on
 * standard output, one JSON object per line ({@link HandoverLog}); logs go to standard error.
 *
 * <p>{@code java io.handoff.helix.HandoffServer <zookeeper> <cluster> <instance> <kafka-bootstrap>
 * <properties-file>}: the properties file holds the {@code server.leader.handover.*} settings and
 * the server's own ({@link ServerSettings}). Bad arguments exit with status 2 and one line on
 * standard error, a failed start with status 1. SIGTERM steps down from every partition led (one
 * stamp each, against one shared ack deadline), then leaves the cluster.
 */
public final class HandoffServer {

  static final String USAGE =
      "usage: HandoffServer <zookeeper> <cluster> <instance> <kafka-bootstrap> <properties-file>";

  private record Hosted(
      ReferenceReplica replica, LeadershipTransitions<Handover> transitions, int partitions) {}

  private final Logger log = LoggerFactory.getLogger(HandoffServer.class);
  private final String zookeeper;
  private final String cluster;
  private final String instance;
  private final String bootstrap;
  private final ServerSettings settings;
  private final HandoverLog events;
  private final CountingHandoffMetrics metrics = new CountingHandoffMetrics();
  private final Map<String, Hosted> hosted = new ConcurrentHashMap<>();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread writer = new Thread(this::writeLoop, "server-writer");
  private volatile boolean stopping;
  private ZKHelixAdmin admin;
  private HelixManager manager;

  /**
   * A server not yet started.
   *
   * @param out where the handover events go
   */
  public HandoffServer(
      String zookeeper,
      String cluster,
      String instance,
      String bootstrap,
      ServerSettings settings,
      PrintStream out) {
    this.zookeeper = requireNonNull(zookeeper, "zookeeper is null");
    this.cluster = requireNonNull(cluster, "cluster is null");
    this.instance = requireNonNull(instance, "instance is null");
    this.bootstrap = requireNonNull(bootstrap, "bootstrap is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.events = new HandoverLog(requireNonNull(out, "out is null"), instance, null);
    writer.setDaemon(true);
  }

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "handoff-server-logback.xml");
    }
    HandoffServer server = run(args);
    if (server == null) {
      // Some of Helix's threads are not daemons: without exit, a failed start would hang.
      System.exit(1);
    }
    // Others are: the process lives as long as the server, not as long as Helix's threads.
    server.awaitStopped();
  }

  /**
   * Starts a server from the command line, or exits with status 2 after one line on standard error
   * for bad arguments; null when it could not start (said on standard error).
   */
  static HandoffServer run(String[] args) {
    HandoffServer server;
    try {
      server = fromArgs(args, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("handoff-server: " + e.getMessage() + " (" + USAGE + ")");
      System.exit(2);
      return null;
    }
    try {
      server.start();
    } catch (Exception e) {
      System.err.println("handoff-server: could not start " + args[2] + ": " + e);
      server.stop();
      return null;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "server-shutdown"));
    if (server.settings.exitOnStdinEof()) {
      Thread watch = new Thread(() -> exitAtEndOf(System.in), "stdin-watch");
      watch.setDaemon(true);
      watch.start();
    }
    return server;
  }

  /**
   * Parses the command line.
   *
   * @throws IllegalArgumentException with one line naming the bad argument or value
   */
  static HandoffServer fromArgs(String[] args, PrintStream out) {
    if (args.length != 5) {
      throw new IllegalArgumentException("expected 5 arguments, got " + args.length);
    }
    String[] names = {"zookeeper", "cluster", "instance", "kafka-bootstrap", "properties-file"};
    for (int i = 0; i < 5; i++) {
      if (args[i].isBlank()) {
        throw new IllegalArgumentException("argument <" + names[i] + "> is blank");
      }
    }
    Properties props = new Properties();
    Path file = Path.of(args[4]);
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read properties file " + file + ": " + e, e);
    }
    ServerSettings settings;
    try {
      settings = ServerSettings.from(props);
    } catch (HandoffConfigException e) {
      throw new IllegalArgumentException(file + ": " + String.join("; ", e.errors()), e);
    }
    return new HandoffServer(args[0], args[1], args[2], args[3], settings, out);
  }

  /** Joins the cluster as a participant (adding the instance when it is new) and starts writing. */
  public void start() throws Exception {
    admin = new ZKHelixAdmin(zookeeper);
    if (!admin.getInstancesInCluster(cluster).contains(instance)) {
      admin.addInstance(cluster, new InstanceConfig(instance));
    }
    manager =
        HelixManagerFactory.getZKHelixManager(
            cluster, instance, InstanceType.PARTICIPANT, zookeeper);
    manager
        .getStateMachineEngine()
        .registerStateModelFactory(
            LeaderStandbyModelFactory.STATE_MODEL, new LeaderStandbyModelFactory(this::host));
    manager.connect();
    writer.start();
    events.server("started");
    log.info("{} joined cluster {} at {}", instance, cluster, zookeeper);
  }

  private LeadershipTransitions<?> host(String resource) {
    return hosted.computeIfAbsent(resource, this::open).transitions();
  }

  private Hosted open(String topic) {
    if (stopping) {
      throw new IllegalStateException(instance + " is stopping: not opening " + topic);
    }
    IdealState ideal = admin.getResourceIdealState(cluster, topic);
    if (ideal == null) {
      throw new IllegalStateException("resource " + topic + " not found in cluster " + cluster);
    }
    int partitions = ideal.getNumPartitions();
    ReferenceReplica replica =
        new ReferenceReplica(
            new ReferenceReplica.Config(
                instance,
                bootstrap,
                topic,
                settings.clusterId(),
                settings.inactivityWindow(),
                false,
                settings.stampWiring()),
            IntStream.range(0, partitions).boxed().toList(),
            settings.handoff(),
            metrics);
    LeadershipTransitions<Handover> transitions =
        new LeadershipTransitions<>(
            replicaOf(replica),
            Duration.ofMillis(settings.handoff().ackTimeoutMs()),
            events.forTopic(topic));
    return new Hosted(replica, transitions, partitions);
  }

  /** The reference replica's public API as the transitions drive it. */
  static LeadershipTransitions.Replica<Handover> replicaOf(ReferenceReplica replica) {
    return new LeadershipTransitions.Replica<>() {
      @Override
      public LeaderTerms terms() {
        return replica.terms();
      }

      @Override
      public String writerId() {
        return replica.config().replicaId();
      }

      @Override
      public int clusterId() {
        return replica.config().clusterId();
      }

      @Override
      public CompletableFuture<Handover> promote(int partition, long term) {
        return replica.promote(partition, term);
      }

      @Override
      public List<EmitOutcome> stepDown(Collection<Integer> partitions) {
        return replica.demoteAll(partitions);
      }
    };
  }

  private void writeLoop() {
    long pause = settings.writeInterval().toMillis();
    while (!stopping) {
      for (Hosted h : hosted.values()) {
        for (int p = 0; p < h.partitions() && settings.writeBatch() > 0; p++) {
          if (!h.replica().isWritable(p)) {
            continue;
          }
          int partition = p;
          try {
            h.replica()
                .writeDataAsync(p, settings.writeBatch())
                .whenComplete(
                    (offsets, e) -> {
                      if (e != null && !stopping) {
                        log.warn("Write to {}-{} failed: {}", h.replica(), partition, e.toString());
                      }
                    });
          } catch (IllegalStateException e) {
            // Stepped down between the check and the write: nothing was handed to the producer.
          }
        }
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Steps down from every partition led, leaves the cluster and closes the replicas. Idempotent;
   * called by the shutdown hook on SIGTERM.
   */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    events.server("stopping");
    stopping = true;
    writer.interrupt();
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Before disconnecting: Helix's reset() after it then finds nothing led.
    hosted.values().forEach(h -> closeQuietly(h.transitions(), "transitions"));
    if (manager != null) {
      try {
        manager.disconnect();
      } catch (RuntimeException e) {
        log.warn("Leaving cluster {} failed: {}", cluster, e.toString());
      }
    }
    hosted.values().forEach(h -> closeQuietly(h.replica(), "replica"));
    if (admin != null) {
      admin.close();
    }
    events.server("stopped");
    done.countDown();
  }

  /** Waits until {@link #stop()} has finished. */
  public void awaitStopped() {
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeQuietly(AutoCloseable c, String what) {
    try {
      c.close();
    } catch (Exception e) {
      log.warn("Closing the {} of {} failed: {}", what, instance, e.toString());
    }
  }

  private static void exitAtEndOf(InputStream in) {
    try {
      while (in.read() >= 0) {
        // only the end matters
      }
    } catch (IOException e) {
      // a broken pipe is an end too
    }
    System.exit(0);
  }
}
