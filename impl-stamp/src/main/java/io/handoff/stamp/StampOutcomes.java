package io.handoff.stamp;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.StepDown;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stamp's outcome is and who hears of it: the outcome of a send the producer answered, the
 * metrics of every outcome the emitter returns, and the log of every call: a line per stamp for a
 * call of one, a summary for a call of several (see {@link CallSummary}). Thread-safe.
 */
final class StampOutcomes {

  // The emitter's logger: operators tune the emitter's log level by the emitter's name.
  private static final Logger LOG = LoggerFactory.getLogger(KafkaStampEmitter.class);

  private final HandoffMetrics metrics;

  StampOutcomes(HandoffMetrics metrics) {
    this.metrics = metrics;
  }

  /** Tells the metrics and the log of {@code o}, the outcome of a call of one stamp. */
  void report(EmitOutcome o) {
    count(o);
    line(o, false);
  }

  /**
   * Tells the metrics of every outcome of one call, which took {@code elapsedNanos}, and the log of
   * the call: of several stamps, one summary and one WARN per distinct failure, with each stamp's
   * own line at DEBUG; of one stamp, its line.
   */
  void report(List<EmitOutcome> call, long elapsedNanos) {
    if (call.size() == 1) {
      report(call.get(0));
      return;
    }
    boolean debug = LOG.isDebugEnabled();
    CallSummary summary = new CallSummary();
    for (EmitOutcome o : call) {
      count(o);
      if (debug) {
        line(o, true);
      }
      summary.add(o);
    }
    summary.log(LOG, elapsedNanos);
  }

  private void count(EmitOutcome o) {
    StepDown s = o.stepDown();
    EmitStatus status = o.status();
    if (status == EmitStatus.ACKED) {
      metrics.stampEmitted(s, o.elapsedNanos());
    } else if (status.isSkipped()) {
      metrics.stampSkipped(s, status);
    } else {
      metrics.stampEmitFailed(s, status, o.elapsedNanos());
    }
  }

  /**
   * The stamp's own line: an ack or a skip at INFO and a failure at WARN, or all at DEBUG; nothing
   * for a stamp switched off.
   */
  private static void line(EmitOutcome o, boolean debug) {
    StepDown s = o.stepDown();
    EmitStatus status = o.status();
    if (status == EmitStatus.ACKED) {
      (debug ? LOG.atDebug() : LOG.atInfo())
          .log(
              "Step-down stamp for {} term {} acked at offset {} in {} µs",
              s.topicPartition(),
              s.leaderTerm(),
              o.offset(),
              o.elapsedNanos() / 1_000);
    } else if (status == EmitStatus.SKIPPED_UNESTABLISHED) {
      (debug ? LOG.atDebug() : LOG.atInfo())
          .log(
              "Step-down stamp for {} term {} not emitted: the term was never established (demoted"
                  + " before its handover finished); the next leader will wait out the inactivity"
                  + " window",
              s.topicPartition(),
              s.leaderTerm());
    } else if (status == EmitStatus.SKIPPED_NO_TERM) {
      (debug ? LOG.atDebug() : LOG.atInfo())
          .log(
              "Step-down stamp for {} not emitted: no leadership term ({})",
              s.topicPartition(),
              s.leaderTerm());
    } else if (!status.isSkipped()) {
      (debug ? LOG.atDebug() : LOG.atWarn())
          .log(
              "Step-down stamp for {} term {} {} after {} µs: {}; the next leader will wait out the"
                  + " inactivity window",
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
