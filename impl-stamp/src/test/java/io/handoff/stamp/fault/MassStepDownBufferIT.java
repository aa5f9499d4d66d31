package io.handoff.stamp.fault;

import static org.testng.Assert.assertEquals;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.StepDown;
import io.handoff.stamp.KafkaStampEmitter;
import io.handoff.testsupport.SharedKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * A mass step-down on the emitter's own producer while a produce round trip takes longer than the
 * producer's {@code max.block.ms}, as a request carrying thousands of partitions does on a busy
 * cluster: every stamp must already have its place in the producer's buffer, because a {@code send}
 * that waits for buffer memory longer than {@code max.block.ms} fails, and its stamp is {@code
 * TIMED_OUT} although the broker is healthy. The buffer is made small here ({@value #BUFFER_MEMORY}
 * bytes) so that a few partitions show what 32 MiB and Kafka's default 16 KiB batches do to 2,048
 * and more: with Kafka's default batch only 64 partitions fit, with the emitter's default all of
 * them do.
 */
public class MassStepDownBufferIT {

  private static final int PARTITIONS = 150;
  private static final long BUFFER_MEMORY = 1L << 20;

  /** Its eighth, 750 ms, is the producer's {@code max.block.ms}. */
  private static final long ACK_TIMEOUT_MS = 6_000;

  /** Longer than {@code max.block.ms}, well within the ack timeout. */
  private static final long STALL_MS = 2_000;

  private EmbeddedKafkaCluster kafka;
  private StallingProxy proxy;

  @BeforeClass
  public void start() throws Exception {
    kafka = SharedKafka.cluster();
    String direct = kafka.bootstrapServers();
    proxy = new StallingProxy(Integer.parseInt(direct.substring(direct.lastIndexOf(':') + 1)));
  }

  @AfterClass(alwaysRun = true)
  public void stop() {
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  public void everyStampOfAMassStepDownFitsTheBufferAndIsAcked() {
    String topic = SharedKafka.topic("massbuffer") + "_v1";
    kafka.createTopic(topic, PARTITIONS);
    Properties props = FaultSupport.emitterProps(proxy.bootstrap(), ACK_TIMEOUT_MS);
    props.setProperty(HandoffSettings.KAFKA_PREFIX + "buffer.memory", Long.toString(BUFFER_MEMORY));
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    List<StepDown> all = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      all.add(StepDown.established(topic, p, 31, 0, "host-buffer"));
    }
    try (KafkaStampEmitter emitter = FaultSupport.emitter(props, metrics)) {
      // The producer, its id and the topic's metadata first, so that the stall falls on produce
      // requests only.
      emitter.prepare(topic);
      proxy.stallAfterProduceResponses(1, STALL_MS);
      List<EmitOutcome> outcomes = emitter.emitStepDowns(all);
      Map<EmitStatus, Long> byStatus = FaultSupport.countByStatus(outcomes);
      assertEquals(
          byStatus,
          Map.of(EmitStatus.ACKED, (long) PARTITIONS),
          "every stamp acked; the first not acked: "
              + outcomes.stream().filter(o -> o.status() != EmitStatus.ACKED).findFirst());
      assertEquals(metrics.emitSuccess(), PARTITIONS);
    }
  }
}
