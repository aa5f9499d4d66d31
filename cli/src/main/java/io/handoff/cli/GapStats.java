package io.handoff.cli;

import java.util.Arrays;
import java.util.List;

/** Median, p99 and max of a set of durations in nanoseconds (nearest-rank percentiles). */
record GapStats(int count, long medianNanos, long p99Nanos, long maxNanos) {

  static GapStats of(List<Long> nanos) {
    if (nanos.isEmpty()) {
      return new GapStats(0, 0, 0, 0);
    }
    long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return new GapStats(
        sorted.length, percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1]);
  }

  /** Nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, double pct) {
    int rank = (int) Math.ceil(pct / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** A duration for people: "812 µs", "6.3 ms", "10.02 s". */
  static String human(long nanos) {
    if (nanos < 1_000_000) {
      return String.format(java.util.Locale.ROOT, "%d µs", nanos / 1_000);
    }
    if (nanos < 1_000_000_000) {
      return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    return String.format(java.util.Locale.ROOT, "%.2f s", nanos / 1e9);
  }
}
