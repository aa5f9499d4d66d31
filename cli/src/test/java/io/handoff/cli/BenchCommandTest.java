package io.handoff.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.testsupport.SharedKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The bench command runs end to end on a small scale and reports every figure; no speed is
 * asserted.
 */
public class BenchCommandTest {

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startKafka() {
    kafka = SharedKafka.cluster();
  }

  @Test
  public void smallRunWritesEveryFigure() throws Exception {
    Path json = Files.createTempFile("handoff-bench", ".json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        HandoffCli.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "bench",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--handovers",
            "6",
            "--partitions",
            "2",
            "--mass",
            "20",
            "--ack-timeout-ms",
            "2000",
            "--json",
            json.toString());
    assertEquals(code, 0, err.toString());
    String text = Files.readString(json);
    for (String figure :
        List.of(
            "produce_round_trip",
            "produce_to_fetch",
            "emit_step_down",
            "emit_step_down_after_writes",
            "handover_gap_stamp",
            "mass_step_down_acked",
            "mass_step_down_unreachable",
            "handover_gap_legacy")) {
      Matcher m =
          Pattern.compile(
                  "\""
                      + figure
                      + "\": \\{[^}]*\"count\": (\\d+), \"median_nanos\": (\\d+), "
                      + "\"p99_nanos\": (\\d+), \"max_nanos\": (\\d+)")
              .matcher(text);
      assertTrue(m.find(), figure + " missing from " + text);
      long median = Long.parseLong(m.group(2));
      long p99 = Long.parseLong(m.group(3));
      long max = Long.parseLong(m.group(4));
      assertTrue(median > 0 && median <= p99 && p99 <= max, figure + ": median <= p99 <= max");
      assertTrue(out.toString().contains(figure), "table row " + figure);
    }
    assertTrue(
        text.contains("\"cores\": " + Runtime.getRuntime().availableProcessors()), "machine facts");
    assertTrue(
        text.contains("\"mass_step_down_acked_count\": 20"),
        "every stamp of the mass run acked: " + text);
    Matcher gapCount =
        Pattern.compile("\"handover_gap_stamp\": \\{[^}]*\"count\": (\\d+)").matcher(text);
    assertTrue(gapCount.find());
    assertEquals(gapCount.group(1), "6", "one gap per handover asked for");
    Files.deleteIfExists(json);
  }
}
