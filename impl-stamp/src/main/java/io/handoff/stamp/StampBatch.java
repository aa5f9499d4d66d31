package io.handoff.stamp;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.StepDown;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * One call's stamps, shared between the calling thread, which waits against the call's deadline,
 * and the emitter's sender thread, which hands them to the producer. Each stamp is settled once:
 * the first outcome recorded wins. Once the caller stops waiting for the hand-over ({@link
 * #closeHandOver}), the sender hands over nothing more: a stamp sent after its caller was told
 * {@code TIMED_OUT} could only land late.
 */
final class StampBatch {

  private final StepDown[] stepDowns;
  private final long ackTimeoutMs;
  private final long start = System.nanoTime();
  private final long deadline;
  private final AtomicReferenceArray<EmitOutcome> outcomes;
  private final AtomicReferenceArray<Future<RecordMetadata>> sent;
  private final AtomicLongArray ackedAt;
  private volatile boolean handOverClosed;

  /**
   * What the sender is waiting for, to name in the outcome of a stamp it could not hand over in
   * time.
   */
  private volatile String waitingFor = "the sender thread";

  StampBatch(StepDown[] stepDowns, long ackTimeoutMs) {
    this.stepDowns = stepDowns;
    this.ackTimeoutMs = ackTimeoutMs;
    this.deadline = start + TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
    this.outcomes = new AtomicReferenceArray<>(stepDowns.length);
    this.sent = new AtomicReferenceArray<>(stepDowns.length);
    this.ackedAt = new AtomicLongArray(stepDowns.length);
  }

  int size() {
    return stepDowns.length;
  }

  StepDown stepDown(int i) {
    return stepDowns[i];
  }

  long ackTimeoutMs() {
    return ackTimeoutMs;
  }

  long deadline() {
    return deadline;
  }

  long remainingNanos() {
    return Math.max(0L, deadline - System.nanoTime());
  }

  boolean pastDeadline() {
    return System.nanoTime() - deadline >= 0;
  }

  void settle(int i, EmitOutcome outcome) {
    outcomes.compareAndSet(i, null, outcome);
  }

  void fail(int i, EmitStatus status, Throwable cause) {
    settle(i, EmitOutcome.failed(stepDowns[i], status, System.nanoTime() - start, cause));
  }

  boolean isSettled(int i) {
    return outcomes.get(i) != null;
  }

  /** The stamps without an outcome yet. */
  int[] unsettled() {
    int n = 0;
    int[] found = new int[stepDowns.length];
    for (int i = 0; i < stepDowns.length; i++) {
      if (outcomes.get(i) == null) {
        found[n++] = i;
      }
    }
    return Arrays.copyOf(found, n);
  }

  boolean hasUnsettled() {
    for (int i = 0; i < stepDowns.length; i++) {
      if (outcomes.get(i) == null) {
        return true;
      }
    }
    return false;
  }

  void failUnsettled(EmitStatus status, Throwable cause) {
    for (int i = 0; i < stepDowns.length; i++) {
      if (sent.get(i) == null) {
        fail(i, status, cause);
      }
    }
  }

  /**
   * Whether the sender may still hand stamps over: with a zero ack timeout nobody waits, so always.
   */
  boolean mayHandOver() {
    return !handOverClosed || ackTimeoutMs == 0;
  }

  void waitingFor(String what) {
    waitingFor = what;
  }

  void handedOver(int i, Future<RecordMetadata> future) {
    sent.set(i, future);
  }

  /** Called by the sender's callback: when the broker answered. */
  void answered(int i) {
    ackedAt.set(i, System.nanoTime());
  }

  void closeHandOver() {
    handOverClosed = true;
  }

  /**
   * Waits for the acknowledgements of the stamps handed over, until the deadline.
   *
   * @return whether the calling thread was interrupted
   */
  boolean awaitAcks() {
    for (int i = 0; i < stepDowns.length; i++) {
      Future<RecordMetadata> f = sent.get(i);
      if (f == null || outcomes.get(i) != null) {
        continue;
      }
      try {
        f.get(remainingNanos(), TimeUnit.NANOSECONDS);
        settle(i, completed(i, f));
      } catch (InterruptedException e) {
        return true;
      } catch (TimeoutException e) {
        fail(
            i,
            EmitStatus.TIMED_OUT,
            new TimeoutException("no ack within the ack timeout of " + ackTimeoutMs + " ms"));
      } catch (ExecutionException | RuntimeException e) {
        settle(i, completed(i, f));
      }
    }
    return false;
  }

  /**
   * Settles what is left: a stamp whose ack is already there keeps it (also after an interrupt);
   * the others are {@code INTERRUPTED} when the caller was interrupted, else {@code TIMED_OUT}.
   */
  void settleRest(boolean interrupted) {
    for (int i = 0; i < stepDowns.length; i++) {
      if (outcomes.get(i) != null) {
        continue;
      }
      Future<RecordMetadata> f = sent.get(i);
      if (f != null && f.isDone()) {
        settle(i, completed(i, f));
      } else if (interrupted) {
        fail(i, EmitStatus.INTERRUPTED, null);
      } else {
        fail(
            i,
            EmitStatus.TIMED_OUT,
            new TimeoutException(
                f == null
                    ? "the ack timeout of "
                        + ackTimeoutMs
                        + " ms passed before this stamp could be handed to the producer,"
                        + " while waiting for "
                        + waitingFor
                    : "no ack within the ack timeout of " + ackTimeoutMs + " ms"));
      }
    }
  }

  EmitOutcome outcome(int i) {
    return outcomes.get(i);
  }

  /** The outcome of a completed future. */
  private EmitOutcome completed(int i, Future<RecordMetadata> future) {
    long at = ackedAt.get(i);
    return StampOutcomes.ofCompleted(
        stepDowns[i], (at != 0 ? at : System.nanoTime()) - start, future);
  }
}
