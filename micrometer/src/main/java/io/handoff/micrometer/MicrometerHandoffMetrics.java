package io.handoff.micrometer;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.handoff.spi.StepDown;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records the library's metrics in a Micrometer {@link MeterRegistry}, under Micrometer's naming
 * conventions (dotted lower-case names, lower-case tag values with underscores), which each
 * registry renders its own way: Prometheus shows {@code handoff.handovers} as {@code
 * handoff_handovers_total}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@value #STAMP_EMITS}</td><td>counter</td><td>{@code outcome}</td>
 *     <td>step-down stamps by outcome: the {@link EmitStatus} in lower case ({@code acked},
 *     {@code timed_out}, {@code failed}, {@code interrupted}, {@code skipped_disabled},
 *     {@code skipped_no_term}, {@code skipped_unestablished})</td></tr>
 *   <tr><td>{@value #STAMP_EMIT_LATENCY}</td><td>timer</td><td>{@code outcome}</td>
 *     <td>how long emitting took, for stamps that were sent (acked, timed out, failed, interrupted);
 *     skipped stamps send nothing and record no latency</td></tr>
 *   <tr><td>{@value #HANDOVERS}</td><td>counter</td><td>{@code path}, {@code reason}</td>
 *     <td>new leaders that started writing: {@code path} is {@code fast_path} or {@code legacy_wait},
 *     {@code reason} is {@link HandoverReason#tag()}, or {@value #UNKNOWN_REASON} when the caller gave none</td></tr>
 *   <tr><td>{@value #UNCLEAN_TENURES}</td><td>counter</td><td></td>
 *     <td>tenures that became unclean; zero in a healthy cluster</td></tr>
 * </table>
 *
 * <p><b>Cardinality.</b> No meter is ever tagged with a partition. A {@code topic} tag (the version
 * topic) is added to every meter only with {@link Options.Builder#perTopicTags(boolean)}: a cluster
 * hosts many version topics and makes new ones with every store push, so the tag is off by default.
 * With it on, {@link #removeTopic(String)} drops the meters of a version topic that is retired.
 *
 * <p><b>Latency.</b> The timer publishes the client-side percentiles 0.5 and 0.99 and no percentile
 * histogram by default ({@link Options.Builder#publishPercentiles(double...)}, {@link
 * Options.Builder#publishPercentileHistogram(boolean)}): client-side percentiles cannot be
 * aggregated across servers, a histogram can, at the price of about 70 series per outcome. The unit
 * is the registry's base time unit: seconds for Prometheus and {@code SimpleMeterRegistry}.
 *
 * <p><b>Meters are created lazily</b>, on the first event of each tag combination, so a registry
 * shows only the combinations that happened (a fast path is never tagged with a refusal reason, for
 * instance). Once created, a meter is cached in an array indexed by the enum constants' ordinals,
 * so recording allocates nothing beyond what the meter itself does; with per-topic tags a {@link
 * ConcurrentHashMap} lookup by topic comes first.
 *
 * <p><b>Threads and blocking.</b> Thread-safe; every method may be called from any thread.
 * Recording never blocks in this class and never throws: a meter the registry refuses (for instance
 * because the host registered another meter type under the same name) is replaced by a no-op meter
 * and logged once at WARN, and {@code null} arguments are tolerated as described on each method.
 * The first event of a tag combination registers its meter, which takes the registry's own short
 * lock once.
 */
public final class MicrometerHandoffMetrics implements HandoffMetrics {

  /** Counter of step-down stamps by outcome. */
  public static final String STAMP_EMITS = "handoff.stamp.emits";

  /** Timer of the stamps that were sent, by outcome. */
  public static final String STAMP_EMIT_LATENCY = "handoff.stamp.emit.latency";

  /** Counter of handovers by path and reason. */
  public static final String HANDOVERS = "handoff.handovers";

  /** Counter of tenures that became unclean. */
  public static final String UNCLEAN_TENURES = "handoff.tenures.unclean";

  /**
   * Tag of {@value #STAMP_EMITS} and {@value #STAMP_EMIT_LATENCY}: the {@link EmitStatus} in lower
   * case.
   */
  public static final String TAG_OUTCOME = "outcome";

  /** Tag of {@value #HANDOVERS}: {@code fast_path} or {@code legacy_wait}. */
  public static final String TAG_PATH = "path";

  /** Tag of {@value #HANDOVERS}: {@link HandoverReason#tag()}. */
  public static final String TAG_REASON = "reason";

  /** Tag of every meter when {@link Options#perTopicTags()} is on: the version topic. */
  public static final String TAG_TOPIC = "topic";

  /** The {@value #TAG_REASON} of a handover reported without a reason. */
  public static final String UNKNOWN_REASON = "unknown";

  /** The {@value #TAG_TOPIC} of an event reported without a topic. */
  public static final String UNKNOWN_TOPIC = "unknown";

  private final MeterRegistry registry;
  private final Options options;
  private final MeterBook meters;

  /**
   * Records in {@code registry} with the {@linkplain Options#defaults() default options}: no topic
   * tag.
   */
  public MicrometerHandoffMetrics(MeterRegistry registry) {
    this(registry, Options.defaults());
  }

  /** Records in {@code registry} with {@code options}. */
  public MicrometerHandoffMetrics(MeterRegistry registry, Options options) {
    this.registry = requireNonNull(registry, "registry is null");
    this.options = requireNonNull(options, "options is null");
    this.meters = new MeterBook(registry, options, this);
  }

  /** The registry meters are recorded in. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The options this instance was built with. */
  public Options options() {
    return options;
  }

  /** Counts an {@code acked} stamp and records its latency. */
  @Override
  public void stampEmitted(StepDown stepDown, long latencyNanos) {
    meters.stamp(topicOf(stepDown), EmitStatus.ACKED, true, latencyNanos, "stampEmitted");
  }

  /**
   * Counts a stamp by its {@code status} and records its latency: it was sent, or tried to be. A
   * null status counts as {@code failed}. A negative latency is dropped by Micrometer's timers.
   */
  @Override
  public void stampEmitFailed(StepDown stepDown, EmitStatus status, long latencyNanos) {
    EmitStatus s = status == null ? EmitStatus.FAILED : status;
    meters.stamp(topicOf(stepDown), s, true, latencyNanos, "stampEmitFailed");
  }

  /**
   * Counts a skipped stamp by its {@code status}; no latency, since nothing was sent. A null status
   * is ignored.
   */
  @Override
  public void stampSkipped(StepDown stepDown, EmitStatus status) {
    if (status != null) {
      meters.stamp(topicOf(stepDown), status, false, 0, "stampSkipped");
    }
  }

  /**
   * Counts a handover reported without a reason, with {@code reason} {@value #UNKNOWN_REASON}.
   * {@link HandoverPath#WAIT} and null are no handover and are ignored.
   */
  @Override
  public void handover(String versionTopic, int partition, HandoverPath path) {
    meters.handover(versionTopic, path, MeterBook.UNKNOWN_SLOT);
  }

  /**
   * Counts a handover by path and reason; a null reason counts as {@value #UNKNOWN_REASON}. {@link
   * HandoverPath#WAIT} and null are no handover and are ignored. The partition is not a tag.
   */
  @Override
  public void handover(
      String versionTopic, int partition, HandoverPath path, HandoverReason reason) {
    meters.handover(versionTopic, path, reason == null ? MeterBook.UNKNOWN_SLOT : reason.ordinal());
  }

  /** Counts an unclean tenure. The partition is not a tag. */
  @Override
  public void uncleanTenure(String versionTopic, int partition) {
    meters.uncleanTenure(versionTopic);
  }

  /**
   * Removes the meters tagged with {@code versionTopic} from the registry, for a version topic that
   * is retired; does nothing when per-topic tags are off. An event of that topic reported
   * afterwards creates its meters anew, starting from zero; an event racing with the removal may be
   * lost. Call it once the topic's emitters and observers are done. Thread-safe; does not block
   * beyond the registry's own lock.
   *
   * @return whether the topic had meters
   */
  public boolean removeTopic(String versionTopic) {
    return meters.removeTopic(versionTopic);
  }

  private static String topicOf(StepDown stepDown) {
    return stepDown == null ? null : stepDown.versionTopic();
  }

  @Override
  public String toString() {
    return "MicrometerHandoffMetrics{"
        + registry.getClass().getSimpleName()
        + ", perTopicTags="
        + options.perTopicTags()
        + "}";
  }

  /**
   * How {@link MicrometerHandoffMetrics} tags and publishes. Immutable and thread-safe.
   *
   * <pre>{@code
   * new MicrometerHandoffMetrics(registry, MicrometerHandoffMetrics.Options.builder().perTopicTags(true).build());
   * }</pre>
   */
  public static final class Options {

    private static final double[] DEFAULT_PERCENTILES = {0.5, 0.99};
    private static final Options DEFAULTS = builder().build();

    private final boolean perTopicTags;
    private final boolean publishPercentileHistogram;
    private final double[] percentiles;

    private Options(Builder b) {
      this.perTopicTags = b.perTopicTags;
      this.publishPercentileHistogram = b.publishPercentileHistogram;
      this.percentiles = b.percentiles.clone();
    }

    /** No topic tag, client-side percentiles 0.5 and 0.99, no percentile histogram. */
    public static Options defaults() {
      return DEFAULTS;
    }

    /** A builder starting from the {@linkplain #defaults() defaults}. */
    public static Builder builder() {
      return new Builder();
    }

    /** Whether every meter carries a {@value MicrometerHandoffMetrics#TAG_TOPIC} tag. */
    public boolean perTopicTags() {
      return perTopicTags;
    }

    /**
     * Whether the latency timer publishes a percentile histogram (Prometheus {@code _bucket}
     * series).
     */
    public boolean publishPercentileHistogram() {
      return publishPercentileHistogram;
    }

    /** The client-side percentiles of the latency timer, a copy. */
    public double[] percentiles() {
      return percentiles.clone();
    }

    @Override
    public String toString() {
      return "Options{perTopicTags="
          + perTopicTags
          + ", publishPercentileHistogram="
          + publishPercentileHistogram
          + ", percentiles="
          + Arrays.toString(percentiles)
          + "}";
    }

    /** Builds {@link Options}; not thread-safe, meant to be used on one thread and dropped. */
    public static final class Builder {
      private boolean perTopicTags;
      private boolean publishPercentileHistogram;
      private double[] percentiles = DEFAULT_PERCENTILES;

      private Builder() {}

      /**
       * Tags every meter with the version topic (default false). Each version topic then has its
       * own series: turn it on only where the number of version topics a server hosts is small, and
       * call {@link MicrometerHandoffMetrics#removeTopic(String)} when one is retired.
       */
      public Builder perTopicTags(boolean on) {
        this.perTopicTags = on;
        return this;
      }

      /**
       * Publishes a percentile histogram of the latency (default false), which a backend can
       * aggregate across servers, unlike client-side percentiles.
       */
      public Builder publishPercentileHistogram(boolean on) {
        this.publishPercentileHistogram = on;
        return this;
      }

      /**
       * The client-side percentiles of the latency timer (default 0.5 and 0.99); none turns them
       * off.
       *
       * @throws IllegalArgumentException if a percentile is not within [0, 1]
       */
      public Builder publishPercentiles(double... percentiles) {
        requireNonNull(percentiles, "percentiles is null");
        for (double p : percentiles) {
          if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("percentile must be within [0, 1], got " + p);
          }
        }
        this.percentiles = percentiles.clone();
        return this;
      }

      /** The options. */
      public Options build() {
        return new Options(this);
      }
    }
  }
}
