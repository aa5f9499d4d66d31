package io.handoff.cli;

import io.handoff.spi.HandoverPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's handovers drawn in inline SVG: one chart per strategy, a title row per round and one
 * row per partition, each row the old leader's lane above the new leader's, on a {@link
 * TimelineAxis} in milliseconds since the old leader started stepping down.
 */
final class TimelineChart {

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
  static final int BREAK_WIDTH = 18;

  private TimelineChart() {}

  /** One chart: a title row per round, then one row per partition. */
  static String timelines(StrategyResult r, boolean compact) {
    Map<Integer, List<HandoverStory>> byRound = new TreeMap<>();
    for (HandoverStory story : r.stories()) {
      byRound.computeIfAbsent(story.round(), k -> new ArrayList<>()).add(story);
    }
    int row = compact ? COMPACT_ROW : ROW;
    int plotTop = AXIS;
    int plotHeight = byRound.size() * ROUND_TITLE + r.stories().size() * row;
    int height = plotTop + plotHeight + AXIS;
    TimelineAxis axis = TimelineAxis.of(r.stories(), PLOT_LEFT, PLOT_RIGHT);
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
      HandoverStory st, String strategy, TimelineAxis axis, int top, int height, boolean compact) {
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
              TimelineMark.STAMP,
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
            TimelineMark.DECLARATION,
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
            TimelineMark.READ_BACK,
            "declaration read back at " + ms(st.declarationRead())));
    s.append(
        span(
            axis,
            st.declarationRead(),
            st.writable(),
            newTop,
            newHeight,
            TimelineMark.WAITING,
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
              TimelineMark.FIRST_WRITE,
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
                  TimelineMark.LAST_WRITE),
              escape(st.oldLeader()),
              ms(st.lastWriteAcked())));
    }
    // Just right of the decision's moment: the phases that end there (reading back, often within a
    // fraction of a millisecond of the decision) stay in sight.
    TimelineMark decision =
        st.path() == HandoverPath.FAST_PATH ? TimelineMark.FAST_PATH : TimelineMark.LEGACY_WAIT;
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
      TimelineAxis axis,
      long fromNanos,
      long toNanos,
      int y,
      int height,
      TimelineMark m,
      String title) {
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

  static String rect(int x, int y, int width, int height, TimelineMark m) {
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

  static String diamond(int cx, int cy, int r, TimelineMark m) {
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

  static String words(HandoverPath path) {
    return path == HandoverPath.FAST_PATH ? "fast path" : "legacy wait";
  }

  static String reason(HandoverStory st) {
    return st.reason() == null ? "unknown" : st.reason().tag();
  }

  static String ms(long nanos) {
    return String.format(Locale.ROOT, "%,.1f ms", nanos / 1e6);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
