package io.handoff.stamp.fault;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.StepDown;
import io.handoff.stamp.KafkaStampEmitter;
import io.handoff.stamp.StampProducerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The only broker stops while a batch of 200 stamps is in flight on the emitter's own producer
 * (after a write barrier that is always complete: no data is written here). Every step-down gets an
 * outcome; every ACKED stamp is on the topic; a failed one is absent or landed within the delivery
 * bound.
 */
public class BrokerStopsMidFlightIT {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerStopsMidFlightIT.class);

  private static final String TOPIC = "midflight_v1";
  private static final int PARTITIONS = 200;
  private static final long ACK_TIMEOUT_MS = 2_000;
  private static final long DELIVERY_BOUND_MS = StampProducerConfig.deliveryBoundMs(ACK_TIMEOUT_MS);

  /** Broker and client share this JVM's clock; the margin covers the broker's own processing. */
  private static final long CLOCK_MARGIN_MS = 250;

  /** Delays between the start of the batch call and the start of the broker stop, one per round. */
  private static final long[] STOP_DELAYS_MS = {0, 0, 5, 15, 40};

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startKafka() {
    kafka = EmbeddedKafkaCluster.builder().brokers(1).start();
    // LogAppendTime: the record timestamp read back is the broker's append time. flush.messages=1
    // makes the broker fsync every append, so that 200 appends take long enough for a stop to land
    // among them.
    kafka.createTopic(
        TOPIC,
        PARTITIONS,
        1,
        Map.of("message.timestamp.type", "LogAppendTime", "flush.messages", "1"));
  }

  @AfterClass(alwaysRun = true)
  public void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  public void everyStampHasAnOutcomeAndOnlyAckedOrTimelyStampsLand() throws Exception {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    List<EmitOutcome> all = new ArrayList<>();
    List<List<EmitOutcome>> rounds = new ArrayList<>();
    int mixedRounds = 0;
    KafkaStampEmitter emitter =
        FaultSupport.emitter(
            FaultSupport.emitterProps(kafka.bootstrapServers(), ACK_TIMEOUT_MS), metrics);
    assertEquals(
        FaultSupport.deliveryBoundMs(emitter),
        DELIVERY_BOUND_MS,
        "the bound landings are checked against");
    long lastRestart = System.nanoTime();
    try {
      for (int round = 0; round < STOP_DELAYS_MS.length; round++) {
        // Ready: one stamp acked, so the producer is connected and has the metadata.
        EmitOutcome ready = null;
        long readyStart = System.nanoTime();
        for (int attempt = 0; FaultSupport.millisSince(readyStart) < 15_000; attempt++) {
          ready =
              emitter.emitStepDown(
                  StepDown.established(
                      TOPIC, attempt % PARTITIONS, 900_000 + round * 100 + attempt, 0, "host-m"));
          all.add(ready);
          if (ready.isAcked()) {
            break;
          }
        }
        assertTrue(
            ready != null && ready.isAcked(),
            "round " + round + ": the emitter did not recover: " + ready);

        List<StepDown> batch = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
          batch.add(StepDown.established(TOPIC, p, (round + 1) * 1_000L + p, 0, "host-m"));
        }
        AtomicReference<List<EmitOutcome>> result = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CountDownLatch calling = new CountDownLatch(1);
        long[] took = new long[1];
        Thread caller =
            new Thread(
                () -> {
                  calling.countDown();
                  long t0 = System.nanoTime();
                  try {
                    result.set(emitter.emitStepDowns(batch));
                  } catch (Throwable t) {
                    thrown.set(t);
                  }
                  took[0] = FaultSupport.millisSince(t0);
                },
                "midflight-caller-" + round);
        caller.start();
        calling.await();
        if (STOP_DELAYS_MS[round] > 0) {
          Thread.sleep(STOP_DELAYS_MS[round]);
        }
        long stopStart = System.nanoTime();
        kafka.stopBroker(0);
        long stopMs = FaultSupport.millisSince(stopStart);
        caller.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(
            !caller.isAlive(), "round " + round + ": emitStepDowns did not return within 30 s");
        long restartStart = System.nanoTime();
        kafka.startBroker(0);
        lastRestart = System.nanoTime();

        assertEquals(thrown.get(), null, "round " + round + ": emitStepDowns threw");
        List<EmitOutcome> outcomes = result.get();
        assertNotNull(outcomes, "round " + round);
        assertEquals(outcomes.size(), PARTITIONS, "round " + round + ": one outcome per step-down");
        for (int i = 0; i < PARTITIONS; i++) {
          EmitOutcome o = outcomes.get(i);
          assertNotNull(o, "round " + round + ": outcome " + i + " is null");
          assertEquals(
              o.stepDown(),
              batch.get(i),
              "round " + round + ": outcome " + i + " answers its own step-down, in order");
          assertTrue(o.isAcked() || o.status().isFailure(), "round " + round + ": " + o);
          assertTrue(
              o.status() != EmitStatus.INTERRUPTED,
              "round " + round + ": nobody interrupted the caller: " + o);
        }
        Map<EmitStatus, Long> counts = FaultSupport.countByStatus(outcomes);
        LOG.info(
            "round {}: stop started {} ms after the call, took {} ms; batch returned after {} ms: {}; restart took {} ms",
            round,
            STOP_DELAYS_MS[round],
            stopMs,
            took[0],
            counts,
            FaultSupport.millisSince(restartStart));
        final int r = round;
        outcomes.stream()
            .filter(o -> !o.isAcked())
            .limit(2)
            .forEach(o -> LOG.info("round {}: e.g. {}", r, o));
        assertTrue(
            took[0] <= ACK_TIMEOUT_MS + 500,
            "round " + round + ": emitStepDowns took " + took[0] + " ms: " + counts);
        if (counts.getOrDefault(EmitStatus.ACKED, 0L) > 0
            && counts.getOrDefault(EmitStatus.ACKED, 0L) < PARTITIONS) {
          mixedRounds++;
        }
        all.addAll(outcomes);
        rounds.add(outcomes);
      }
      long wait = DELIVERY_BOUND_MS + 500 - FaultSupport.millisSince(lastRestart);
      if (wait > 0) {
        Thread.sleep(wait);
      }
    } finally {
      emitter.close();
    }

    List<FaultSupport.Landed> landed =
        FaultSupport.readAll(kafka.bootstrapServers(), TOPIC, PARTITIONS);
    int caughtInFlight = 0;
    for (int round = 0; round < rounds.size(); round++) {
      FaultSupport.LandingStats r =
          FaultSupport.checkLanded(
              rounds.get(round), landed, DELIVERY_BOUND_MS, CLOCK_MARGIN_MS, false);
      LOG.info("round {} (stop {} ms after the call): {}", round, STOP_DELAYS_MS[round], r);
      if (r.failedButPresent() > 0 || (r.acked() > 0 && r.acked() < r.stamps())) {
        caughtInFlight++;
      }
    }
    FaultSupport.LandingStats stats =
        FaultSupport.checkLanded(all, landed, DELIVERY_BOUND_MS, CLOCK_MARGIN_MS);
    Map<EmitStatus, Long> total = FaultSupport.countByStatus(all);
    LOG.info(
        "all rounds, readiness stamps included: {} {}; {} record(s) on the topic; {} round(s) mixed acked and failed",
        total,
        stats,
        landed.size(),
        mixedRounds);
    assertTrue(
        caughtInFlight > 0,
        "in none of "
            + rounds.size()
            + " rounds did the stop hit stamps in flight"
            + " (no round mixed acked and failed stamps, no failed stamp landed): the scenario was not exercised");
    assertEquals(
        metrics.emitSuccess(),
        total.getOrDefault(EmitStatus.ACKED, 0L).longValue(),
        metrics.toString());
    assertEquals(
        metrics.emitFailure(),
        all.size() - total.getOrDefault(EmitStatus.ACKED, 0L),
        metrics.toString());
  }
}
