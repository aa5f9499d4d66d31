package io.handoff.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.handoff.cli.ClusterRun.Action;
import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.LeaderMetadata;
import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.Put;
import io.handoff.codec.RecordKeys;
import io.handoff.helix.ServerEvents;
import io.handoff.helix.VersionTopicAudit;
import io.handoff.stamp.StampKind;
import io.handoff.stamp.Stamps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.testng.annotations.Test;

/**
 * The pause scenario's verdict from recorded events and records: a frozen leader, its successor
 * promoted while it slept, the zombie writing again after the successor's declaration.
 */
public class ClusterResultTest {

  private static final Stamps STAMPS = new Stamps();

  @Test
  public void aSuccessorThatWaitedOutTheZombieIsCleanAndCountsAsRefused() throws IOException {
    ClusterResult r = pause("LEGACY_WAIT", "own_tenure_unclean");

    assertEquals(r.problems(), List.of());
    assertEquals(r.verdict(), "clean");
    assertEquals(r.zombieRecords(), 3);
    assertEquals(r.handovers().size(), 1);
    ClusterResult.Handover h = r.handovers().get(0);
    assertEquals(h.from(), "server-1");
    assertEquals(h.to(), "server-2");
    assertEquals(h.endedBy(), "SIGSTOP", "the zombie stopped being a leader when it froze");
    assertEquals(h.zombieRecords(), 3);
    assertEquals(h.gapMs(), 13_000.0);
    assertTrue(ClusterTable.line(r).contains("fast path refused by 1"), ClusterTable.line(r));
    // Window 1500..20000: server-1 may write until 2000, server-2 from 15000.
    assertEquals(r.unavailableMs(), 13_000.0);
  }

  @Test
  public void aFastPathOverTheZombiesRecordsFailsTheAudit() throws IOException {
    ClusterResult r = pause("FAST_PATH", "clean_step_down");

    assertEquals(r.verdict(), "FAILED");
    assertEquals(r.unsafeFastPaths(), 1);
    assertEquals(r.problems().size(), 2, r.problems().toString());
    assertTrue(r.problems().get(0).contains("no clean stamp"), r.problems().get(0));
    assertTrue(r.problems().get(1).contains("fast path after SIGSTOP"), r.problems().get(1));
  }

  private static ClusterResult pause(String path, String reason) throws IOException {
    Path dir = Files.createTempDirectory("cluster-result-test");
    try {
      Path s1 = dir.resolve("server-1.events.jsonl");
      Path s2 = dir.resolve("server-2.events.jsonl");
      Files.writeString(s1, leader("server-1", 10, "LEGACY_WAIT", "no_earlier_tenure", 500, 1000));
      // The zombie's reset after it woke: its step-down comes long after it froze.
      Files.writeString(
          s1,
          "{\"event\":\"stepdown\",\"instance\":\"server-1\",\"topic\":\"store_v1\",\"partition\":0,"
              + "\"term\":10,\"cause\":\"reset\",\"status\":\"ACKED\",\"startedAtMs\":9000.0,"
              + "\"endedAtMs\":9010.0}\n",
          java.nio.file.StandardOpenOption.APPEND);
      Files.writeString(s2, leader("server-2", 20, path, reason, 6000, 15000));

      List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();
      append(log, StampKind.DECLARATION_OF_LEADERSHIP, "server-1", 10);
      data(log, "server-1");
      append(log, StampKind.DECLARATION_OF_LEADERSHIP, "server-2", 20);
      data(log, "server-1");
      data(log, "server-1");
      append(log, StampKind.STEP_DOWN, "server-1", 10);
      data(log, "server-2");

      return ClusterResult.of(
          "pause",
          "stamp",
          "store_v1",
          1500,
          20000,
          List.of(new Action(2000, "server-1", "SIGSTOP"), new Action(8000, "server-1", "SIGCONT")),
          ServerEvents.read(List.of(s1, s2)),
          List.of(VersionTopicAudit.audit(0, log)));
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static String leader(
      String instance, long term, String path, String reason, double promoted, double writable) {
    return String.format(
        java.util.Locale.ROOT,
        "{\"event\":\"promoting\",\"instance\":\"%s\",\"topic\":\"store_v1\",\"partition\":0,"
            + "\"term\":%d}%n"
            + "{\"event\":\"leader\",\"instance\":\"%s\",\"topic\":\"store_v1\",\"partition\":0,"
            + "\"term\":%d,\"path\":\"%s\",\"reason\":\"%s\",\"promotedAtMs\":%.3f,"
            + "\"declarationAckedAtMs\":%.3f,\"declarationReadAtMs\":%.3f,\"writableAtMs\":%.3f}%n",
        instance,
        term,
        instance,
        term,
        path,
        reason,
        promoted,
        promoted + 10,
        promoted + 20,
        writable);
  }

  private static void append(
      List<ConsumerRecord<byte[], byte[]>> log, StampKind kind, String writer, long term) {
    log.add(
        new ConsumerRecord<>(
            "store_v1", 0, log.size(), kind.key(), STAMPS.encode(kind, term, 0, writer, 1L)));
  }

  private static void data(List<ConsumerRecord<byte[], byte[]>> log, String writer) {
    byte[] v = ("v" + log.size()).getBytes(StandardCharsets.UTF_8);
    log.add(
        new ConsumerRecord<>(
            "store_v1",
            0,
            log.size(),
            RecordKeys.dataKey(v),
            EnvelopeCodec.encode(
                Envelope.of(
                    ProducerMetadata.of(new byte[16], 1, log.size(), 1L),
                    Put.of(v, 1),
                    LeaderMetadata.of(writer, -1)))));
  }
}
