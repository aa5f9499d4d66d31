package io.handoff.micrometer;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.handoff.spi.StepDown;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.Test;

/**
 * The names and labels a Prometheus scrape shows, as the README's table lists them: counters end in
 * {@code _total}, the latency timer is a summary in seconds with its two quantiles, labels are the
 * meters' tags, and no label names a partition.
 */
public class PrometheusNamesTest {

  private static final String TOPIC = "store_v1";

  /** One event of each kind on partition 3 of {@link #TOPIC}, then the scrape. */
  private static List<String> scrape(MicrometerHandoffMetrics.Options options) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MicrometerHandoffMetrics metrics = new MicrometerHandoffMetrics(registry, options);
    StepDown s = StepDown.established(TOPIC, 3, 5, 0, "host-a");
    metrics.stampEmitted(s, TimeUnit.MILLISECONDS.toNanos(4));
    metrics.stampEmitFailed(s, EmitStatus.TIMED_OUT, TimeUnit.SECONDS.toNanos(1));
    metrics.stampSkipped(s, EmitStatus.SKIPPED_UNESTABLISHED);
    metrics.handover(TOPIC, 3, HandoverPath.LEGACY_WAIT, HandoverReason.NO_STAMP);
    metrics.handover(TOPIC, 3, HandoverPath.FAST_PATH, HandoverReason.CLEAN_STEP_DOWN);
    metrics.uncleanTenure(TOPIC, 3);
    String text = registry.scrape();
    assertFalse(text.contains("partition"), "no label names a partition:\n" + text);
    return text.lines().toList();
  }

  private static void assertHasLine(List<String> lines, String line) {
    assertTrue(
        lines.contains(line), "the scrape has the line " + line + ":\n" + String.join("\n", lines));
  }

  private static void assertHasLineStartingWith(List<String> lines, String prefix) {
    assertTrue(
        lines.stream().anyMatch(l -> l.startsWith(prefix)),
        "the scrape has a line starting with " + prefix + ":\n" + String.join("\n", lines));
  }

  @Test
  public void theScrapeShowsEachMeterUnderItsPrometheusName() {
    List<String> lines = scrape(MicrometerHandoffMetrics.Options.defaults());

    assertHasLine(lines, "# TYPE handoff_stamp_emits_total counter");
    assertHasLine(lines, "handoff_stamp_emits_total{outcome=\"acked\"} 1.0");
    assertHasLine(lines, "handoff_stamp_emits_total{outcome=\"timed_out\"} 1.0");
    assertHasLine(lines, "handoff_stamp_emits_total{outcome=\"skipped_unestablished\"} 1.0");

    assertHasLine(lines, "# TYPE handoff_stamp_emit_latency_seconds summary");
    assertHasLineStartingWith(
        lines, "handoff_stamp_emit_latency_seconds{outcome=\"acked\",quantile=\"0.5\"} ");
    assertHasLineStartingWith(
        lines, "handoff_stamp_emit_latency_seconds{outcome=\"acked\",quantile=\"0.99\"} ");
    assertHasLine(lines, "handoff_stamp_emit_latency_seconds_count{outcome=\"acked\"} 1");
    assertHasLine(lines, "handoff_stamp_emit_latency_seconds_sum{outcome=\"acked\"} 0.004");
    assertHasLine(lines, "handoff_stamp_emit_latency_seconds_sum{outcome=\"timed_out\"} 1.0");
    assertHasLine(lines, "# TYPE handoff_stamp_emit_latency_seconds_max gauge");
    assertHasLine(lines, "handoff_stamp_emit_latency_seconds_max{outcome=\"acked\"} 0.004");
    assertFalse(
        lines.stream().anyMatch(l -> l.contains("_seconds_count{outcome=\"skipped")),
        "skipped stamps record no latency");
    assertFalse(
        lines.stream().anyMatch(l -> l.startsWith("handoff_stamp_emit_latency_seconds_bucket")),
        "no histogram by default");

    assertHasLine(lines, "# TYPE handoff_handovers_total counter");
    assertHasLine(lines, "handoff_handovers_total{path=\"legacy_wait\",reason=\"no_stamp\"} 1.0");
    assertHasLine(
        lines, "handoff_handovers_total{path=\"fast_path\",reason=\"clean_step_down\"} 1.0");

    assertHasLine(lines, "# TYPE handoff_tenures_unclean_total counter");
    assertHasLine(lines, "handoff_tenures_unclean_total 1.0");
  }

  @Test
  public void perTopicTagsAddATopicLabelToEverySeries() {
    List<String> lines =
        scrape(MicrometerHandoffMetrics.Options.builder().perTopicTags(true).build());
    assertHasLine(lines, "handoff_stamp_emits_total{outcome=\"acked\",topic=\"store_v1\"} 1.0");
    assertHasLine(
        lines, "handoff_stamp_emit_latency_seconds_count{outcome=\"acked\",topic=\"store_v1\"} 1");
    assertHasLine(
        lines,
        "handoff_handovers_total{path=\"legacy_wait\",reason=\"no_stamp\",topic=\"store_v1\"} 1.0");
    assertHasLine(lines, "handoff_tenures_unclean_total{topic=\"store_v1\"} 1.0");
    List<String> series = lines.stream().filter(l -> l.startsWith("handoff_")).toList();
    assertEquals(
        series.stream().filter(l -> l.contains("topic=\"store_v1\"")).count(),
        (long) series.size(),
        "every series has the topic label: " + series);
  }

  @Test
  public void aPercentileHistogramAddsBucketsInSeconds() {
    List<String> lines =
        scrape(MicrometerHandoffMetrics.Options.builder().publishPercentileHistogram(true).build());
    assertHasLine(lines, "# TYPE handoff_stamp_emit_latency_seconds histogram");
    assertHasLineStartingWith(
        lines, "handoff_stamp_emit_latency_seconds_bucket{outcome=\"acked\",le=\"");
    assertHasLine(lines, "handoff_stamp_emit_latency_seconds_count{outcome=\"acked\"} 1");
  }
}
