package io.handoff.stamp;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.StepDown;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.Test;

/** How the answer of a send becomes an outcome, and what the metrics hear of each outcome. */
public class StampOutcomesTest {

  private static final StepDown S = StepDown.established("out_v1", 3, 11, 0, "host-o");

  @AfterMethod
  public void clearInterrupt() {
    Thread.interrupted();
  }

  private static RecordMetadata at(long offset) {
    return new RecordMetadata(new TopicPartition("out_v1", 3), offset, 0, 0, 0, 0);
  }

  @Test
  public void anAnsweredSendIsAckedWithItsOffsetAndElapsedTime() {
    EmitOutcome o = StampOutcomes.ofCompleted(S, 1234, CompletableFuture.completedFuture(at(42)));
    assertEquals(o.status(), EmitStatus.ACKED);
    assertEquals(o.offset(), 42);
    assertEquals(o.elapsedNanos(), 1234);
    assertSame(o.stepDown(), S);
  }

  @Test
  public void anAckBeforeAnInterruptStaysAckedAndTheFlagStays() {
    Thread.currentThread().interrupt();
    EmitOutcome o = StampOutcomes.ofCompleted(S, 1, CompletableFuture.completedFuture(at(7)));
    assertEquals(o.status(), EmitStatus.ACKED);
    assertTrue(Thread.interrupted(), "the interrupt status is restored");
  }

  @Test
  public void aClientTimeoutIsTimedOutAndAnyOtherFailureFailed() {
    var timeout = new org.apache.kafka.common.errors.TimeoutException("expired");
    EmitOutcome t = StampOutcomes.ofCompleted(S, 5, CompletableFuture.failedFuture(timeout));
    assertEquals(t.status(), EmitStatus.TIMED_OUT);
    assertSame(t.cause(), timeout, "the cause, unwrapped");
    assertEquals(t.elapsedNanos(), 5);

    var other = new IllegalStateException("broker said no");
    EmitOutcome f = StampOutcomes.ofCompleted(S, 5, CompletableFuture.failedFuture(other));
    assertEquals(f.status(), EmitStatus.FAILED);
    assertSame(f.cause(), other);
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  @SuppressWarnings("unchecked")
  public void anExecutionExceptionWithoutCauseIsItsOwnCause() throws Exception {
    Future<RecordMetadata> f = mock(Future.class);
    ExecutionException bare = new ExecutionException("bare", null);
    when(f.get(0, TimeUnit.NANOSECONDS)).thenThrow(bare);
    EmitOutcome o = StampOutcomes.ofCompleted(S, 5, f);
    assertEquals(o.status(), EmitStatus.FAILED);
    assertSame(o.cause(), bare);
  }

  @Test
  @SuppressWarnings("unchecked")
  public void aFutureThatSaysInterruptedIsInterruptedAndSetsTheFlag() throws Exception {
    Future<RecordMetadata> f = mock(Future.class);
    InterruptedException ie = new InterruptedException("stop");
    when(f.get(0, TimeUnit.NANOSECONDS)).thenThrow(ie);
    EmitOutcome o = StampOutcomes.ofCompleted(S, 5, f);
    assertEquals(o.status(), EmitStatus.INTERRUPTED);
    assertSame(o.cause(), ie);
    assertTrue(Thread.interrupted(), "the interrupt is passed on");
  }

  @Test
  @SuppressWarnings("unchecked")
  public void aFutureThatIsNotDoneAfterAllIsTimedOut() throws Exception {
    Future<RecordMetadata> f = mock(Future.class);
    TimeoutException te = new TimeoutException("not yet");
    when(f.get(0, TimeUnit.NANOSECONDS)).thenThrow(te);
    EmitOutcome o = StampOutcomes.ofCompleted(S, 5, f);
    assertEquals(o.status(), EmitStatus.TIMED_OUT);
    assertSame(o.cause(), te);
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  public void aCancelledFutureIsFailed() {
    CompletableFuture<RecordMetadata> f = new CompletableFuture<>();
    f.cancel(false);
    EmitOutcome o = StampOutcomes.ofCompleted(S, 5, f);
    assertEquals(o.status(), EmitStatus.FAILED);
    assertTrue(o.cause() instanceof CancellationException, String.valueOf(o.cause()));
  }

  @Test
  public void describeNamesTheRootCauseWhenItAddsSomething() {
    assertEquals(StampOutcomes.describe(null), "no cause");
    IllegalStateException alone = new IllegalStateException("alone");
    assertEquals(StampOutcomes.describe(alone), alone.toString());
    IllegalArgumentException root = new IllegalArgumentException("Invalid url: broker");
    RuntimeException middle = new RuntimeException("middle", root);
    RuntimeException top = new RuntimeException("Failed to construct kafka producer", middle);
    assertEquals(StampOutcomes.describe(top), top + " (caused by " + root + ")");
  }

  @Test
  public void describeStopsAtACauseThatIsItself() {
    RuntimeException self =
        new RuntimeException("loops") {
          @Override
          public synchronized Throwable getCause() {
            return this;
          }
        };
    assertEquals(StampOutcomes.describe(self), self.toString());
    RuntimeException top = new RuntimeException("top", self);
    assertEquals(StampOutcomes.describe(top), top + " (caused by " + self + ")");
  }

  @Test
  public void eachOutcomeReachesItsMetric() {
    HandoffMetrics m = mock(HandoffMetrics.class);
    StampOutcomes outcomes = new StampOutcomes(m);
    outcomes.report(EmitOutcome.acked(S, 100, 9));
    verify(m).stampEmitted(S, 100);
    for (EmitStatus skip :
        new EmitStatus[] {
          EmitStatus.SKIPPED_DISABLED, EmitStatus.SKIPPED_NO_TERM, EmitStatus.SKIPPED_UNESTABLISHED
        }) {
      outcomes.report(EmitOutcome.skipped(S, skip));
      verify(m).stampSkipped(S, skip);
    }
    for (EmitStatus failed :
        new EmitStatus[] {EmitStatus.FAILED, EmitStatus.TIMED_OUT, EmitStatus.INTERRUPTED}) {
      outcomes.report(EmitOutcome.failed(S, failed, 200, null));
      verify(m).stampEmitFailed(S, failed, 200);
    }
    verifyNoMoreInteractions(m);
  }
}
