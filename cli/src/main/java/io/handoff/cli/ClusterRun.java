package io.handoff.cli;

import io.handoff.helix.ServerEvents;
import io.handoff.helix.ServerProcess;
import io.handoff.helix.ServerSettings;
import io.handoff.spi.HandoffSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.helix.model.IdealState;
import org.apache.helix.model.InstanceConfig;
import org.apache.helix.model.LeaderStandbySMD;
import org.apache.helix.tools.ClusterVerifiers.BestPossibleExternalViewVerifier;
import org.apache.helix.tools.ClusterVerifiers.ZkHelixClusterVerifier;

/**
 * One store version of the cluster command, served by its own server processes under one strategy:
 * starts them, places the first leaders, carries out a scenario's actions (restart, kill, pause,
 * resume) and remembers when each happened, then stops every server. The handovers are read back
 * from the servers' event files ({@link ServerEvents}). Not thread-safe, except {@link #close()}.
 */
final class ClusterRun implements AutoCloseable {

  /** Which handoff switches a server's properties turn on. */
  enum Switches {
    NONE,
    CONSUME,
    CONSUME_AND_EMIT
  }

  /** Something the orchestrator did to a server, at wall-clock {@code atMs}. */
  record Action(double atMs, String instance, String what) {}

  final ClusterRig rig;
  final String scenario;
  final String strategy;
  final String topic;
  private final Path dir;
  private final List<ServerProcess> servers = new ArrayList<>();
  private final List<Action> actions = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> notServing = Collections.synchronizedSet(new HashSet<>());
  private ZkHelixClusterVerifier verifier;
  private double startedAtMs;
  private double endedAtMs;

  ClusterRun(ClusterRig rig, String scenario, String strategy, String topic, Path dir) {
    this.rig = rig;
    this.scenario = scenario;
    this.strategy = strategy;
    this.topic = topic;
    this.dir = dir;
  }

  int servers() {
    return servers.size();
  }

  String instance(int i) {
    return servers.get(i).instance();
  }

  /** Starts the servers with {@code switches}, adds the resource and waits for every leader. */
  void start(Switches switches) throws InterruptedException {
    ClusterRig.Settings s = rig.settings;
    List<String> jvm = List.of("-Dzk.session.timeout=" + s.sessionTimeout().toMillis());
    for (int i = 1; i <= s.servers(); i++) {
      String instance = "server-" + i;
      writeProperties(instance, switches);
      List<String> args =
          List.of(
              rig.zookeeper(),
              ClusterRig.CLUSTER,
              instance,
              rig.bootstrap(),
              dir.resolve(instance + ".properties").toString());
      servers.add(new ServerProcess(instance, dir, jvm, args));
      // Registered here, one after the other: servers that register themselves at the same time
      // can read each other's half-written instance and fail to start.
      if (!rig.admin().getInstancesInCluster(ClusterRig.CLUSTER).contains(instance)) {
        rig.admin().addInstance(ClusterRig.CLUSTER, new InstanceConfig(instance));
      }
    }
    servers.forEach(ServerProcess::start);
    for (ServerProcess p : servers) {
      await(() -> events().count("server", p.instance(), "started") == 1, p, "start");
    }
    rig.admin()
        .addResource(
            ClusterRig.CLUSTER,
            topic,
            s.partitions(),
            LeaderStandbySMD.name,
            IdealState.RebalanceMode.FULL_AUTO.name());
    rig.admin().rebalance(ClusterRig.CLUSTER, topic, s.servers());
    BestPossibleExternalViewVerifier.Builder b =
        new BestPossibleExternalViewVerifier.Builder(ClusterRig.CLUSTER)
            .setResources(Set.of(topic));
    b.setZkAddr(rig.zookeeper());
    verifier = b.build();
    awaitSettled(servers.get(0), "first leaders");
    startedAtMs = now();
  }

  /** The next start of server {@code i} uses {@code switches}. */
  void configure(int i, Switches switches) {
    writeProperties(instance(i), switches);
    act(i, "properties: " + switches.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
  }

  /** Stops server {@code i} gracefully, waits for its partitions' new leaders, starts it again. */
  void restart(int i) throws InterruptedException {
    stop(i);
    start(i);
  }

  void stop(int i) throws InterruptedException {
    ServerProcess p = servers.get(i);
    notServing.add(p.instance());
    act(i, "stop");
    int status = p.stopGracefully(60);
    if (status != 0 && status != 143) {
      throw new IllegalStateException(p.instance() + " exited with status " + status);
    }
    awaitSettled(p, "new leaders after stopping " + p.instance());
  }

  void start(int i) throws InterruptedException {
    ServerProcess p = servers.get(i);
    long starts = events().count("server", p.instance(), "started");
    act(i, "start");
    p.start();
    await(() -> events().count("server", p.instance(), "started") == starts + 1, p, "restart");
    notServing.remove(p.instance());
    awaitSettled(p, "leaders after starting " + p.instance());
  }

  /** {@code kill -9} of server {@code i}; waits until its partitions have new leaders. */
  void kill(int i) throws InterruptedException {
    ServerProcess p = servers.get(i);
    notServing.add(p.instance());
    act(i, "kill -9");
    p.kill();
    awaitSettled(p, "new leaders after killing " + p.instance());
  }

  /** SIGSTOP of server {@code i}; returns at once. */
  void pause(int i) {
    notServing.add(instance(i));
    act(i, "SIGSTOP");
    servers.get(i).pause();
  }

  /** SIGCONT of server {@code i}; returns at once. */
  void resume(int i) {
    act(i, "SIGCONT");
    servers.get(i).resume();
    notServing.remove(instance(i));
  }

  /**
   * Disables or enables server {@code i} in Helix, as an operator or a health check takes a
   * misbehaving server out: a disabled server is given no partition.
   */
  void enable(int i, boolean enabled) {
    act(i, enabled ? "enabled in Helix" : "disabled in Helix");
    rig.admin().enableInstance(ClusterRig.CLUSTER, instance(i), enabled);
  }

  /** The partitions whose writable leader is {@code instance} (by its events). */
  List<Integer> ledBy(String instance) {
    ServerEvents e = events();
    List<Integer> led = new ArrayList<>();
    for (int p = 0; p < rig.settings.partitions(); p++) {
      ServerEvents.Event latest = e.latestPromotion(p);
      if (latest != null
          && instance.equals(latest.instance())
          && e.find("leader", p, latest.term()) != null
          && e.find("stepdown", p, latest.term()) == null) {
        led.add(p);
      }
    }
    return led;
  }

  /** Ends the scenario's window and stops every server; the resource goes offline first. */
  void finish() throws InterruptedException {
    endedAtMs = now();
    rig.admin().enableResource(ClusterRig.CLUSTER, topic, false);
    // Each leader steps down on LEADER -> STANDBY, so no promotion races the servers' shutdown.
    await(() -> ledByAnyone().isEmpty(), servers.get(0), "resource offline");
    close();
    rig.admin().dropResource(ClusterRig.CLUSTER, topic);
  }

  private List<Integer> ledByAnyone() {
    List<Integer> led = new ArrayList<>();
    for (ServerProcess p : servers) {
      if (p.isAlive()) {
        led.addAll(ledBy(p.instance()));
      }
    }
    return led;
  }

  ServerEvents events() {
    return ServerEvents.read(servers.stream().map(ServerProcess::events).toList());
  }

  List<Action> actions() {
    return List.copyOf(actions);
  }

  double startedAtMs() {
    return startedAtMs;
  }

  double endedAtMs() {
    return endedAtMs;
  }

  /** Stops every server still running, all at once. Idempotent. */
  @Override
  public void close() {
    List<Thread> stops = new ArrayList<>();
    for (ServerProcess p : servers) {
      Thread t = new Thread(p::close, "stop-" + p.instance());
      t.start();
      stops.add(t);
    }
    for (Thread t : stops) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        servers.forEach(ServerProcess::close);
        break;
      }
    }
    ZkHelixClusterVerifier v = verifier;
    verifier = null;
    if (v != null) {
      v.close();
    }
  }

  /** Every partition writable by a serving leader, and Helix's external view as it should be. */
  void awaitSettled(int i, String what) throws InterruptedException {
    awaitSettled(servers.get(i), what);
  }

  private void awaitSettled(ServerProcess about, String what) throws InterruptedException {
    int partitions = rig.settings.partitions();
    await(
        () ->
            events().allWritable(partitions, instance -> !notServing.contains(instance))
                && verifier.verifyByPolling(1, 1),
        about,
        what);
  }

  private void await(BooleanSupplier condition, ServerProcess about, String what)
      throws InterruptedException {
    long timeout = rig.settings.settleTimeout().toNanos();
    long deadline = System.nanoTime() + timeout;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            topic
                + ": "
                + what
                + " not reached within "
                + rig.settings.settleTimeout().toSeconds()
                + " s; log of "
                + about.instance()
                + ":\n"
                + about.logTail());
      }
      Thread.sleep(100);
    }
  }

  private void act(int i, String what) {
    actions.add(new Action(now(), instance(i), what));
  }

  private static double now() {
    return System.currentTimeMillis();
  }

  private void writeProperties(String instance, Switches switches) {
    Properties p = new Properties();
    boolean consume = switches != Switches.NONE;
    p.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, Boolean.toString(consume));
    p.setProperty(
        HandoffSettings.EMIT_STEPDOWN_STAMP,
        Boolean.toString(switches == Switches.CONSUME_AND_EMIT));
    p.setProperty(
        ServerSettings.INACTIVITY_WINDOW_MS, Long.toString(rig.settings.window().toMillis()));
    p.setProperty(
        ServerSettings.WRITE_INTERVAL_MS, Long.toString(rig.settings.writeInterval().toMillis()));
    // A server whose orchestrator died stops with it: its standard input ends.
    p.setProperty(ServerSettings.EXIT_ON_STDIN_EOF, "true");
    Path file = dir.resolve(instance + ".properties");
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "handoff server " + instance + " of " + topic + ", " + switches);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
