package io.handoff.cli;

import io.handoff.cli.ClusterRun.Action;
import io.handoff.helix.ServerEvents;
import io.handoff.helix.VersionTopicAudit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * What one run of a scenario did, from the servers' events, the orchestrator's actions and the
 * independent audit of the version topic: the handovers inside the scenario's window, how long
 * partitions had no writable leader, and whether the log agrees with the paths the servers took.
 */
record ClusterResult(
    String scenario,
    String strategy,
    String topic,
    int partitions,
    double startMs,
    double endMs,
    List<Action> actions,
    Map<Integer, List<Tenure>> tenures,
    List<Handover> handovers,
    double unavailableMs,
    int interleavings,
    int zombieRecords,
    int unsafeFastPaths,
    List<String> problems) {

  /** A leader's writable stretch: from its decision until it stepped down, died or froze. */
  record Tenure(String instance, long term, String path, double fromMs, double toMs, String end) {}

  /**
   * A handover inside the scenario's window, its moments in wall-clock milliseconds.
   *
   * @param endedBy how the previous leader stopped writing: its step-down's cause, {@code kill -9}
   *     or {@code SIGSTOP}
   * @param stepDownEndMs when the previous leader's step-down returned, NaN without one
   * @param stampStatus the emitter's status of that step-down, or null
   * @param zombieRecords records of an earlier tenure the audit found after the new declaration
   */
  record Handover(
      int partition,
      String from,
      String to,
      long term,
      String path,
      String reason,
      String endedBy,
      double stoppedWritingMs,
      double stepDownEndMs,
      String stampStatus,
      double promotedMs,
      double declarationAckedMs,
      double declarationReadMs,
      double writableMs,
      int zombieRecords) {

    double gapMs() {
      return writableMs - stoppedWritingMs;
    }

    boolean fast() {
      return "FAST_PATH".equals(path);
    }

    boolean graceful() {
      return !Double.isNaN(stepDownEndMs) && !"SIGSTOP".equals(endedBy);
    }
  }

  long fastPaths() {
    return handovers.stream().filter(Handover::fast).count();
  }

  long legacyWaits() {
    return handovers.size() - fastPaths();
  }

  String verdict() {
    return problems.isEmpty() ? "clean" : "FAILED";
  }

  /** The median of {@code f} over the graceful handovers, NaN when there is none. */
  double gracefulMedian(ToDoubleFunction<Handover> f) {
    double[] v = handovers.stream().filter(Handover::graceful).mapToDouble(f).sorted().toArray();
    return v.length == 0 ? Double.NaN : v[v.length / 2];
  }

  static ClusterResult of(
      ClusterRun run, ServerEvents events, List<VersionTopicAudit.Partition> audit) {
    return of(
        run.scenario,
        run.strategy,
        run.topic,
        run.startedAtMs(),
        run.endedAtMs(),
        run.actions(),
        events,
        audit);
  }

  /**
   * The result of a run that started (every partition writable) at {@code startMs} and ended at
   * {@code endMs}, from what the orchestrator did, what the servers said and what the log shows.
   */
  static ClusterResult of(
      String scenario,
      String strategy,
      String topic,
      double startMs,
      double endMs,
      List<Action> actions,
      ServerEvents events,
      List<VersionTopicAudit.Partition> audit) {
    int partitions = audit.size();
    Map<Integer, List<Tenure>> tenures = new TreeMap<>();
    List<ServerEvents.Event> leaders = new ArrayList<>(events.of("leader"));
    leaders.sort(Comparator.comparingDouble(e -> e.millis("writableAtMs")));
    for (ServerEvents.Event l : leaders) {
      double from = l.millis("writableAtMs");
      ServerEvents.Event down = events.find("stepdown", l.partition(), l.term());
      double to = Double.POSITIVE_INFINITY;
      String end = "still leader";
      if (down != null) {
        to = down.millis("startedAtMs");
        end = down.get("cause");
      }
      for (Action a : actions) {
        boolean stops = a.what().equals("kill -9") || a.what().equals("SIGSTOP");
        if (stops && a.instance().equals(l.instance()) && a.atMs() >= from && a.atMs() < to) {
          to = a.atMs();
          end = a.what();
        }
      }
      tenures
          .computeIfAbsent(l.partition(), k -> new ArrayList<>())
          .add(new Tenure(l.instance(), l.term(), l.get("path"), from, to, end));
    }

    List<Handover> handovers = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int unsafe = 0;
    for (ServerEvents.Event l : leaders) {
      double writable = l.millis("writableAtMs");
      if (writable <= startMs || writable > endMs) {
        continue;
      }
      int p = l.partition();
      Tenure before = null;
      for (Tenure t : tenures.get(p)) {
        if (t.toMs() <= writable && (before == null || t.toMs() > before.toMs())) {
          before = t;
        }
      }
      ServerEvents.Event down = before == null ? null : events.find("stepdown", p, before.term());
      VersionTopicAudit.Tenure logged = audit.get(p).tenure(l.instance(), l.term());
      int zombies = logged == null ? 0 : logged.zombieRecords();
      Handover h =
          new Handover(
              p,
              before == null ? "?" : before.instance(),
              l.instance(),
              l.term(),
              l.get("path"),
              l.get("reason"),
              before == null ? "?" : before.end(),
              before == null ? writable : before.toMs(),
              down == null ? Double.NaN : down.millis("endedAtMs"),
              down == null ? null : down.get("status"),
              l.millis("promotedAtMs"),
              l.millis("declarationAckedAtMs"),
              l.millis("declarationReadAtMs"),
              writable,
              zombies);
      handovers.add(h);
      String name = topic + "-" + p + " to " + l.instance() + " (term " + l.term() + ")";
      if (h.fast() && (logged == null || !logged.closedByStamp() || zombies > 0)) {
        unsafe++;
        problems.add(name + ": fast path, but the log shows no clean stamp before it: " + logged);
      }
      if (h.fast() && ("kill -9".equals(h.endedBy()) || "SIGSTOP".equals(h.endedBy()))) {
        problems.add(name + ": fast path after " + h.endedBy() + " of " + h.from());
      }
    }

    int interleavings = 0;
    int zombieRecords = 0;
    for (VersionTopicAudit.Partition a : audit) {
      interleavings += a.interleavings().size();
      zombieRecords += a.zombieRecords().size();
      a.interleavings().forEach(i -> problems.add(topic + "-" + a.partition() + ": " + i));
    }
    double unavailable = 0;
    for (int p = 0; p < partitions; p++) {
      unavailable += uncovered(tenures.getOrDefault(p, List.of()), startMs, endMs);
    }
    return new ClusterResult(
        scenario,
        strategy,
        topic,
        partitions,
        startMs,
        endMs,
        actions,
        tenures,
        List.copyOf(handovers),
        unavailable,
        interleavings,
        zombieRecords,
        unsafe,
        List.copyOf(problems));
  }

  /** How much of [from, to] no tenure covers. */
  static double uncovered(List<Tenure> tenures, double from, double to) {
    List<Tenure> sorted = new ArrayList<>(tenures);
    sorted.sort(Comparator.comparingDouble(Tenure::fromMs));
    double covered = 0;
    double reach = from;
    for (Tenure t : sorted) {
      double a = Math.max(t.fromMs(), reach);
      double b = Math.min(t.toMs(), to);
      if (b > a) {
        covered += b - a;
        reach = b;
      }
    }
    return (to - from) - covered;
  }
}
