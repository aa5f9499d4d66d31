package io.handoff.stamp;

import io.handoff.spi.StepDown;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;

/**
 * What the emitter knows of its version topics' partition counts: a lower bound per topic, from
 * {@code prepare} and from acknowledged stamps. A stamp of a partition known to exist needs no
 * metadata wait, so the sender hands such stamps over first. Bounded: the least recently used
 * topics beyond {@link #MAX_KNOWN_TOPICS} are dropped. Thread-safe (the sender thread, the
 * producer's callbacks and {@code retire} all touch it).
 */
final class PartitionCounts {

  /**
   * Topics whose partition counts are remembered; the least recently used beyond it are dropped.
   */
  static final int MAX_KNOWN_TOPICS = 4_096;

  private final long ackTimeoutMs;

  /** Topic -> partitions known to exist (at least). Guarded by itself. */
  private final Map<String, Integer> known =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
          return size() > MAX_KNOWN_TOPICS;
        }
      };

  PartitionCounts(long ackTimeoutMs) {
    this.ackTimeoutMs = ackTimeoutMs;
  }

  void forget(String topic) {
    synchronized (known) {
      known.remove(topic);
    }
  }

  /** Topics whose partition counts are remembered now; for tests of the bound. */
  int knownTopics() {
    synchronized (known) {
      return known.size();
    }
  }

  /** Records that {@code topic} has at least {@code partitions} partitions. */
  void learn(String topic, int partitions) {
    synchronized (known) {
      known.merge(topic, partitions, Math::max);
    }
  }

  /** Whether the partition of {@code s} is known to exist. */
  boolean isKnown(StepDown s) {
    synchronized (known) {
      Integer count = known.get(s.versionTopic());
      return count != null && s.partition() < count;
    }
  }

  /**
   * The partition count of {@code topic}, waiting for its metadata in slices of the producer's
   * {@code max.block.ms} until {@code deadline} (one slice when the ack timeout is zero).
   */
  int fetch(Producer<byte[], byte[]> p, String topic, long deadline) {
    while (true) {
      try {
        int count = p.partitionsFor(topic).size();
        learn(topic, count);
        return count;
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        if (ackTimeoutMs == 0 || System.nanoTime() - deadline >= 0) {
          throw e;
        }
      }
    }
  }
}
