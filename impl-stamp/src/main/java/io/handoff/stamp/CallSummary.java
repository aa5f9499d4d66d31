package io.handoff.stamp;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.StepDown;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The log of one {@code emitStepDowns} call of several stamps: one INFO line that counts the
 * outcomes, and one WARN per distinct failure (status and cause) with its count and the first
 * {@value #LISTED} topic-partitions, however many stamps the call had. A mass step-down of 10,000
 * partitions against unreachable brokers then writes two lines, not 10,000. Adding an ACKED or
 * skipped outcome counts it and builds no string. Not thread-safe: one call's thread only.
 */
final class CallSummary {

  /** How many topic-partitions a WARN names before "and N more". */
  static final int LISTED = 10;

  /**
   * How many distinct causes get a WARN of their own; the failures of any further causes share one
   * (a cause that names its partition, such as a barrier's, would otherwise be one line a stamp).
   */
  static final int CAUSE_LINES = 10;

  private static final EmitStatus[] STATUSES = EmitStatus.values();

  private final int[] byStatus = new int[STATUSES.length];
  private int stamps;
  private long slowestAckNanos = -1;
  private final Map<Cause, Failures> failures = new LinkedHashMap<>();
  private final Map<Throwable, String> described = new IdentityHashMap<>();
  private Failures others;
  private Set<Cause> otherCauses;

  private record Cause(EmitStatus status, String message) {}

  /** Failures of one cause, or of every cause past the first {@value #CAUSE_LINES}. */
  private static final class Failures {
    private final int[] byStatus = new int[STATUSES.length];
    private final List<StepDown> first = new ArrayList<>(LISTED);
    private int count;

    void add(EmitOutcome o) {
      byStatus[o.status().ordinal()]++;
      if (count++ < LISTED) {
        first.add(o.stepDown());
      }
    }

    String partitions() {
      StringBuilder sb = new StringBuilder();
      for (StepDown s : first) {
        sb.append(sb.length() == 0 ? "" : ", ").append(s.topicPartition());
      }
      if (count > first.size()) {
        sb.append(" and ").append(count - first.size()).append(" more");
      }
      return sb.toString();
    }
  }

  void add(EmitOutcome o) {
    EmitStatus status = o.status();
    stamps++;
    byStatus[status.ordinal()]++;
    if (status == EmitStatus.ACKED) {
      slowestAckNanos = Math.max(slowestAckNanos, o.elapsedNanos());
    } else if (!status.isSkipped()) {
      // Stamps that failed together mostly share one exception: describe each instance once.
      String message = described.computeIfAbsent(o.cause(), StampOutcomes::describe);
      Cause cause = new Cause(status, message);
      Failures f = failures.get(cause);
      if (f == null && failures.size() < CAUSE_LINES) {
        f = new Failures();
        failures.put(cause, f);
      } else if (f == null) {
        if (others == null) {
          others = new Failures();
          otherCauses = new HashSet<>();
        }
        otherCauses.add(cause);
        f = others;
      }
      f.add(o);
    }
  }

  /**
   * Writes the summary of the call, which took {@code elapsedNanos}, and its failures to {@code
   * log}; nothing for a call without stamps or whose stamps were all switched off.
   */
  void log(Logger log, long elapsedNanos) {
    if (stamps == byStatus[EmitStatus.SKIPPED_DISABLED.ordinal()]) {
      return;
    }
    int acked = byStatus[EmitStatus.ACKED.ordinal()];
    int skipped = 0;
    int failed = 0;
    for (EmitStatus s : STATUSES) {
      if (s.isSkipped()) {
        skipped += byStatus[s.ordinal()];
      } else if (s != EmitStatus.ACKED) {
        failed += byStatus[s.ordinal()];
      }
    }
    log.info(
        "Step-down stamps of {} partitions in {} ms: {} acked{}, {} skipped{}, {} failed{}",
        stamps,
        elapsedNanos / 1_000_000,
        acked,
        slowestAckNanos < 0 ? "" : " (slowest in " + slowestAckNanos / 1_000 + " µs)",
        skipped,
        byStatus(byStatus, true),
        failed,
        byStatus(byStatus, false));
    for (Map.Entry<Cause, Failures> e : failures.entrySet()) {
      Failures f = e.getValue();
      log.warn(
          "{} step-down stamp(s) {}: {}; {}; the next leader of each will wait out the inactivity"
              + " window",
          f.count,
          e.getKey().status(),
          e.getKey().message(),
          f.partitions());
    }
    if (others != null) {
      log.warn(
          "{} more step-down stamp(s) failed{}, with {} other causes (each at DEBUG); {}; the next"
              + " leader of each will wait out the inactivity window",
          others.count,
          byStatus(others.byStatus, false),
          otherCauses.size(),
          others.partitions());
    }
  }

  /** " (TIMED_OUT 3, FAILED 1)" for the skipped or the failed statuses counted, or "". */
  private static String byStatus(int[] counts, boolean skipped) {
    StringBuilder sb = new StringBuilder();
    for (EmitStatus s : STATUSES) {
      int n = counts[s.ordinal()];
      if (n > 0 && s != EmitStatus.ACKED && s.isSkipped() == skipped) {
        sb.append(sb.length() == 0 ? " (" : ", ").append(s).append(' ').append(n);
      }
    }
    return sb.length() == 0 ? "" : sb.append(')').toString();
  }
}
