package io.handoff.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.testsupport.SharedKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
            "--ack-timeout",
            "2s",
            "--json",
            json.toString());
    assertEquals(code, 0, err.toString());
    JsonNode j = new ObjectMapper().readTree(Files.readString(json));
    JsonNode figures = j.get("figures");
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
      JsonNode f = figures.get(figure);
      assertNotNull(f, figure + " missing from " + j);
      assertTrue(f.get("description").isTextual(), figure + ": description");
      assertTrue(f.get("count").isIntegralNumber(), figure + ": count");
      assertTrue(f.get("median_over_limit").isNumber(), figure + ": median_over_limit");
      long median = f.get("median_nanos").asLong();
      long p99 = f.get("p99_nanos").asLong();
      long max = f.get("max_nanos").asLong();
      assertTrue(median > 0 && median <= p99 && p99 <= max, figure + ": median <= p99 <= max");
      assertTrue(out.toString().contains(figure), "table row " + figure);
    }
    assertEquals(figures.size(), 8, "no other figure: " + figures);
    assertEquals(
        j.get("machine").get("cores").asInt(),
        Runtime.getRuntime().availableProcessors(),
        "machine facts");
    assertEquals(j.get("machine").get("broker").asText(), kafka.bootstrapServers());
    JsonNode parameters = j.get("parameters");
    assertEquals(parameters.get("handovers").asInt(), 6);
    assertEquals(parameters.get("partitions").asInt(), 2);
    assertEquals(parameters.get("mass").asInt(), 20);
    assertEquals(parameters.get("ack_timeout_ms").asLong(), 2000L);
    assertEquals(parameters.get("inactivity_window_ms").asLong(), 300_000L);
    assertTrue(j.get("limit_nanos").asLong() > 0, "limit: " + j);
    assertEquals(
        j.get("mass_step_down_acked_count").asLong(), 20L, "every stamp of the mass run acked");
    assertEquals(
        figures.get("handover_gap_stamp").get("count").asInt(),
        6,
        "one gap per handover asked for");
    assertEquals(figures.get("handover_gap_legacy").get("count").asInt(), 0, "derived");
    Files.deleteIfExists(json);
  }
}
