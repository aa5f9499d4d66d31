package io.handoff.micrometer;

import static io.handoff.micrometer.MicrometerHandoffMetrics.HANDOVERS;
import static io.handoff.micrometer.MicrometerHandoffMetrics.STAMP_EMITS;
import static io.handoff.micrometer.MicrometerHandoffMetrics.STAMP_EMIT_LATENCY;
import static io.handoff.micrometer.MicrometerHandoffMetrics.TAG_OUTCOME;
import static io.handoff.micrometer.MicrometerHandoffMetrics.TAG_PATH;
import static io.handoff.micrometer.MicrometerHandoffMetrics.TAG_REASON;
import static io.handoff.micrometer.MicrometerHandoffMetrics.TAG_TOPIC;
import static io.handoff.micrometer.MicrometerHandoffMetrics.UNCLEAN_TENURES;
import static io.handoff.micrometer.MicrometerHandoffMetrics.UNKNOWN_REASON;
import static io.handoff.micrometer.MicrometerHandoffMetrics.UNKNOWN_TOPIC;

import io.handoff.micrometer.MicrometerHandoffMetrics.Options;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.noop.NoopCounter;
import io.micrometer.core.instrument.noop.NoopTimer;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters of a {@link MicrometerHandoffMetrics}: which exist (one set, or one per version
 * topic), how each is registered on first use, and what happens when the registry refuses one.
 * Every method records or removes and never throws: a failure is logged once per owner and dropped,
 * so that metrics never break the handover they measure.
 */
final class MeterBook {

  // The owner's logger: the warning is about the owner's metrics.
  private static final Logger LOG = LoggerFactory.getLogger(MicrometerHandoffMetrics.class);

  // values() clones its array on every call: keep one copy for the creation path.
  private static final EmitStatus[] STATUSES = EmitStatus.values();
  private static final HandoverReason[] REASONS = HandoverReason.values();

  /** One slot per reason and a last one for {@link MicrometerHandoffMetrics#UNKNOWN_REASON}. */
  private static final int REASON_SLOTS = REASONS.length + 1;

  /** The slot of a handover reported without a reason. */
  static final int UNKNOWN_SLOT = REASONS.length;

  private final MeterRegistry registry;
  private final Options options;
  private final Object owner;

  /** The meters when per-topic tags are off, else null. */
  private final Meters untagged;

  /** The meters of each version topic when per-topic tags are on, else null. */
  private final ConcurrentHashMap<String, Meters> byTopic;

  private final AtomicBoolean warned = new AtomicBoolean();

  /** {@code owner} is named in the warning of a failure. */
  MeterBook(MeterRegistry registry, Options options, Object owner) {
    this.registry = registry;
    this.options = options;
    this.owner = owner;
    if (options.perTopicTags()) {
      this.untagged = null;
      this.byTopic = new ConcurrentHashMap<>();
    } else {
      this.untagged = new Meters(Tags.empty());
      this.byTopic = null;
    }
  }

  /** Counts a stamp of {@code status}, and records its latency when {@code timed}. */
  void stamp(
      String versionTopic, EmitStatus status, boolean timed, long latencyNanos, String what) {
    try {
      Meters m = meters(versionTopic);
      m.emits(status).increment();
      if (timed) {
        m.latency(status).record(latencyNanos, TimeUnit.NANOSECONDS);
      }
    } catch (RuntimeException e) {
      failed(what, e);
    }
  }

  /** Counts a handover; {@code reasonSlot} is a reason's ordinal or {@link #UNKNOWN_SLOT}. */
  void handover(String versionTopic, HandoverPath path, int reasonSlot) {
    if (path != HandoverPath.FAST_PATH && path != HandoverPath.LEGACY_WAIT) {
      return;
    }
    try {
      meters(versionTopic).handovers(path, reasonSlot).increment();
    } catch (RuntimeException e) {
      failed("handover", e);
    }
  }

  void uncleanTenure(String versionTopic) {
    try {
      meters(versionTopic).unclean().increment();
    } catch (RuntimeException e) {
      failed("uncleanTenure", e);
    }
  }

  /** See {@link MicrometerHandoffMetrics#removeTopic}. */
  boolean removeTopic(String versionTopic) {
    if (byTopic == null || versionTopic == null) {
      return false;
    }
    Meters m = byTopic.remove(versionTopic);
    if (m == null) {
      return false;
    }
    try {
      m.forEach(registry::remove);
    } catch (RuntimeException e) {
      failed("removeTopic", e);
    }
    return true;
  }

  private Meters meters(String versionTopic) {
    if (byTopic == null) {
      return untagged;
    }
    String topic = versionTopic == null ? UNKNOWN_TOPIC : versionTopic;
    // get first: computeIfAbsent may lock the bin even when the topic is present.
    Meters m = byTopic.get(topic);
    return m != null ? m : byTopic.computeIfAbsent(topic, t -> new Meters(Tags.of(TAG_TOPIC, t)));
  }

  private void failed(String what, RuntimeException e) {
    // Once per instance: a registry that refuses a meter would otherwise log on every event.
    if (warned.compareAndSet(false, true)) {
      LOG.warn(
          "Recording a handoff metric ({}) failed; further failures of {} are not logged",
          what,
          owner,
          e);
    }
  }

  /** The meters of one tag set (none, or one topic), each created on first use. */
  private final class Meters {
    private final Tags tags;
    private final AtomicReferenceArray<Counter> emits = new AtomicReferenceArray<>(STATUSES.length);
    private final AtomicReferenceArray<Timer> latencies =
        new AtomicReferenceArray<>(STATUSES.length);

    /**
     * Index: path (0 fast path, 1 legacy wait) times {@link #REASON_SLOTS} plus the reason's slot.
     */
    private final AtomicReferenceArray<Counter> handovers =
        new AtomicReferenceArray<>(2 * REASON_SLOTS);

    private volatile Counter unclean;

    Meters(Tags tags) {
      this.tags = tags;
    }

    // Two threads may both miss and register: the registry hands both the same meter, so the race
    // is
    // harmless and needs no lock of ours.

    Counter emits(EmitStatus status) {
      Counter c = emits.get(status.ordinal());
      if (c == null) {
        c =
            counter(
                STAMP_EMITS,
                "Step-down stamps by outcome",
                tags.and(TAG_OUTCOME, status.name().toLowerCase(Locale.ROOT)));
        emits.set(status.ordinal(), c);
      }
      return c;
    }

    Timer latency(EmitStatus status) {
      Timer t = latencies.get(status.ordinal());
      if (t == null) {
        t = timer(tags.and(TAG_OUTCOME, status.name().toLowerCase(Locale.ROOT)));
        latencies.set(status.ordinal(), t);
      }
      return t;
    }

    Counter handovers(HandoverPath path, int reasonSlot) {
      int i = (path == HandoverPath.FAST_PATH ? 0 : REASON_SLOTS) + reasonSlot;
      Counter c = handovers.get(i);
      if (c == null) {
        String reason = reasonSlot == UNKNOWN_SLOT ? UNKNOWN_REASON : REASONS[reasonSlot].tag();
        c =
            counter(
                HANDOVERS,
                "New leaders that started writing, by path and by the reason of the decision",
                tags.and(TAG_PATH, path.name().toLowerCase(Locale.ROOT)).and(TAG_REASON, reason));
        handovers.set(i, c);
      }
      return c;
    }

    Counter unclean() {
      Counter c = unclean;
      if (c == null) {
        c =
            counter(
                UNCLEAN_TENURES,
                "Tenures in which another writer, an undecodable record or a record"
                    + " after the tenure's own stamp appeared",
                tags);
        unclean = c;
      }
      return c;
    }

    void forEach(Consumer<Meter> action) {
      for (int i = 0; i < STATUSES.length; i++) {
        accept(emits.get(i), action);
        accept(latencies.get(i), action);
      }
      for (int i = 0; i < handovers.length(); i++) {
        accept(handovers.get(i), action);
      }
      accept(unclean, action);
    }

    private void accept(Meter meter, Consumer<Meter> action) {
      if (meter != null) {
        action.accept(meter);
      }
    }
  }

  private Counter counter(String name, String description, Tags tags) {
    try {
      return Counter.builder(name).description(description).tags(tags).register(registry);
    } catch (RuntimeException e) {
      failed("registering " + name + tags, e);
      return new NoopCounter(new Meter.Id(name, tags, null, description, Meter.Type.COUNTER));
    }
  }

  private Timer timer(Tags tags) {
    String description =
        "Time to emit a step-down stamp, until acked, timed out, failed or interrupted";
    try {
      return Timer.builder(STAMP_EMIT_LATENCY)
          .description(description)
          .tags(tags)
          .publishPercentiles(options.percentiles())
          .publishPercentileHistogram(options.publishPercentileHistogram())
          .register(registry);
    } catch (RuntimeException e) {
      failed("registering " + STAMP_EMIT_LATENCY + tags, e);
      return new NoopTimer(
          new Meter.Id(STAMP_EMIT_LATENCY, tags, null, description, Meter.Type.TIMER));
    }
  }
}
