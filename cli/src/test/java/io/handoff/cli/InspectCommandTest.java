package io.handoff.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handoff.codec.ControlMessage;
import io.handoff.codec.EndOfPush;
import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.LeaderMetadata;
import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.Put;
import io.handoff.codec.RecordKeys;
import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.stamp.StampKind;
import io.handoff.stamp.Stamps;
import io.handoff.testsupport.SharedKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** {@code handoff inspect} against a real embedded broker. */
public class InspectCommandTest {

  private static final String TOPIC = "vt-inspect_v1";
  private static final int PARTITION = 1;
  private static final long T0 = 1_700_000_000_000L; // 2023-11-14T22:13:20.000Z

  /** Expected listing, in offset order: kind, term, writer. */
  private static final String[][] EXPECTED = {
    {"DATA", "3", "leader-a"},
    {"DATA", "3", "leader-a"},
    {"DATA", "3", "leader-a"},
    {"DOL", "4", "leader-b"},
    {"STEP_DOWN_STAMP", "3", "leader-a"},
    {"HEARTBEAT", "4", "leader-b"},
    {"CONTROL:END_OF_PUSH", "-1", "-"},
    {"UNDECODABLE", "-1", "-"}
  };

  private static final String FULL_SUMMARY =
      "8 records: 1 CONTROL:END_OF_PUSH, 3 DATA, 1 DOL, 1 HEARTBEAT, 1 STEP_DOWN_STAMP, 1 UNDECODABLE";

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startKafkaAndProduce() throws Exception {
    kafka = SharedKafka.cluster();
    kafka.createTopic(TOPIC, 2);
    Stamps codec = new Stamps();
    byte[] dataGuid = new byte[16];
    byte[] controlGuid = new byte[16];
    Random random = new Random(42);
    random.nextBytes(dataGuid);
    random.nextBytes(controlGuid);
    byte[] controlKey = new byte[StampKind.KEY_LENGTH];
    controlKey[0] = RecordKeys.CONTROL_MESSAGE_KEY_HEADER;
    System.arraycopy(controlGuid, 0, controlKey, 1, 16);

    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] key = RecordKeys.dataKey(("key-" + i).getBytes(StandardCharsets.UTF_8));
      byte[] value =
          EnvelopeCodec.encode(
              Envelope.of(
                  ProducerMetadata.of(dataGuid, 1, i, T0 + i),
                  Put.of(("v" + i).getBytes(StandardCharsets.UTF_8), 1),
                  LeaderMetadata.of("leader-a", 3)));
      records.add(record(records.size(), key, value));
    }
    records.add(stamp(records.size(), codec, StampKind.DECLARATION_OF_LEADERSHIP, 4, "leader-b"));
    records.add(stamp(records.size(), codec, StampKind.STEP_DOWN, 3, "leader-a"));
    records.add(stamp(records.size(), codec, StampKind.HEARTBEAT, 4, "leader-b"));
    records.add(
        record(
            records.size(),
            controlKey,
            EnvelopeCodec.encode(
                Envelope.of(
                    ProducerMetadata.of(controlGuid, 0, 0, T0),
                    ControlMessage.of(new EndOfPush()),
                    null))));
    records.add(
        record(
            records.size(),
            "garbage".getBytes(StandardCharsets.UTF_8),
            "not an envelope".getBytes(StandardCharsets.UTF_8)));

    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            "false",
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
            1);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(r).get(30, TimeUnit.SECONDS); // one at a time: offsets follow the list
      }
    }
  }

  private static ProducerRecord<byte[], byte[]> record(int i, byte[] key, byte[] value) {
    return new ProducerRecord<>(TOPIC, PARTITION, T0 + i * 1000L, key, value);
  }

  private static ProducerRecord<byte[], byte[]> stamp(
      int i, Stamps codec, StampKind kind, long term, String writer) {
    ProducerRecord<byte[], byte[]> r =
        record(i, kind.key(), codec.encode(kind, term, 0, writer, T0 + i));
    r.headers().add(new RecordHeader(EnvelopeCodec.VTP_HEADER, EnvelopeCodec.vtpHeaderValue()));
    return r;
  }

  // ------------------------------------------------------------------------------------ helpers

  record Result(int code, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = HandoffCli.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  private Result inspect(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "inspect",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic",
                TOPIC,
                "--partition",
                Integer.toString(PARTITION)));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  /** The table's rows between the header and the summary, checked for alignment with the header. */
  private static List<String[]> rows(Result r) {
    List<String> lines = r.outLines();
    String header = lines.get(0);
    assertTrue(header.matches("OFFSET\\s+TIMESTAMP\\s+KIND\\s+TERM\\s+WRITER(\\s+ERROR)?"), header);
    List<String[]> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size() - 1)) {
      String[] cells = line.trim().split("\\s+", 6);
      rows.add(cells);
      assertEquals(
          line.indexOf(cells[1]), header.indexOf("TIMESTAMP"), "timestamp column: " + line);
      assertEquals(
          line.indexOf(cells[2], line.indexOf(cells[1]) + cells[1].length()),
          header.indexOf("KIND"),
          "kind column: " + line);
    }
    return rows;
  }

  private static void assertRows(List<String[]> rows, int firstOffset) {
    for (int i = 0; i < rows.size(); i++) {
      int offset = firstOffset + i;
      String[] cells = rows.get(i);
      String[] expected = EXPECTED[offset];
      assertEquals(cells[0], Integer.toString(offset));
      assertEquals(cells[1], InspectCommand.formatTimestamp(T0 + offset * 1000L));
      assertEquals(cells[2], expected[0], "kind at offset " + offset);
      assertEquals(cells[3], expected[1], "term at offset " + offset);
      assertEquals(cells[4], expected[2], "writer at offset " + offset);
    }
  }

  private static void assertOneLineError(Result r, int code, String expectedMessage) {
    assertEquals(r.code(), code, r.err());
    assertEquals(r.err().strip(), "handoff: error: " + expectedMessage);
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  // -------------------------------------------------------------------------------------- tests

  @Test
  public void listsEveryRecordWithKindTermAndWriterInOffsetOrder() {
    Result r = inspect();
    assertEquals(r.code(), 0, r.err());
    List<String[]> rows = rows(r);
    assertEquals(rows.size(), EXPECTED.length, r.out());
    assertRows(rows, 0);
    assertEquals(InspectCommand.formatTimestamp(T0), "2023-11-14T22:13:20.000Z");
    String[] undecodable = rows.get(7);
    assertTrue(undecodable[5].startsWith("WRONG_MAGIC_BYTE: wrong magic byte"), undecodable[5]);
    assertEquals(r.outLines().get(r.outLines().size() - 1), FULL_SUMMARY);
  }

  @Test
  public void jsonLinesCarryTheSameFields() throws Exception {
    Result r = inspect("--json");
    assertEquals(r.code(), 0, r.err());
    List<String> lines = r.outLines();
    assertEquals(lines.size(), EXPECTED.length, r.out());
    ObjectMapper mapper = new ObjectMapper();
    for (int i = 0; i < lines.size(); i++) {
      JsonNode j = mapper.readTree(lines.get(i));
      boolean undecodable = EXPECTED[i][0].equals("UNDECODABLE");
      List<String> keys = new ArrayList<>();
      j.fieldNames().forEachRemaining(keys::add);
      assertEquals(
          keys,
          undecodable
              ? List.of("offset", "timestamp", "kind", "term", "writer", "error")
              : List.of("offset", "timestamp", "kind", "term", "writer"),
          lines.get(i));
      assertEquals(j.get("offset").asLong(), i);
      assertEquals(j.get("timestamp").asText(), InspectCommand.formatTimestamp(T0 + i * 1000L));
      assertEquals(j.get("kind").asText(), EXPECTED[i][0]);
      assertTrue(j.get("term").isIntegralNumber(), lines.get(i));
      assertEquals(j.get("term").asText(), EXPECTED[i][1]);
      if (EXPECTED[i][2].equals("-")) {
        assertTrue(j.get("writer").isNull(), lines.get(i));
      } else {
        assertEquals(j.get("writer").asText(), EXPECTED[i][2]);
      }
      if (undecodable) {
        assertTrue(j.get("error").asText().startsWith("WRONG_MAGIC_BYTE: "), lines.get(i));
      }
    }
  }

  @Test
  public void lastTwoListsOnlyTheLastTwo() {
    Result r = inspect("--last", "2");
    assertEquals(r.code(), 0, r.err());
    List<String[]> rows = rows(r);
    assertEquals(rows.size(), 2, r.out());
    assertRows(rows, 6);
    assertEquals(
        r.outLines().get(r.outLines().size() - 1),
        "2 records: 1 CONTROL:END_OF_PUSH, 1 UNDECODABLE");
  }

  @Test
  public void fromOffsetStartsThere() {
    Result r = inspect("--from-offset", "3");
    assertEquals(r.code(), 0, r.err());
    List<String[]> rows = rows(r);
    assertEquals(rows.size(), 5, r.out());
    assertRows(rows, 3);
  }

  @Test
  public void fromOffsetAtTheEndListsNothingAndBeyondItFails() {
    Result atEnd = inspect("--from-offset", "8");
    assertEquals(atEnd.code(), 0, atEnd.err());
    assertEquals(atEnd.outLines().get(atEnd.outLines().size() - 1), "0 records");

    Result beyond = inspect("--from-offset", "9");
    assertOneLineError(
        beyond,
        1,
        "Offset 9 is beyond the end of "
            + TOPIC
            + "-"
            + PARTITION
            + ": it holds offsets 0 to 7 (--from-offset)");
  }

  @Test
  public void missingTopicFails() {
    Result r =
        run(
            "inspect",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic",
            "no-such-topic",
            "--partition",
            "0");
    assertOneLineError(r, 1, "Topic 'no-such-topic' does not exist at " + kafka.bootstrapServers());
    // Asking did not create it.
    Result again =
        run(
            "inspect",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic",
            "no-such-topic",
            "--partition",
            "0");
    assertEquals(again.code(), 1);
  }

  @Test
  public void partitionOutOfRangeFails() {
    Result r =
        run(
            "inspect",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic",
            TOPIC,
            "--partition",
            "5");
    assertOneLineError(r, 1, "Partition 5 does not exist: topic '" + TOPIC + "' has 2 partitions");
  }

  @Test
  public void unreachableBrokerFailsWithinTheTimeout() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String servers = "127.0.0.1:" + port;
    long started = System.nanoTime();
    Result r =
        run(
            "inspect",
            "--bootstrap-servers",
            servers,
            "--topic",
            TOPIC,
            "--partition",
            "0",
            "--timeout",
            "2s");
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertOneLineError(r, 1, "Cannot reach Kafka at " + servers + " within 2000 ms");
    assertTrue(elapsedMs < 8_000, "took " + elapsedMs + " ms");
    assertEquals(r.out(), "");
  }

  @Test
  public void fromOffsetAndLastTogetherIsAUsageError() {
    Result r = inspect("--from-offset", "1", "--last", "2");
    assertEquals(r.code(), 2, r.err());
    assertTrue(r.err().contains("--from-offset") && r.err().contains("--last"), r.err());
    assertTrue(r.err().contains("mutually exclusive"), r.err());
    assertEquals(r.out(), "");
  }

  @Test
  public void negativeLastIsAUsageError() {
    Result r = inspect("--last", "-1");
    assertEquals(r.code(), 2, r.err());
    assertTrue(r.err().startsWith("handoff: --last must be >= 0, got -1"), r.err());
  }

  @Test
  public void jsonStringsAreEscaped() throws Exception {
    String nasty = "a\"b\\c\nd\te\u0001f\u007fg\u2028h\u2029i héllo";
    ObjectNode node = Json.object();
    node.put("writer", nasty);
    node.putNull("none");
    String line = Json.line(node);
    assertEquals(
        line,
        "{\"writer\":\"a\\\"b\\\\c\\nd\\te\\u0001f\\u007Fg\\u2028h\\u2029i héllo\","
            + "\"none\":null}");
    assertFalse(line.contains("\n"), "one line");
    assertEquals(new ObjectMapper().readTree(line).get("writer").asText(), nasty, "round trip");
  }
}
