package io.handoff.stamp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.StepDown;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.Test;

/** One call's stamps: who settles them, when, and with what. */
public class StampBatchTest {

  /** A deadline no test here comes near. */
  private static final long LONG_MS = 60_000;

  private static StepDown[] stamps(int n) {
    StepDown[] s = new StepDown[n];
    for (int i = 0; i < n; i++) {
      s[i] = StepDown.established("batch_v1", i, 5, 0, "host-b");
    }
    return s;
  }

  private static RecordMetadata at(long offset) {
    return new RecordMetadata(new TopicPartition("batch_v1", 0), offset, 0, 0, 0, 0);
  }

  @AfterMethod
  public void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  public void theFirstOutcomeWins() {
    StampBatch b = new StampBatch(stamps(2), LONG_MS);
    assertEquals(b.size(), 2);
    assertFalse(b.isSettled(0));
    EmitOutcome first = EmitOutcome.skipped(b.stepDown(0), EmitStatus.SKIPPED_NO_TERM);
    b.settle(0, first);
    b.fail(0, EmitStatus.FAILED, new IllegalStateException("late"));
    assertSame(b.outcome(0), first);
    assertTrue(b.isSettled(0));
    assertNull(b.outcome(1));
  }

  @Test
  public void unsettledListsExactlyTheStampsWithoutOutcome() {
    StampBatch b = new StampBatch(stamps(4), LONG_MS);
    assertEquals(b.unsettled(), new int[] {0, 1, 2, 3});
    assertTrue(b.hasUnsettled());
    b.fail(1, EmitStatus.FAILED, null);
    b.fail(3, EmitStatus.FAILED, null);
    assertEquals(b.unsettled(), new int[] {0, 2});
    assertTrue(b.hasUnsettled());
    b.fail(0, EmitStatus.FAILED, null);
    assertEquals(b.unsettled(), new int[] {2});
    assertTrue(b.hasUnsettled(), "the last one alone still counts");
    b.fail(2, EmitStatus.FAILED, null);
    assertEquals(b.unsettled(), new int[0]);
    assertFalse(b.hasUnsettled());
  }

  @Test
  public void failUnsettledSparesTheStampsHandedOver() {
    StampBatch b = new StampBatch(stamps(3), LONG_MS);
    CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
    b.handedOver(1, sent);
    IllegalStateException cause = new IllegalStateException("no producer");
    b.failUnsettled(EmitStatus.FAILED, cause);
    assertEquals(b.outcome(0).status(), EmitStatus.FAILED);
    assertSame(b.outcome(0).cause(), cause);
    assertNull(b.outcome(1), "handed over: its ack decides");
    assertSame(b.outcome(2).cause(), cause);
  }

  @Test
  public void theHandOverClosesWithTheCallersWaitUnlessNobodyWaits() {
    StampBatch b = new StampBatch(stamps(1), LONG_MS);
    assertTrue(b.mayHandOver());
    b.closeHandOver();
    assertFalse(b.mayHandOver());
    StampBatch zero = new StampBatch(stamps(1), 0);
    zero.closeHandOver();
    assertTrue(zero.mayHandOver(), "with a zero ack timeout every stamp is still handed over");
  }

  @Test
  public void theDeadlineIsTheAckTimeoutFromCreation() {
    long before = System.nanoTime();
    StampBatch b = new StampBatch(stamps(1), LONG_MS);
    long after = System.nanoTime();
    assertEquals(b.ackTimeoutMs(), LONG_MS);
    assertTrue(b.deadline() - before >= TimeUnit.MILLISECONDS.toNanos(LONG_MS));
    assertTrue(b.deadline() - after <= TimeUnit.MILLISECONDS.toNanos(LONG_MS));
    assertFalse(b.pastDeadline());
    assertTrue(b.remainingNanos() > TimeUnit.MILLISECONDS.toNanos(LONG_MS / 2));
    StampBatch zero = new StampBatch(stamps(1), 0);
    assertTrue(zero.pastDeadline(), "a zero ack timeout is past at once");
    assertEquals(zero.remainingNanos(), 0, "never negative");
  }

  @Test
  public void awaitAcksSettlesEachAnsweredStamp() {
    StampBatch b = new StampBatch(stamps(3), LONG_MS);
    b.handedOver(0, CompletableFuture.completedFuture(at(10)));
    b.answered(0);
    b.handedOver(1, CompletableFuture.failedFuture(new IllegalStateException("refused")));
    b.fail(2, EmitStatus.FAILED, new IllegalStateException("before"));
    assertFalse(b.awaitAcks(), "not interrupted");
    assertEquals(b.outcome(0).status(), EmitStatus.ACKED);
    assertEquals(b.outcome(0).offset(), 10);
    assertTrue(b.outcome(0).elapsedNanos() >= 0);
    assertEquals(b.outcome(1).status(), EmitStatus.FAILED);
    assertEquals(b.outcome(1).cause().getMessage(), "refused");
    assertEquals(b.outcome(2).cause().getMessage(), "before", "settled before: kept");
  }

  @Test
  public void anAckNotInTimeIsTimedOutNamingTheAckTimeout() {
    StampBatch b = new StampBatch(stamps(2), 0);
    b.handedOver(0, new CompletableFuture<>());
    assertFalse(b.awaitAcks());
    assertEquals(b.outcome(0).status(), EmitStatus.TIMED_OUT);
    assertTrue(b.outcome(0).cause() instanceof TimeoutException);
    assertEquals(b.outcome(0).cause().getMessage(), "no ack within the ack timeout of 0 ms");
    assertNull(b.outcome(1), "never handed over: left for settleRest");
  }

  @Test
  public void anInterruptStopsTheWaitForAcks() {
    StampBatch b = new StampBatch(stamps(2), LONG_MS);
    b.handedOver(0, new CompletableFuture<>());
    b.handedOver(1, CompletableFuture.completedFuture(at(3)));
    Thread.currentThread().interrupt();
    assertTrue(b.awaitAcks(), "interrupted");
    assertNull(b.outcome(0));
    b.settleRest(true);
    assertEquals(b.outcome(0).status(), EmitStatus.INTERRUPTED);
    assertNull(b.outcome(0).cause());
    assertEquals(b.outcome(1).status(), EmitStatus.ACKED, "an ack already there is kept");
    assertEquals(b.outcome(1).offset(), 3);
  }

  @Test
  public void settleRestTellsWhatTheStampWasWaitingFor() {
    StampBatch b = new StampBatch(stamps(3), 250);
    b.waitingFor("the metadata of batch_v1");
    b.handedOver(1, new CompletableFuture<>());
    b.handedOver(2, CompletableFuture.completedFuture(at(8)));
    b.settleRest(false);
    assertEquals(b.outcome(0).status(), EmitStatus.TIMED_OUT);
    assertEquals(
        b.outcome(0).cause().getMessage(),
        "the ack timeout of 250 ms passed before this stamp could be handed to the producer,"
            + " while waiting for the metadata of batch_v1");
    assertEquals(b.outcome(1).status(), EmitStatus.TIMED_OUT);
    assertEquals(b.outcome(1).cause().getMessage(), "no ack within the ack timeout of 250 ms");
    assertEquals(b.outcome(2).status(), EmitStatus.ACKED);
  }

  @Test
  public void theSenderThreadIsWhatAStampWaitsForAtFirst() {
    StampBatch b = new StampBatch(stamps(1), 250);
    b.settleRest(false);
    assertTrue(
        b.outcome(0).cause().getMessage().endsWith("while waiting for the sender thread"),
        b.outcome(0).cause().getMessage());
  }

  @Test
  public void theElapsedTimeOfAnAckIsTakenWhenTheBrokerAnswered() throws Exception {
    long before = System.nanoTime();
    StampBatch b = new StampBatch(stamps(2), LONG_MS);
    long created = System.nanoTime();
    b.handedOver(0, CompletableFuture.completedFuture(at(1)));
    b.handedOver(1, CompletableFuture.completedFuture(at(2)));
    b.answered(0);
    long answeredBy = System.nanoTime();
    Thread.sleep(20);
    long settling = System.nanoTime();
    b.settleRest(false);
    // Stamp 0 counts until its answer, stamp 1 (no answer recorded) until it was settled.
    assertTrue(b.outcome(0).elapsedNanos() <= answeredBy - before, "until the answer");
    assertTrue(b.outcome(1).elapsedNanos() >= settling - created, "until settled");
  }
}
