package io.handoff.helix;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.HandoffSettings;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.helix.HelixManager;
import org.apache.helix.controller.HelixControllerMain;
import org.apache.helix.manager.zk.ZKHelixAdmin;
import org.apache.helix.model.IdealState;
import org.apache.helix.model.LeaderStandbySMD;
import org.testng.annotations.Test;

/**
 * Three {@link HandoffServer} processes in a Helix cluster (in-process ZooKeeper and controller, an
 * embedded Kafka broker), restarted one by one with the stamp strategy: every handover whose old
 * leader's stamp was acknowledged takes the fast path, and the version topic, read back, shows no
 * two writers interleaving.
 */
public class HelixRollingRestartIT {

  private static final String CLUSTER = "handoff-it";
  private static final String TOPIC = "store_v1";
  private static final int PARTITIONS = 6;
  private static final int SERVERS = 3;
  private static final Duration SETTLE = Duration.ofSeconds(40);

  @Test(timeOut = 180_000)
  public void rollingRestartTakesTheFastPathAndNeverInterleaves() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "helix-it", "run-" + System.nanoTime()));
    List<ServerProcess> servers = new ArrayList<>();
    HelixManager controller = null;
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(1).start();
        EmbeddedZooKeeper zk = EmbeddedZooKeeper.start()) {
      kafka.createTopic(TOPIC, PARTITIONS);
      createCluster(zk.connectString());
      Path props = writeProperties(dir);
      for (int i = 1; i <= SERVERS; i++) {
        String instance = "server-" + i;
        servers.add(
            new ServerProcess(
                instance,
                dir,
                List.of(
                    zk.connectString(),
                    CLUSTER,
                    instance,
                    kafka.bootstrapServers(),
                    props.toString())));
      }
      servers.forEach(ServerProcess::start);
      for (ServerProcess s : servers) {
        await(() -> events(servers).count("server", s.instance(), "started") == 1, s, "start");
      }
      // The controller last: it then places every leader in one pass.
      controller =
          HelixControllerMain.startHelixController(
              zk.connectString(), CLUSTER, "controller", HelixControllerMain.STANDALONE);
      await(() -> events(servers).allWritable(PARTITIONS), servers.get(0), "first leaders");

      for (ServerProcess s : servers) {
        int status = s.stopGracefully(60);
        assertTrue(status == 0 || status == 143, s.instance() + " exited with " + status);
        await(() -> events(servers).allWritable(PARTITIONS), s, "handover after stopping");
        long starts = events(servers).count("server", s.instance(), "started");
        s.start();
        await(
            () -> events(servers).count("server", s.instance(), "started") == starts + 1,
            s,
            "restart");
        await(() -> events(servers).allWritable(PARTITIONS), s, "leaders after restart");
      }

      for (ServerProcess s : servers) {
        int status = s.stopGracefully(60);
        assertTrue(status == 0 || status == 143, s.instance() + " exited with " + status);
      }
      ServerEvents events = events(servers);
      checkHandovers(events);
      checkLog(kafka.bootstrapServers(), events);
    } finally {
      servers.forEach(ServerProcess::close);
      if (controller != null) {
        controller.disconnect();
      }
    }
  }

  /** Every handover whose old leader's stamp was acknowledged took the fast path. */
  private static void checkHandovers(ServerEvents events) {
    int stamped = 0;
    for (ServerEvents.Event leader : events.of("leader")) {
      int p = leader.partition();
      long before = -1;
      for (ServerEvents.Event e : events.of("promoting")) {
        if (e.partition() == p && e.term() < leader.term()) {
          before = Math.max(before, e.term());
        }
      }
      ServerEvents.Event stepDown = before < 0 ? null : events.find("stepdown", p, before);
      if (stepDown != null && "ACKED".equals(stepDown.get("status"))) {
        stamped++;
        assertEquals(
            leader.get("path"),
            "FAST_PATH",
            "handover of " + TOPIC + "-" + p + " after a stamp: " + leader.fields());
      }
    }
    // Each server led partitions when it stopped, and again after the others stopped.
    assertTrue(stamped >= SERVERS, "handovers after a stamp: " + stamped);
    // A graceful stop stamps every leadership whose handover had finished.
    for (ServerEvents.Event s : events.of("stepdown")) {
      if ("shutdown".equals(s.get("cause")) && "true".equals(s.get("established"))) {
        assertEquals(s.get("status"), "ACKED", s.fields().toString());
      }
    }
  }

  /** The version topic, read back: no two writers interleaving, and every server wrote. */
  private static void checkLog(String bootstrap, ServerEvents events) {
    List<VersionTopicAudit.Partition> audit = VersionTopicAudit.audit(bootstrap, TOPIC, PARTITIONS);
    java.util.Set<String> writers = new java.util.HashSet<>();
    int stamps = 0;
    for (VersionTopicAudit.Partition p : audit) {
      assertEquals(p.interleavings(), List.of(), TOPIC + "-" + p.partition());
      writers.addAll(p.dataByWriter().keySet());
      stamps += p.stamps();
    }
    // Helix places leaders as it likes; a rolling restart moves them at least once.
    assertTrue(writers.size() >= 2, "leadership moved between writers: " + writers);
    long acked =
        events.of("stepdown").stream().filter(s -> "ACKED".equals(s.get("status"))).count();
    // A stamp whose ack timed out may still have landed: never fewer than acknowledged.
    assertTrue(stamps >= acked, "stamps in the topic " + stamps + ", acknowledged " + acked);
  }

  private static void createCluster(String zk) {
    ZKHelixAdmin admin = new ZKHelixAdmin(zk);
    try {
      admin.addCluster(CLUSTER, true);
      if (!admin.getStateModelDefs(CLUSTER).contains(LeaderStandbySMD.name)) {
        admin.addStateModelDef(CLUSTER, LeaderStandbySMD.name, LeaderStandbySMD.build());
      }
      admin.addResource(
          CLUSTER,
          TOPIC,
          PARTITIONS,
          LeaderStandbySMD.name,
          IdealState.RebalanceMode.FULL_AUTO.name());
      admin.rebalance(CLUSTER, TOPIC, SERVERS);
    } finally {
      admin.close();
    }
  }

  private static Path writeProperties(Path dir) throws IOException {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.ACK_TIMEOUT_MS, "5000");
    // Shortened from 300 s: only the first leaders, with nobody before them, wait it out.
    p.setProperty(ServerSettings.INACTIVITY_WINDOW_MS, "3000");
    p.setProperty(ServerSettings.EXIT_ON_STDIN_EOF, "true");
    Path file = dir.resolve("server.properties");
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "handoff server, rolling restart test");
    }
    return file;
  }

  private static ServerEvents events(List<ServerProcess> servers) {
    return ServerEvents.read(servers.stream().map(s -> s.events()).toList());
  }

  private static void await(BooleanSupplier condition, ServerProcess about, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            what
                + " ("
                + about.instance()
                + ") not reached within "
                + SETTLE
                + "; its log:\n"
                + about.logTail());
      }
      Thread.sleep(100);
    }
  }
}
