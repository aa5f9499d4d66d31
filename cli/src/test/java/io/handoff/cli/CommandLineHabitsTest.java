package io.handoff.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;
import picocli.CommandLine;

/**
 * What every command shares: {@code --help}, and durations written one way ({@code 10s}, {@code
 * 250ms}) under one name per idea, the older spellings still accepted but not shown.
 */
public class CommandLineHabitsTest {

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = HandoffCli.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  @DataProvider
  public Object[][] commands() {
    return new Object[][] {
      {List.of("demo")},
      {List.of("inspect")},
      {List.of("explain")},
      {List.of("providers")},
      {List.of("stamp")},
      {List.of("stamp", "encode")},
      {List.of("stamp", "decode")},
      {List.of("bench")},
    };
  }

  @Test(dataProvider = "commands")
  public void everyCommandHasHelp(List<String> command) {
    String[] args = new String[command.size() + 1];
    for (int i = 0; i < command.size(); i++) {
      args[i] = command.get(i);
    }
    for (String help : List.of("--help", "-h")) {
      args[command.size()] = help;
      Result r = run(args);
      assertEquals(r.code(), 0, Arrays.toString(args) + ": " + r.err());
      assertTrue(
          r.out().startsWith("Usage: handoff " + String.join(" ", command) + " "),
          Arrays.toString(args) + ":\n" + r.out());
      assertTrue(r.out().contains("--help"), r.out());
      assertEquals(r.err(), "", Arrays.toString(args));
    }
  }

  @Test
  public void everyCommandIsListedInTheTopLevelHelp() {
    Result r = run("--help");
    assertEquals(r.code(), 0, r.err());
    for (Object[] command : commands()) {
      assertTrue(r.out().contains("  " + ((List<?>) command[0]).get(0) + " "), r.out());
    }
  }

  @Test
  public void durationsShareOneNameAndOneFormat() {
    Result demo = run("demo", "--help");
    assertTrue(demo.out().contains("--inactivity-window=DURATION"), demo.out());
    assertFalse(demo.out().contains("--inactivity-wait"), "old name hidden: " + demo.out());

    Result bench = run("bench", "--help");
    assertTrue(bench.out().contains("--inactivity-window=DURATION"), bench.out());
    assertTrue(bench.out().contains("--ack-timeout=DURATION"), bench.out());
    assertFalse(bench.out().contains("--ack-timeout-ms"), "old name hidden: " + bench.out());

    for (String command : List.of("inspect", "explain")) {
      Result r = run(command, "--help");
      assertTrue(r.out().contains("--timeout=DURATION"), r.out());
      assertFalse(r.out().contains("--timeout-ms"), "old name hidden: " + r.out());
    }
  }

  @Test
  public void theOldSpellingsStillWork() {
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs("--inactivity-wait", "1500ms");
    assertEquals(demo.inactivityWindow(), Duration.ofMillis(1500));
    DemoCommand demoNew = new DemoCommand();
    new CommandLine(demoNew).parseArgs("--inactivity-window", "2s");
    assertEquals(demoNew.inactivityWindow(), Duration.ofSeconds(2));

    BenchCommand bench = new BenchCommand();
    new CommandLine(bench).parseArgs("--ack-timeout-ms", "2000");
    assertEquals(bench.ackTimeout(), Duration.ofSeconds(2));
    BenchCommand benchNew = new BenchCommand();
    new CommandLine(benchNew).parseArgs("--ack-timeout", "250ms");
    assertEquals(benchNew.ackTimeout(), Duration.ofMillis(250));

    InspectCommand inspect = new InspectCommand();
    new CommandLine(inspect).parseArgs("-b", "h:1", "-t", "t", "-p", "0", "--timeout-ms", "2500");
    assertEquals(inspect.target.timeout(), Duration.ofMillis(2500));
  }

  @Test
  public void defaultsAreNotOverwrittenByTheHiddenSpellings() {
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs();
    assertEquals(demo.inactivityWindow(), Duration.ofSeconds(10));

    BenchCommand bench = new BenchCommand();
    new CommandLine(bench).parseArgs();
    assertEquals(bench.ackTimeout(), Duration.ofSeconds(1));
    assertEquals(bench.window, Duration.ofSeconds(300));

    ExplainCommand explain = new ExplainCommand();
    new CommandLine(explain).parseArgs("-b", "h:1", "-t", "t", "-p", "0");
    assertEquals(explain.target.timeout(), Duration.ofSeconds(10));
  }

  @Test
  public void aDurationWithoutAUnitIsAUsageError() {
    Result r = run("explain", "-b", "h:1", "-t", "t", "-p", "0", "--timeout", "2000");
    assertEquals(r.code(), HandoffCli.EXIT_USAGE, r.err());
    assertTrue(r.err().contains("'2000' is not a duration"), r.err());
  }
}
