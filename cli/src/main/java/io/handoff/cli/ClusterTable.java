package io.handoff.cli;

import io.handoff.cli.ClusterResult.Handover;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The cluster command's words: a line per run, the table of all runs, where the time went. */
final class ClusterTable {

  private ClusterTable() {}

  static String line(ClusterResult r) {
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "[%s/%s] %s: %d handovers, %d fast paths, %d legacy waits; no writable leader %s"
                    + " in total; audit: %d interleavings, %d zombie records: %s",
                r.scenario(),
                r.strategy(),
                r.topic(),
                r.handovers().size(),
                r.fastPaths(),
                r.legacyWaits(),
                millis(r.unavailableMs()),
                r.interleavings(),
                r.zombieRecords(),
                r.verdict()));
    long zombieTenures = r.handovers().stream().filter(h -> h.zombieRecords() > 0).count();
    if (zombieTenures > 0) {
      long refused = r.handovers().stream().filter(h -> h.zombieRecords() > 0 && !h.fast()).count();
      s.append(
          String.format(
              Locale.ROOT,
              "%n  zombie records seen by %d new leaders, fast path refused by %d",
              zombieTenures,
              refused));
    }
    for (String p : r.problems()) {
      s.append(System.lineSeparator()).append("  problem: ").append(p);
    }
    return s.toString();
  }

  static String table(List<ClusterResult> results, Duration window) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "No writable leader: total over all partitions of the time without a leader that may"
                + " write (window %s)%n",
            ClusterCommand.seconds(window.toMillis())));
    s.append(
        String.format(
            Locale.ROOT,
            "%-16s %-8s %9s %6s %7s %15s %11s %11s %13s %8s %s%n",
            "scenario",
            "strategy",
            "handovers",
            "fast",
            "legacy",
            "no writable ldr",
            "gap median",
            "gap max",
            "interleavings",
            "zombies",
            "audit"));
    for (ClusterResult r : results) {
      double[] gaps = r.handovers().stream().mapToDouble(Handover::gapMs).sorted().toArray();
      s.append(
          String.format(
              Locale.ROOT,
              "%-16s %-8s %9d %6d %7d %15s %11s %11s %13d %8d %s%n",
              r.scenario(),
              r.strategy(),
              r.handovers().size(),
              r.fastPaths(),
              r.legacyWaits(),
              millis(r.unavailableMs()),
              gaps.length == 0 ? "-" : millis(gaps[gaps.length / 2]),
              gaps.length == 0 ? "-" : millis(gaps[gaps.length - 1]),
              r.interleavings(),
              r.zombieRecords(),
              r.verdict()));
    }
    s.append(System.lineSeparator());
    s.append(
        "Graceful handovers, medians: old leader's step-down (stamp) | Helix (step-down returned"
            + " -> new leader promoted) | declaration acked | read back | decision\n");
    for (ClusterResult r : results) {
      if (r.handovers().stream().noneMatch(Handover::graceful)) {
        continue;
      }
      s.append(
          String.format(
              Locale.ROOT,
              "%-16s %-8s %10s | %10s | %10s | %10s | %10s%n",
              r.scenario(),
              r.strategy(),
              millis(r.gracefulMedian(h -> h.stepDownEndMs() - h.stoppedWritingMs())),
              millis(r.gracefulMedian(h -> h.promotedMs() - h.stepDownEndMs())),
              millis(r.gracefulMedian(h -> h.declarationAckedMs() - h.promotedMs())),
              millis(r.gracefulMedian(h -> h.declarationReadMs() - h.declarationAckedMs())),
              millis(r.gracefulMedian(h -> h.writableMs() - h.declarationReadMs()))));
    }
    return s.toString();
  }

  static String millis(double ms) {
    if (Double.isNaN(ms)) {
      return "-";
    }
    return ms >= 1000
        ? String.format(Locale.ROOT, "%.2f s", ms / 1000)
        : String.format(Locale.ROOT, "%.1f ms", ms);
  }
}
