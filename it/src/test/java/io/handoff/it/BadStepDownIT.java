package io.handoff.it;

import static io.handoff.it.ItSupport.causeChain;
import static io.handoff.it.ItSupport.noDataWritten;
import static io.handoff.testsupport.ThreadLeakCheck.assertNoNewProducerThread;
import static io.handoff.testsupport.ThreadLeakCheck.producerThreads;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.codec.EnvelopeCodec;
import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeaderTerms;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import io.handoff.stamp.StampKeys;
import io.handoff.testsupport.PartitionReader;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Bad step-down requests against a real broker that does not create topics on demand. A programming
 * error (null, blank, negative) fails on the caller's thread; anything the broker has to judge (a
 * partition or topic that does not exist) comes back as an outcome within the ack timeout, never as
 * an exception, and nothing is written or created. After each case the emitter is closed and no
 * producer I/O thread may be left.
 */
public class BadStepDownIT {

  private static final String OBSERVED = "BadStepDownIT";
  private static final String TOPIC = "vt_bad_stepdown";
  private static final long ACK_TIMEOUT_MS = 1_000;
  private static final long SLACK_MS = 200;

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startKafka() {
    kafka =
        EmbeddedKafkaCluster.builder().brokerProperty("auto.create.topics.enable", "false").start();
    kafka.createTopic(TOPIC, 1);
    ItSupport.startObserved(
        OBSERVED, "| case | input | observed outcome |" + System.lineSeparator() + "|---|---|---|");
  }

  @AfterClass(alwaysRun = true)
  public void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private Properties props() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.ACK_TIMEOUT_MS, Long.toString(ACK_TIMEOUT_MS));
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers());
    return p;
  }

  /**
   * The stamp emitter as a host creates it. These tests write no data, so the host lends the
   * always-complete barrier and the stamps travel on the emitter's own producer.
   */
  private LeadershipHandoffEmitter emitter(HandoffMetrics metrics) {
    return LeadershipHandoffs.emitter(props(), metrics, noDataWritten());
  }

  private List<ConsumerRecord<byte[], byte[]>> records() {
    return PartitionReader.readPartition(kafka.bootstrapServers(), TOPIC, 0);
  }

  private Set<String> topics() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      return admin.listTopics().names().get(20, TimeUnit.SECONDS);
    }
  }

  private static long millisSince(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  private static String show(EmitOutcome o, long wallMs) {
    return o.status()
        + " after "
        + wallMs
        + " ms (outcome says "
        + o.elapsedNanos() / 1_000_000
        + " ms)"
        + (o.cause() == null ? "" : ", cause " + causeChain(o.cause()));
  }

  // ------------------------------------------------------------------- programming errors

  @Test
  public void nullStepDownIsAProgrammingError() {
    Set<String> before = producerThreads();
    int written = records().size();
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitter = emitter(metrics)) {
      NullPointerException one =
          expectThrows(NullPointerException.class, () -> emitter.emitStepDown(null));
      assertEquals(one.getMessage(), "stepDown is null");
      NullPointerException batch =
          expectThrows(NullPointerException.class, () -> emitter.emitStepDowns(null));
      assertEquals(batch.getMessage(), "stepDowns is null");
      StepDown good = StepDown.established(TOPIC, 0, 7, 0, "host-a");
      NullPointerException element =
          expectThrows(
              NullPointerException.class, () -> emitter.emitStepDowns(Arrays.asList(good, null)));
      assertEquals(element.getMessage(), "stepDowns holds a null element at index 1");
      assertEquals(
          metrics.emitSuccess() + metrics.emitFailure(),
          0,
          "a programming error is no emit: " + metrics);
      assertNoNewProducerThread(before, "no producer is created for a rejected call");
      ItSupport.observed(
          OBSERVED,
          "null StepDown",
          "`emitStepDown(null)`",
          "NullPointerException: " + one.getMessage());
      ItSupport.observed(
          OBSERVED,
          "null collection",
          "`emitStepDowns(null)`",
          "NullPointerException: " + batch.getMessage());
      ItSupport.observed(
          OBSERVED,
          "null element",
          "`emitStepDowns([valid, null])`",
          "NullPointerException: "
              + element.getMessage()
              + "; the valid element is not sent either");
    }
    assertNoNewProducerThread(before, "after close");
    assertEquals(records().size(), written, "nothing may be written");
  }

  @DataProvider(name = "invalidStepDowns")
  public Object[][] invalidStepDowns() {
    return new Object[][] {
      {
        "null topic",
        (Supplier<StepDown>) () -> StepDown.established(null, 0, 5, 0, "h"),
        NullPointerException.class,
        "versionTopic is null"
      },
      {
        "empty topic",
        (Supplier<StepDown>) () -> StepDown.established("", 0, 5, 0, "h"),
        IllegalArgumentException.class,
        "versionTopic is blank"
      },
      {
        "blank topic",
        (Supplier<StepDown>) () -> StepDown.established(" \t ", 0, 5, 0, "h"),
        IllegalArgumentException.class,
        "versionTopic is blank"
      },
      {
        "negative partition",
        (Supplier<StepDown>) () -> StepDown.established(TOPIC, -1, 5, 0, "h"),
        IllegalArgumentException.class,
        "partition must be >= 0, got -1 for topic " + TOPIC
      },
      {
        "Integer.MIN_VALUE partition",
        (Supplier<StepDown>) () -> StepDown.established(TOPIC, Integer.MIN_VALUE, 5, 0, "h"),
        IllegalArgumentException.class,
        "partition must be >= 0, got " + Integer.MIN_VALUE + " for topic " + TOPIC
      },
      {
        "null writer id",
        (Supplier<StepDown>) () -> StepDown.established(TOPIC, 0, 5, 0, null),
        NullPointerException.class,
        "writerId is null"
      },
      {
        "empty writer id",
        (Supplier<StepDown>) () -> StepDown.established(TOPIC, 0, 5, 0, ""),
        IllegalArgumentException.class,
        "writerId is blank"
      },
      {
        "blank writer id",
        (Supplier<StepDown>) () -> StepDown.established(TOPIC, 0, 5, 0, "   "),
        IllegalArgumentException.class,
        "writerId is blank"
      },
    };
  }

  @Test(dataProvider = "invalidStepDowns")
  public void invalidStepDownFailsAtConstruction(
      String name,
      Supplier<StepDown> build,
      Class<? extends RuntimeException> type,
      String message) {
    Set<String> before = producerThreads();
    LeadershipHandoffEmitter emitter = emitter(HandoffMetrics.NOOP);
    try {
      RuntimeException e = expectThrows(type, build::get);
      assertEquals(e.getMessage(), message);
      ItSupport.observed(
          OBSERVED,
          name,
          "`StepDown.established(...)`",
          type.getSimpleName()
              + ": "
              + e.getMessage()
              + " (at construction, on the caller's thread; the emitter never sees it)");
    } finally {
      emitter.close();
    }
    assertNoNewProducerThread(before, name);
  }

  // -------------------------------------------------------------- what the broker must judge

  @Test
  public void partitionBeyondThePartitionCount() {
    Set<String> before = producerThreads();
    int written = records().size();
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    EmitOutcome o;
    long wall;
    try (LeadershipHandoffEmitter emitter = emitter(metrics)) {
      emitter.prepare(TOPIC); // as a new leader does, off the demotion path
      long t0 = System.nanoTime();
      o = emitter.emitStepDown(StepDown.established(TOPIC, 7, 11, 0, "host-a"));
      wall = millisSince(t0);
    }
    ItSupport.observed(
        OBSERVED,
        "partition beyond the topic's partition count (topic has 1)",
        "`StepDown(" + TOPIC + ", 7, term 11)`",
        show(o, wall));
    assertTrue(o.status() == EmitStatus.FAILED || o.status() == EmitStatus.TIMED_OUT, o.toString());
    assertTrue(wall <= ACK_TIMEOUT_MS + SLACK_MS, "took " + wall + " ms: " + o);
    assertNotNull(o.cause(), o.toString());
    assertTrue(
        String.join(" / ", causeChain(o.cause())).contains("Partition 7"),
        "the cause names the partition: " + o);
    assertEquals(metrics.emitFailure(), 1, "leader_stepdown_stamp_emit_failure");
    assertNoNewProducerThread(before, "after close");
    assertEquals(records().size(), written, "nothing may be written");
  }

  @Test
  public void partitionBeyondThePartitionCountOnAColdEmitter() {
    Set<String> before = producerThreads();
    EmitOutcome o;
    long wall;
    try (LeadershipHandoffEmitter emitter = emitter(HandoffMetrics.NOOP)) {
      long t0 = System.nanoTime();
      o = emitter.emitStepDown(StepDown.established(TOPIC, 3, 12, 0, "host-a"));
      wall = millisSince(t0);
    }
    ItSupport.observed(
        OBSERVED,
        "partition beyond the partition count, no prepare() (producer built by this emit)",
        "`StepDown(" + TOPIC + ", 3, term 12)`",
        show(o, wall));
    assertTrue(o.status() == EmitStatus.FAILED || o.status() == EmitStatus.TIMED_OUT, o.toString());
    // The producer is built inside this call, and building it cannot be cut short at the deadline.
    // Bound it loosely here.
    assertTrue(wall <= ACK_TIMEOUT_MS + 1_000, "took " + wall + " ms: " + o);
    assertTrue(
        String.join(" / ", causeChain(o.cause())).contains("Partition 3"),
        "the cause names the partition: " + o);
    assertNoNewProducerThread(before, "after close");
  }

  @Test
  public void missingTopicIsNotCreated() throws Exception {
    String missing = "vt_missing_topic";
    assertFalse(topics().contains(missing));
    Set<String> before = producerThreads();
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    EmitOutcome o;
    long wall;
    try (LeadershipHandoffEmitter emitter = emitter(metrics)) {
      emitter.prepare(TOPIC);
      long t0 = System.nanoTime();
      o = emitter.emitStepDown(StepDown.established(missing, 0, 13, 0, "host-a"));
      wall = millisSince(t0);
    }
    ItSupport.observed(
        OBSERVED,
        "missing topic, broker with auto.create.topics.enable=false",
        "`StepDown(" + missing + ", 0, term 13)`",
        show(o, wall) + "; topic still absent: " + !topics().contains(missing));
    assertTrue(o.status() == EmitStatus.TIMED_OUT || o.status() == EmitStatus.FAILED, o.toString());
    assertTrue(wall <= ACK_TIMEOUT_MS + SLACK_MS, "took " + wall + " ms: " + o);
    assertTrue(
        String.join(" / ", causeChain(o.cause())).contains(missing),
        "the cause names the topic: " + o);
    assertEquals(metrics.emitFailure(), 1);
    assertNoNewProducerThread(before, "after close");
    assertFalse(topics().contains(missing), "the emitter must not create the topic");
  }

  @Test
  public void illegalTopicName() throws Exception {
    String illegal = "bad topic!";
    Set<String> before = producerThreads();
    EmitOutcome o;
    long wall;
    try (LeadershipHandoffEmitter emitter = emitter(HandoffMetrics.NOOP)) {
      emitter.prepare(TOPIC);
      long t0 = System.nanoTime();
      o = emitter.emitStepDown(StepDown.established(illegal, 0, 14, 0, "host-a"));
      wall = millisSince(t0);
    }
    ItSupport.observed(
        OBSERVED,
        "topic name Kafka cannot hold",
        "`StepDown(\"" + illegal + "\", 0, term 14)`",
        show(o, wall));
    assertTrue(o.status() == EmitStatus.TIMED_OUT || o.status() == EmitStatus.FAILED, o.toString());
    assertTrue(wall <= ACK_TIMEOUT_MS + SLACK_MS, "took " + wall + " ms: " + o);
    assertNoNewProducerThread(before, "after close");
    assertFalse(topics().contains(illegal));
  }

  @Test
  public void noTermIsSkippedWithoutTouchingTheBroker() {
    Set<String> before = producerThreads();
    int written = records().size();
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitter = emitter(metrics)) {
      for (long term : new long[] {0, -5, -1, Long.MIN_VALUE}) {
        long t0 = System.nanoTime();
        EmitOutcome o = emitter.emitStepDown(StepDown.established(TOPIC, 0, term, 0, "host-a"));
        long wall = millisSince(t0);
        ItSupport.observed(
            OBSERVED,
            "no leadership term",
            "`StepDown(" + TOPIC + ", 0, term " + term + ")`",
            show(o, wall) + ", offset " + o.offset());
        assertEquals(o.status(), EmitStatus.SKIPPED_NO_TERM, o.toString());
        assertEquals(o.elapsedNanos(), 0L);
        assertEquals(o.offset(), -1L);
      }
      assertNoNewProducerThread(before, "a skipped stamp creates no producer");
    }
    assertEquals(
        metrics.emitFailure() + metrics.emitSuccess(), 0, "skips are not reported: " + metrics);
    assertEquals(
        metrics.skippedUnestablished(), 0, "a missing term is no unestablished one: " + metrics);
    assertNoNewProducerThread(before, "after close");
    assertEquals(records().size(), written, "nothing may be written");
  }

  @Test
  public void unestablishedTermIsSkippedWithoutTouchingTheBroker() {
    Set<String> before = producerThreads();
    int written = records().size();
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    LeaderTerms terms = new LeaderTerms(TOPIC);
    // Promoted, then demoted while still waiting out its handover: the term never became
    // established.
    terms.promoted(0, 31);
    StepDown waiting = terms.demoted(0, 0, "host-a");
    // Demoted without ever being promoted, as on the early return of a partition that was standby.
    StepDown standby = terms.demoted(0, 0, "host-a");
    try (LeadershipHandoffEmitter emitter = emitter(metrics)) {
      long t0 = System.nanoTime();
      EmitOutcome o = emitter.emitStepDown(waiting);
      long wall = millisSince(t0);
      ItSupport.observed(
          OBSERVED,
          "term never established (demoted while waiting)",
          "`LeaderTerms.demoted` after `promoted(0, 31)`",
          show(o, wall) + ", offset " + o.offset());
      assertEquals(o.status(), EmitStatus.SKIPPED_UNESTABLISHED, o.toString());
      assertEquals(o.offset(), -1L, "nothing was written: " + o);
      EmitOutcome none = emitter.emitStepDown(standby);
      ItSupport.observed(
          OBSERVED,
          "no term held (demoted while standby)",
          "`LeaderTerms.demoted` without `promoted`",
          none.status() + ", term " + none.stepDown().leaderTerm());
      assertEquals(none.status(), EmitStatus.SKIPPED_NO_TERM, none.toString());
      assertNoNewProducerThread(before, "a skipped stamp creates no producer");
    }
    assertEquals(
        metrics.skippedUnestablished(),
        1,
        "leader_stepdown_stamp_skipped_unestablished: " + metrics);
    assertEquals(
        metrics.emitFailure() + metrics.emitSuccess(),
        0,
        "a skip is neither a success nor a failure");
    assertNoNewProducerThread(before, "after close");
    assertEquals(records().size(), written, "nothing may be written");
  }

  // ---------------------------------------------------------------- one bad element in a batch

  @Test
  public void batchWithABadPartitionAfterAGoodOne() {
    Set<String> before = producerThreads();
    List<EmitOutcome> outcomes;
    long wall;
    try (LeadershipHandoffEmitter emitter = emitter(HandoffMetrics.NOOP)) {
      emitter.prepare(TOPIC);
      long t0 = System.nanoTime();
      outcomes =
          emitter.emitStepDowns(
              List.of(
                  StepDown.established(TOPIC, 0, 21, 0, "host-a"),
                  StepDown.established(TOPIC, 9, 21, 0, "host-a"),
                  StepDown.established(TOPIC, 0, 0, 0, "host-a")));
      wall = millisSince(t0);
    }
    ItSupport.observed(
        OBSERVED,
        "batch: valid, partition beyond count, no term",
        "`emitStepDowns([p0 t21, p9 t21, p0 t0])`",
        wall
            + " ms: "
            + outcomes.stream().map(o -> o.status().name()).toList()
            + ", cause of the bad one "
            + causeChain(outcomes.get(1).cause()));
    assertEquals(outcomes.get(0).status(), EmitStatus.ACKED, outcomes.get(0).toString());
    assertTrue(outcomes.get(1).status().isFailure(), outcomes.get(1).toString());
    assertEquals(outcomes.get(2).status(), EmitStatus.SKIPPED_NO_TERM);
    assertTrue(wall <= ACK_TIMEOUT_MS + SLACK_MS, "took " + wall + " ms: " + outcomes);
    assertNoNewProducerThread(before, "after close");
    long stamps =
        records().stream()
            .filter(
                r -> StampKeys.isStepDownKey(r.key()) && EnvelopeCodec.readTerm(r.value()) == 21)
            .count();
    assertEquals(stamps, 1, "exactly the valid stamp landed");
  }

  @Test
  public void batchWithABadPartitionBeforeAGoodOne() {
    Set<String> before = producerThreads();
    List<EmitOutcome> outcomes;
    long wall;
    try (LeadershipHandoffEmitter emitter = emitter(HandoffMetrics.NOOP)) {
      emitter.prepare(TOPIC);
      long t0 = System.nanoTime();
      outcomes =
          emitter.emitStepDowns(
              List.of(
                  StepDown.established(TOPIC, 9, 22, 0, "host-a"),
                  StepDown.established(TOPIC, 0, 22, 0, "host-a")));
      wall = millisSince(t0);
    }
    ItSupport.observed(
        OBSERVED,
        "batch: partition beyond count, then a valid one",
        "`emitStepDowns([p9 t22, p0 t22])`",
        wall
            + " ms: "
            + outcomes.stream().map(o -> o.status().name()).toList()
            + ", cause of the valid one "
            + causeChain(outcomes.get(1).cause()));
    assertTrue(outcomes.get(0).status().isFailure(), outcomes.get(0).toString());
    // The bad element used up the shared deadline while the producer waited for its metadata;
    // whatever the valid element's fate, it must be decided within the deadline and be truthful.
    assertTrue(wall <= ACK_TIMEOUT_MS + SLACK_MS, "took " + wall + " ms: " + outcomes);
    assertNoNewProducerThread(before, "after close");
    long stamps =
        records().stream()
            .filter(
                r -> StampKeys.isStepDownKey(r.key()) && EnvelopeCodec.readTerm(r.value()) == 22)
            .count();
    // ACKED means on the partition; TIMED_OUT means "handed over, not confirmed in time": it may
    // have landed.
    if (outcomes.get(1).isAcked()) {
      assertEquals(stamps, 1, "an acked stamp is on the partition");
    } else {
      assertTrue(stamps <= 1, "at most one copy: " + stamps);
    }
    ItSupport.observed(
        OBSERVED,
        "batch: partition beyond count, then a valid one (topic afterwards)",
        "`emitStepDowns([p9 t22, p0 t22])`",
        "copies of the valid stamp on the partition afterwards: " + stamps);
  }
}
