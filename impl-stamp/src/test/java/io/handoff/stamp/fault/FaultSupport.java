package io.handoff.stamp.fault;

import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.WriteBarrier;
import io.handoff.stamp.KafkaStampEmitter;
import io.handoff.stamp.StampProducerConfig;
import io.handoff.testsupport.PartitionReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Helpers shared by the fault-injection tests; not a test itself. */
final class FaultSupport {

  private FaultSupport() {}

  /** Properties that switch emitting on against {@code bootstrap} with the given ack timeout. */
  static Properties emitterProps(String bootstrap, long ackTimeoutMs) {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.ACK_TIMEOUT_MS, Long.toString(ackTimeoutMs));
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", bootstrap);
    return p;
  }

  /**
   * The host's writes as the fault tests see them: they write no data, so no write of the host is
   * ever outstanding and the barrier is always complete. That makes it a true barrier here, and
   * leaves the emitter's own producer as the only thing under test.
   */
  static final WriteBarrier NO_HOST_WRITES =
      (topic, partition) -> CompletableFuture.completedFuture(null);

  /**
   * An emitter that stamps on its own producer, configured from {@code props}, after {@link
   * #NO_HOST_WRITES}: the wiring of a host that lends a write barrier.
   */
  static KafkaStampEmitter emitter(Properties props, HandoffMetrics metrics) {
    return KafkaStampEmitter.afterHostWrites(HandoffSettings.from(props), metrics, NO_HOST_WRITES);
  }

  /**
   * The delivery bound the emitter reports for its own producer, checked against the configured
   * one: the fault tests measure late stamps against it.
   */
  static long deliveryBoundMs(KafkaStampEmitter emitter) {
    long reported =
        emitter
            .deliveryBound()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "an emitter on its own producer must report its delivery bound"))
            .toMillis();
    long configured = StampProducerConfig.deliveryBoundMs(emitter.ackTimeoutMs());
    if (reported != configured) {
      throw new AssertionError(
          "reported delivery bound " + reported + " ms, configured " + configured + " ms");
    }
    return reported;
  }

  /** Whether a thread looks like one the stamp emitter (its producer) created. */
  static boolean isEmitterThread(Thread t) {
    String name = t.getName();
    return name.contains("kafka-producer-network-thread") || name.contains("handoff");
  }

  /** The live threads that look like emitter threads. */
  static Set<Thread> emitterThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(FaultSupport::isEmitterThread)
        .collect(Collectors.toCollection(HashSet::new));
  }

  /**
   * Waits up to {@code timeoutMs} for every emitter-like thread not in {@code before} to die.
   *
   * @return the names of those still alive at the end (empty when none leaked)
   */
  static List<String> leakedThreads(Set<Thread> before, long timeoutMs)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (true) {
      List<Thread> extra = new ArrayList<>();
      for (Thread t : emitterThreads()) {
        if (!before.contains(t)) {
          extra.add(t);
        }
      }
      if (extra.isEmpty()) {
        return List.of();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return extra.stream()
            .map(t -> t.getName() + " (" + t.getState() + ")")
            .collect(Collectors.toList());
      }
      extra.get(0).join(Math.max(1, Math.min(100, left / 1_000_000L)));
    }
  }

  /** Milliseconds since {@code startNanos} (a {@link System#nanoTime()} reading). */
  static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000L;
  }

  /** Counts of outcomes by status, for messages and logs. */
  static java.util.Map<io.handoff.spi.EmitStatus, Long> countByStatus(
      java.util.List<io.handoff.spi.EmitOutcome> outcomes) {
    java.util.Map<io.handoff.spi.EmitStatus, Long> m =
        new java.util.EnumMap<>(io.handoff.spi.EmitStatus.class);
    for (io.handoff.spi.EmitOutcome o : outcomes) {
      m.merge(o.status(), 1L, Long::sum);
    }
    return m;
  }

  /** One record read back: where it is, its term and its timestamps. */
  record Landed(
      int partition,
      long offset,
      long term,
      long recordTimestamp,
      String timestampType,
      long messageTimestamp,
      String writer) {}

  /**
   * Reads every record of {@code topic} from the beginning to the end offsets at the time of the
   * call.
   */
  static List<Landed> readAll(String bootstrap, String topic, int partitions) {
    List<Landed> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : PartitionReader.readAll(bootstrap, topic, partitions)) {
      Envelope e = EnvelopeCodec.decode(r.value());
      out.add(
          new Landed(
              r.partition(),
              r.offset(),
              e.leaderMetadata().termId(),
              r.timestamp(),
              r.timestampType().toString(),
              e.producerMetadata().messageTimestamp(),
              e.writerId()));
    }
    return out;
  }

  /**
   * Checks what landed against what the emitter reported, stamp by stamp (matched by partition and
   * term, which every test makes unique):
   *
   * <ul>
   *   <li>every record on the topic is one of {@code outcomes}' stamps, and no stamp is on it
   *       twice;
   *   <li>an ACKED stamp is on the topic at the offset its outcome reported;
   *   <li>a failed stamp is either absent or was appended no later than its send time (the
   *       envelope's messageTimestamp) plus the delivery bound plus {@code marginMs}; the record
   *       timestamp is the broker's append time, so the topic must use LogAppendTime.
   * </ul>
   *
   * @return how many failed stamps were found on the topic anyway, and how late the latest of them
   *     was
   */
  static LandingStats checkLanded(
      List<io.handoff.spi.EmitOutcome> outcomes,
      List<Landed> landed,
      long deliveryBoundMs,
      long marginMs) {
    return checkLanded(outcomes, landed, deliveryBoundMs, marginMs, true);
  }

  /**
   * As {@link #checkLanded(List, List, long, long)}; with {@code everyRecord} false, records of
   * other stamps are skipped.
   */
  static LandingStats checkLanded(
      List<io.handoff.spi.EmitOutcome> outcomes,
      List<Landed> landed,
      long deliveryBoundMs,
      long marginMs,
      boolean everyRecord) {
    Map<String, io.handoff.spi.EmitOutcome> byKey = new java.util.HashMap<>();
    for (io.handoff.spi.EmitOutcome o : outcomes) {
      String k = o.stepDown().partition() + "/" + o.stepDown().leaderTerm();
      if (byKey.put(k, o) != null) {
        throw new IllegalArgumentException("two step-downs share partition and term " + k);
      }
    }
    Map<String, Landed> found = new java.util.HashMap<>();
    for (Landed l : landed) {
      String k = l.partition() + "/" + l.term();
      if (!byKey.containsKey(k)) {
        if (!everyRecord) {
          continue;
        }
        throw new AssertionError(
            "a record nobody emitted (or with a wrong term) is on the topic: " + l);
      }
      Landed dup = found.put(k, l);
      if (dup != null) {
        throw new AssertionError(
            "stamp "
                + k
                + " is on the topic twice: "
                + dup
                + " and "
                + l
                + "; outcome "
                + byKey.get(k));
      }
      if (!"LogAppendTime".equals(l.timestampType())) {
        throw new AssertionError("the topic must use LogAppendTime for this check: " + l);
      }
    }
    int failedButPresent = 0;
    int acked = 0;
    long maxLateMs = Long.MIN_VALUE;
    for (io.handoff.spi.EmitOutcome o : outcomes) {
      String k = o.stepDown().partition() + "/" + o.stepDown().leaderTerm();
      Landed l = found.get(k);
      if (o.isAcked()) {
        acked++;
        if (l == null) {
          throw new AssertionError("ACKED stamp is not on the topic: " + o);
        }
        if (l.offset() != o.offset()) {
          throw new AssertionError(
              "ACKED stamp is at offset "
                  + l.offset()
                  + ", not at the reported one: "
                  + o
                  + " / "
                  + l);
        }
      } else if (l != null) {
        if (!o.status().isFailure()) {
          throw new AssertionError("a stamp that was never sent is on the topic: " + o + " / " + l);
        }
        failedButPresent++;
        long lateBy = l.recordTimestamp() - l.messageTimestamp();
        maxLateMs = Math.max(maxLateMs, lateBy);
        if (lateBy > deliveryBoundMs + marginMs) {
          throw new AssertionError(
              "stamp reported "
                  + o.status()
                  + " landed "
                  + lateBy
                  + " ms after it was sent, beyond the"
                  + " delivery bound of "
                  + deliveryBoundMs
                  + " ms (+"
                  + marginMs
                  + " ms margin): "
                  + o
                  + " / "
                  + l);
        }
      }
    }
    return new LandingStats(outcomes.size(), acked, failedButPresent, maxLateMs);
  }

  /**
   * What {@link #checkLanded} found.
   *
   * @param stamps step-downs checked
   * @param acked how many were ACKED (all of them on the topic)
   * @param failedButPresent how many reported a failure but are on the topic
   * @param maxFailedLateMs the largest append time minus send time among those, or {@link
   *     Long#MIN_VALUE} when there are none
   */
  record LandingStats(int stamps, int acked, int failedButPresent, long maxFailedLateMs) {
    @Override
    public String toString() {
      return stamps
          + " stamps: "
          + acked
          + " acked (all on the topic), "
          + (stamps - acked)
          + " failed of which "
          + failedButPresent
          + " on the topic anyway"
          + (failedButPresent > 0
              ? " (appended at most " + maxFailedLateMs + " ms after their send)"
              : "");
    }
  }
}
