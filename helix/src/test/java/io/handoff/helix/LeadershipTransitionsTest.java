package io.handoff.helix;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoverPath;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

public class LeadershipTransitionsTest {

  private SpiReplica replica;
  private RecordingListener listener;
  private LeadershipTransitions<HandoverPath> transitions;

  @BeforeMethod
  public void setUp() {
    replica = new SpiReplica();
    listener = new RecordingListener();
    transitions =
        new LeadershipTransitions<>(
            replica, Duration.ofMillis(SpiReplica.ACK_TIMEOUT_MS), listener);
  }

  @AfterMethod(alwaysRun = true)
  public void tearDown() {
    CountDownLatch gate = replica.stepDownGate;
    if (gate != null) {
      gate.countDown();
    }
    transitions.close();
    replica.close();
  }

  @Test
  public void promotionRunsOffTheCallersThreadAndEndsWritable() {
    transitions.becomeLeader(1, 100);
    awaitTrue(() -> replica.calls.contains("promote 1 100"));
    assertFalse(replica.promoteThreads.contains(Thread.currentThread().getName()));
    assertEquals(replica.promoteThreads, java.util.Set.of("transitions-" + SpiReplica.TOPIC));
    assertEquals(listener.events, List.of("promoting 1 100"));
    assertTrue(transitions.isLeading(1));

    replica.finishHandover(1, 100, HandoverPath.FAST_PATH);
    assertTrue(listener.events.contains("writable 1 100 FAST_PATH"), listener.events.toString());
    assertTrue(replica.terms.isEstablished(1));
  }

  @Test
  public void standbyOfAnEstablishedLeaderStampsAfterItsWritesAndClearsTheTerm() {
    lead(1, 100);
    assertTrue(replica.write(1));
    assertTrue(replica.write(1));

    transitions.becomeStandby(1);

    EmitOutcome outcome = onlyOutcome();
    assertEquals(outcome.status(), EmitStatus.ACKED);
    assertEquals(outcome.stepDown().leaderTerm(), 100);
    assertEquals(replica.sent(1), List.of("data", "data", "stamp"));
    assertFalse(replica.write(1), "stopped writing");
    assertFalse(replica.terms.isLeader(1));
    assertFalse(transitions.isLeading(1));
    assertTrue(listener.events.contains("steppedDown 1 STANDBY ACKED"), listener.events.toString());
  }

  @Test
  public void aLeaderSteppedDownWhileStillWaitingStampsNothing() {
    transitions.becomeLeader(1, 100);
    awaitTrue(() -> replica.calls.contains("promote 1 100"));

    transitions.becomeStandby(1);

    assertEquals(onlyOutcome().status(), EmitStatus.SKIPPED_UNESTABLISHED);
    assertEquals(replica.sent(1), List.of());
    assertFalse(replica.terms.isLeader(1));
    awaitTrue(() -> listener.events.contains("ended 1 100"));
    assertFalse(listener.events.stream().anyMatch(e -> e.startsWith("writable")));
  }

  @Test
  public void resetStepsDownALeaderAndLeavesAStandbyAlone() {
    transitions.reset(2);
    transitions.becomeOffline(3);
    assertFalse(
        replica.calls.stream().anyMatch(c -> c.startsWith("stepDown")), replica.calls.toString());
    assertEquals(listener.events, List.of());

    lead(1, 100);
    transitions.reset(1);

    assertEquals(onlyOutcome().status(), EmitStatus.ACKED);
    assertEquals(replica.sent(1), List.of("stamp"));
    assertTrue(listener.events.contains("steppedDown 1 RESET ACKED"), listener.events.toString());
    assertFalse(replica.terms.isLeader(1));
  }

  @Test
  public void theTermIsClearedWhenTheReplicasStepDownThrows() {
    lead(1, 100);
    replica.stepDownFailure = new IllegalStateException("broken replica");

    transitions.becomeStandby(1);

    EmitOutcome outcome = onlyOutcome();
    assertEquals(outcome.status(), EmitStatus.FAILED);
    assertEquals(outcome.cause().getMessage(), "broken replica");
    assertEquals(outcome.stepDown().leaderTerm(), 100);
    assertFalse(replica.terms.isLeader(1));
    assertEquals(replica.sent(1), List.of());
  }

  @Test
  public void aHangingStepDownIsAbandonedAtTheBoundAndStampsNothingLater() {
    lead(1, 100);
    replica.stepDownGate = new CountDownLatch(1);
    Duration bound = transitions.handlerBound();
    assertEquals(
        bound, Duration.ofMillis(SpiReplica.ACK_TIMEOUT_MS).plus(LeadershipTransitions.SLACK));

    long start = System.nanoTime();
    transitions.becomeStandby(1);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    // The replica hangs for 30 s: returning at all well before that is what is checked; the margin
    // is for a loaded machine, not a measurement.
    assertTrue(took.compareTo(bound) >= 0, "gave up before the bound: " + took);
    assertTrue(took.compareTo(bound.plusSeconds(15)) < 0, "not bounded: " + took);
    EmitOutcome outcome = onlyOutcome();
    assertEquals(outcome.status(), EmitStatus.FAILED);
    assertTrue(outcome.cause() instanceof TimeoutException, String.valueOf(outcome.cause()));
    assertFalse(replica.terms.isLeader(1));

    // The late step-down finds no term; the next promotion of the partition reaches the replica
    // after it.
    transitions.becomeLeader(1, 200);
    replica.stepDownGate.countDown();
    awaitTrue(() -> replica.calls.contains("promote 1 200"));
    assertEquals(replica.calls, List.of("promote 1 100", "stepDown [1]", "promote 1 200"));
    assertEquals(replica.sent(1), List.of());
  }

  @Test
  public void closeStepsDownEveryLeaderAtOnceAndRefusesPromotions() {
    lead(1, 100);
    lead(2, 100);
    assertTrue(replica.write(2));

    transitions.close();

    assertEquals(listener.outcomes.size(), 2);
    listener.outcomes.forEach(o -> assertEquals(o.status(), EmitStatus.ACKED));
    assertEquals(replica.calls.stream().filter(c -> c.startsWith("stepDown")).count(), 1);
    assertEquals(replica.sent(1), List.of("stamp"));
    assertEquals(replica.sent(2), List.of("data", "stamp"));

    transitions.becomeLeader(3, 300);
    assertTrue(listener.events.contains("ended 3 300"), listener.events.toString());
    assertFalse(replica.calls.contains("promote 3 300"));
    assertFalse(replica.terms.isLeader(3));
  }

  @Test
  public void aFailedPromotionIsReportedAndItsStepDownStampsNothing() {
    replica.promoteFailure = new IllegalStateException("no producer");
    transitions.becomeLeader(1, 100);
    awaitTrue(() -> listener.events.contains("ended 1 100"));

    transitions.becomeStandby(1);

    EmitOutcome outcome = onlyOutcome();
    assertTrue(outcome.status().isSkipped(), outcome.toString());
    assertEquals(replica.sent(1), List.of());
    assertFalse(replica.terms.isLeader(1));
  }

  @Test
  public void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> transitions.becomeLeader(-1, 100));
    assertThrows(IllegalArgumentException.class, () -> transitions.becomeLeader(1, 0));
    assertThrows(
        NullPointerException.class,
        () -> new LeadershipTransitions<>(null, Duration.ZERO, listener));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LeadershipTransitions<>(replica, Duration.ofMillis(-1), listener));
  }

  private void lead(int partition, long term) {
    transitions.becomeLeader(partition, term);
    awaitTrue(() -> replica.calls.contains("promote " + partition + " " + term));
    replica.finishHandover(partition, term, HandoverPath.FAST_PATH);
    assertTrue(replica.terms.isEstablished(partition));
  }

  private EmitOutcome onlyOutcome() {
    assertEquals(listener.outcomes.size(), 1, listener.events.toString());
    return assertNotNullAndGet(listener.outcomes.get(0));
  }

  private static EmitOutcome assertNotNullAndGet(EmitOutcome o) {
    assertNotNull(o);
    return o;
  }

  static void awaitTrue(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("condition not met within 20 s");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
