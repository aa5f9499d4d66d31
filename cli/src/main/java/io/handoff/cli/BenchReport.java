package io.handoff.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The figures of {@code handoff bench}: a table for people, and the JSON of {@code --json} with the
 * machine's facts. Every figure is compared with the limit of a handover: the median produce round
 * trip plus the median produce-to-fetch.
 */
final class BenchReport {

  /** Samples in nanoseconds with their summary. */
  record Figure(String name, String description, List<Long> nanos) {
    GapStats stats() {
      return GapStats.of(nanos);
    }
  }

  /**
   * What the run was asked for.
   *
   * @param broker the bootstrap servers given, or null for the embedded broker
   * @param brokers brokers of the embedded cluster (ignored when {@code broker} is given)
   */
  record Parameters(
      int handovers,
      int partitions,
      int mass,
      Duration ackTimeout,
      Duration inactivityWindow,
      String broker,
      int brokers) {}

  static final String PRODUCE = "produce_round_trip";
  static final String FETCH = "produce_to_fetch";
  static final String HANDOVER_GAP = "handover_gap_stamp";
  static final String LEGACY_GAP = "handover_gap_legacy";

  private final Parameters parameters;
  private final List<Figure> figures;
  private final long massAcked;
  private final long limit;
  private final long legacy;

  /**
   * @param figures every figure measured, {@value #PRODUCE}, {@value #FETCH} and {@value
   *     #HANDOVER_GAP} among them
   * @param massAcked how many stamps of the mass step-down were acknowledged
   */
  BenchReport(Parameters parameters, List<Figure> figures, long massAcked) {
    this.parameters = parameters;
    this.figures = List.copyOf(figures);
    this.massAcked = massAcked;
    long fetchMedian = figure(FETCH).stats().medianNanos();
    this.limit = figure(PRODUCE).stats().medianNanos() + fetchMedian;
    // The legacy gap is derived, not waited for: the window, then the new leader reads.
    this.legacy = parameters.inactivityWindow().toNanos() + fetchMedian;
  }

  private Figure figure(String name) {
    return figures.stream()
        .filter(f -> f.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no figure " + name + " in " + figures));
  }

  /** The table, with the limit above it and the legacy wait and the speedup below it. */
  void print(PrintWriter out) {
    out.println();
    out.printf(
        Locale.ROOT,
        "Limit of a handover (median produce round trip + median produce-to-fetch): %s%n",
        GapStats.human(limit));
    String fmt = "%-28s %7s %11s %11s %11s %12s%n";
    out.printf(Locale.ROOT, fmt, "figure", "count", "median", "p99", "max", "median/limit");
    for (Figure f : figures) {
      GapStats s = f.stats();
      out.printf(
          Locale.ROOT,
          fmt,
          f.name(),
          s.count(),
          GapStats.human(s.medianNanos()),
          GapStats.human(s.p99Nanos()),
          GapStats.human(s.maxNanos()),
          String.format(Locale.ROOT, "%.2f", (double) s.medianNanos() / limit));
    }
    out.printf(
        Locale.ROOT,
        "%-28s %7s %11s   (derived: inactivity window %s + one produce-to-fetch; not waited for)%n",
        LEGACY_GAP,
        "-",
        GapStats.human(legacy),
        HandoverScenario.seconds(parameters.inactivityWindow()));
    out.printf(
        Locale.ROOT,
        "Mass step-down: %d of %d stamps acked. Speedup of the median handover gap over the legacy wait: %,.0fx%n",
        massAcked,
        parameters.mass(),
        (double) legacy / figure(HANDOVER_GAP).stats().medianNanos());
  }

  /** Every figure, the parameters and the machine's facts, as an indented JSON object. */
  String json() {
    ObjectNode j = Json.object();
    ObjectNode machine = j.putObject("machine");
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
    machine.put(
        "jvm",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    machine.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    machine.put(
        "broker",
        parameters.broker() != null
            ? parameters.broker()
            : parameters.brokers() == 1
                ? "embedded single-node KRaft"
                : "embedded KRaft, "
                    + parameters.brokers()
                    + " brokers, replication factor "
                    + Math.min(parameters.brokers(), 3)
                    + (parameters.brokers() >= 3 ? ", min.insync.replicas=2" : ""));
    ObjectNode p = j.putObject("parameters");
    p.put("brokers", parameters.broker() == null ? parameters.brokers() : null);
    p.put("handovers", parameters.handovers());
    p.put("partitions", parameters.partitions());
    p.put("mass", parameters.mass());
    p.put("ack_timeout_ms", parameters.ackTimeout().toMillis());
    p.put("inactivity_window_ms", parameters.inactivityWindow().toMillis());
    j.put("limit_nanos", limit);
    ObjectNode all = j.putObject("figures");
    for (Figure f : figures) {
      GapStats s = f.stats();
      figure(
          all, f.name(), f.description(), s.count(), s.medianNanos(), s.p99Nanos(), s.maxNanos());
    }
    figure(
        all,
        LEGACY_GAP,
        "derived: inactivity window + one produce-to-fetch",
        0,
        legacy,
        legacy,
        legacy);
    j.put("mass_step_down_acked_count", massAcked);
    return Json.pretty(j);
  }

  private void figure(
      ObjectNode all, String name, String description, int count, long median, long p99, long max) {
    ObjectNode f = all.putObject(name);
    f.put("description", description);
    f.put("count", count);
    f.put("median_nanos", median);
    f.put("p99_nanos", p99);
    f.put("max_nanos", max);
    f.put(
        "median_over_limit",
        BigDecimal.valueOf((double) median / limit).setScale(3, RoundingMode.HALF_UP));
  }
}
