package io.handoff.helix;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.host.ReferenceReplica.StampWiring;
import io.handoff.spi.HandoffConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.testng.annotations.Test;

public class HandoffServerArgsTest {

  private static final PrintStream OUT = new PrintStream(new ByteArrayOutputStream());

  @Test
  public void badArgumentsGiveOneLineNamingTheProblem() throws Exception {
    assertOneLine(new String[] {"zk"}, "expected 5 arguments, got 1");
    assertOneLine(new String[] {"zk", " ", "i", "b", "p"}, "argument <cluster> is blank");
    assertOneLine(
        new String[] {"zk", "c", "i", "b", "/nonexistent/server.properties"},
        "cannot read properties file /nonexistent/server.properties");

    Path file = Files.createTempFile("server", ".properties");
    try {
      Files.writeString(
          file,
          "handoff.server.write.batch=many\n"
              + "handoff.server.colour=red\n"
              + "server.leader.handover.emit.stepdown.stamp=maybe\n");
      String line =
          assertOneLine(new String[] {"zk", "c", "i", "b", file.toString()}, file.toString());
      assertTrue(line.contains("'many' for configuration handoff.server.write.batch"), line);
      assertTrue(line.contains("Unknown configuration handoff.server.colour"), line);
      assertTrue(
          line.contains("'maybe' for configuration server.leader.handover.emit.stepdown.stamp"),
          line);
    } finally {
      Files.delete(file);
    }
  }

  @Test
  public void settingsHaveDefaultsAndTakeEveryKey() {
    ServerSettings d = ServerSettings.from(new Properties());
    assertEquals(d.inactivityWindow(), Duration.ofMinutes(5));
    assertEquals(d.stampWiring(), StampWiring.HOST_PRODUCER);
    assertFalse(d.exitOnStdinEof());
    assertFalse(d.handoff().emitStepDownStamp());

    Properties p = new Properties();
    p.setProperty(ServerSettings.INACTIVITY_WINDOW_MS, "10000");
    p.setProperty(ServerSettings.CLUSTER_ID, "7");
    p.setProperty(ServerSettings.WRITE_INTERVAL_MS, "50");
    p.setProperty(ServerSettings.WRITE_BATCH, "0");
    p.setProperty(ServerSettings.STAMP_WIRING, "after_host_writes");
    p.setProperty(ServerSettings.EXIT_ON_STDIN_EOF, "true");
    p.setProperty("server.leader.handover.emit.stepdown.stamp", "true");
    ServerSettings s = ServerSettings.from(p);
    assertEquals(s.inactivityWindow(), Duration.ofSeconds(10));
    assertEquals(s.clusterId(), 7);
    assertEquals(s.writeInterval(), Duration.ofMillis(50));
    assertEquals(s.writeBatch(), 0);
    assertEquals(s.stampWiring(), StampWiring.AFTER_HOST_WRITES);
    assertTrue(s.exitOnStdinEof());
    assertTrue(s.handoff().emitStepDownStamp());

    p.setProperty(ServerSettings.WRITE_INTERVAL_MS, "0");
    HandoffConfigException e =
        expectThrows(HandoffConfigException.class, () -> ServerSettings.from(p));
    assertEquals(
        e.errors(),
        java.util.List.of(
            "Invalid value '0' for configuration handoff.server.write.interval.ms: must be a whole"
                + " number from 1 to 60000"));
  }

  @Test
  public void theEventLogWritesOneJsonObjectPerLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    HandoverLog log =
        new HandoverLog(new PrintStream(bytes, true, StandardCharsets.UTF_8), "s\"1", null);
    log.server("started");
    log.forTopic("store_v1").promoting(3, 42);
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(lines.length, 2);
    assertTrue(
        lines[0].matches(
            "\\{\"event\":\"server\",\"instance\":\"s\\\\\"1\",\"atMs\":\\d+\\.\\d{3},\"state\":\"started\"}"),
        lines[0]);
    assertTrue(lines[1].endsWith("\"topic\":\"store_v1\",\"partition\":3,\"term\":42}"), lines[1]);
  }

  private static String assertOneLine(String[] args, String expected) {
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> HandoffServer.fromArgs(args, OUT));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }
}
