package io.handoff.stamp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.StepDown;
import io.handoff.testsupport.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.Test;

/**
 * What a call logs: a mass step-down writes one summary and one WARN per distinct failure, not a
 * line per stamp, while every outcome still reaches the metrics and each stamp's line is there at
 * DEBUG; a single stamp keeps its one line.
 */
public class KafkaStampEmitterCallLogTest {

  private static final String TOPIC = "calllog_v1";
  private static final int PARTITIONS = 300;
  private static final String EMITTER = KafkaStampEmitter.class.getName();

  private final List<KafkaStampEmitter> emitters = new ArrayList<>();

  @AfterMethod(alwaysRun = true)
  public void closeEmitters() {
    emitters.forEach(KafkaStampEmitter::close);
    emitters.clear();
  }

  /**
   * A producer whose answer for a partition is {@code failure.apply(partition)}: a failed send, or
   * an ack when null.
   */
  private KafkaStampEmitter emitter(
      IntFunction<RuntimeException> failure, CountingHandoffMetrics metrics) {
    Node node = new Node(0, "localhost", 9092);
    List<PartitionInfo> infos = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      infos.add(new PartitionInfo(TOPIC, p, node, new Node[] {node}, new Node[] {node}));
    }
    Cluster cluster = new Cluster("c", List.of(node), infos, Set.of(), Set.of());
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(
            cluster, true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized Future<RecordMetadata> send(
              ProducerRecord<byte[], byte[]> record, Callback callback) {
            RuntimeException e = failure.apply(record.partition());
            if (e == null) {
              return super.send(record, callback);
            }
            callback.onCompletion(null, e);
            return CompletableFuture.failedFuture(e);
          }
        };
    HandoffSettings settings =
        HandoffSettings.from(
            Map.of(
                HandoffSettings.EMIT_STEPDOWN_STAMP, "true",
                HandoffSettings.ACK_TIMEOUT_MS, "10000"));
    KafkaStampEmitter e = KafkaStampEmitter.onHostProducer(settings, metrics, producer);
    emitters.add(e);
    return e;
  }

  private static StepDown stamp(int partition) {
    return StepDown.established(TOPIC, partition, 21, 0, "host-l");
  }

  /** Partitions 0 to 99 acked, 100 to 199 refused by the brokers, 200 to 299 expired. */
  private static final NotEnoughReplicasException REFUSED =
      new NotEnoughReplicasException("fewer in-sync replicas than required");

  private static RuntimeException thirds(int partition) {
    if (partition < 100) {
      return null;
    }
    // The expiries are distinct exceptions with one message: they are one cause all the same.
    return partition < 200 ? REFUSED : new TimeoutException("Expiring 1 record(s): 1000 ms passed");
  }

  /** 300 established step-downs and 10 of terms never established. */
  private static List<StepDown> massStepDown() {
    List<StepDown> all = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      all.add(stamp(p));
    }
    for (int p = 0; p < 10; p++) {
      all.add(new StepDown(TOPIC, p, 22, false, 0, "host-l"));
    }
    return all;
  }

  @Test
  public void aMassStepDownLogsOneSummaryAndOneWarnPerCause() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    KafkaStampEmitter e = emitter(KafkaStampEmitterCallLogTest::thirds, metrics);
    List<EmitOutcome> outcomes;
    try (LogCapture log = LogCapture.on(EMITTER)) {
      outcomes = e.emitStepDowns(massStepDown());
      List<String> infos = messagesAt(log, Level.INFO);
      List<String> warnings = log.warnings(KafkaStampEmitter.class);
      assertEquals(infos.size(), 1, "one summary: " + log.text());
      assertEquals(
          infos.get(0).replaceFirst("in \\d+ ms", "in T ms").replaceFirst("in \\d+ µs", "in T µs"),
          "Step-down stamps of 310 partitions in T ms: 100 acked (slowest in T µs),"
              + " 10 skipped (SKIPPED_UNESTABLISHED 10), 200 failed (TIMED_OUT 100, FAILED 100)");
      assertEquals(warnings.size(), 2, "one WARN per distinct cause: " + log.text());
      assertEquals(
          warnings.get(0),
          "100 step-down stamp(s) FAILED: "
              + REFUSED
              + "; "
              + listed(100)
              + " and 90 more;"
              + " the next leader of each will wait out the inactivity window");
      assertEquals(
          warnings.get(1),
          "100 step-down stamp(s) TIMED_OUT: org.apache.kafka.common.errors.TimeoutException:"
              + " Expiring 1 record(s): 1000 ms passed; "
              + listed(200)
              + " and 90 more; the next leader of each will wait out the inactivity window");
    }
    assertEquals(outcomes.size(), 310);
    assertEquals(metrics.emitSuccess(), 100, "every outcome still reaches the metrics");
    assertEquals(metrics.emitFailure(), 200);
    assertEquals(metrics.skippedUnestablished(), 10);
  }

  @Test
  public void atDebugEachStampStillHasItsLine() {
    KafkaStampEmitter e =
        emitter(KafkaStampEmitterCallLogTest::thirds, new CountingHandoffMetrics());
    try (LogCapture log = LogCapture.debug(KafkaStampEmitter.class)) {
      e.emitStepDowns(massStepDown());
      List<ILoggingEvent> debug = log.events(Level.DEBUG, x -> x.getLevel() == Level.DEBUG);
      assertEquals(debug.size(), 310, "one line per stamp at DEBUG");
      assertTrue(
          debug.stream()
              .anyMatch(
                  x ->
                      x.getFormattedMessage()
                          .startsWith(
                              "Step-down stamp for " + TOPIC + "-150 term 21 FAILED after")),
          "a failed stamp's own line");
      assertEquals(log.warnings(KafkaStampEmitter.class).size(), 2, log.text());
    }
  }

  @Test
  public void failuresOfManyCausesShareOneWarnBeyondTheFirstTen() {
    KafkaStampEmitter e =
        emitter(
            p -> new IllegalStateException("cause of partition " + p),
            new CountingHandoffMetrics());
    List<StepDown> all = new ArrayList<>();
    for (int p = 0; p < 25; p++) {
      all.add(stamp(p));
    }
    try (LogCapture log = LogCapture.on(EMITTER)) {
      e.emitStepDowns(all);
      List<String> warnings = log.warnings(KafkaStampEmitter.class);
      assertEquals(warnings.size(), CallSummary.CAUSE_LINES + 1, log.text());
      assertTrue(
          warnings
              .get(0)
              .startsWith(
                  "1 step-down stamp(s) FAILED: java.lang.IllegalStateException:"
                      + " cause of partition 0; "
                      + TOPIC
                      + "-0; the next leader"),
          warnings.get(0));
      assertEquals(
          warnings.get(CallSummary.CAUSE_LINES),
          "15 more step-down stamp(s) failed (FAILED 15), with 15 other causes (each at DEBUG); "
              + listed(10)
              + " and 5 more; the next leader of each will wait out the inactivity window");
    }
  }

  @Test
  public void aSingleStampKeepsItsOwnLine() {
    KafkaStampEmitter e =
        emitter(KafkaStampEmitterCallLogTest::thirds, new CountingHandoffMetrics());
    try (LogCapture log = LogCapture.on(EMITTER)) {
      e.emitStepDown(stamp(150));
      e.emitStepDowns(List.of(stamp(7)));
      List<String> lines = log.messages(Level.INFO);
      assertEquals(lines.size(), 2, log.text());
      assertTrue(
          lines
              .get(0)
              .matches(
                  "Step-down stamp for calllog_v1-150 term 21 FAILED after \\d+ µs: "
                      + java.util.regex.Pattern.quote(REFUSED.toString())
                      + "; the next leader will wait out the inactivity window"),
          lines.get(0));
      assertTrue(
          lines
              .get(1)
              .matches("Step-down stamp for calllog_v1-7 term 21 acked at offset \\d+ in \\d+ µs"),
          lines.get(1));
      assertEquals(log.warnings(KafkaStampEmitter.class).size(), 1, log.text());
    }
  }

  @Test
  public void aCallWhoseStampsAreSwitchedOffLogsNothing() {
    KafkaStampEmitter off =
        KafkaStampEmitter.onHostProducer(
            HandoffSettings.from(Map.of()), new CountingHandoffMetrics(), new MockProducer<>());
    emitters.add(off);
    try (LogCapture log = LogCapture.on(EMITTER)) {
      List<EmitOutcome> o = off.emitStepDowns(List.of(stamp(1), stamp(2)));
      assertEquals(o.get(0).status(), EmitStatus.SKIPPED_DISABLED);
      assertEquals(log.events(), List.of(), log.text());
    }
  }

  /** The first ten topic-partitions from {@code first}, as a WARN lists them. */
  private static String listed(int first) {
    StringBuilder sb = new StringBuilder();
    for (int p = first; p < first + CallSummary.LISTED; p++) {
      sb.append(p == first ? "" : ", ").append(TOPIC).append('-').append(p);
    }
    return sb.toString();
  }

  private static List<String> messagesAt(LogCapture log, Level level) {
    return log
        .events(level, x -> x.getLevel() == level && x.getLoggerName().equals(EMITTER))
        .stream()
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }
}
