package io.handoff.cli;

import io.handoff.cli.DemoCommand.HandoverStory;
import io.handoff.cli.DemoCommand.StrategyResult;
import io.handoff.spi.HandoverPath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's results as one self-contained HTML page (no script, no external resource): the gap
 * table, then every handover as a timeline of its moments, one row per partition per round, in
 * inline SVG.
 */
final class DemoReport {

  /** The page's margin, in CSS pixels: the charts start this far from the page's left edge. */
  static final int PAGE_MARGIN = 24;

  /** Width of a timeline chart. */
  static final int WIDTH = 1340;

  /** Where the plot of a timeline chart starts: partition labels are left of it. */
  static final int PLOT_LEFT = 72;

  /** Where the plot of a timeline chart ends: the decision in words is right of it. */
  static final int PLOT_RIGHT = 900;

  /**
   * The plot's background, a colour used nowhere else, so that the plot can be found in a picture.
   */
  static final String PLOT_BACKGROUND = "#f3f5f9";

  private static final int ROW = 30;
  private static final int COMPACT_ROW = 20;
  private static final int ROUND_TITLE = 24;
  private static final int AXIS = 44;
  private static final int BREAK_WIDTH = 18;

  /** What the timeline draws, with its colour and the legend's words. */
  enum Mark {
    STAMP("m-stamp", "#f76707", "old leader steps down, until its stamp is acknowledged"),
    LAST_WRITE(
        "m-last-write", "#d6336c", "old leader's last write (before stepping down) acknowledged"),
    DECLARATION(
        "m-declaration",
        "#1c7ed6",
        "new leader writes its declaration of leadership, until acknowledged"),
    READ_BACK("m-read-back", "#12b886", "new leader reads its declaration back"),
    WAITING(
        "m-waiting",
        "#ffa8a8",
        "new leader waits for the decision (legacy: until the partition is silent)"),
    FAST_PATH("m-fast-path", "#2f9e44", "decision: fast path, the stamp cuts the wait"),
    LEGACY_WAIT("m-legacy-wait", "#e03131", "decision: legacy wait, the window ran out"),
    FIRST_WRITE("m-first-write", "#7048e8", "new leader's first write, until acknowledged");

    final String cssClass;
    final String colour;
    final String legend;

    Mark(String cssClass, String colour, String legend) {
      this.cssClass = cssClass;
      this.colour = colour;
      this.legend = legend;
    }
  }

  private DemoReport() {}

  static String html(List<StrategyResult> results, int partitions, int rounds, Duration window) {
    StringBuilder h = new StringBuilder(65_536);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>handoff demo: leadership handovers</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:")
        .append(PAGE_MARGIN)
        .append("px;color:#222}")
        .append(
            "table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ccc;text-align:right}")
        .append(
            "td{white-space:nowrap}th:first-child,td:first-child{text-align:left}.note{color:#666}")
        .append("svg{display:block}svg text{font-family:system-ui,sans-serif}h2{margin-top:1.6em}")
        .append("details{margin:.6em 0}summary{cursor:pointer}")
        .append("</style></head><body>\n");
    h.append("<h1>Leadership handovers</h1>\n<p>")
        .append(partitions)
        .append(" partitions, ")
        .append(rounds)
        .append(" handover(s) each per strategy. ")
        .append(
            "Gap: the old leader starts stepping down &rarr; the new leader may write. Inactivity window ")
        .append(DemoCommand.seconds(window))
        .append(" (shortened from the ")
        .append(DemoCommand.PRODUCTION_WINDOW_SECONDS)
        .append(" s production default).</p>\n");

    h.append(
            "<table id=\"gaps\"><tr><th>strategy</th><th>handovers</th><th>gap median</th><th>gap p99</th>")
        .append(
            "<th>gap max</th><th>stamps emitted</th><th>fast paths</th><th>legacy waits</th></tr>\n");
    for (StrategyResult r : results) {
      GapStats s = r.stats();
      h.append("<tr><td>")
          .append(escape(r.strategy()))
          .append("</td><td>")
          .append(s.count())
          .append("</td><td>")
          .append(GapStats.human(s.medianNanos()))
          .append("</td><td>")
          .append(GapStats.human(s.p99Nanos()))
          .append("</td><td>")
          .append(GapStats.human(s.maxNanos()))
          .append("</td><td>")
          .append(r.stampsEmitted())
          .append("</td><td>")
          .append(r.fastPaths())
          .append("</td><td>")
          .append(r.legacyWaits())
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
    if (results.size() == 2 && results.get(1).stats().medianNanos() > 0) {
      h.append(
          String.format(
              Locale.ROOT,
              "<p><b>Speedup of the median gap: %,.0fx</b></p>%n",
              (double) results.get(0).stats().medianNanos()
                  / results.get(1).stats().medianNanos()));
    }

    h.append(
            "<h2>Where the milliseconds go</h2>\n<p>Each row is the handover of one partition in one round, in ")
        .append(
            "milliseconds from the moment the old leader starts stepping down (0). Upper lane, the old leader: ")
        .append(
            "its step-down until its stamp is acknowledged, and the acknowledgement of its last write, often ")
        .append(
            "after 0 since the leader steps down with writes in flight and the stamp is ordered after them. ")
        .append(
            "Lower lane, the new leader, promoted once the old one stepped down from every partition of the ")
        .append(
            "round: its declaration of leadership until acknowledged, reading it back, the decision with the ")
        .append(
            "observer's reason, and its first write until acknowledged. Hover a mark for its exact times.</p>\n");
    h.append(legend());
    // The stamp's story in full first; the no-op's compact, its axis broken across the silent
    // window.
    for (int i = results.size() - 1; i >= 0; i--) {
      StrategyResult r = results.get(i);
      boolean compact = r.strategy().equals("noop");
      h.append("<h3>")
          .append(escape(r.strategy()))
          .append(compact ? " (compact)" : "")
          .append("</h3>\n");
      h.append(timelines(r, compact));
    }
    for (int i = results.size() - 1; i >= 0; i--) {
      h.append(momentsTable(results.get(i)));
    }
    h.append("<p class=\"note\">Generated by <code>handoff demo</code> at ")
        .append(Instant.now())
        .append(".</p>\n</body></html>\n");
    return h.toString();
  }

  private static String legend() {
    int columns = 2;
    int rowHeight = 22;
    int rows = (Mark.values().length + columns - 1) / columns;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"timeline-legend\""
                + " class=\"legend\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"legend\">%n",
            WIDTH,
            rows * rowHeight + 6));
    Mark[] marks = Mark.values();
    for (int i = 0; i < marks.length; i++) {
      Mark m = marks[i];
      int x = (i / rows) * (WIDTH / columns);
      int y = (i % rows) * rowHeight + 4;
      s.append("<g class=\"legend-item ").append(m.cssClass).append("\">");
      if (m == Mark.LAST_WRITE) {
        s.append(diamond(x + 14, y + 8, 6, m));
      } else if (m == Mark.FAST_PATH || m == Mark.LEGACY_WAIT) {
        s.append(rect(x + 12, y, 4, 16, m));
      } else {
        s.append(rect(x, y + 3, 28, 10, m));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"13\">%s</text></g>%n",
              x + 38,
              y + 13,
              escape(m.legend)));
    }
    return s.append("</svg>\n").toString();
  }

  /** One chart: a title row per round, then one row per partition. */
  private static String timelines(StrategyResult r, boolean compact) {
    Map<Integer, List<HandoverStory>> byRound = new TreeMap<>();
    for (HandoverStory story : r.stories()) {
      byRound.computeIfAbsent(story.round(), k -> new ArrayList<>()).add(story);
    }
    int row = compact ? COMPACT_ROW : ROW;
    int plotTop = AXIS;
    int plotHeight = byRound.size() * ROUND_TITLE + r.stories().size() * row;
    int height = plotTop + plotHeight + AXIS;
    Axis axis = Axis.of(r.stories(), PLOT_LEFT, PLOT_RIGHT);
    String strategy = escape(r.strategy());

    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"timelines-%s\""
                + " class=\"timelines\" data-strategy=\"%s\" width=\"%d\" height=\"%d\" role=\"img\""
                + " aria-label=\"handover timelines, %s strategy\">%n",
            strategy,
            strategy,
            WIDTH,
            height,
            strategy));
    s.append(
        String.format(
            Locale.ROOT,
            "<rect class=\"plot\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
                + " fill=\"%s\"/>%n",
            PLOT_LEFT,
            plotTop,
            PLOT_RIGHT - PLOT_LEFT,
            plotHeight,
            PLOT_BACKGROUND));
    s.append(axis.ticks(plotTop, plotTop + plotHeight));
    s.append(
        String.format(
            Locale.ROOT,
            "<text class=\"axis-title\" x=\"%d\" y=\"%d\" font-size=\"12\""
                + " fill=\"#555\">milliseconds since the old leader started stepping down%s</text>%n",
            PLOT_LEFT,
            plotTop - 26,
            axis.lo.length > 1
                ? "; \u2248 where the axis skips a stretch without any moment"
                : ""));

    s.append("<g shape-rendering=\"crispEdges\">\n");
    // Drawn last, over the axis break.
    StringBuilder titles = new StringBuilder();
    int y = plotTop;
    for (List<HandoverStory> round : byRound.values()) {
      HandoverStory first = round.get(0);
      long stamps = round.stream().filter(st -> st.stamp().isAcked()).count();
      titles.append(
          String.format(
              Locale.ROOT,
              "<text class=\"round-title\" x=\"%d\" y=\"%d\" font-size=\"13\""
                  + " font-weight=\"bold\" stroke=\"%s\" stroke-width=\"4\" paint-order=\"stroke\">round %d: %s steps down"
                  + " (%s), %s takes over with term %d</text>%n",
              PLOT_LEFT + 6,
              y + 17,
              PLOT_BACKGROUND,
              first.round(),
              escape(first.oldLeader()),
              stamps == 0 ? "no stamp" : stamps + " stamp(s) acknowledged",
              escape(first.newLeader()),
              first.term()));
      y += ROUND_TITLE;
      for (HandoverStory story : round) {
        s.append(row(story, strategy, axis, y, row, compact));
        y += row;
      }
    }
    s.append("</g>\n");
    s.append(axis.breaks(plotTop, plotTop + plotHeight));
    s.append(titles);
    s.append(axis.labels(plotTop - 8, plotTop + plotHeight + 16));
    return s.append("</svg>\n").toString();
  }

  private static String row(
      HandoverStory st, String strategy, Axis axis, int top, int height, boolean compact) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<g class=\"timeline\" id=\"timeline-%s-r%d-p%d\" data-strategy=\"%s\""
                + " data-round=\"%d\" data-partition=\"%d\" data-path=\"%s\" data-reason=\"%s\">%n",
            strategy,
            st.round(),
            st.partition(),
            strategy,
            st.round(),
            st.partition(),
            st.path(),
            reason(st)));
    // Two lanes: the old leader's above, the new leader's below.
    int oldTop = top + 3;
    int oldHeight = compact ? 5 : 8;
    int newTop = oldTop + oldHeight + 2;
    int newHeight = top + height - 3 - newTop;
    s.append(
        String.format(
            Locale.ROOT,
            "<text class=\"label\" x=\"%d\" y=\"%d\" font-size=\"12\""
                + " text-anchor=\"end\">p%d</text>%n",
            PLOT_LEFT - 8,
            top + height / 2 + 4,
            st.partition()));
    long end =
        st.firstWriteAcked() != null
            ? Math.max(st.writable(), st.firstWriteAcked())
            : st.writable();
    s.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"1\" fill=\"#adb5bd\"/>%n",
            axis.x(0),
            newTop + newHeight / 2,
            Math.max(1, axis.x(end) - axis.x(0))));

    if (st.stampAcked() != null) {
      s.append(
          span(
              axis,
              0,
              st.stampAcked(),
              oldTop,
              oldHeight,
              Mark.STAMP,
              String.format(
                  Locale.ROOT,
                  "%s's stamp of p%d acknowledged at offset %d after %s",
                  st.oldLeader(),
                  st.partition(),
                  st.stamp().offset(),
                  ms(st.stampAcked()))));
    }
    s.append(
        span(
            axis,
            st.promoted(),
            st.declarationAcked(),
            newTop,
            newHeight,
            Mark.DECLARATION,
            String.format(
                Locale.ROOT,
                "%s promoted at %s; its declaration acknowledged at %s",
                st.newLeader(),
                ms(st.promoted()),
                ms(st.declarationAcked()))));
    s.append(
        span(
            axis,
            st.declarationAcked(),
            st.declarationRead(),
            newTop,
            newHeight,
            Mark.READ_BACK,
            "declaration read back at " + ms(st.declarationRead())));
    s.append(
        span(
            axis,
            st.declarationRead(),
            st.writable(),
            newTop,
            newHeight,
            Mark.WAITING,
            "waiting for the decision from "
                + ms(st.declarationRead())
                + " to "
                + ms(st.writable())));
    if (st.firstWriteAcked() != null) {
      s.append(
          span(
              axis,
              st.writable(),
              st.firstWriteAcked(),
              newTop,
              newHeight,
              Mark.FIRST_WRITE,
              "first write acknowledged at " + ms(st.firstWriteAcked())));
    }
    if (st.lastWriteAcked() != null) {
      s.append(
          String.format(
              Locale.ROOT,
              "<g>%s<title>%s's last write acknowledged at %s</title></g>%n",
              diamond(
                  axis.x(st.lastWriteAcked()),
                  oldTop + oldHeight / 2,
                  compact ? 4 : 5,
                  Mark.LAST_WRITE),
              escape(st.oldLeader()),
              ms(st.lastWriteAcked())));
    }
    // Just right of the decision's moment: the phases that end there (reading back, often within a
    // fraction of a millisecond of the decision) stay in sight.
    Mark decision = st.path() == HandoverPath.FAST_PATH ? Mark.FAST_PATH : Mark.LEGACY_WAIT;
    s.append(
        String.format(
            Locale.ROOT,
            "<g>%s<title>%s at %s (%s)</title></g>%n",
            rect(axis.x(st.writable()), top + 1, 4, height - 2, decision),
            words(st.path()),
            ms(st.writable()),
            reason(st)));

    String words =
        words(st.path())
            + " ("
            + reason(st)
            + ") at "
            + GapStats.human(st.writable())
            + (st.firstWriteAcked() == null
                ? ""
                : " \u00b7 1st write " + GapStats.human(st.firstWriteAcked()));
    s.append(
        String.format(
            Locale.ROOT,
            "<text class=\"decision\" x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n",
            PLOT_RIGHT + 10,
            top + height / 2 + 4,
            escape(words)));
    return s.append("</g>\n").toString();
  }

  /**
   * A phase from one moment to the next. A phase that took any time stays at least 2 px wide, so
   * that it can be seen and pointed at; its title gives the exact times.
   */
  private static String span(
      Axis axis, long fromNanos, long toNanos, int y, int height, Mark m, String title) {
    if (toNanos <= fromNanos) {
      return "";
    }
    int x0 = axis.x(fromNanos);
    int width = Math.max(2, axis.x(toNanos) - x0);
    return String.format(
        Locale.ROOT,
        "<g>%s<title>%s (%s)</title></g>%n",
        rect(x0, y, width, height, m),
        escape(title),
        ms(toNanos - fromNanos));
  }

  private static String rect(int x, int y, int width, int height, Mark m) {
    return String.format(
        Locale.ROOT,
        "<rect class=\"mark %s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"" + " fill=\"%s\"/>",
        m.cssClass,
        x,
        y,
        width,
        height,
        m.colour);
  }

  private static String diamond(int cx, int cy, int r, Mark m) {
    return String.format(
        Locale.ROOT,
        "<path class=\"mark %s\" d=\"M%d %dl%d %dl%d %dl%d %dz\" fill=\"%s\""
            + " shape-rendering=\"auto\"/>",
        m.cssClass,
        cx,
        cy - r,
        r,
        r,
        -r,
        r,
        -r,
        -r,
        m.colour);
  }

  /** Every moment of every handover in numbers, folded away. */
  private static String momentsTable(StrategyResult r) {
    StringBuilder s = new StringBuilder();
    s.append("<details id=\"moments-")
        .append(escape(r.strategy()))
        .append("\"><summary>Every moment of the ")
        .append(escape(r.strategy()))
        .append(" strategy, in ms</summary>\n<table><tr><th>round</th><th>partition</th>")
        .append(
            "<th>last write acked</th><th>stamp acked</th><th>stamp offset</th><th>promoted</th>")
        .append(
            "<th>declaration acked</th><th>read back</th><th>writable</th><th>path</th><th>reason</th>")
        .append("<th>first write acked</th></tr>\n");
    for (HandoverStory st : r.stories()) {
      s.append("<tr><td>")
          .append(st.round())
          .append("</td><td>")
          .append(st.partition())
          .append("</td><td>")
          .append(number(st.lastWriteAcked()))
          .append("</td><td>")
          .append(
              st.stampAcked() == null ? st.stamp().status().toString() : number(st.stampAcked()))
          .append("</td><td>")
          .append(st.stamp().offset() < 0 ? "" : Long.toString(st.stamp().offset()))
          .append("</td><td>")
          .append(number(st.promoted()))
          .append("</td><td>")
          .append(number(st.declarationAcked()))
          .append("</td><td>")
          .append(number(st.declarationRead()))
          .append("</td><td>")
          .append(number(st.writable()))
          .append("</td><td>")
          .append(words(st.path()))
          .append("</td><td>")
          .append(reason(st))
          .append("</td><td>")
          .append(number(st.firstWriteAcked()))
          .append("</td></tr>\n");
    }
    return s.append("</table></details>\n").toString();
  }

  private static String words(HandoverPath path) {
    return path == HandoverPath.FAST_PATH ? "fast path" : "legacy wait";
  }

  private static String reason(HandoverStory st) {
    return st.reason() == null ? "unknown" : st.reason().tag();
  }

  private static String number(Long nanos) {
    return nanos == null ? "" : String.format(Locale.ROOT, "%,.1f", nanos / 1e6);
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%,.1f ms", nanos / 1e6);
  }

  /**
   * Milliseconds to x: linear, or in two linear pieces when one stretch without any moment takes
   * most of the span (the no-op's inactivity window), so that the moments on either side of it stay
   * readable.
   */
  static final class Axis {
    final double[] lo;
    final double[] hi;
    final int[] left;
    final int[] right;

    private Axis(double[] lo, double[] hi, int[] left, int[] right) {
      this.lo = lo;
      this.hi = hi;
      this.left = left;
      this.right = right;
    }

    static Axis of(List<HandoverStory> stories, int left, int right) {
      List<Double> all = new ArrayList<>();
      all.add(0.0);
      for (HandoverStory st : stories) {
        for (Long n :
            Arrays.asList(
                st.lastWriteAcked(),
                st.stampAcked(),
                st.promoted(),
                st.declarationAcked(),
                st.declarationRead(),
                st.writable(),
                st.firstWriteAcked())) {
          if (n != null) {
            all.add(n / 1e6);
          }
        }
      }
      double[] v = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double min = v[0];
      double max = Math.max(v[v.length - 1], min + 1);
      int widest = 0;
      for (int i = 1; i < v.length - 1; i++) {
        if (v[i + 1] - v[i] > v[widest + 1] - v[widest]) {
          widest = i;
        }
      }
      double gap = v.length > 1 ? v[widest + 1] - v[widest] : 0;
      if (gap <= 0.75 * (max - min)) {
        return new Axis(
            new double[] {padLeft(min, max)},
            new double[] {padRight(min, max)},
            new int[] {left},
            new int[] {right});
      }
      double hi1 = Math.max(v[widest], min + 1);
      double lo2 = v[widest + 1];
      double[] lo = {padLeft(min, hi1), lo2 - 0.05 * (max - lo2)};
      double[] hi = {padRight(min, hi1), padRight(lo2, Math.max(max, lo2 + 1))};
      // Each piece gets a share of the width by its span, but never less than a third.
      int usable = right - left - BREAK_WIDTH;
      double share =
          Math.max(
              1 / 3.0, Math.min(2 / 3.0, (hi[0] - lo[0]) / ((hi[0] - lo[0]) + (hi[1] - lo[1]))));
      int split = left + (int) Math.round(usable * share);
      return new Axis(lo, hi, new int[] {left, split + BREAK_WIDTH}, new int[] {split, right});
    }

    /** Room left of a moment before 0, so that its mark is not cut by the plot's edge. */
    private static double padLeft(double lo, double hi) {
      return lo < 0 ? lo - 0.02 * (hi - lo) : lo;
    }

    private static double padRight(double lo, double hi) {
      return hi + 0.04 * (hi - lo);
    }

    /** The x of a moment given in nanoseconds. */
    int x(long nanos) {
      double ms = nanos / 1e6;
      int last = lo.length - 1;
      if (ms <= lo[0]) {
        return left[0];
      }
      for (int i = 0; i <= last; i++) {
        if (ms <= hi[i]) {
          if (ms >= lo[i]) {
            return (int)
                Math.round(left[i] + (ms - lo[i]) / (hi[i] - lo[i]) * (right[i] - left[i]));
          }
          // Inside the break before piece i.
          return (int)
              Math.round(
                  right[i - 1] + (ms - hi[i - 1]) / (lo[i] - hi[i - 1]) * (left[i] - right[i - 1]));
        }
      }
      return right[last];
    }

    String ticks(int top, int bottom) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < lo.length; i++) {
        for (double t : ticks(i)) {
          int x = xOfMs(i, t);
          s.append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%d\" y=\"%d\" width=\"1\" height=\"%d\" fill=\"#dde1e7\"/>%n",
                  x,
                  top,
                  bottom - top));
        }
      }
      return s.toString();
    }

    /** The tick labels above and below the plot, and a break's sign between its pieces. */
    String labels(int topY, int bottomY) {
      StringBuilder s = new StringBuilder();
      int freeFrom = Integer.MIN_VALUE;
      for (int i = 0; i < lo.length; i++) {
        // The break's sign always shows; a tick label that would run into it is left out.
        int breakAt = i + 1 < lo.length ? (right[i] + left[i + 1]) / 2 : Integer.MAX_VALUE;
        for (double t : ticks(i)) {
          int x = xOfMs(i, t);
          String label = tickLabel(t, step(i));
          // About 6 px a character at 11 px: a label that would run into the previous one is left
          // out.
          int halfWidth = label.length() * 3 + 3;
          if (x - halfWidth < freeFrom || x + halfWidth > breakAt - 6) {
            continue;
          }
          freeFrom = x + halfWidth;
          s.append(label(x, topY, bottomY, label));
        }
        if (breakAt != Integer.MAX_VALUE) {
          s.append(label(breakAt, topY, bottomY, "\u2248"));
          freeFrom = breakAt + 6;
        }
      }
      return s.toString();
    }

    private static String label(int x, int topY, int bottomY, String text) {
      StringBuilder s = new StringBuilder();
      for (int y : new int[] {topY, bottomY}) {
        s.append(
            String.format(
                Locale.ROOT,
                "<text class=\"tick\" x=\"%d\" y=\"%d\" font-size=\"11\""
                    + " text-anchor=\"middle\" fill=\"#444\">%s</text>%n",
                x,
                y,
                text));
      }
      return s.toString();
    }

    /**
     * Where the axis skips a stretch: a white band across the rows, the stretch's length in its
     * title.
     */
    String breaks(int top, int bottom) {
      StringBuilder s = new StringBuilder();
      for (int i = 1; i < lo.length; i++) {
        int x0 = right[i - 1] + 3;
        int width = left[i] - right[i - 1] - 6;
        s.append(
            String.format(
                Locale.ROOT,
                "<g class=\"axis-break\"><rect x=\"%d\" y=\"%d\" width=\"%d\""
                    + " height=\"%d\" fill=\"#ffffff\"/><title>%s without any moment, left out</title></g>%n",
                x0,
                top,
                width,
                bottom - top,
                ms((long) ((lo[i] - hi[i - 1]) * 1e6))));
      }
      return s.toString();
    }

    private int xOfMs(int piece, double ms) {
      return (int)
          Math.round(
              left[piece]
                  + (ms - lo[piece]) / (hi[piece] - lo[piece]) * (right[piece] - left[piece]));
    }

    private double step(int piece) {
      // About one tick per 80 px, on 1, 2, 5 times a power of ten.
      double span = hi[piece] - lo[piece];
      int wanted = Math.max(2, (right[piece] - left[piece]) / 80);
      double raw = span / wanted;
      double power = Math.pow(10, Math.floor(Math.log10(raw)));
      for (double f : new double[] {1, 2, 5, 10}) {
        if (f * power >= raw) {
          return f * power;
        }
      }
      return 10 * power;
    }

    private List<Double> ticks(int piece) {
      double step = step(piece);
      List<Double> ticks = new ArrayList<>();
      for (double t = Math.ceil(lo[piece] / step) * step; t <= hi[piece] + 1e-9; t += step) {
        ticks.add(Math.abs(t) < step / 1e6 ? 0 : t);
      }
      return ticks;
    }

    private static String tickLabel(double ms, double step) {
      int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
      return String.format(Locale.ROOT, "%,." + decimals + "f", ms);
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
