package io.handoff.stamp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.handoff.codec.EnvelopeCodec;
import io.handoff.spi.ConfigKey;
import io.handoff.spi.HandoffSettings;
import io.handoff.testsupport.LogCapture;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.testng.annotations.Test;

/**
 * The buffer of the emitter's own producer holds a stamp for a server's worth of partitions at
 * once: a batch fits the largest stamp Kafka can be asked to hold, the defaults hold at least
 * {@link StampProducerBuffer#MIN_PARTITIONS_AT_ONCE} partitions, the user may override both, and
 * settings that hold fewer get one WARN naming both keys.
 */
public class StampProducerBufferTest {

  private static final String KAFKA = HandoffSettings.KAFKA_PREFIX;
  private static final String CONFIG = StampProducerConfig.class.getName();

  /** Kafka's own upper bound of the batch of one stamp, built as the sender builds it. */
  private static int kafkaBound(String writerId) {
    byte[] value = new Stamps().encode(StampKind.STEP_DOWN, 1_700_000_000_000L, 0, writerId, 0L);
    Header[] headers = {new RecordHeader(EnvelopeCodec.VTP_HEADER, EnvelopeCodec.vtpHeaderValue())};
    return AbstractRecords.estimateSizeInBytesUpperBound(
        RecordBatch.CURRENT_MAGIC_VALUE,
        CompressionType.NONE,
        StampKind.STEP_DOWN.key(),
        value,
        headers);
  }

  private static Properties producer(String... keyValues) {
    Map<String, String> m = new HashMap<>();
    m.put(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    m.put(KAFKA + "bootstrap.servers", "127.0.0.1:9");
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(KAFKA + keyValues[i], keyValues[i + 1]);
    }
    return StampProducerConfig.of(HandoffSettings.from(m));
  }

  @Test
  public void theDefaultBatchHoldsTheLargestStampWithRoom() {
    int longest = kafkaBound("h".repeat(255));
    assertTrue(
        longest <= StampProducerBuffer.STAMP_RECORD_BYTES,
        "the estimate bounds Kafka's: " + longest + " > " + StampProducerBuffer.STAMP_RECORD_BYTES);
    assertTrue(
        StampProducerBuffer.STAMP_RECORD_BYTES - longest <= 32,
        "and is close to it: " + StampProducerBuffer.STAMP_RECORD_BYTES + " vs " + longest);
    assertTrue(kafkaBound("h") > 4_000, "the schema header makes a stamp several KB");
    assertTrue(
        StampProducerBuffer.STAMP_BATCH_BYTES - longest >= 256,
        "room beyond a stamp of the longest host name: " + longest);
  }

  @Test
  public void theDefaultsHoldTwentyThousandPartitionsAtOnceWithoutAWarn() {
    try (LogCapture log = LogCapture.on(CONFIG)) {
      Properties p = producer();
      assertEquals(
          p.get(ProducerConfig.BATCH_SIZE_CONFIG),
          Integer.toString(StampProducerBuffer.STAMP_BATCH_BYTES));
      assertEquals(
          p.get(ProducerConfig.BUFFER_MEMORY_CONFIG),
          Long.toString(StampProducerBuffer.STAMP_BUFFER_MEMORY));
      long fit =
          StampProducerBuffer.partitionsAtOnce(
              Long.parseLong((String) p.get(ProducerConfig.BUFFER_MEMORY_CONFIG)),
              Integer.parseInt((String) p.get(ProducerConfig.BATCH_SIZE_CONFIG)));
      assertTrue(fit >= 20_000, "partitions at once with the defaults: " + fit);
      assertEquals(log.warnings(), List.of());
    }
  }

  @Test
  public void theUserMayOverrideBothAndIsWarnedWhenFewPartitionsFit() {
    try (LogCapture log = LogCapture.on(CONFIG)) {
      Properties p = producer("batch.size", "16384");
      assertEquals(p.get(ProducerConfig.BATCH_SIZE_CONFIG), "16384");
      assertEquals(log.warnings().size(), 1, log.text());
      String warning = log.warnings().get(0);
      assertTrue(warning.contains("only 8192 partitions at once"), warning);
      assertTrue(warning.contains(KAFKA + "buffer.memory=134217728"), warning);
      assertTrue(warning.contains(KAFKA + "batch.size=16384"), warning);
      assertTrue(warning.contains("fewer than 20000"), warning);
    }
    try (LogCapture log = LogCapture.on(CONFIG)) {
      // Kafka's own defaults, given explicitly.
      producer("buffer.memory", "33554432", "batch.size", "16384");
      assertEquals(log.warnings().size(), 1, log.text());
      assertTrue(log.warnings().get(0).contains("only 2048 partitions"), log.text());
    }
    try (LogCapture log = LogCapture.on(CONFIG)) {
      // No batching at all: each partition then holds exactly its stamp.
      Properties p = producer("batch.size", "0", "buffer.memory", Long.toString(1L << 30));
      assertEquals(p.get(ProducerConfig.BUFFER_MEMORY_CONFIG), Long.toString(1L << 30));
      assertEquals(
          StampProducerBuffer.partitionsAtOnce(1L << 30, 0),
          (1L << 30) / StampProducerBuffer.STAMP_RECORD_BYTES);
      assertEquals(log.warnings(), List.of(), "a gibibyte holds enough stamps");
    }
  }

  @Test
  public void bothDefaultsAreDeclaredWithDocs() {
    Map<String, ConfigKey> keys = new HashMap<>();
    StampProducerConfig.KEYS.forEach(k -> keys.put(k.name(), k));
    assertEquals(keys.get(KAFKA + "batch.size").defaultValue(), "5120");
    assertEquals(keys.get(KAFKA + "buffer.memory").defaultValue(), "134217728");
    assertTrue(keys.get(KAFKA + "batch.size").doc().contains("20000"));
    assertTrue(keys.get(KAFKA + "buffer.memory").doc().contains("26214 partitions"));
  }
}
