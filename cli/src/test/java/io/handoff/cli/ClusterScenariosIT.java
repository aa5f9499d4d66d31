package io.handoff.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.handoff.cli.ClusterResult.Handover;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.testng.annotations.Test;

/**
 * A shortened rolling restart and crash of the cluster command, with separate server processes
 * under the stamp strategy: the audit finds no two writers interleaving, every graceful handover
 * whose stamp was acknowledged takes the fast path, and the crash's handovers take the legacy wait
 * and nothing else. Every process is stopped at the end, also when an assertion fails.
 */
public class ClusterScenariosIT {

  @Test(timeOut = 300_000)
  public void rollingRestartAndCrashWithTheStampStrategy() throws Exception {
    ClusterRig.Settings settings =
        new ClusterRig.Settings(
            3,
            6,
            Duration.ofSeconds(3),
            Duration.ofSeconds(4),
            Duration.ofMillis(20),
            Duration.ofSeconds(60),
            false);
    ClusterRig rig = ClusterRig.start(settings);
    try {
      ClusterResult restart = ClusterCommand.play(rig, ClusterScenario.ROLLING_RESTART, true);
      assertClean(restart);
      List<Handover> stamped =
          restart.handovers().stream().filter(h -> "ACKED".equals(h.stampStatus())).toList();
      // Each of the three servers led partitions when it stopped.
      assertTrue(stamped.size() >= 3, ClusterTable.line(restart));
      for (Handover h : stamped) {
        assertEquals(h.path(), "FAST_PATH", h.toString());
      }

      ClusterResult crash = ClusterCommand.play(rig, ClusterScenario.CRASH, true);
      assertClean(crash);
      List<Handover> afterKill =
          crash.handovers().stream().filter(h -> "kill -9".equals(h.endedBy())).toList();
      assertFalse(afterKill.isEmpty(), ClusterTable.line(crash));
      for (Handover h : afterKill) {
        assertEquals(h.path(), "LEGACY_WAIT", h.toString());
        assertEquals(h.reason(), "no_stamp", h.toString());
      }
      // The crashed server comes back: the leaderships Helix gives back are graceful again.
      for (Handover h : crash.handovers()) {
        if ("ACKED".equals(h.stampStatus())) {
          assertEquals(h.path(), "FAST_PATH", h.toString());
        }
      }
    } finally {
      rig.close();
    }
    Optional<ProcessHandle> left =
        ProcessHandle.current()
            .descendants()
            .filter(p -> p.info().commandLine().orElse("").contains("HandoffServer"))
            .filter(ProcessHandle::isAlive)
            .findAny();
    assertFalse(left.isPresent(), "a server outlived the rig: " + left);
    assertFalse(java.nio.file.Files.exists(rig.workDir), rig.workDir + " was not deleted");
  }

  private static void assertClean(ClusterResult r) {
    assertEquals(r.interleavings(), 0, ClusterTable.line(r));
    assertEquals(r.problems(), List.of(), ClusterTable.line(r));
    assertTrue(r.handovers().size() > 0, ClusterTable.line(r));
  }
}
