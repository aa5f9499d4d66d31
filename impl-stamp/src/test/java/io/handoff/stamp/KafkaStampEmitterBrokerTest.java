package io.handoff.stamp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** The stamp as it lands on a real broker, read back with a real consumer. */
public class KafkaStampEmitterBrokerTest {

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startKafka() {
    kafka = EmbeddedKafkaCluster.builder().start();
  }

  @AfterClass(alwaysRun = true)
  public void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private Properties switchedOn() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers());
    return p;
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        tps.add(new TopicPartition(topic, i));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        boolean done = true;
        for (TopicPartition tp : tps) {
          done &= consumer.position(tp) >= end.get(tp);
        }
        if (done) {
          break;
        }
        consumer.poll(Duration.ofMillis(100)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  public void stampLandsWithKeyHeaderAndEveryField() {
    kafka.createTopic("store_v1", 3);
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    long before = System.currentTimeMillis();
    EmitOutcome o;
    try (LeadershipHandoffEmitter emitter = LeadershipHandoffs.emitter(switchedOn(), metrics)) {
      o = emitter.emitStepDown(StepDown.established("store_v1", 1, 1_764_000_000_001L, 3, "host-a.example:1234"));
    }
    long after = System.currentTimeMillis();
    assertEquals(o.status(), EmitStatus.ACKED, o.toString());
    assertEquals(metrics.emitSuccess(), 1);

    List<ConsumerRecord<byte[], byte[]>> records = readAll("store_v1", 3);
    assertEquals(records.size(), 1, "exactly one record on the topic");
    ConsumerRecord<byte[], byte[]> r = records.get(0);
    assertEquals(r.partition(), 1);
    assertEquals(r.offset(), o.offset());
    assertEquals(r.key(), StampKeys.stepDownKey());

    Header vtp = r.headers().lastHeader("vtp");
    assertNotNull(vtp, "every stamp carries the vtp header");
    Schema headerSchema = new Schema.Parser().parse(new String(vtp.value(), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(headerSchema, StampCodec.envelopeSchema(), "vtp carries the writer's envelope schema");

    assertEquals(r.value()[0], (byte) 23, "magic byte");
    assertEquals(r.value()[1], (byte) 14, "protocol version");
    DecodedEnvelope e = new StampCodec().decode(r.value());
    assertEquals(e.messageType(), 2);
    assertEquals(e.producerGuid(), StampKind.STEP_DOWN.guid());
    assertEquals(e.segmentNumber(), 0);
    assertEquals(e.messageSequenceNumber(), 0);
    assertTrue(e.messageTimestamp() >= before && e.messageTimestamp() <= after, "wall clock at send time");
    assertEquals(e.logicalTimestamp(), -1);
    assertEquals(e.controlMessageType(), 2);
    assertTrue(e.debugInfo().isEmpty());
    assertEquals(e.checksumType(), 0);
    assertTrue(e.upcomingAggregates().isEmpty());
    assertTrue(e.hasLeaderMetadataFooter());
    assertEquals(e.hostName(), "host-a.example:1234");
    assertEquals(e.upstreamOffset(), -1);
    assertEquals(e.upstreamKafkaClusterId(), 3);
    assertEquals(e.upstreamPubSubPosition(), new byte[] {0x22, 0x01, 0x03, 0x00});
    assertEquals(e.termId(), 1_764_000_000_001L);
    assertEquals(e.upstreamMessageTimestamp(), -1);
  }

  @Test
  public void twoHundredPartitionsGetExactlyOneStampEach() {
    kafka.createTopic("store_v2", 200);
    List<StepDown> batch = new ArrayList<>();
    for (int p = 0; p < 200; p++) {
      batch.add(StepDown.established("store_v2", p, 1_000 + p, 0, "host-b"));
    }
    Properties props = switchedOn();
    props.setProperty(HandoffSettings.ACK_TIMEOUT_MS, "10000");
    List<EmitOutcome> outcomes;
    try (LeadershipHandoffEmitter emitter = LeadershipHandoffs.emitter(props)) {
      outcomes = emitter.emitStepDowns(batch);
    }
    assertEquals(outcomes.size(), 200);
    outcomes.forEach(o -> assertEquals(o.status(), EmitStatus.ACKED, o.toString()));

    Map<Integer, Integer> perPartition = new HashMap<>();
    StampCodec codec = new StampCodec();
    for (ConsumerRecord<byte[], byte[]> r : readAll("store_v2", 200)) {
      assertTrue(StampKeys.isStepDownKey(r.key()));
      assertEquals(codec.readTerm(r.value()), 1_000 + r.partition(), "the stamp carries its own partition's term");
      perPartition.merge(r.partition(), 1, Integer::sum);
    }
    assertEquals(perPartition.size(), 200, "every partition stamped");
    perPartition.forEach((p, n) -> assertEquals(n.intValue(), 1, "partition " + p));
  }

  @Test
  public void defaultPropertiesWriteNothing() {
    kafka.createTopic("store_v3", 2);
    Properties p = new Properties();
    // Even with the broker's address at hand, the default is the no-op strategy.
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers());
    try (LeadershipHandoffEmitter emitter = LeadershipHandoffs.emitter(p)) {
      assertFalse(emitter instanceof KafkaStampEmitter, emitter.getClass().getName());
      for (int i = 0; i < 2; i++) {
        assertEquals(emitter.emitStepDown(StepDown.established("store_v3", i, 5, 0, "h")).status(),
            EmitStatus.SKIPPED_DISABLED);
      }
    }
    assertTrue(readAll("store_v3", 2).isEmpty(), "nothing may be written with the default properties");
  }
}
