package io.handoff.bench;

import java.util.Locale;

/**
 * The measurements of one size of {@link MassStepDown}, medians over the repeats; {@code
 * brokersCpuMs} is NaN when the brokers run in the measuring JVM.
 */
record MassStepDownRow(
    int partitions,
    double stampsMs,
    long acked,
    double limitMs,
    double brokersCpuMs,
    double jvmCpuMs,
    double senderCpuMs,
    double unreachableMs,
    long timedOut) {

  /** This row with the measurement against unreachable brokers, taken after the cluster is gone. */
  MassStepDownRow withUnreachable(double ms, long timedOutStamps) {
    return new MassStepDownRow(
        partitions,
        stampsMs,
        acked,
        limitMs,
        brokersCpuMs,
        jvmCpuMs,
        senderCpuMs,
        ms,
        timedOutStamps);
  }

  /** Prints the rows as a Markdown table, as docs/PERFORMANCE.md shows them. */
  static void print(MassStepDownRow[] rows, int topics, int repeats, boolean processes) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "| partitions (over %d topics) | all acked, median of %d (ms) | acked | limit: a plain"
            + " record to each (ms) | ratio | processor time: brokers / this JVM / emitter thread"
            + " (ms) | brokers unreachable (ms) | timed out |%n",
        topics,
        repeats);
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (MassStepDownRow r : rows) {
      System.out.printf(
          Locale.ROOT,
          "| %,d | %,.0f | %,d of %,d | %,.0f | %.2fx | %s / %,.0f / %,.0f | %,.0f | %,d of %,d |%n",
          r.partitions(),
          r.stampsMs(),
          r.acked(),
          r.partitions(),
          r.limitMs(),
          r.stampsMs() / r.limitMs(),
          processes ? String.format(Locale.ROOT, "%,.0f", r.brokersCpuMs()) : "(in this JVM)",
          r.jvmCpuMs(),
          r.senderCpuMs(),
          r.unreachableMs(),
          r.timedOut(),
          r.partitions());
    }
  }
}
