package io.handoff.cli;

import io.handoff.cli.ClusterRun.Switches;
import io.handoff.helix.ServerEvents;
import java.time.Duration;
import java.util.List;

/**
 * What the cluster command does to the servers of a run. Each scenario is played once per strategy:
 * {@code noop} runs every server without the handoff switches, {@code stamp} with consuming and
 * emitting on (the rolling upgrade moves through the switches instead).
 */
enum ClusterScenario {
  ROLLING_RESTART("rolling-restart", "each server in turn stops gracefully and starts again") {
    @Override
    void play(ClusterRun run, boolean stamp) throws InterruptedException {
      for (int i = 0; i < run.servers(); i++) {
        run.restart(i);
      }
    }
  },
  ROLLING_UPGRADE(
      "rolling-upgrade",
      "servers restart one by one with consuming on, then emitting on, then back (a rollback)") {
    @Override
    Switches initial(boolean stamp) {
      return Switches.NONE;
    }

    @Override
    void play(ClusterRun run, boolean stamp) throws InterruptedException {
      // The noop run restarts as often, without ever turning a switch on: the baseline.
      List<Switches> stages =
          stamp
              ? List.of(
                  Switches.CONSUME, Switches.CONSUME_AND_EMIT, Switches.CONSUME, Switches.NONE)
              : List.of(Switches.NONE, Switches.NONE, Switches.NONE, Switches.NONE);
      for (Switches stage : stages) {
        for (int i = 0; i < run.servers(); i++) {
          run.configure(i, stage);
          run.restart(i);
        }
      }
    }
  },
  CRASH("crash", "kill -9 of the server leading the most partitions, then it starts again") {
    @Override
    void play(ClusterRun run, boolean stamp) throws InterruptedException {
      int victim = busiest(run);
      run.kill(victim);
      run.start(victim);
    }
  },
  PAUSE(
      "pause",
      "SIGSTOP of the server leading the most partitions until Helix moved its leaderships, then"
          + " SIGCONT: a zombie that writes again; it is disabled in Helix meanwhile, restarted after") {
    @Override
    void play(ClusterRun run, boolean stamp) throws InterruptedException {
      int victim = busiest(run);
      String instance = run.instance(victim);
      List<Integer> led = run.ledBy(instance);
      run.pause(victim);
      long deadline = System.nanoTime() + run.rig.settings.settleTimeout().toNanos();
      try {
        while (!movedAway(run.events(), led, instance)) {
          if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException(
                run.topic + ": Helix did not move the leaderships of paused " + instance);
          }
          Thread.sleep(50);
        }
        // Taken out as a health check would: otherwise Helix gives the zombie its partitions back
        // as soon as it reconnects, cancelling the promotions that must face its records.
        run.enable(victim, false);
        // Wake the zombie while its successors still wait: they must see its records and refuse
        // the fast path; waking it after their window would let it interleave with any strategy.
        Duration window = run.rig.settings.window();
        Thread.sleep(Math.min(2_000, window.toMillis() / 4));
      } finally {
        run.resume(victim);
      }
      run.awaitSettled(victim, "leaders after resuming " + instance);
      // Back into service the way an operator brings back a server that hung: a clean restart.
      run.stop(victim);
      run.enable(victim, true);
      run.start(victim);
    }
  };

  final String label;
  final String description;

  ClusterScenario(String label, String description) {
    this.label = label;
    this.description = description;
  }

  /** The switches every server starts with. */
  Switches initial(boolean stamp) {
    return stamp ? Switches.CONSUME_AND_EMIT : Switches.NONE;
  }

  abstract void play(ClusterRun run, boolean stamp) throws InterruptedException;

  static ClusterScenario of(String label) {
    for (ClusterScenario s : values()) {
      if (s.label.equals(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown scenario '"
            + label
            + "': choose from rolling-restart, rolling-upgrade, crash, pause");
  }

  /** The server leading the most partitions. */
  static int busiest(ClusterRun run) {
    int best = 0;
    int most = -1;
    for (int i = 0; i < run.servers(); i++) {
      int led = run.ledBy(run.instance(i)).size();
      if (led > most) {
        most = led;
        best = i;
      }
    }
    return best;
  }

  private static boolean movedAway(ServerEvents events, List<Integer> led, String from) {
    for (int p : led) {
      ServerEvents.Event latest = events.latestPromotion(p);
      if (latest == null || from.equals(latest.instance())) {
        return false;
      }
    }
    return true;
  }
}
