package io.handoff.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Milliseconds to x: linear, or in two linear pieces when one stretch without any moment takes most
 * of the span (the no-op's inactivity window), so that the moments on either side of it stay
 * readable.
 */
final class TimelineAxis {
  final double[] lo;
  final double[] hi;
  final int[] left;
  final int[] right;

  private TimelineAxis(double[] lo, double[] hi, int[] left, int[] right) {
    this.lo = lo;
    this.hi = hi;
    this.left = left;
    this.right = right;
  }

  static TimelineAxis of(List<HandoverStory> stories, int left, int right) {
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
      return new TimelineAxis(
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
    int usable = right - left - TimelineChart.BREAK_WIDTH;
    double share =
        Math.max(1 / 3.0, Math.min(2 / 3.0, (hi[0] - lo[0]) / ((hi[0] - lo[0]) + (hi[1] - lo[1]))));
    int split = left + (int) Math.round(usable * share);
    return new TimelineAxis(
        lo, hi, new int[] {left, split + TimelineChart.BREAK_WIDTH}, new int[] {split, right});
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
          return (int) Math.round(left[i] + (ms - lo[i]) / (hi[i] - lo[i]) * (right[i] - left[i]));
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
              TimelineChart.ms((long) ((lo[i] - hi[i - 1]) * 1e6))));
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
