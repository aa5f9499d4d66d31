package io.handoff.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.testng.annotations.Test;

/** {@code handoff cluster}: its help and its refusals, before anything is started. */
public class ClusterCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return HandoffCli.run(new PrintWriter(out), new PrintWriter(err), args);
  }

  @Test
  public void helpNamesTheScenariosAndTheShortenedWindow() {
    assertEquals(run("cluster", "--help"), 0, err.toString());
    String help = out.toString();
    for (String word :
        new String[] {
          "rolling-restart",
          "rolling-upgrade",
          "crash",
          "pause",
          "--servers",
          "--partitions",
          "--inactivity-window",
          "--report",
          "min.insync.replicas=2"
        }) {
      assertTrue(help.contains(word), word + " missing from:\n" + help);
    }
  }

  @Test
  public void anUnknownScenarioIsAUsageError() {
    assertEquals(run("cluster", "--scenarios", "rolling-restart,reboot"), HandoffCli.EXIT_USAGE);
    assertTrue(err.toString().contains("unknown scenario 'reboot'"), err.toString());
  }

  @Test
  public void anUnknownStrategyIsAUsageError() {
    assertEquals(run("cluster", "--strategies", "fast"), HandoffCli.EXIT_USAGE);
    assertTrue(err.toString().contains("unknown strategy 'fast'"), err.toString());
  }

  @Test
  public void aSessionTimeoutZooKeeperWouldRefuseIsAUsageError() {
    assertEquals(run("cluster", "--session-timeout", "30s"), HandoffCli.EXIT_USAGE);
    assertTrue(err.toString().contains("--session-timeout must be from 1s to 10s"), err.toString());
  }
}
