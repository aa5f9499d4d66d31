package io.handoff.cli;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import io.handoff.spi.WriteBarrier;
import io.handoff.stamp.SendTracker;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The figures of {@code handoff bench} that need no replica: the bare Kafka limit, the emit latency
 * a demotion pays, and mass step-downs, against a reachable broker and an unreachable one.
 */
final class BenchMeasurements {

  private final Duration ackTimeout;
  private final int mass;

  /**
   * @param ackTimeout the emitters' ack timeout
   * @param mass partitions stepping down together in the mass runs
   */
  BenchMeasurements(Duration ackTimeout, int mass) {
    this.ackTimeout = ackTimeout;
    this.mass = mass;
  }

  /** The stamp strategy, emitting and consuming, with the bench's ack timeout. */
  Properties stampProps(String servers) {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.STRATEGY, "stamp");
    p.setProperty(HandoffSettings.ACK_TIMEOUT_MS, Long.toString(ackTimeout.toMillis()));
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", servers);
    return p;
  }

  /**
   * The physical limit on {@code topic}: {@code samples} bare produce round trips ({@code [0]}),
   * then {@code samples} produce-to-fetch latencies ({@code [1]}), in nanoseconds.
   */
  @SuppressWarnings("unchecked")
  List<Long>[] baseline(String servers, String topic, int samples) throws Exception {
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    List<Long> produce = new ArrayList<>();
    List<Long> fetch = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToEnd(List.of(tp));
      consumer.position(tp);
      byte[] value = new byte[100];
      // Round trips alone first: a consumer fetching at the same time would slow the broker down.
      // The first sends open connections and warm up the broker's code as well as ours, so that
      // the limit is not measured on a colder broker than the figures compared with it.
      int warmup = Math.max(20, samples);
      for (int i = 0; i < samples + warmup; i++) {
        long t0 = System.nanoTime();
        producer
            .send(new ProducerRecord<>(topic, 0, new byte[] {0, (byte) i}, value))
            .get(10, TimeUnit.SECONDS);
        if (i >= warmup) {
          produce.add(System.nanoTime() - t0);
        }
      }
      consumer.seekToEnd(List.of(tp));
      consumer.position(tp);
      for (int i = 0; i < samples + 20; i++) {
        long t0 = System.nanoTime();
        var sent = producer.send(new ProducerRecord<>(topic, 0, new byte[] {1, (byte) i}, value));
        long seen = -1;
        long deadline = t0 + TimeUnit.SECONDS.toNanos(10);
        while (seen < 0 && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(1))) {
            seen = System.nanoTime();
          }
        }
        sent.get(10, TimeUnit.SECONDS);
        if (seen < 0) {
          throw new CliException("A record produced to " + topic + " was not fetched within 10 s");
        }
        if (i >= 20) {
          fetch.add(seen - t0);
        }
      }
    }
    return new List[] {produce, fetch};
  }

  /**
   * The demotion's emit latency with the leader's asynchronous data still in flight: before each
   * stamp the "leader" hands {@value BenchCommand#IN_FLIGHT} puts to its data producer (Kafka's
   * defaults) without waiting; the stamp then travels on that producer, or on the emitter's own
   * after a barrier over those puts. Either way the stamp cannot be acknowledged before the puts
   * are.
   */
  List<Long> emitLatency(String servers, String topic, int samples, boolean onHostProducer) {
    List<Long> nanos = new ArrayList<>();
    HandoffSettings settings = HandoffSettings.from(stampProps(servers));
    try (KafkaProducer<byte[], byte[]> data = dataProducer(servers, null)) {
      SendTracker sends = new SendTracker(data);
      try (LeadershipHandoffEmitter emitter =
          LeadershipHandoffs.emitter(
              settings,
              HandoffMetrics.NOOP,
              onHostProducer
                  ? HostResources.of(Producer.class, data)
                  : HostResources.of(WriteBarrier.class, sends))) {
        emitter.prepare(topic);
        long term = System.currentTimeMillis();
        byte[] value = new byte[100];
        for (int i = 0; i < samples + 20; i++) {
          for (int k = 0; k < BenchCommand.IN_FLIGHT; k++) {
            sends.send(new ProducerRecord<>(topic, 0, new byte[] {0, (byte) k}, value), null);
          }
          long t0 = System.nanoTime();
          EmitOutcome o = emitter.emitStepDown(StepDown.established(topic, 0, ++term, 0, "bench"));
          long took = System.nanoTime() - t0;
          if (!o.isAcked()) {
            throw new CliException("A stamp was not acked during the emit benchmark: " + o);
          }
          if (i >= 20) {
            nanos.add(took);
          }
        }
      }
    }
    return nanos;
  }

  /** A leader's data producer: Kafka's defaults (acks=all, idempotence, linger, batching). */
  private static KafkaProducer<byte[], byte[]> dataProducer(String servers, Long maxBlockMs) {
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    pp.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-leader");
    if (maxBlockMs != null) {
      pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(maxBlockMs));
    }
    return new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
  }

  long massStepDown(String servers, String topic, List<Long> total) {
    try (KafkaProducer<byte[], byte[]> data = dataProducer(servers, null);
        LeadershipHandoffEmitter emitter =
            LeadershipHandoffs.emitter(
                HandoffSettings.from(stampProps(servers)),
                HandoffMetrics.NOOP,
                HostResources.of(Producer.class, data))) {
      emitter.prepare(topic);
      long term = System.currentTimeMillis();
      // Warm-up batches until one is fully acked: a broker that has just created a topic of many
      // partitions takes a moment before it leads all of them. Then the timed batch.
      boolean warm = false;
      for (int attempt = 0; attempt < 20 && !warm; attempt++) {
        warm =
            emitter.emitStepDowns(massBatch(topic, term++)).stream().allMatch(EmitOutcome::isAcked);
      }
      if (!warm) {
        throw new CliException(
            "The " + mass + " partitions of " + topic + " did not accept stamps during warm-up");
      }
      List<StepDown> batch = massBatch(topic, term);
      long t0 = System.nanoTime();
      List<EmitOutcome> outcomes = emitter.emitStepDowns(batch);
      total.add(System.nanoTime() - t0);
      return outcomes.stream().filter(EmitOutcome::isAcked).count();
    }
  }

  private List<StepDown> massBatch(String topic, long term) {
    List<StepDown> batch = new ArrayList<>(mass);
    for (int p = 0; p < mass; p++) {
      batch.add(StepDown.established(topic, p, term, 0, "bench"));
    }
    return batch;
  }

  long unreachable(String topic) throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String closed = "127.0.0.1:" + closedPort;
    List<StepDown> batch = massBatch(topic, System.currentTimeMillis());
    long took;
    List<EmitOutcome> outcomes;
    // Kafka's default max.block.ms of a minute: the demotion must still return within the ack
    // timeout.
    try (KafkaProducer<byte[], byte[]> data = dataProducer(closed, null);
        LeadershipHandoffEmitter emitter =
            LeadershipHandoffs.emitter(
                HandoffSettings.from(stampProps(closed)),
                HandoffMetrics.NOOP,
                HostResources.of(Producer.class, data))) {
      long t0 = System.nanoTime();
      outcomes = emitter.emitStepDowns(batch);
      took = System.nanoTime() - t0;
      data.close(Duration.ZERO);
    }
    long acked = outcomes.stream().filter(o -> o.status() == EmitStatus.ACKED).count();
    if (acked > 0) {
      throw new CliException(
          "A stamp was acked by an unreachable broker: the benchmark setup is wrong");
    }
    return took;
  }
}
