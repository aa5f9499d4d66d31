package io.handoff.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.testsupport.SharedKafka;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The demo's report as a reader sees it: a real headless Chromium renders the page, and the
 * screenshot must show the timelines, in their colours, where the plot is drawn; the DOM Chromium
 * built must hold one timeline per partition, round and strategy.
 */
public class DemoReportBrowserIT {

  private static final int WIDTH = 1400;
  private static final int HEIGHT = 2400;
  private static final int PARTITIONS = 2;
  private static final int ROUNDS = 2;
  private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Exact-colour pixels a mark must have inside the plot: a few rows' worth of its thinnest shape.
   */
  private static final int MIN_PIXELS = 20;

  /**
   * Per colour channel, for the marks: Chromium may round a colour by a unit or two. The plot's
   * background is matched exactly, since anti-aliased text gives near-white pixels close to it.
   */
  private static final int TOLERANCE = 2;

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startKafka() {
    kafka = SharedKafka.cluster();
  }

  @Test
  public void theReportDrawsEveryHandoverAsATimeline() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.ensureInstalled();
    // Kept in target/ for a person to look at after the build.
    Path dir = Files.createDirectories(Path.of("target", "demo-report").toAbsolutePath());
    Path report = dir.resolve("demo.html");
    Path png = dir.resolve("demo.png");
    Files.deleteIfExists(report);
    Files.deleteIfExists(png);

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        HandoffCli.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "demo",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--partitions",
            Integer.toString(PARTITIONS),
            "--rounds",
            Integer.toString(ROUNDS),
            "--records",
            "3",
            "--inactivity-window",
            "1s",
            "--report",
            report.toString());
    assertEquals(code, 0, "demo failed: " + err + "\n" + out);
    assertTrue(Files.isRegularFile(report), "report written: " + out);

    HeadlessChromium.Run shot = chromium.screenshot(report, png, WIDTH, HEIGHT, BROWSER_TIMEOUT);
    assertEquals(shot.exitCode(), 0, "chromium --screenshot: " + shot.stderr());
    assertTrue(
        Files.isRegularFile(png) && Files.size(png) > 0,
        "screenshot written to " + png + ": " + shot.stderr());
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, png + " is not an image ImageIO can read");
    assertEquals(image.getWidth(), WIDTH, "screenshot width");
    assertEquals(image.getHeight(), HEIGHT, "screenshot height");

    Rectangle plot = boundsOf(image, rgb(TimelineChart.PLOT_BACKGROUND), 0);
    assertNotNull(
        plot, "no timeline plot (background " + TimelineChart.PLOT_BACKGROUND + ") in " + png);
    assertEquals(
        plot.x,
        DemoReport.PAGE_MARGIN + TimelineChart.PLOT_LEFT,
        2.0,
        "plot's left edge in " + png);
    assertEquals(
        plot.width,
        TimelineChart.PLOT_RIGHT - TimelineChart.PLOT_LEFT,
        2.0,
        "plot's width in " + png);
    Map<TimelineMark, Integer> counts = new EnumMap<>(TimelineMark.class);
    for (TimelineMark m : TimelineMark.values()) {
      counts.put(m, count(image, plot, rgb(m.colour), TOLERANCE));
    }
    // Every moment of the story is drawn: the stamp's rows have stamps and fast paths, the no-op's
    // rows legacy waits, and both have declarations, read-backs, waits and writes.
    for (TimelineMark m : TimelineMark.values()) {
      assertTrue(
          counts.get(m) >= MIN_PIXELS,
          m + " (" + m.colour + ") drawn in the plot " + plot + " of " + png + ": " + counts);
    }

    HeadlessChromium.Run dom = chromium.dumpDom(report, BROWSER_TIMEOUT);
    assertEquals(dom.exitCode(), 0, "chromium --dump-dom: " + dom.stderr());
    Set<String> expected = new TreeSet<>();
    for (String strategy : new String[] {"noop", "stamp"}) {
      assertTrue(
          dom.stdout().contains("id=\"timelines-" + strategy + "\""),
          "timelines of " + strategy + " in the DOM");
      for (int round = 1; round <= ROUNDS; round++) {
        for (int p = 0; p < PARTITIONS; p++) {
          expected.add(strategy + " " + round + " " + p);
        }
      }
    }
    Matcher m =
        Pattern.compile(
                "<g class=\"timeline\" id=\"timeline-(\\w+)-r(\\d+)-p(\\d+)\" data-strategy=\"\\1\""
                    + " data-round=\"\\2\" data-partition=\"\\3\"")
            .matcher(dom.stdout());
    Set<String> found = new TreeSet<>();
    while (m.find()) {
      found.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
    }
    assertEquals(found, expected, "one timeline per strategy, round and partition in the DOM");
    assertTrue(dom.stdout().contains("id=\"timeline-legend\""), "the legend in the DOM");
    assertTrue(
        dom.stdout().contains("data-path=\"FAST_PATH\" data-reason=\"clean_step_down\""),
        "the stamp's handovers with their reason in the DOM");
  }

  /** The smallest rectangle holding every pixel of {@code rgb}, or null when there is none. */
  private static Rectangle boundsOf(BufferedImage image, int rgb, int tolerance) {
    int minX = Integer.MAX_VALUE;
    int minY = Integer.MAX_VALUE;
    int maxX = -1;
    int maxY = -1;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (matches(image.getRGB(x, y), rgb, tolerance)) {
          minX = Math.min(minX, x);
          minY = Math.min(minY, y);
          maxX = Math.max(maxX, x);
          maxY = Math.max(maxY, y);
        }
      }
    }
    return maxX < 0 ? null : new Rectangle(minX, minY, maxX - minX + 1, maxY - minY + 1);
  }

  private static int count(BufferedImage image, Rectangle region, int rgb, int tolerance) {
    int n = 0;
    for (int y = region.y; y < region.y + region.height; y++) {
      for (int x = region.x; x < region.x + region.width; x++) {
        if (matches(image.getRGB(x, y), rgb, tolerance)) {
          n++;
        }
      }
    }
    return n;
  }

  private static boolean matches(int argb, int rgb, int tolerance) {
    for (int shift = 0; shift <= 16; shift += 8) {
      if (Math.abs(((argb >> shift) & 0xff) - ((rgb >> shift) & 0xff)) > tolerance) {
        return false;
      }
    }
    return true;
  }

  private static int rgb(String hex) {
    return Integer.parseInt(hex.substring(1), 16);
  }
}
