package io.handoff.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.testsupport.SharedKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

public class DemoCommandTest {

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startKafka() {
    kafka = SharedKafka.cluster();
  }

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = HandoffCli.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  /** The table row of a strategy: handovers, stamps, fast paths, legacy waits. */
  private static long[] row(String out, String strategy) {
    Matcher m =
        Pattern.compile("(?m)^" + strategy + "\\s+(\\d+)\\s+.*?\\s(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$")
            .matcher(out);
    assertTrue(m.find(), "no table row for " + strategy + " in:\n" + out);
    return new long[] {
      Long.parseLong(m.group(1)),
      Long.parseLong(m.group(2)),
      Long.parseLong(m.group(3)),
      Long.parseLong(m.group(4))
    };
  }

  @Test
  public void demoOnAGivenClusterShowsTheStampCuttingTheWait() throws Exception {
    Path report = Files.createTempFile("handoff-demo", ".html");
    Result r =
        run(
            "demo",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--partitions",
            "3",
            "--rounds",
            "2",
            "--records",
            "3",
            "--inactivity-window",
            "1500ms",
            "--report",
            report.toString());
    assertEquals(r.code(), 0, r.err());
    assertTrue(r.out().contains("shortened from the 300 s production default"), r.out());
    assertEquals(
        row(r.out(), "noop"), new long[] {6, 0, 0, 6}, "noop: every handover waits, no stamp");
    assertEquals(
        row(r.out(), "stamp"),
        new long[] {6, 6, 6, 0},
        "stamp: every handover takes the fast path");
    Matcher speedup =
        Pattern.compile("Speedup of the median gap with the stamp: ([\\d,]+)x").matcher(r.out());
    assertTrue(speedup.find(), r.out());
    assertTrue(Long.parseLong(speedup.group(1).replace(",", "")) > 1, r.out());
    String html = Files.readString(report);
    assertTrue(
        html.contains("<svg") && html.contains("<table") && html.contains("stamp"),
        "self-contained report");
    assertFalse(html.contains("<script src") || html.contains("<link "), "no external resources");
    assertEquals(
        Pattern.compile("<g class=\"timeline\" ").matcher(html).results().count(),
        12L,
        "one timeline per strategy, round and partition");
    Files.deleteIfExists(report);
  }

  @Test
  public void demoStartsItsOwnBrokerByDefault() {
    Result r =
        run(
            "demo",
            "--partitions",
            "1",
            "--rounds",
            "1",
            "--records",
            "1",
            "--inactivity-window",
            "1s");
    assertEquals(r.code(), 0, r.err());
    assertTrue(r.out().contains("Starting an embedded Kafka broker"), r.out());
    assertEquals(row(r.out(), "stamp")[2], 1);
  }

  @Test
  public void badArgumentsGiveOneLineAndNoStackTrace() {
    Result zero = run("demo", "--partitions", "0");
    assertEquals(zero.code(), HandoffCli.EXIT_FAILURE);
    assertEquals(
        zero.err().trim(), "handoff: error: --partitions must be between 1 and 1000, got 0");

    for (String name : new String[] {"--inactivity-window", "--inactivity-wait"}) {
      Result bad = run("demo", name, "soon");
      assertEquals(bad.code(), HandoffCli.EXIT_USAGE, name);
      assertTrue(bad.err().contains("'soon' is not a duration"), bad.err());
      assertFalse(bad.err().contains("\tat "), "no stack trace without -v");
    }

    Result zeroWindow = run("demo", "--inactivity-window", "0s");
    assertEquals(zeroWindow.code(), HandoffCli.EXIT_FAILURE);
    assertEquals(
        zeroWindow.err().trim(), "handoff: error: --inactivity-window must be positive, got 0ms");

    Result unknown = run("demo", "--frobnicate");
    assertEquals(unknown.code(), HandoffCli.EXIT_USAGE);
    assertTrue(unknown.err().contains("--frobnicate"), unknown.err());
  }
}
