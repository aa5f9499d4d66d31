package io.handoff.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handoff.cli.ExplainFixtures.Rec;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.testsupport.SharedKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * {@code handoff explain} against a real embedded broker, through the command line's entry point:
 * partition 0 holds a zombie's write inside a tenure its leader then stamps, partition 1 a clean
 * tenure closed by its stamp, partition 2 nothing.
 */
public class ExplainCommandTest {

  private static final String TOPIC = "vt-explain_v1";
  private static final int ZOMBIE_PARTITION = 0;
  private static final int CLEAN_PARTITION = 1;
  private static final int EMPTY_PARTITION = 2;

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startKafkaAndProduce() throws Exception {
    kafka = SharedKafka.cluster();
    kafka.createTopic(TOPIC, 3);
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
      produce(producer, ZOMBIE_PARTITION, ExplainFixtures.zombieInsideATenure());
      produce(producer, CLEAN_PARTITION, ExplainFixtures.cleanTenure());
    }
  }

  private static void produce(KafkaProducer<byte[], byte[]> producer, int partition, List<Rec> recs)
      throws Exception {
    for (Rec rec : recs) {
      ProducerRecord<byte[], byte[]> r =
          new ProducerRecord<>(TOPIC, partition, rec.key(), rec.value());
      if (rec.stamp()) {
        r.headers().add(new RecordHeader(EnvelopeCodec.VTP_HEADER, EnvelopeCodec.vtpHeaderValue()));
      }
      producer.send(r).get(30, TimeUnit.SECONDS); // one at a time: offsets follow the list
    }
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

  private Result explain(int partition, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "explain",
                "-b",
                kafka.bootstrapServers(),
                "-t",
                TOPIC,
                "-p",
                Integer.toString(partition)));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  private static void assertOneLineError(Result r, int code, String expectedMessage) {
    assertEquals(r.code(), code, r.err());
    assertEquals(
        r.err().strip(), "handoff: error: " + expectedMessage, "one line naming what failed");
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertEquals(r.out(), "", "nothing on the output");
  }

  private static void assertContains(String text, String fragment) {
    assertTrue(text.contains(fragment), "'" + fragment + "' in:\n" + text);
  }

  // -------------------------------------------------------------------------------------- tests

  @Test
  public void aZombieInsideATenureIsNamedWithItsOffsetWriterAndReason() {
    Result r = explain(ZOMBIE_PARTITION);
    assertEquals(r.code(), 0, "the answer is the output, whatever it is: " + r.err());
    List<String> lines = r.outLines();
    assertEquals(
        lines.get(0),
        "handoff-explain (term 201) on vt-explain_v1-0 must wait out the inactivity window:"
            + " The record at offset 4 of zombie-z appeared inside the tenure of leader-a (term 200, declared at offset 2),"
            + " so its stamp"
            + " cannot vouch for every writer.",
        "the verdict in words");
    assertEquals(lines.get(1), "Reason: EARLIER_TENURE_UNCLEAN", "the reason");
    assertTrue(
        lines.stream()
            .anyMatch(
                l -> l.matches("\\s+4\\s+DATA\\s+zombie-z\\s+-1\\s+made that tenure unclean")),
        "the zombie's put among the records responsible:\n" + r.out());
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.matches(
                        "\\s+6\\s+STEP_DOWN_STAMP\\s+leader-a\\s+200\\s+closed that" + " tenure")),
        "the stamp that does not count:\n" + r.out());
    assertContains(r.out(), "Tenures read from vt-explain_v1-0, offsets 0 to 6 (7 records):");
    assertTrue(
        lines.stream().anyMatch(l -> l.matches("\\s+zombie-z\\s+100\\s+0\\s+1\\s+yes\\s+no")),
        "the zombie's own tenure:\n" + r.out());
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.matches(
                        "\\s+leader-a\\s+200\\s+2\\s+6\\s+no: offset 4 \\(zombie-z\\)\\s+yes: offset 6")),
        "the leader's tenure, unclean at the zombie's put and closed by its stamp:\n" + r.out());
    assertEquals(r.err(), "", "nothing on the error stream");
  }

  @Test
  public void aCleanStepDownSaysTheWaitMayBeSkipped() {
    Result r = explain(CLEAN_PARTITION);
    assertEquals(r.code(), 0, r.err());
    assertTrue(
        r.outLines()
            .get(0)
            .startsWith(
                "handoff-explain (term 301) on vt-explain_v1-1 may skip the inactivity"
                    + " wait: the tenure of leader-a (term 300, declared at offset 0) began in sight"),
        r.out());
    assertEquals(r.outLines().get(1), "Reason: CLEAN_STEP_DOWN", "the reason");
    assertTrue(
        r.outLines().stream()
            .anyMatch(l -> l.matches("\\s+leader-a\\s+300\\s+0\\s+3\\s+yes\\s+yes: offset 3")),
        "one clean tenure closed by its stamp:\n" + r.out());
  }

  @Test
  public void jsonIsParseableAndCarriesTheSame() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    Result zombie = explain(ZOMBIE_PARTITION, "--json");
    assertEquals(zombie.code(), 0, zombie.err());
    assertEquals(zombie.outLines().size(), 1, "one JSON object on one line: " + zombie.out());
    JsonNode j = mapper.readTree(zombie.out());
    assertEquals(j.get("topic").asText(), TOPIC, "topic");
    assertEquals(j.get("partition").asInt(), ZOMBIE_PARTITION, "partition");
    assertFalse(j.get("mayCut").asBoolean(), "must wait");
    assertEquals(j.get("reason").asText(), "EARLIER_TENURE_UNCLEAN", "reason");
    assertEquals(
        j.get("description").asText(),
        explain(ZOMBIE_PARTITION).outLines().get(0),
        "the same verdict");
    assertEquals(j.get("culprit").get("offset").asLong(), 4L, "the zombie's offset");
    assertEquals(
        j.get("culprit").get("writer").asText(), ExplainFixtures.ZOMBIE, "the zombie's writer id");
    assertEquals(j.get("culprit").get("term").asLong(), -1L, "no term, as Venice writes data");
    assertEquals(j.get("newLeader").get("term").asLong(), 201L, "one above the highest term read");
    assertEquals(j.get("newLeader").get("declarationOffset").asLong(), 7L, "at the end offset");
    JsonNode tenures = j.get("tenures");
    assertEquals(tenures.size(), 2, "two tenures: " + tenures);
    JsonNode a = tenures.get(1);
    assertEquals(a.get("writer").asText(), ExplainFixtures.LEADER, "writer");
    assertEquals(a.get("firstOffset").asLong(), 2L, "its declaration");
    assertEquals(a.get("lastOffset").asLong(), 6L, "its stamp is its last record");
    assertFalse(a.get("clean").asBoolean(), "unclean");
    assertEquals(a.get("culprit").get("offset").asLong(), 4L, "because of the zombie's put");
    assertEquals(a.get("stampOffset").asLong(), 6L, "closed by its stamp");

    Result clean = explain(CLEAN_PARTITION, "--json");
    JsonNode c = mapper.readTree(clean.out());
    assertTrue(c.get("mayCut").asBoolean(), "may skip: " + clean.out());
    assertEquals(c.get("reason").asText(), "CLEAN_STEP_DOWN", "reason");
    assertTrue(c.get("culprit").isNull(), "nobody to blame");
  }

  @Test
  public void anotherWriterAndTermCanBeAskedAbout() {
    Result r = explain(CLEAN_PARTITION, "--as-writer", "leader-b", "--term", "300");
    assertEquals(r.code(), 0, r.err());
    assertTrue(
        r.outLines().get(0).startsWith("leader-b (term 300) on vt-explain_v1-1 must wait out"),
        r.out());
    assertEquals(
        r.outLines().get(1), "Reason: STAMP_TERM_NOT_BELOW_MINE", "a term not above the stamp's");
    assertContains(r.out(), "New leader: leader-b, term 300, declaration assumed at offset 4");
  }

  @Test
  public void readingFromInsideATenureShowsItsStartAsUnknown() {
    Result r = explain(CLEAN_PARTITION, "--from-offset", "1");
    assertEquals(r.code(), 0, r.err());
    assertEquals(
        r.outLines().get(1), "Reason: STARTED_INSIDE_A_TENURE", "its declaration was not read");
    assertTrue(
        r.outLines().stream()
            .anyMatch(
                l ->
                    l.matches(
                        "\\s+\\?\\s+\\?\\s+\\?\\s+3\\s+no: began before the first record read\\s+no")),
        r.out());
  }

  @Test
  public void anEmptyPartitionHasNoEarlierTenure() {
    Result r = explain(EMPTY_PARTITION);
    assertEquals(r.code(), 0, r.err());
    assertTrue(
        r.outLines().get(0).startsWith("handoff-explain (term 1) on vt-explain_v1-2 must wait out"),
        r.out());
    assertEquals(
        r.outLines().get(1), "Reason: NO_EARLIER_TENURE", "nothing before the declaration");
    assertContains(r.out(), "Tenures read from vt-explain_v1-2: none");
  }

  @Test
  public void explainWritesNothing() {
    explain(ZOMBIE_PARTITION);
    explain(EMPTY_PARTITION);
    Result zombie = run("inspect", "-b", kafka.bootstrapServers(), "-t", TOPIC, "-p", "0");
    assertEquals(
        zombie.outLines().get(zombie.outLines().size() - 1),
        "7 records: 4 DATA, 2 DOL, 1 STEP_DOWN_STAMP",
        "the declaration is assumed, never produced");
    Result empty = run("inspect", "-b", kafka.bootstrapServers(), "-t", TOPIC, "-p", "2");
    assertEquals(empty.outLines().get(empty.outLines().size() - 1), "0 records", "still empty");
  }

  @Test
  public void unknownTopicFailsWithOneLine() {
    Result r = run("explain", "-b", kafka.bootstrapServers(), "-t", "no-such-topic", "-p", "0");
    assertOneLineError(r, 1, "Topic 'no-such-topic' does not exist at " + kafka.bootstrapServers());
  }

  @Test
  public void verboseAddsTheStackTrace() {
    Result r =
        run("explain", "-b", kafka.bootstrapServers(), "-t", "no-such-topic", "-p", "0", "-v");
    assertEquals(r.code(), 1, r.err());
    assertTrue(
        r.err().startsWith("handoff: error: Topic 'no-such-topic' does not exist at "), r.err());
    assertTrue(r.err().contains("\tat "), "a stack trace with -v: " + r.err());
  }

  @Test
  public void partitionOutOfRangeFails() {
    assertOneLineError(
        explain(5), 1, "Partition 5 does not exist: topic '" + TOPIC + "' has 3 partitions");
  }

  @Test
  public void fromOffsetBeyondTheEndFails() {
    assertOneLineError(
        explain(CLEAN_PARTITION, "--from-offset", "9"),
        1,
        "Offset 9 is beyond the end of " + TOPIC + "-1: it holds offsets 0 to 3 (--from-offset)");
  }

  @Test
  public void unreachableBrokerFailsWithOneLine() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String servers = "127.0.0.1:" + port;
    Result r = run("explain", "-b", servers, "-t", TOPIC, "-p", "0", "--timeout-ms", "2000");
    assertOneLineError(r, 1, "Cannot reach Kafka at " + servers + " within 2000 ms");
  }

  @Test
  public void badArgumentsAreUsageErrors() {
    Result zeroTerm = explain(CLEAN_PARTITION, "--term", "0");
    assertEquals(zeroTerm.code(), 2, zeroTerm.err());
    assertTrue(zeroTerm.err().startsWith("handoff: --term must be > 0, got 0"), zeroTerm.err());
    assertEquals(zeroTerm.out(), "", "nothing read");

    Result blankWriter = explain(CLEAN_PARTITION, "--as-writer", " ");
    assertEquals(blankWriter.code(), 2, blankWriter.err());
    assertTrue(
        blankWriter.err().startsWith("handoff: --as-writer must not be blank"), blankWriter.err());

    Result negativeOffset = explain(CLEAN_PARTITION, "--from-offset", "-1");
    assertEquals(negativeOffset.code(), 2, negativeOffset.err());
    assertTrue(
        negativeOffset.err().startsWith("handoff: --from-offset must be >= 0, got -1"),
        negativeOffset.err());

    Result noTopic = run("explain", "-b", kafka.bootstrapServers(), "-p", "0");
    assertEquals(noTopic.code(), 2, noTopic.err());
    assertTrue(noTopic.err().contains("--topic"), noTopic.err());
  }

  @Test
  public void helpNamesEveryOption() {
    Result r = run("explain", "--help");
    assertEquals(r.code(), 0, r.err());
    for (String option :
        List.of(
            "--bootstrap-servers",
            "--topic",
            "--partition",
            "--as-writer",
            "--term",
            "--from-offset",
            "--json",
            "--timeout")) {
      assertContains(r.out(), option);
    }
    assertContains(run("--help").out(), "explain");
  }
}
