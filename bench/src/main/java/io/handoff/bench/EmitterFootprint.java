package io.handoff.bench;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import io.handoff.spi.WriteBarrier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A stamp emitter created the way a host creates it, stamping one partition of each of many version
 * topics and retiring them, with its retained bytes measured between the steps. On a mock of the
 * host's producer the producer is left out (it is the host's); on the emitter's own producer
 * against a real broker the producer is counted, its metadata and per-topic metrics included.
 */
final class EmitterFootprint implements AutoCloseable {

  private static final int BATCH = 500;

  /** The topic of the first stamp. */
  static final String WARM = "w000000_v1";

  private final HandoffSettings settings;
  private final HandoffMetrics metrics = HandoffMetrics.NOOP;
  private final LeadershipHandoffEmitter emitter;
  private final MockProducer<byte[], byte[]> mock;
  private final Object[] leftOut;
  private long term = 1;

  private EmitterFootprint(Properties props, MockProducer<byte[], byte[]> mock) {
    this.settings = HandoffSettings.from(props);
    this.mock = mock;
    if (mock != null) {
      emitter =
          LeadershipHandoffs.emitter(
              settings, metrics, HostResources.of(Producer.class, (Producer<byte[], byte[]>) mock));
      leftOut = new Object[] {settings, metrics, mock};
    } else {
      WriteBarrier noWrites = (topic, partition) -> CompletableFuture.completedFuture(null);
      emitter =
          LeadershipHandoffs.emitter(
              settings, metrics, HostResources.of(WriteBarrier.class, noWrites));
      leftOut = new Object[] {settings, metrics, noWrites};
    }
  }

  private static Properties emitting() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.ACK_TIMEOUT_MS, "10000");
    return p;
  }

  /** Stamps travel on a mock of the host's producer that knows every topic, with one partition. */
  static EmitterFootprint onMockHostProducer() {
    MockProducer<byte[], byte[]> mock =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized List<PartitionInfo> partitionsFor(String topic) {
            return List.of(new PartitionInfo(topic, 0, null, null, null));
          }
        };
    return new EmitterFootprint(emitting(), mock);
  }

  /** Stamps travel on the emitter's own producer, to {@code kafka}. */
  static EmitterFootprint onOwnProducer(EmbeddedKafkaCluster kafka) {
    Properties p = emitting();
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers());
    return new EmitterFootprint(p, null);
  }

  /** Bytes the emitter holds; on the host's producer, the producer left out. */
  long retainedBytes() {
    settle();
    return RetainedSize.of(emitter, leftOut);
  }

  /**
   * Waits until the sender thread is done with the last call: a call returns once every stamp is
   * acknowledged, and the sender may still be recording what the acks taught it. prepare() runs on
   * the same thread, after it, and asks only about a topic already known.
   */
  private void settle() {
    emitter.prepare(WARM);
  }

  /**
   * One stamp on partition 0 of each topic, {@code rounds} times.
   *
   * @throws IllegalStateException if a stamp is not acknowledged: a failure would measure nothing
   */
  void stamp(List<String> topics, int rounds) {
    // As a host does when it starts leading: the metadata of each topic ahead of its first stamp,
    // which a mass step-down over unknown topics would otherwise wait for one topic after another.
    topics.forEach(emitter::prepare);
    for (int r = 0; r < rounds; r++) {
      for (int from = 0; from < topics.size(); from += BATCH) {
        List<StepDown> batch = new ArrayList<>();
        for (String t : topics.subList(from, Math.min(topics.size(), from + BATCH))) {
          batch.add(StepDown.established(t, 0, term++, 0, "host-a.example.com"));
        }
        for (EmitOutcome o : emitter.emitStepDowns(batch)) {
          if (!o.isAcked()) {
            throw new IllegalStateException("a stamp was not acknowledged: " + o);
          }
        }
        if (mock != null) {
          mock.clear(); // the mock's history of sent records is the mock's, not the emitter's
        }
      }
    }
  }

  /** What {@link #retainedBytes} counts, by class. */
  Map<Class<?>, Long> byClass() {
    settle();
    return RetainedSize.byClass(emitter, leftOut);
  }

  void retire(List<String> topics) {
    topics.forEach(emitter::retire);
  }

  static List<String> topics(String prefix, int n) {
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      // One length for every name: the emitter keeps names, and longer ones would look like growth.
      names.add(String.format(Locale.ROOT, "%s%06d_v1", prefix, i));
    }
    return names;
  }

  @Override
  public void close() {
    emitter.close();
  }
}
