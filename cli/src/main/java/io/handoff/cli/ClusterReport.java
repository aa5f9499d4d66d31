package io.handoff.cli;

import io.handoff.cli.ClusterResult.Handover;
import io.handoff.cli.ClusterResult.Tenure;
import io.handoff.cli.ClusterRun.Action;
import java.util.List;
import java.util.Locale;

/**
 * The cluster command's HTML page: self-contained (inline SVG, no script, no external resource),
 * one timeline per run with a row per partition. A row shows who could write when (one colour per
 * server), the stretches without a writable leader (red background), each handover's decision (a
 * tick in the colours of the demo's timelines: fast path or legacy wait, details in its tooltip)
 * and the orchestrator's actions (dashed lines).
 */
final class ClusterReport {

  private static final String[] SERVER_COLOURS = {
    "#4c6ef5", "#15aabf", "#fab005", "#be4bdb", "#82c91e", "#fd7e14", "#868e96", "#e64980",
    "#20c997"
  };
  private static final int WIDTH = 1200;
  private static final int LEFT = 60;
  private static final int RIGHT = 1180;
  private static final int ROW = 14;
  private static final int TOP = 70;
  private static final String NO_LEADER = "#ffc9c9";

  private ClusterReport() {}

  static String html(List<ClusterResult> results, ClusterRig.Settings settings) {
    StringBuilder s = new StringBuilder();
    s.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>handoff cluster</title><style>")
        .append("body{font-family:sans-serif;margin:24px;color:#222}")
        .append("table{border-collapse:collapse}td,th{padding:2px 10px;text-align:right}")
        .append("th{border-bottom:1px solid #999}td:first-child,th:first-child{text-align:left}")
        .append("</style></head><body>\n<h1>handoff cluster</h1>\n");
    s.append(
        String.format(
            Locale.ROOT,
            "<p>%d server processes in a Helix cluster, %d partitions per store version, 3 Kafka"
                + " brokers (RF 3, min.insync.replicas=2). Inactivity window shortened to %s"
                + " (production: 300 s); ZooKeeper session timeout %s.</p>%n",
            settings.servers(),
            settings.partitions(),
            ClusterCommand.seconds(settings.window().toMillis()),
            ClusterCommand.seconds(settings.sessionTimeout().toMillis())));
    s.append("<pre>")
        .append(escape(ClusterTable.table(results, settings.window())))
        .append("</pre>\n");
    s.append(legend(settings.servers()));
    for (ClusterResult r : results) {
      s.append(
          String.format(
              Locale.ROOT,
              "<h2 id=\"%s-%s\">%s, %s strategy (%s)</h2>%n<p>%s</p>%n",
              r.scenario(),
              r.strategy(),
              escape(r.scenario()),
              escape(r.strategy()),
              escape(r.topic()),
              escape(ClusterTable.line(r)).replace("\n", "<br>")));
      s.append(timeline(r));
    }
    return s.append("</body></html>\n").toString();
  }

  private static String legend(int servers) {
    StringBuilder s = new StringBuilder("<p>");
    for (int i = 1; i <= servers; i++) {
      s.append(swatch(colour("server-" + i))).append(" server-").append(i).append(" may write ");
    }
    s.append(swatch(NO_LEADER)).append(" no writable leader ");
    s.append(swatch(TimelineMark.FAST_PATH.colour)).append(" handover: fast path ");
    s.append(swatch(TimelineMark.LEGACY_WAIT.colour)).append(" handover: legacy wait ");
    return s.append("; dashed lines: what was done to a server</p>\n").toString();
  }

  private static String swatch(String colour) {
    return "<span style=\"display:inline-block;width:12px;height:12px;background:"
        + colour
        + "\"></span>";
  }

  private static String timeline(ClusterResult r) {
    double from = r.startMs();
    double to = r.endMs();
    double span = Math.max(1, to - from);
    int height = TOP + r.partitions() * ROW + 30;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"cluster-timeline\" width=\"%d\""
                + " height=\"%d\" role=\"img\" aria-label=\"%s, %s: leaders of every partition\">%n",
            WIDTH,
            height,
            escape(r.scenario()),
            escape(r.strategy())));
    for (int t = 0; t <= span / 1000; t += tickStep(span)) {
      double x = x(from + t * 1000.0, from, span);
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                  + "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%d s</text>%n",
              x,
              TOP,
              x,
              height - 25,
              x,
              height - 12,
              t));
    }
    for (int p = 0; p < r.partitions(); p++) {
      int y = TOP + p * ROW;
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">p%d</text>"
                  + "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
              LEFT - 6,
              y + 10,
              p,
              LEFT,
              y + 1,
              RIGHT - LEFT,
              ROW - 2,
              NO_LEADER));
      for (Tenure t : r.tenures().getOrDefault(p, List.of())) {
        double a = Math.max(t.fromMs(), from);
        double b = Math.min(t.toMs(), to);
        if (b <= a) {
          continue;
        }
        s.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s"
                    + " term %d (%s) until %s</title></rect>%n",
                x(a, from, span),
                y + 1,
                Math.max(0.5, x(b, from, span) - x(a, from, span)),
                ROW - 2,
                colour(t.instance()),
                escape(t.instance()),
                t.term(),
                escape(String.valueOf(t.path())),
                escape(t.end())));
      }
    }
    for (Handover h : r.handovers()) {
      String colour = h.fast() ? TimelineMark.FAST_PATH.colour : TimelineMark.LEGACY_WAIT.colour;
      s.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"decision\" x=\"%.1f\" y=\"%d\" width=\"3\" height=\"%d\" fill=\"%s\">"
                  + "<title>p%d: %s -> %s after %s, %s (%s), gap %s, zombie records %d</title>"
                  + "</rect>%n",
              x(h.writableMs(), from, span) - 1.5,
              TOP + h.partition() * ROW,
              ROW,
              colour,
              h.partition(),
              escape(h.from()),
              escape(h.to()),
              escape(h.endedBy()),
              escape(h.path()),
              escape(String.valueOf(h.reason())),
              ClusterTable.millis(h.gapMs()),
              h.zombieRecords()));
    }
    int label = 0;
    for (Action a : r.actions()) {
      double x = x(a.atMs(), from, span);
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\""
                  + " stroke-dasharray=\"3,3\"/><text x=\"%.1f\" y=\"%d\" font-size=\"10\">%s %s"
                  + "</text>%n",
              x,
              TOP - 4,
              x,
              height - 25,
              x + 2,
              14 + (label++ % 4) * 13,
              escape(a.instance()),
              escape(a.what())));
    }
    return s.append("</svg>\n").toString();
  }

  private static int tickStep(double spanMs) {
    double seconds = spanMs / 1000;
    return seconds <= 30 ? 1 : seconds <= 120 ? 5 : seconds <= 600 ? 30 : 60;
  }

  private static double x(double ms, double from, double span) {
    return LEFT + (ms - from) / span * (RIGHT - LEFT);
  }

  private static String colour(String instance) {
    int dash = instance.lastIndexOf('-');
    int n = dash < 0 ? 0 : Integer.parseInt(instance.substring(dash + 1)) - 1;
    return SERVER_COLOURS[Math.floorMod(n, SERVER_COLOURS.length)];
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
