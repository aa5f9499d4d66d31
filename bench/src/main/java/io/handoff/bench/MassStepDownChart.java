package io.handoff.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A small SVG line chart of one mass step-down's duration against the number of partitions: one
 * line per condition, and dashed lines for the limits the figures are held to. No script, no
 * external resource.
 */
final class MassStepDownChart {

  /** One line of the chart: its points, in partitions and milliseconds. */
  record Series(String name, String colour, int[] partitions, double[] millis) {}

  /** A horizontal dashed line at {@code millis}. */
  record Limit(String name, double millis) {}

  private static final int W = 680;
  private static final int H = 400;
  private static final int LEFT = 70;
  private static final int RIGHT = 150;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;

  private MassStepDownChart() {}

  static void write(Path file, String title, List<Series> series, List<Limit> limits)
      throws IOException {
    int maxX = 0;
    double maxY = 0;
    for (Series s : series) {
      for (int i = 0; i < s.partitions().length; i++) {
        maxX = Math.max(maxX, s.partitions()[i]);
        maxY = Math.max(maxY, s.millis()[i]);
      }
    }
    for (Limit l : limits) {
      maxY = Math.max(maxY, l.millis());
    }
    double yTop = niceCeiling(maxY * 1.1);
    int xTop = (int) niceCeiling(maxX);
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            W,
            H,
            W,
            H));
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    b.append(text(10, 20, "start", title).replace("<text", "<text font-size=\"14\""));
    double plotW = W - LEFT - RIGHT;
    double plotH = H - TOP - BOTTOM;
    for (int i = 0; i <= 5; i++) {
      double v = yTop * i / 5;
      double y = TOP + plotH - plotH * i / 5;
      b.append(line(LEFT, y, LEFT + plotW, y, "#ddd", false));
      b.append(text(LEFT - 6, y + 4, "end", String.format(Locale.ROOT, "%,.0f", v)));
      double xv = xTop * i / 5.0;
      double x = LEFT + plotW * i / 5;
      b.append(line(x, TOP, x, TOP + plotH, "#eee", false));
      b.append(text(x, TOP + plotH + 16, "middle", String.format(Locale.ROOT, "%,.0f", xv)));
    }
    b.append(line(LEFT, TOP, LEFT, TOP + plotH, "#333", false));
    b.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "#333", false));
    b.append(text(LEFT + plotW / 2, H - 12, "middle", "partitions stepping down together"));
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 16 %.1f)\">"
                + "one emitStepDowns call (ms)</text>%n",
            TOP + plotH / 2,
            TOP + plotH / 2));
    int legend = 0;
    for (Limit l : limits) {
      double y = TOP + plotH - plotH * l.millis() / yTop;
      b.append(line(LEFT, y, LEFT + plotW, y, "#888", true));
      b.append(text(LEFT + plotW + 8, y + 4, "start", l.name()));
    }
    for (Series s : series) {
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < s.partitions().length; i++) {
        double x = LEFT + plotW * s.partitions()[i] / xTop;
        double y = TOP + plotH - plotH * s.millis()[i] / yTop;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        b.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s: %,d partitions,"
                    + " %,.0f ms</title></circle>%n",
                x,
                y,
                s.colour(),
                escape(s.name()),
                s.partitions()[i],
                s.millis()[i]));
      }
      b.append(
          String.format(
              Locale.ROOT,
              "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
              points.toString().trim(),
              s.colour()));
      // The legend sits in the plot's upper left corner, where the lines start low.
      double ly = TOP + 16 + 18 * legend++;
      b.append(line(LEFT + 10, ly - 4, LEFT + 30, ly - 4, s.colour(), false));
      b.append(text(LEFT + 34, ly, "start", s.name()));
    }
    b.append("</svg>\n");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code v}. */
  private static double niceCeiling(double v) {
    if (v <= 0) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String line(double x1, double y1, double x2, double y2, String c, boolean dash) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>%n",
        x1,
        y1,
        x2,
        y2,
        c,
        dash ? " stroke-dasharray=\"6 4\"" : "");
  }

  private static String text(double x, double y, String anchor, String s) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>%n",
        x,
        y,
        anchor,
        escape(s));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
