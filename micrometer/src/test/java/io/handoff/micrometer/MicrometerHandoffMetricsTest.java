package io.handoff.micrometer;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffEngine;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverEvidence;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LegacyWaitObserver;
import io.handoff.spi.StepDown;
import io.handoff.spi.TenureObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.Test;

/**
 * Each meter of {@link MicrometerHandoffMetrics} as a {@link SimpleMeterRegistry} shows it: stamps
 * by outcome with their latency (none for skips), handovers by path and reason as real observers
 * report them, unclean tenures, the topic tag only when asked for and never a partition tag, meters
 * created on first use and reused after, and no exception out of a refused meter or a null
 * argument.
 */
public class MicrometerHandoffMetricsTest {

  private static final String TOPIC = "store_v1";
  private static final String ME = "host-me";
  private static final String A = "host-a";
  private static final String B = "host-b";
  private static final byte[] DOL = {'D'};
  private static final byte[] STAMP = {'S'};
  private static final byte[] DATA = {'k'};

  /** The tenure rules over test keys: 'D' is a declaration of leadership, 'S' a step-down stamp. */
  private static final class KeyedObserver extends TenureObserver {
    KeyedObserver(HandoffMetrics metrics, String versionTopic) {
      super(metrics, versionTopic, ME);
    }

    @Override
    protected Role roleOf(byte[] recordKey) {
      if (recordKey == null || recordKey.length == 0) {
        return Role.OTHER;
      }
      return recordKey[0] == 'D'
          ? Role.DECLARATION
          : recordKey[0] == 'S' ? Role.STEP_DOWN : Role.OTHER;
    }
  }

  private static final HandoffSettings CONSUMING =
      HandoffSettings.from(Map.of(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true"));

  /** The engine's observer around {@code evidence}, consuming on, as a host gets it. */
  private static LeadershipHandoffObserver observer(
      HandoffMetrics metrics, HandoverEvidence evidence) {
    return HandoffEngine.observer(CONSUMING, metrics, TOPIC, ME, evidence);
  }

  private static StepDown stepDown(String topic, int partition) {
    return StepDown.established(topic, partition, 5, 0, A);
  }

  private static String tag(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static double emits(SimpleMeterRegistry r, EmitStatus s) {
    Counter c = r.find(MicrometerHandoffMetrics.STAMP_EMITS).tag("outcome", tag(s)).counter();
    return c == null ? 0 : c.count();
  }

  private static double handovers(SimpleMeterRegistry r, String path, String reason) {
    Counter c =
        r.find(MicrometerHandoffMetrics.HANDOVERS)
            .tag("path", path)
            .tag("reason", reason)
            .counter();
    return c == null ? 0 : c.count();
  }

  /**
   * Every tag key the registry's meters carry, but Micrometer's own {@code phi} of the gauges that
   * {@code SimpleMeterRegistry} adds for a timer's percentiles.
   */
  private static Set<String> tagKeys(SimpleMeterRegistry r) {
    Set<String> keys = new HashSet<>();
    for (Meter m : r.getMeters()) {
      for (Tag t : m.getId().getTags()) {
        keys.add(t.getKey());
      }
    }
    keys.remove("phi");
    return keys;
  }

  @Test
  public void everyEmitOutcomeIsCountedAndOnlySentStampsRecordLatency() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerHandoffMetrics metrics = new MicrometerHandoffMetrics(registry);
    assertTrue(registry.getMeters().isEmpty(), "meters come with their first event, not before");

    StepDown s = stepDown(TOPIC, 3);
    metrics.stampEmitted(s, TimeUnit.MILLISECONDS.toNanos(4));
    metrics.stampEmitFailed(s, EmitStatus.TIMED_OUT, TimeUnit.MILLISECONDS.toNanos(1000));
    metrics.stampEmitFailed(s, EmitStatus.FAILED, TimeUnit.MILLISECONDS.toNanos(2));
    metrics.stampEmitFailed(s, EmitStatus.INTERRUPTED, TimeUnit.MILLISECONDS.toNanos(3));
    metrics.stampSkipped(s, EmitStatus.SKIPPED_DISABLED);
    metrics.stampSkipped(s, EmitStatus.SKIPPED_NO_TERM);
    metrics.stampSkipped(s, EmitStatus.SKIPPED_UNESTABLISHED);
    metrics.stampSkipped(s, EmitStatus.SKIPPED_UNESTABLISHED);

    for (EmitStatus status : EmitStatus.values()) {
      double expected = status == EmitStatus.SKIPPED_UNESTABLISHED ? 2 : 1;
      assertEquals(
          emits(registry, status), expected, "handoff.stamp.emits{outcome=" + tag(status) + "}");
      Timer timer =
          registry
              .find(MicrometerHandoffMetrics.STAMP_EMIT_LATENCY)
              .tag("outcome", tag(status))
              .timer();
      if (status.isSkipped()) {
        assertNull(timer, "a skipped stamp sent nothing and records no latency: " + status);
      } else {
        assertNotNull(timer, "latency of " + status);
        assertEquals(timer.count(), 1L, "one latency recorded for " + status);
      }
    }
    assertEquals(
        registry.find(MicrometerHandoffMetrics.STAMP_EMITS).counters().size(),
        EmitStatus.values().length,
        "one counter per outcome");
    Timer acked =
        registry.get(MicrometerHandoffMetrics.STAMP_EMIT_LATENCY).tag("outcome", "acked").timer();
    assertEquals(
        acked.totalTime(TimeUnit.MILLISECONDS), 4.0, "the latency reported, in the timer's unit");
    assertEquals(
        registry
            .get(MicrometerHandoffMetrics.STAMP_EMIT_LATENCY)
            .tag("outcome", "timed_out")
            .timer()
            .totalTime(TimeUnit.SECONDS),
        1.0,
        "a timed-out stamp records the time it waited");
    assertEquals(
        tagKeys(registry), Set.of("outcome"), "no topic tag by default, never a partition tag");
  }

  @Test
  public void theLatencyTimerPublishesTheMedianAndP99AndNoHistogramByDefault() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new MicrometerHandoffMetrics(registry)
        .stampEmitted(stepDown(TOPIC, 0), TimeUnit.MILLISECONDS.toNanos(5));
    Timer timer = registry.get(MicrometerHandoffMetrics.STAMP_EMIT_LATENCY).timer();
    double[] published =
        Arrays.stream(timer.takeSnapshot().percentileValues())
            .mapToDouble(ValueAtPercentile::percentile)
            .toArray();
    assertEquals(published, new double[] {0.5, 0.99}, "client-side percentiles");
    assertEquals(timer.takeSnapshot().histogramCounts().length, 0, "no percentile histogram");
    assertEquals(
        timer.baseTimeUnit(), TimeUnit.SECONDS, "seconds, the base unit of SimpleMeterRegistry");

    // The histogram when asked for is checked on a Prometheus scrape: SimpleMeterRegistry keeps
    // none.
    SimpleMeterRegistry none = new SimpleMeterRegistry();
    MicrometerHandoffMetrics.Options options =
        MicrometerHandoffMetrics.Options.builder().publishPercentiles().build();
    new MicrometerHandoffMetrics(none, options)
        .stampEmitted(stepDown(TOPIC, 0), TimeUnit.MILLISECONDS.toNanos(5));
    assertEquals(
        none.get(MicrometerHandoffMetrics.STAMP_EMIT_LATENCY)
            .timer()
            .takeSnapshot()
            .percentileValues()
            .length,
        0,
        "no client-side percentiles when none are asked for");
  }

  @Test
  public void handoversAreCountedByPathAndReasonAsRealObserversReportThem() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerHandoffMetrics metrics = new MicrometerHandoffMetrics(registry);

    // A clean tenure closed by its own stamp, then mine: the fast path.
    LeadershipHandoffObserver clean = observer(metrics, new KeyedObserver(metrics, TOPIC));
    clean.observe(0, 0, DOL, A, 5);
    clean.observe(0, 1, DATA, A, -1);
    clean.observe(0, 2, STAMP, A, 5);
    clean.observe(0, 3, DOL, ME, 7);
    assertEquals(clean.decideHandover(0, 7, false), HandoverPath.FAST_PATH, "clean handover");

    // No stamp: the earlier leader crashed. WAIT is no handover; the elapsed window is.
    LeadershipHandoffObserver crashed = observer(metrics, new KeyedObserver(metrics, TOPIC));
    crashed.observe(1, 0, DOL, A, 5);
    crashed.observe(1, 1, DATA, A, -1);
    crashed.observe(1, 2, DOL, ME, 7);
    assertEquals(crashed.decideHandover(1, 7, false), HandoverPath.WAIT, "window not over yet");
    assertTrue(
        registry
            .find(MicrometerHandoffMetrics.HANDOVERS)
            .tag("reason", "no_stamp")
            .counters()
            .isEmpty(),
        "WAIT is not counted");
    assertEquals(crashed.decideHandover(1, 7, true), HandoverPath.LEGACY_WAIT, "window over");

    // The strategy that never cuts the wait.
    LeadershipHandoffObserver legacy = observer(metrics, new LegacyWaitObserver(TOPIC, ME));
    assertEquals(legacy.decideHandover(2, 7, true), HandoverPath.LEGACY_WAIT, "never cuts");
    assertEquals(legacy.decideHandover(2, 7, true), HandoverPath.LEGACY_WAIT, "never cuts");

    assertEquals(
        handovers(registry, "fast_path", "clean_step_down"), 1.0, "fast path, clean step-down");
    assertEquals(handovers(registry, "legacy_wait", "no_stamp"), 1.0, "legacy wait, no stamp");
    assertEquals(
        handovers(registry, "legacy_wait", "consuming_off"), 2.0, "legacy wait, consuming off");
    assertEquals(
        registry.find(MicrometerHandoffMetrics.HANDOVERS).counters().size(),
        3,
        "only the combinations that happened exist");
    assertEquals(
        tagKeys(registry),
        Set.of("path", "reason"),
        "no topic tag by default, never a partition tag");
  }

  @Test
  public void everyReasonAndBothPathsHaveTheirOwnCounter() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerHandoffMetrics metrics = new MicrometerHandoffMetrics(registry);
    for (HandoverReason reason : HandoverReason.values()) {
      metrics.handover(TOPIC, 0, HandoverPath.LEGACY_WAIT, reason);
      metrics.handover(TOPIC, 1, HandoverPath.FAST_PATH, reason);
      metrics.handover(TOPIC, 2, HandoverPath.FAST_PATH, reason);
    }
    for (HandoverReason reason : HandoverReason.values()) {
      assertEquals(
          handovers(registry, "legacy_wait", reason.tag()), 1.0, "legacy_wait " + reason.tag());
      assertEquals(
          handovers(registry, "fast_path", reason.tag()), 2.0, "fast_path " + reason.tag());
    }

    // Without a reason, or with WAIT or no path: an older caller, or a caller bug.
    metrics.handover(TOPIC, 0, HandoverPath.LEGACY_WAIT);
    metrics.handover(TOPIC, 0, HandoverPath.FAST_PATH, null);
    metrics.handover(TOPIC, 0, HandoverPath.WAIT, HandoverReason.NO_STAMP);
    metrics.handover(TOPIC, 0, HandoverPath.WAIT);
    metrics.handover(TOPIC, 0, null, HandoverReason.NO_STAMP);
    assertEquals(handovers(registry, "legacy_wait", "unknown"), 1.0, "a handover without a reason");
    assertEquals(handovers(registry, "fast_path", "unknown"), 1.0, "a null reason");
    assertTrue(
        registry.find(MicrometerHandoffMetrics.HANDOVERS).tag("path", "wait").counters().isEmpty(),
        "WAIT is no handover");
    assertEquals(
        registry.find(MicrometerHandoffMetrics.HANDOVERS).counters().size(),
        2 * (HandoverReason.values().length + 1),
        "both paths by every reason and unknown, nothing else");
  }

  @Test
  public void uncleanTenuresAreCountedOncePerTenure() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerHandoffMetrics metrics = new MicrometerHandoffMetrics(registry);
    LeadershipHandoffObserver o = observer(metrics, new KeyedObserver(metrics, TOPIC));
    o.observe(4, 0, DOL, A, 5);
    o.observe(4, 1, DATA, B, -1);
    o.observe(4, 2, DATA, B, -1);
    o.observeUndecodable(4, 3);
    o.observe(4, 4, STAMP, A, 5);
    o.observe(4, 5, DOL, ME, 7);
    assertEquals(
        o.decideHandover(4, 7, true), HandoverPath.LEGACY_WAIT, "the earlier tenure was unclean");

    assertEquals(
        registry.get(MicrometerHandoffMetrics.UNCLEAN_TENURES).counter().count(),
        1.0,
        "one unclean tenure, however many records made it so");
    assertEquals(
        handovers(registry, "legacy_wait", "earlier_tenure_unclean"),
        1.0,
        "and why the wait was taken");
    assertTrue(
        registry
            .get(MicrometerHandoffMetrics.UNCLEAN_TENURES)
            .counter()
            .getId()
            .getTags()
            .isEmpty(),
        "no tag: no topic by default, never a partition");
  }

  @Test
  public void perTopicTagsTagEveryMeterWithTheTopicAndNeverThePartition() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerHandoffMetrics.Options options =
        MicrometerHandoffMetrics.Options.builder().perTopicTags(true).build();
    MicrometerHandoffMetrics metrics = new MicrometerHandoffMetrics(registry, options);
    for (String topic : List.of("store_a_v1", "store_b_v2")) {
      for (int partition = 0; partition < 4; partition++) {
        metrics.stampEmitted(stepDown(topic, partition), 1_000_000);
        metrics.stampSkipped(stepDown(topic, partition), EmitStatus.SKIPPED_NO_TERM);
        metrics.handover(topic, partition, HandoverPath.LEGACY_WAIT, HandoverReason.NO_STAMP);
        metrics.uncleanTenure(topic, partition);
      }
    }
    for (String topic : List.of("store_a_v1", "store_b_v2")) {
      assertEquals(
          registry
              .get(MicrometerHandoffMetrics.STAMP_EMITS)
              .tags("topic", topic, "outcome", "acked")
              .counter()
              .count(),
          4.0,
          "acked stamps of " + topic);
      assertEquals(
          registry
              .get(MicrometerHandoffMetrics.STAMP_EMIT_LATENCY)
              .tags("topic", topic)
              .timer()
              .count(),
          4L,
          "latencies of " + topic);
      assertEquals(
          registry.get(MicrometerHandoffMetrics.HANDOVERS).tags("topic", topic).counter().count(),
          4.0,
          "handovers of " + topic);
      assertEquals(
          registry
              .get(MicrometerHandoffMetrics.UNCLEAN_TENURES)
              .tags("topic", topic)
              .counter()
              .count(),
          4.0,
          "unclean tenures of " + topic);
    }
    for (Meter m : registry.getMeters()) {
      assertNotNull(m.getId().getTag("topic"), "every meter has the topic tag: " + m.getId());
    }
    assertEquals(
        tagKeys(registry), Set.of("topic", "outcome", "path", "reason"), "never a partition tag");
    long ours =
        registry.getMeters().stream()
            .filter(m -> !m.getId().getName().endsWith(".percentile"))
            .count();
    assertEquals(ours, 2 * 5L, "5 meters per topic, whatever the number of partitions");

    metrics.uncleanTenure(null, 0);
    assertEquals(
        registry
            .get(MicrometerHandoffMetrics.UNCLEAN_TENURES)
            .tags("topic", "unknown")
            .counter()
            .count(),
        1.0,
        "a null topic is tagged unknown");

    assertTrue(metrics.removeTopic("store_a_v1"), "store_a_v1 had meters");
    assertTrue(
        registry
            .find(MicrometerHandoffMetrics.STAMP_EMITS)
            .tags("topic", "store_a_v1")
            .meters()
            .isEmpty(),
        "the retired topic's meters are gone");
    assertTrue(
        registry
            .find(MicrometerHandoffMetrics.STAMP_EMIT_LATENCY)
            .tags("topic", "store_a_v1")
            .meters()
            .isEmpty(),
        "the retired topic's timer is gone");
    assertTrue(
        registry.getMeters().stream()
            .noneMatch(m -> "store_a_v1".equals(m.getId().getTag("topic"))),
        "no meter of the retired topic is left, not even the registry's percentile gauges");
    assertEquals(
        registry
            .find(MicrometerHandoffMetrics.HANDOVERS)
            .tags("topic", "store_b_v2")
            .counter()
            .count(),
        4.0,
        "the other topic keeps its meters");
    assertFalse(metrics.removeTopic("store_a_v1"), "removed already");
    metrics.uncleanTenure("store_a_v1", 0);
    assertEquals(
        registry
            .get(MicrometerHandoffMetrics.UNCLEAN_TENURES)
            .tags("topic", "store_a_v1")
            .counter()
            .count(),
        1.0,
        "a topic seen again starts over");
    assertFalse(
        new MicrometerHandoffMetrics(registry).removeTopic("store_b_v2"),
        "nothing per topic by default");
  }

  @Test
  public void metersAreCreatedOnceAndReused() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerHandoffMetrics metrics = new MicrometerHandoffMetrics(registry);
    metrics.handover(TOPIC, 0, HandoverPath.FAST_PATH, HandoverReason.CLEAN_STEP_DOWN);
    Counter first = registry.get(MicrometerHandoffMetrics.HANDOVERS).counter();
    for (int p = 0; p < 1000; p++) {
      metrics.handover(
          "store_" + p + "_v1", p, HandoverPath.FAST_PATH, HandoverReason.CLEAN_STEP_DOWN);
    }
    assertEquals(registry.getMeters().size(), 1, "one meter for many topics and partitions");
    assertSame(
        registry.get(MicrometerHandoffMetrics.HANDOVERS).counter(), first, "the same counter");
    assertEquals(first.count(), 1001.0, "every handover counted");

    // Two instances over one registry share its meters, as Micrometer shares meters of one id.
    new MicrometerHandoffMetrics(registry)
        .handover(TOPIC, 0, HandoverPath.FAST_PATH, HandoverReason.CLEAN_STEP_DOWN);
    assertEquals(first.count(), 1002.0, "the registry's meter");
  }

  @Test
  public void threadsRacingToCreateTheSameMetersLoseNoEvent() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerHandoffMetrics metrics =
        new MicrometerHandoffMetrics(
            registry, MicrometerHandoffMetrics.Options.builder().perTopicTags(true).build());
    int threads = 4;
    int events = 5_000;
    List<String> topics = List.of("store_a_v1", "store_b_v1", "store_c_v1");
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < events; i++) {
                    String topic = topics.get(i % topics.size());
                    metrics.handover(
                        topic, i & 7, HandoverPath.LEGACY_WAIT, HandoverReason.NO_STAMP);
                    metrics.stampSkipped(stepDown(topic, i & 7), EmitStatus.SKIPPED_UNESTABLISHED);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double handovers =
        registry.find(MicrometerHandoffMetrics.HANDOVERS).counters().stream()
            .mapToDouble(Counter::count)
            .sum();
    double skipped =
        registry.find(MicrometerHandoffMetrics.STAMP_EMITS).counters().stream()
            .mapToDouble(Counter::count)
            .sum();
    assertEquals(handovers, (double) threads * events, "every handover counted");
    assertEquals(skipped, (double) threads * events, "every skipped stamp counted");
    assertEquals(
        registry.find(MicrometerHandoffMetrics.HANDOVERS).counters().size(),
        topics.size(),
        "one counter per topic, however many threads created it");
  }

  @Test
  public void aRefusedMeterOrANullArgumentNeverThrows() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // The host took the name for a gauge: the registry refuses a counter of the same id.
    Gauge.builder(MicrometerHandoffMetrics.UNCLEAN_TENURES, () -> 42.0).register(registry);
    MicrometerHandoffMetrics metrics = new MicrometerHandoffMetrics(registry);
    metrics.uncleanTenure(TOPIC, 0);
    metrics.uncleanTenure(TOPIC, 0);
    assertEquals(
        registry.get(MicrometerHandoffMetrics.UNCLEAN_TENURES).gauge().value(),
        42.0,
        "the host's gauge is left alone");
    metrics.handover(TOPIC, 0, HandoverPath.FAST_PATH, HandoverReason.CLEAN_STEP_DOWN);
    assertEquals(
        handovers(registry, "fast_path", "clean_step_down"), 1.0, "the other meters still record");

    metrics.stampEmitted(null, 1);
    metrics.stampEmitFailed(null, null, 1);
    metrics.stampEmitFailed(stepDown(TOPIC, 0), EmitStatus.FAILED, -5);
    metrics.stampSkipped(null, null);
    metrics.handover(null, -1, null, null);
    metrics.uncleanTenure(null, -1);
    metrics.removeTopic(null);
    assertEquals(
        emits(registry, EmitStatus.ACKED), 1.0, "a stamp without a step-down is still counted");
    assertEquals(emits(registry, EmitStatus.FAILED), 2.0, "a null status counts as failed");
    assertEquals(
        registry
            .get(MicrometerHandoffMetrics.STAMP_EMIT_LATENCY)
            .tag("outcome", "failed")
            .timer()
            .count(),
        1L,
        "Micrometer drops the negative latency");
  }

  @Test
  public void optionsValidateAndDescribeThemselves() {
    expectThrows(NullPointerException.class, () -> new MicrometerHandoffMetrics(null));
    expectThrows(
        NullPointerException.class,
        () -> new MicrometerHandoffMetrics(new SimpleMeterRegistry(), null));
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class,
            () -> MicrometerHandoffMetrics.Options.builder().publishPercentiles(0.5, 1.5));
    assertEquals(e.getMessage(), "percentile must be within [0, 1], got 1.5", "message");
    expectThrows(
        IllegalArgumentException.class,
        () -> MicrometerHandoffMetrics.Options.builder().publishPercentiles(Double.NaN));

    MicrometerHandoffMetrics.Options defaults = MicrometerHandoffMetrics.Options.defaults();
    assertFalse(defaults.perTopicTags(), "no topic tag by default");
    assertFalse(defaults.publishPercentileHistogram(), "no histogram by default");
    assertEquals(defaults.percentiles(), new double[] {0.5, 0.99}, "median and p99 by default");
    defaults.percentiles()[0] = 0.1;
    assertEquals(defaults.percentiles(), new double[] {0.5, 0.99}, "options are immutable");
    assertEquals(
        defaults.toString(),
        "Options{perTopicTags=false, publishPercentileHistogram=false,"
            + " percentiles=[0.5, 0.99]}",
        "toString");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerHandoffMetrics metrics = new MicrometerHandoffMetrics(registry);
    assertSame(metrics.registry(), registry, "registry");
    assertSame(metrics.options(), defaults, "options");
    assertEquals(
        metrics.toString(),
        "MicrometerHandoffMetrics{SimpleMeterRegistry, perTopicTags=false}",
        "toString");
  }
}
