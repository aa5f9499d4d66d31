package io.handoff.stamp.fault;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.StepDown;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * A demotion thread blocked on a stamp that will never be acknowledged (the broker is stopped, the
 * ack timeout is 30 s) is interrupted: it must come back at once with INTERRUPTED, the cause its
 * own {@link InterruptedException} or none (never an exception of the Kafka client), and its
 * interrupt status set. Two blocking points are covered, each checked from the threads' stacks
 * before the interrupt: waiting for the ack of a stamp already handed to the producer (metadata
 * cached), and waiting while the emitter's sender thread waits for the metadata of a topic the
 * producer does not know. The emitters stamp on their own producer after a write barrier that is
 * always complete (no data is written here).
 */
public class InterruptIT {

  private static final Logger LOG = LoggerFactory.getLogger(InterruptIT.class);

  private static final long ACK_TIMEOUT_MS = 30_000;
  private static final long INTERRUPT_AFTER_MS = 200;
  private static final long PROMPT_MS = 2_000;
  private static final String KNOWN = "interrupt_known_v1";
  private static final String UNKNOWN = "interrupt_unknown_v1";
  private static final int PARTITIONS = 50;

  /**
   * Never created (and auto-creation is off): a stamp for it waits for metadata until interrupted.
   */
  private static final String MISSING = "interrupt_missing_v1";

  private EmbeddedKafkaCluster kafka;
  private Set<Thread> threadsBefore;

  /** Knows {@link #KNOWN} and keeps its metadata while no broker answers. */
  private LeadershipHandoffEmitter ackWaitEmitter;

  private final CountingHandoffMetrics ackWaitMetrics = new CountingHandoffMetrics();

  /** Has a producer, but has never written to {@link #UNKNOWN}. */
  private LeadershipHandoffEmitter metadataWaitEmitter;

  private final CountingHandoffMetrics metadataWaitMetrics = new CountingHandoffMetrics();

  @BeforeClass
  public void startKafkaThenStopIt() {
    threadsBefore = FaultSupport.emitterThreads();
    kafka =
        EmbeddedKafkaCluster.builder()
            .brokers(1)
            .brokerProperty("auto.create.topics.enable", "false")
            .start();
    kafka.createTopic(KNOWN, PARTITIONS, 1, Map.of());
    kafka.createTopic(UNKNOWN, PARTITIONS, 1, Map.of());

    Properties ackWait = FaultSupport.emitterProps(kafka.bootstrapServers(), ACK_TIMEOUT_MS);
    // Kafka 4 clients drop their metadata when no known broker is reachable ("rebootstrap"); with
    // "none" the stamps go into the producer's buffer and the caller waits for the ack.
    ackWait.setProperty(HandoffSettings.KAFKA_PREFIX + "metadata.recovery.strategy", "none");
    ackWaitEmitter = FaultSupport.emitter(ackWait, ackWaitMetrics);
    metadataWaitEmitter =
        FaultSupport.emitter(
            FaultSupport.emitterProps(kafka.bootstrapServers(), ACK_TIMEOUT_MS),
            metadataWaitMetrics);
    for (LeadershipHandoffEmitter e : List.of(ackWaitEmitter, metadataWaitEmitter)) {
      EmitOutcome warm = e.emitStepDown(StepDown.established(KNOWN, 0, 1, 0, "host-i"));
      assertEquals(warm.status(), EmitStatus.ACKED, "warm-up with the broker up: " + warm);
    }
  }

  /** The tests below need the broker stopped; the first one to run stops it. */
  private void brokerDown() {
    if (kafka.isBrokerRunning(0)) {
      kafka.stopBroker(0);
    }
  }

  @AfterClass(alwaysRun = true)
  public void stopKafka() {
    for (LeadershipHandoffEmitter e :
        new LeadershipHandoffEmitter[] {ackWaitEmitter, metadataWaitEmitter}) {
      if (e != null) {
        e.close();
      }
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /** What a calling thread saw, recorded by that thread itself right after the call. */
  private static final class Call {
    final String name;
    volatile List<EmitOutcome> outcomes;
    volatile Throwable thrown;
    volatile boolean interruptedAfter;
    volatile long returnedAtNanos;
    volatile Thread thread;

    Call(String name) {
      this.name = name;
    }
  }

  private static Call start(String name, Supplier<List<EmitOutcome>> body, CountDownLatch ready) {
    Call c = new Call(name);
    c.thread =
        new Thread(
            () -> {
              ready.countDown();
              try {
                List<EmitOutcome> r = body.get();
                c.interruptedAfter =
                    Thread.currentThread().isInterrupted(); // first thing after the call
                c.returnedAtNanos = System.nanoTime();
                c.outcomes = r;
              } catch (Throwable t) {
                c.interruptedAfter = Thread.currentThread().isInterrupted();
                c.returnedAtNanos = System.nanoTime();
                c.thrown = t;
              }
            },
            name);
    c.thread.start();
    return c;
  }

  /** Where a thread is blocked: the class and method of a frame on its stack. */
  private record Frame(String className, String method) {
    boolean on(Thread t) {
      return Arrays.stream(t.getStackTrace())
          .anyMatch(e -> e.getClassName().equals(className) && e.getMethodName().equals(method));
    }

    boolean onAnySenderThread() {
      return Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("handoff-stamp-sender"))
          .anyMatch(this::on);
    }

    @Override
    public String toString() {
      return className + "." + method;
    }
  }

  /** The caller waits for the acknowledgements of stamps already handed to the producer. */
  private static final Frame AWAITING_ACKS = new Frame("io.handoff.stamp.StampBatch", "awaitAcks");

  /** The caller waits for the sender thread to hand its stamps over. */
  private static final Frame AWAITING_HAND_OVER =
      new Frame("io.handoff.stamp.KafkaStampEmitter", "handOverAndWait");

  /** The sender thread waits for a topic's metadata. */
  private static final Frame METADATA_WAIT = new Frame("io.handoff.stamp.PartitionCounts", "fetch");

  private static String stackOf(Thread t) {
    StringBuilder b = new StringBuilder();
    for (StackTraceElement e : t.getStackTrace()) {
      b.append("\n    at ").append(e);
    }
    return b.toString();
  }

  /**
   * Runs a single step-down and a batch of 50 concurrently, checks that both callers are blocked
   * where {@code blockedIn} says (and, for a metadata wait, that the sender thread waits for
   * metadata), interrupts both, checks both.
   */
  private void interruptBoth(
      LeadershipHandoffEmitter emitter,
      CountingHandoffMetrics metrics,
      String topic,
      long termBase,
      Frame blockedIn,
      boolean senderWaitsForMetadata)
      throws Exception {
    brokerDown();
    List<StepDown> batch = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      batch.add(StepDown.established(topic, p, termBase + 1 + p, 0, "host-i"));
    }
    StepDown single = StepDown.established(topic, 0, termBase, 0, "host-i");
    long failuresBefore = metrics.emitFailure();
    CountDownLatch ready = new CountDownLatch(2);
    Call one = start("interrupt-single", () -> List.of(emitter.emitStepDown(single)), ready);
    Call many = start("interrupt-batch", () -> emitter.emitStepDowns(batch), ready);
    ready.await();
    Thread.sleep(INTERRUPT_AFTER_MS);
    assertTrue(
        one.thread.isAlive() && many.thread.isAlive(),
        "the calls must still be blocked when interrupted (broker stopped, ack timeout 30 s); single: "
            + one.outcomes
            + ", batch: "
            + (many.outcomes == null ? null : FaultSupport.countByStatus(many.outcomes)));
    // The interrupt must hit the blocking point this test is about: the stacks say where that is.
    for (Call c : List.of(one, many)) {
      assertTrue(
          blockedIn.on(c.thread),
          c.name + " is meant to be blocked in " + blockedIn + ":" + stackOf(c.thread));
    }
    if (senderWaitsForMetadata) {
      assertTrue(
          METADATA_WAIT.onAnySenderThread(),
          "the sender thread is meant to wait for the metadata of " + topic);
    }
    long interruptedAt = System.nanoTime();
    one.thread.interrupt();
    many.thread.interrupt();
    one.thread.join(10_000);
    many.thread.join(10_000);

    for (Call c : List.of(one, many)) {
      assertFalse(c.thread.isAlive(), c.name + " still blocked 10 s after the interrupt");
      assertEquals(c.thrown, null, c.name + " threw");
      long afterInterruptMs = (c.returnedAtNanos - interruptedAt) / 1_000_000L;
      LOG.info(
          "{} on {}: returned {} ms after the interrupt, interrupt status {}; {}",
          c.name,
          topic,
          afterInterruptMs,
          c.interruptedAfter,
          c.outcomes.size() == 1
              ? c.outcomes.get(0)
              : FaultSupport.countByStatus(c.outcomes) + ", first " + c.outcomes.get(0));
      assertTrue(
          afterInterruptMs < PROMPT_MS,
          c.name + " returned " + afterInterruptMs + " ms after the interrupt");
      assertTrue(
          c.interruptedAfter,
          c.name + ": the interrupt status must be set on return: " + c.outcomes.get(0));
      for (EmitOutcome o : c.outcomes) {
        assertEquals(o.status(), EmitStatus.INTERRUPTED, c.name + ": " + o);
      }
      for (EmitOutcome o : c.outcomes) {
        Throwable cause = o.cause();
        assertTrue(
            cause == null || cause instanceof InterruptedException,
            c.name + ": the caller's own interrupt, not an exception of the Kafka client: " + o);
      }
    }
    assertEquals(one.outcomes.size(), 1);
    assertEquals(one.outcomes.get(0).stepDown(), single);
    assertEquals(many.outcomes.size(), PARTITIONS);
    for (int i = 0; i < PARTITIONS; i++) {
      assertEquals(many.outcomes.get(i).stepDown(), batch.get(i), "outcome " + i + " in order");
    }
    assertEquals(metrics.emitFailure() - failuresBefore, 1 + PARTITIONS, metrics.toString());
  }

  @Test
  public void interruptWhileWaitingForTheAck() throws Exception {
    interruptBoth(ackWaitEmitter, ackWaitMetrics, KNOWN, 1_000, AWAITING_ACKS, false);
  }

  @Test
  public void interruptWhileWaitingForMetadata() throws Exception {
    // The wait for metadata runs on the emitter's sender thread; the caller waits for the
    // hand-over.
    interruptBoth(
        metadataWaitEmitter, metadataWaitMetrics, UNKNOWN, 2_000, AWAITING_HAND_OVER, true);
  }

  /**
   * A thread that is already interrupted when it calls gets INTERRUPTED at once, its status kept.
   */
  @Test
  public void alreadyInterruptedCallerReturnsAtOnce() throws Exception {
    brokerDown();
    for (LeadershipHandoffEmitter emitter : List.of(ackWaitEmitter, metadataWaitEmitter)) {
      CountDownLatch ready = new CountDownLatch(1);
      long[] took = new long[1];
      Call c =
          start(
              "pre-interrupted",
              () -> {
                Thread.currentThread().interrupt();
                long t0 = System.nanoTime();
                try {
                  return List.of(
                      emitter.emitStepDown(
                          StepDown.established(
                              emitter == ackWaitEmitter ? KNOWN : UNKNOWN, 3, 3_000, 0, "host-i")));
                } finally {
                  took[0] = FaultSupport.millisSince(t0);
                }
              },
              ready);
      c.thread.join(10_000);
      assertFalse(c.thread.isAlive(), "an interrupted caller blocked");
      assertEquals(c.thrown, null);
      assertNotNull(c.outcomes);
      LOG.info(
          "already interrupted caller: {} in {} ms, interrupt status {}",
          c.outcomes.get(0),
          took[0],
          c.interruptedAfter);
      assertEquals(
          c.outcomes.get(0).status(), EmitStatus.INTERRUPTED, c.outcomes.get(0).toString());
      Throwable cause = c.outcomes.get(0).cause();
      assertTrue(
          cause == null || cause instanceof InterruptedException, c.outcomes.get(0).toString());
      assertTrue(c.interruptedAfter, "interrupt status lost: " + c.outcomes.get(0));
      assertTrue(took[0] < PROMPT_MS, "took " + took[0] + " ms");
    }
  }

  /**
   * With the broker up, a batch whose last stamp is held up (the sender thread waits for the
   * metadata of a topic that does not exist) is interrupted after its first stamps were
   * acknowledged. Those stamps are on the topic and must be reported ACKED, although the caller's
   * interrupt status is set by the time their outcomes are read.
   */
  @Test(priority = -1, description = "stamps acked before an interrupt stay ACKED")
  public void interruptDoesNotRelabelStampsAlreadyAcked() throws Exception {
    assertTrue(kafka.isBrokerRunning(0), "this test runs first, with the broker up");
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitter =
        FaultSupport.emitter(
            FaultSupport.emitterProps(kafka.bootstrapServers(), ACK_TIMEOUT_MS), metrics)) {
      emitter.prepare(KNOWN);
      List<StepDown> batch =
          List.of(
              StepDown.established(KNOWN, 10, 4_010, 0, "host-i"),
              StepDown.established(KNOWN, 11, 4_011, 0, "host-i"),
              StepDown.established(MISSING, 0, 4_099, 0, "host-i"));
      CountDownLatch ready = new CountDownLatch(1);
      Call c = start("interrupt-after-acks", () -> emitter.emitStepDowns(batch), ready);
      ready.await();
      Thread.sleep(INTERRUPT_AFTER_MS);
      c.thread.interrupt();
      c.thread.join(10_000);
      assertFalse(c.thread.isAlive());
      assertEquals(c.thrown, null);
      LOG.info(
          "interrupted after two acks: {}, interrupt status {}", c.outcomes, c.interruptedAfter);
      assertTrue(c.interruptedAfter);
      assertEquals(
          c.outcomes.get(2).status(), EmitStatus.INTERRUPTED, c.outcomes.get(2).toString());
      List<FaultSupport.Landed> landed =
          FaultSupport.readAll(kafka.bootstrapServers(), KNOWN, PARTITIONS);
      for (int i = 0; i < 2; i++) {
        EmitOutcome o = c.outcomes.get(i);
        boolean onTopic =
            landed.stream()
                .anyMatch(
                    l ->
                        l.partition() == o.stepDown().partition()
                            && l.term() == o.stepDown().leaderTerm());
        assertTrue(onTopic, "sent before the interrupt and acknowledged at once: " + o);
        assertEquals(
            o.status(),
            EmitStatus.ACKED,
            "the stamp is on the topic, acknowledged before the interrupt: " + o);
      }
    }
  }

  /** After all that, close() is prompt and the producers' threads are gone. */
  @Test(
      dependsOnMethods = {
        "interruptWhileWaitingForTheAck",
        "interruptWhileWaitingForMetadata",
        "alreadyInterruptedCallerReturnsAtOnce"
      },
      alwaysRun = true)
  public void closeIsPromptAndLeavesNoThread() throws Exception {
    long t0 = System.nanoTime();
    ackWaitEmitter.close();
    metadataWaitEmitter.close();
    long closeMs = FaultSupport.millisSince(t0);
    LOG.info("closing both emitters with stamps pending took {} ms", closeMs);
    assertTrue(closeMs < PROMPT_MS, "close() took " + closeMs + " ms");
    List<String> leaked = FaultSupport.leakedThreads(threadsBefore, 5_000);
    assertTrue(leaked.isEmpty(), "threads left alive 5 s after close(): " + leaked);
  }
}
