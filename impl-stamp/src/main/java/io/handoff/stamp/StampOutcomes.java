package io.handoff.stamp;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.StepDown;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stamp's outcome is and who hears of it: the outcome of a send the producer answered, and
 * the metrics and the log line of every outcome the emitter returns. Thread-safe.
 */
final class StampOutcomes {

  // The emitter's logger: operators tune the emitter's log level by the emitter's name.
  private static final Logger LOG = LoggerFactory.getLogger(KafkaStampEmitter.class);

  private final HandoffMetrics metrics;

  StampOutcomes(HandoffMetrics metrics) {
    this.metrics = metrics;
  }

  /** Tells the metrics and the log of {@code o}. */
  void report(EmitOutcome o) {
    StepDown s = o.stepDown();
    EmitStatus status = o.status();
    if (status == EmitStatus.ACKED) {
      metrics.stampEmitted(s, o.elapsedNanos());
      LOG.info(
          "Step-down stamp for {} term {} acked at offset {} in {} µs",
          s.topicPartition(),
          s.leaderTerm(),
          o.offset(),
          o.elapsedNanos() / 1_000);
    } else if (status.isSkipped()) {
      metrics.stampSkipped(s, status);
      if (status == EmitStatus.SKIPPED_UNESTABLISHED) {
        LOG.info(
            "Step-down stamp for {} term {} not emitted: the term was never established (demoted before its"
                + " handover finished); the next leader will wait out the inactivity window",
            s.topicPartition(),
            s.leaderTerm());
      } else if (status == EmitStatus.SKIPPED_NO_TERM) {
        LOG.info(
            "Step-down stamp for {} not emitted: no leadership term ({})",
            s.topicPartition(),
            s.leaderTerm());
      }
    } else {
      metrics.stampEmitFailed(s, status, o.elapsedNanos());
      LOG.warn(
          "Step-down stamp for {} term {} {} after {} µs: {}; the next leader will wait out the inactivity window",
          s.topicPartition(),
          s.leaderTerm(),
          status,
          o.elapsedNanos() / 1_000,
          describe(o.cause()));
    }
  }

  /**
   * The outcome of the send of {@code s}, whose future has completed: {@code ACKED} with the
   * offset, or why not. A producer's own timeout counts as {@code TIMED_OUT}.
   */
  static EmitOutcome ofCompleted(StepDown s, long elapsed, Future<RecordMetadata> future) {
    // get() on a completed future does not wait, but throws InterruptedException whenever the
    // interrupt status is set: clear it around the call, so that a stamp acked before an
    // interrupt stays ACKED, and restore it after.
    boolean wasInterrupted = Thread.interrupted();
    try {
      return EmitOutcome.acked(s, elapsed, future.get(0, TimeUnit.NANOSECONDS).offset());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      EmitStatus status =
          cause instanceof org.apache.kafka.common.errors.TimeoutException
              ? EmitStatus.TIMED_OUT
              : EmitStatus.FAILED;
      return EmitOutcome.failed(s, status, elapsed, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EmitOutcome.failed(s, EmitStatus.INTERRUPTED, elapsed, e);
    } catch (TimeoutException e) {
      return EmitOutcome.failed(s, EmitStatus.TIMED_OUT, elapsed, e);
    } catch (RuntimeException e) {
      return EmitOutcome.failed(s, EmitStatus.FAILED, elapsed, e);
    } finally {
      if (wasInterrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * A cause and, when it adds something, its root cause: "Failed to construct kafka producer" alone
   * names nothing.
   */
  static String describe(Throwable cause) {
    if (cause == null) {
      return "no cause";
    }
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == cause ? cause.toString() : cause + " (caused by " + root + ")";
  }
}
