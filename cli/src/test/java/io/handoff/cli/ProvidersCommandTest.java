package io.handoff.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** {@code handoff providers}: discovery, selection, effective settings; never a broker. */
public class ProvidersCommandTest {

  private static final String EMIT = "server.leader.handover.emit.stepdown.stamp";
  private static final String CONSUME = "server.leader.handover.consume.stepdown.stamp";

  private Path dir;

  @BeforeClass
  public void createDir() throws Exception {
    dir = Files.createTempDirectory("handoff-providers-test-");
  }

  @AfterClass(alwaysRun = true)
  public void deleteDir() throws Exception {
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  record Result(int code, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "providers";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = HandoffCli.run(new PrintWriter(out), new PrintWriter(err), all);
    return new Result(code, out.toString(), err.toString());
  }

  private static void assertSelected(Result r, String emitter, String observer) {
    assertEquals(r.code(), 0, r.err());
    assertTrue(
        r.outLines().stream()
            .anyMatch(l -> l.matches("\\s*emitter:\\s+" + emitter + "\\s+\\(.*\\)")),
        r.out());
    assertTrue(
        r.outLines().stream()
            .anyMatch(l -> l.matches("\\s*observer:\\s+" + observer + "\\s+\\(.*\\)")),
        r.out());
  }

  private static void assertSetting(Result r, String key, String value) {
    assertTrue(
        r.outLines().stream()
            .anyMatch(
                l -> l.matches("\\s*" + Pattern.quote(key) + "\\s+= " + Pattern.quote(value))),
        key + " = " + value + " in\n" + r.out());
  }

  @Test
  public void listsNoopAndStampWithClassAndLocation() {
    Result r = run();
    assertEquals(r.code(), 0, r.err());
    assertTrue(
        r.outLines().stream()
            .anyMatch(l -> l.matches("\\s*noop\\s+io\\.handoff\\.noop\\.\\S+\\s+\\S+")),
        r.out());
    assertTrue(
        r.outLines().stream()
            .anyMatch(l -> l.matches("\\s*stamp\\s+io\\.handoff\\.stamp\\.\\S+\\s+\\S+")),
        r.out());
  }

  @Test
  public void noPropertiesSelectNoopForBoth() {
    Result r = run();
    assertSelected(r, "noop", "noop");
    assertSetting(r, EMIT, "false");
    assertSetting(r, "server.leader.handover.strategy", "stamp");
    assertTrue(r.out().contains("Warnings (0)"), r.out());
  }

  @Test
  public void emitSwitchSelectsTheStampEmitterWithoutTouchingABroker() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    long started = System.nanoTime();
    Result r =
        run(
            "--set",
            EMIT + "=true",
            "--set",
            "server.leader.handover.kafka.bootstrap.servers=127.0.0.1:" + closedPort);
    assertSelected(r, "stamp", "noop");
    assertSetting(r, "server.leader.handover.kafka.bootstrap.servers", "127.0.0.1:" + closedPort);
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 5_000);
  }

  @Test
  public void secretsNeverPrint() {
    Result r =
        run(
            "--set",
            "server.leader.handover.kafka.sasl.jaas.config="
                + "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"s3cr3t\";");
    assertEquals(r.code(), 0, r.err());
    assertFalse(r.out().contains("s3cr3t"), r.out());
    assertFalse(r.err().contains("s3cr3t"), r.err());
    assertSetting(r, "server.leader.handover.kafka.sasl.jaas.config", "[hidden]");
  }

  @Test
  public void invalidValueFailsWithTheExactError() {
    Result r = run("--set", EMIT + "=abc");
    assertEquals(r.code(), 1, r.err());
    assertTrue(
        r.err()
            .lines()
            .anyMatch(
                l ->
                    l.equals(
                        "Invalid value 'abc' for configuration server.leader.handover.emit.stepdown.stamp: must be true or false")),
        r.err());
    assertFalse(r.out().contains("Selected:"), r.out());
  }

  @Test
  public void unknownStrategyFailsWithTheAvailableNames() {
    Result r = run("--set", "server.leader.handover.strategy=foo");
    assertEquals(r.code(), 1, r.err());
    assertTrue(
        r.err()
            .lines()
            .anyMatch(
                l ->
                    l.startsWith(
                        "Unknown strategy 'foo' for server.leader.handover.strategy. Available: [noop, stamp]")),
        r.err());
  }

  @Test
  public void everyConfigurationErrorIsShownAtOnce() {
    Result r = run("--set", EMIT + "=abc", "--set", "server.leader.handover.strategy=foo");
    assertEquals(r.code(), 1, r.err());
    assertTrue(r.err().contains("Invalid value 'abc'"), r.err());
    assertTrue(r.err().contains("Unknown strategy 'foo'"), r.err());
  }

  @Test
  public void aBadTimeoutABadKafkaValueAndAnUnknownStrategyAreShownInOnePass() {
    Result r =
        run(
            "--set",
            EMIT + "=true",
            "--set",
            "server.leader.handover.emit.stepdown.stamp.ack.timeout.ms=-1",
            "--set",
            "server.leader.handover.kafka.acks=banana",
            "--set",
            "server.leader.handover.strategy=foo");
    assertEquals(r.code(), 1, r.err());
    assertEquals(
        r.err().lines().toList(),
        List.of(
            "handoff: error: invalid configuration (3 errors):",
            "Invalid value '-1' for configuration"
                + " server.leader.handover.emit.stepdown.stamp.ack.timeout.ms: must be at least 0",
            "Unknown strategy 'foo' for server.leader.handover.strategy. Available: [noop, stamp]",
            "Invalid value 'banana' for configuration server.leader.handover.kafka.acks:"
                + " String must be one of: all, -1, 0, 1"),
        r.err());
    assertFalse(r.out().contains("Selected:"), r.out());
  }

  @Test
  public void listsEveryKeyWithTypeDefaultAndDocumentation() {
    Result r = run();
    assertEquals(r.code(), 0, r.err());
    assertTrue(r.out().contains("Keys of spi (4):"), r.out());
    assertTrue(
        r.outLines().stream()
            .anyMatch(
                l ->
                    l.matches(
                        "\\s*server\\.leader\\.handover\\.emit\\.stepdown\\.stamp\\.ack\\.timeout\\.ms"
                            + "\\s+long\\s+default: 1000\\s+Longest a demotion waits.*"
                            + " Valid: between 0 and 300000\\.")),
        r.out());
    assertTrue(r.out().contains("Keys of noop (0): none"), r.out());
    assertTrue(
        r.outLines().stream()
            .anyMatch(
                l ->
                    l.matches(
                        "\\s*server\\.leader\\.handover\\.kafka\\.bootstrap\\.servers"
                            + "\\s+string\\s+default: \\(none\\)\\s+The brokers of the version topics.*")),
        r.out());
    assertTrue(
        r.outLines().stream()
            .anyMatch(
                l ->
                    l.matches(
                        "\\s*server\\.leader\\.handover\\.kafka\\.sasl\\.jaas\\.config"
                            + "\\s+secret\\s+default: \\(none\\).*\\[hidden\\].*")),
        r.out());
  }

  @Test
  public void configFileIsReadAndOverlaidBySet() throws Exception {
    Path file = dir.resolve("handoff.properties");
    Files.writeString(
        file,
        EMIT
            + "=true\n"
            + CONSUME
            + "=true\n"
            + "server.leader.handover.emit.stepdown.stamp.ack.timeout.ms=2500\n"
            + "server.leader.handover.kafka.ssl.key.password=hunter2\n",
        StandardCharsets.UTF_8);
    Result fileOnly = run("--config", file.toString());
    assertSelected(fileOnly, "stamp", "stamp");
    assertSetting(fileOnly, "server.leader.handover.emit.stepdown.stamp.ack.timeout.ms", "2500");
    assertFalse(fileOnly.out().contains("hunter2"), fileOnly.out());

    Result overlaid = run("--config", file.toString(), "--set", CONSUME + "=false");
    assertSelected(overlaid, "stamp", "noop");
    assertSetting(overlaid, CONSUME, "false");
    assertSetting(overlaid, "server.leader.handover.emit.stepdown.stamp.ack.timeout.ms", "2500");
  }

  @Test
  public void unknownKeysAreWarnings() {
    Result r = run("--set", "server.leader.handover.emit.stepdown.stmp=true");
    assertEquals(r.code(), 0, r.err());
    assertTrue(r.out().contains("Warnings (1):"), r.out());
    assertTrue(r.out().contains("did you mean " + EMIT), r.out());
  }

  @Test
  public void missingConfigFileFails() {
    Path missing = dir.resolve("missing.properties");
    Result r = run("--config", missing.toString());
    assertEquals(r.code(), 1, r.err());
    assertEquals(
        r.err().strip(),
        "handoff: error: Cannot read configuration file " + missing + ": no such file");
  }

  @Test
  public void setWithoutEqualsIsAUsageErrorNamingIt() {
    Result r = run("--set", "server.leader.handover.strategy");
    assertEquals(r.code(), 2, r.err());
    assertTrue(r.err().contains("'server.leader.handover.strategy'"), r.err());
    assertTrue(r.err().contains("KEY=VALUE"), r.err());
  }
}
