package io.handoff.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testng.annotations.Test;

/**
 * {@code bench --brokers 3} starts a production-shaped embedded cluster (replication factor 3,
 * {@code min.insync.replicas=2}), measures every figure on it and says so; no speed is asserted.
 */
public class BenchThreeBrokersIT {

  @Test
  public void threeBrokersMeasureEveryFigureOnAReplicatedCluster() throws Exception {
    Path json = Files.createTempFile("handoff-bench-3", ".json");
    try {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code =
          HandoffCli.run(
              new PrintWriter(out),
              new PrintWriter(err),
              "bench",
              "--brokers",
              "3",
              "--handovers",
              "5",
              "--mass",
              "30",
              "--ack-timeout",
              "5s",
              "--json",
              json.toString());
      assertEquals(code, 0, err + "\n" + out);
      assertTrue(
          out.toString().contains("3 brokers, replication factor 3, min.insync.replicas=2"),
          out.toString());
      JsonNode j = new ObjectMapper().readTree(Files.readString(json));
      assertEquals(
          j.get("machine").get("broker").asText(),
          "embedded KRaft, 3 brokers, replication factor 3, min.insync.replicas=2");
      assertEquals(j.get("parameters").get("brokers").asInt(), 3);
      assertEquals(j.get("figures").size(), 8, j.toString());
      assertEquals(j.get("figures").get("handover_gap_stamp").get("count").asInt(), 5);
      assertEquals(
          j.get("mass_step_down_acked_count").asLong(), 30L, "every stamp acked by two replicas");
    } finally {
      Files.deleteIfExists(json);
    }
  }

  @Test
  public void noBrokersIsRefusedInOneLine() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        HandoffCli.run(new PrintWriter(out), new PrintWriter(err), "bench", "--brokers", "0");
    assertTrue(code != 0, "exit code " + code);
    assertTrue(err.toString().contains("--brokers must be >= 1, got 0"), err.toString());
  }
}
