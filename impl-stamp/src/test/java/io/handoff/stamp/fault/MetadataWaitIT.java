package io.handoff.stamp.fault;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import io.handoff.codec.EnvelopeCodec;
import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.StepDown;
import io.handoff.stamp.KafkaStampEmitter;
import io.handoff.stamp.StampProducerConfig;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * {@code send()} may wait for metadata (up to max.block.ms); the emitter, stamping on its own
 * producer (after a write barrier that is always complete: no data is written here), must keep that
 * wait inside its deadline and out of the delivery bound.
 *
 * <p><b>A batch must not wait more than once.</b> Were every send() that starts before the deadline
 * free to block a whole max.block.ms, a batch on one topic could take twice the ack timeout,
 * against the SPI's "at most one ack timeout in total".
 *
 * <p><b>How long a stamp stays alive in the producer when its send first had to wait for
 * metadata.</b>
 *
 * <p>The emitter documents that a stamp on its own producer lands within {@link
 * StampProducerConfig#deliveryBoundMs} of its send, or not at all. Kafka's delivery timeout,
 * however, starts when the record enters the producer's buffer, which is after the metadata wait of
 * {@code send()} (up to max.block.ms). This test makes a send wait for metadata (the partition does
 * not exist yet), then lets the broker refuse the write with a retriable error
 * (NOT_ENOUGH_REPLICAS: min.insync.replicas 2, one of two replicas stopped), and measures, with a
 * producer interceptor, when the producer finally gives the stamp up: for as long as it retries, a
 * recovered replica would let the stamp land, long after the caller was told TIMED_OUT.
 */
public class MetadataWaitIT {

  private static final Logger LOG = LoggerFactory.getLogger(MetadataWaitIT.class);

  private static final String TOPIC = "late_v1";
  private static final String OVERSHOOT = "overshoot_v1";
  private static final long ACK_TIMEOUT_MS = 3_000;
  private static final long BOUND_MS = StampProducerConfig.deliveryBoundMs(ACK_TIMEOUT_MS);
  private static final long MARGIN_MS = 250;

  /** Wall-clock times seen by the producer's interceptor, by term. */
  static final Map<Long, Long> SEND_CALLED = new ConcurrentHashMap<>();

  static final Map<Long, Long> COMPLETED = new ConcurrentHashMap<>();
  static final Map<Long, Exception> COMPLETED_WITH = new ConcurrentHashMap<>();

  /**
   * Records when {@code send()} is entered (before its metadata wait) and when the record
   * completes.
   */
  public static final class Timing implements ProducerInterceptor<byte[], byte[]> {
    private final Map<String, Long> termByTopicPartition = new ConcurrentHashMap<>();

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
      long term = EnvelopeCodec.readTerm(record.value());
      SEND_CALLED.put(term, System.currentTimeMillis());
      termByTopicPartition.put(record.topic() + "-" + record.partition(), term);
      return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
      if (metadata == null) {
        return;
      }
      Long term = termByTopicPartition.get(metadata.topic() + "-" + metadata.partition());
      if (term != null) {
        COMPLETED.put(term, System.currentTimeMillis());
        if (exception != null) {
          COMPLETED_WITH.put(term, exception);
        }
      }
    }

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}
  }

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startKafka() {
    kafka = EmbeddedKafkaCluster.builder().brokers(2).start();
    kafka.createTopic(TOPIC, 1, 2, Map.of("min.insync.replicas", "2"));
    kafka.createTopic(OVERSHOOT, 1, 2, Map.of());
  }

  /**
   * One topic, both brokers up: the batch's first stamp is for a partition that appears after 40%
   * of the ack timeout, its second for one that never does. The call may wait for metadata, but all
   * of it within one ack timeout.
   */
  @Test(
      priority = 0,
      description = "a batch waits for a topic's metadata once, within one ack timeout")
  public void batchWaitsForMetadataWithinOneAckTimeout() throws Exception {
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(ap);
        KafkaStampEmitter emitter =
            FaultSupport.emitter(
                FaultSupport.emitterProps(kafka.bootstrapServers(), ACK_TIMEOUT_MS),
                new CountingHandoffMetrics())) {
      emitter.prepare(OVERSHOOT);
      List<StepDown> batch =
          List.of(
              StepDown.established(OVERSHOOT, 1, 31, 0, "host-o"),
              StepDown.established(OVERSHOOT, 2, 32, 0, "host-o"));
      AtomicReference<List<EmitOutcome>> result = new AtomicReference<>();
      long[] took = new long[1];
      Thread caller =
          new Thread(
              () -> {
                long t0 = System.nanoTime();
                result.set(emitter.emitStepDowns(batch));
                took[0] = FaultSupport.millisSince(t0);
              },
              "overshoot-caller");
      caller.start();
      Thread.sleep(ACK_TIMEOUT_MS * 4 / 10);
      admin
          .createPartitions(Map.of(OVERSHOOT, NewPartitions.increaseTo(2)))
          .all()
          .get(10, TimeUnit.SECONDS);
      caller.join(3 * ACK_TIMEOUT_MS);
      assertNotNull(result.get(), "the batch did not return within three ack timeouts");
      LOG.info(
          "batch on one topic with metadata waits: {} in {} ms (ack timeout {} ms)",
          result.get(),
          took[0],
          ACK_TIMEOUT_MS);
      assertEquals(result.get().size(), 2);
      assertTrue(
          took[0] <= ACK_TIMEOUT_MS + 200,
          "a batch of two stamps on one topic took "
              + took[0]
              + " ms, more than the ack timeout of "
              + ACK_TIMEOUT_MS
              + " ms + 200: "
              + result.get());
    }
  }

  @AfterClass(alwaysRun = true)
  public void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  /**
   * A stamp whose send first had to wait for metadata must still be given up by the producer within
   * {@link StampProducerConfig#deliveryBoundMs} of its timestamp.
   */
  @Test(priority = 1, description = "the delivery bound counts from the stamp's send time")
  public void stampStaysDeliverableNoLongerThanTheBoundAfterItsSend() throws Exception {
    Properties props = FaultSupport.emitterProps(kafka.bootstrapServers(), ACK_TIMEOUT_MS);
    props.setProperty(HandoffSettings.KAFKA_PREFIX + "interceptor.classes", Timing.class.getName());
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(ap);
        KafkaStampEmitter emitter = FaultSupport.emitter(props, metrics)) {
      assertEquals(FaultSupport.deliveryBoundMs(emitter), BOUND_MS, "the bound measured below");
      EmitOutcome warm = emitter.emitStepDown(StepDown.established(TOPIC, 0, 1, 0, "host-l"));
      assertEquals(warm.status(), EmitStatus.ACKED, "with both replicas up: " + warm);

      kafka.stopBroker(1); // from now on every acks=all write gets NOT_ENOUGH_REPLICAS (retriable)
      EmitOutcome refused = emitter.emitStepDown(StepDown.established(TOPIC, 0, 2, 0, "host-l"));
      assertEquals(
          refused.status(),
          EmitStatus.TIMED_OUT,
          "one replica of two, min.insync.replicas 2: " + refused);

      // Partition 1 does not exist yet: send() waits for it in the metadata (max.block.ms).
      AtomicReference<EmitOutcome> result = new AtomicReference<>();
      long t0 = System.nanoTime();
      Thread caller =
          new Thread(
              () ->
                  result.set(emitter.emitStepDown(StepDown.established(TOPIC, 1, 77, 0, "host-l"))),
              "late-caller");
      caller.start();
      Thread.sleep(ACK_TIMEOUT_MS / 2);
      admin
          .createPartitions(Map.of(TOPIC, NewPartitions.increaseTo(2, List.of(List.of(0, 1)))))
          .all()
          .get(10, TimeUnit.SECONDS);
      LOG.info("partition 1 created {} ms after the call", FaultSupport.millisSince(t0));
      caller.join(ACK_TIMEOUT_MS + 5_000);
      EmitOutcome o = result.get();
      assertNotNull(o, "the caller did not return");
      LOG.info("caller returned after {} ms: {}", FaultSupport.millisSince(t0), o);
      assertTrue(o.status().isFailure(), o.toString());

      long waitUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * BOUND_MS);
      while (!COMPLETED.containsKey(77L) && System.nanoTime() < waitUntil) {
        Thread.sleep(20);
      }
      Long sent = SEND_CALLED.get(77L);
      Long done = COMPLETED.get(77L);
      if (sent == null) {
        // An emitter that refuses to hand over a stamp it could not send at once is fine too.
        LOG.info("the stamp was never handed to the producer: {}", o);
        return;
      }
      assertNotNull(
          done, "the producer still held the stamp " + (3 * BOUND_MS) + " ms after the call");
      long liveMs = done - sent;
      LOG.info(
          "the producer gave the stamp up {} ms after send() was called (delivery bound {} ms): {}",
          liveMs,
          BOUND_MS,
          String.valueOf(COMPLETED_WITH.get(77L)));
      assertTrue(
          liveMs <= BOUND_MS + MARGIN_MS,
          "the producer kept retrying the stamp for "
              + liveMs
              + " ms after its send, beyond the delivery bound of "
              + BOUND_MS
              + " ms: with the replica back in that window"
              + " it would have landed although its caller was told "
              + o.status()
              + "; producer's verdict: "
              + COMPLETED_WITH.get(77L));
    }
  }
}
