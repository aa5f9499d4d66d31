package io.handoff.stamp;

import io.handoff.codec.EnvelopeCodec;
import io.handoff.spi.HandoffSettings;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How much of the emitter's own producer's buffer a mass step-down needs: the size of a stamp
 * record, the defaults of {@code batch.size} and {@code buffer.memory} that {@link
 * StampProducerConfig} declares, and the WARN for settings that hold too few partitions at once.
 */
final class StampProducerBuffer {

  private static final Logger LOG = LoggerFactory.getLogger(StampProducerConfig.class);
  private static final String KAFKA = HandoffSettings.KAFKA_PREFIX;

  /**
   * The largest a stamp record can make its batch, in bytes: the batch header and the framing of
   * one record (Kafka's upper bounds, with every length varint at its longest) around the key, the
   * value of a stamp whose writer id is 255 characters (the longest host name) and the {@code vtp}
   * header, which carries the envelope schema and makes almost all of it (about 4.3 KB of the about
   * 4.7 KB).
   */
  static final int STAMP_RECORD_BYTES = stampRecordBytes();

  /**
   * The default {@code batch.size} of the emitter's own producer, in bytes. Kafka reserves one
   * buffer of {@code max(batch.size, record)} out of {@code buffer.memory} for every partition with
   * a record waiting, and a mass step-down has a stamp waiting on every partition at once: with
   * Kafka's defaults (16 KiB of 32 MiB) 2,048 partitions fill it, and the next {@code send} blocks
   * for {@code max.block.ms} and times out although the brokers are healthy. 5 KiB holds the
   * largest stamp ({@link #STAMP_RECORD_BYTES}) with a few hundred bytes to spare, so that a buffer
   * is reused from the pool rather than allocated, and wastes little beyond it.
   */
  static final int STAMP_BATCH_BYTES = 5 * 1_024;

  /**
   * The default {@code buffer.memory} of the emitter's own producer: {@value #STAMP_BATCH_BYTES}
   * bytes for each of 26,214 partitions. A stamp cannot be smaller than its schema header, so
   * Kafka's default 32 MiB would hold no more than about 7,000. A limit, not an allocation: the
   * producer takes buffers as stamps wait, and its pool keeps those of the largest step-down for
   * the next.
   */
  static final long STAMP_BUFFER_MEMORY = 128L << 20;

  /**
   * The fewest partitions the emitter's own producer should hold a stamp for at once: 10,000 are a
   * server's worth, and twice that leaves room. Settings that hold fewer log a WARN at creation.
   */
  static final long MIN_PARTITIONS_AT_ONCE = 20_000L;

  private StampProducerBuffer() {}

  /** Logs a WARN naming both keys when {@code batchSize} and {@code bufferMemory} hold too few. */
  static void warnIfFew(int batchSize, long bufferMemory) {
    long fit = partitionsAtOnce(bufferMemory, batchSize);
    if (fit < MIN_PARTITIONS_AT_ONCE) {
      LOG.warn(
          "The stamp producer can hold stamps for only {} partitions at once ({}{}={} / {}{}={}),"
              + " fewer than {}: beyond that, the stamps of a mass step-down wait for buffer memory"
              + " and may time out while the brokers are healthy; raise {}{} or lower {}{}",
          fit,
          KAFKA,
          ProducerConfig.BUFFER_MEMORY_CONFIG,
          bufferMemory,
          KAFKA,
          ProducerConfig.BATCH_SIZE_CONFIG,
          batchSize,
          MIN_PARTITIONS_AT_ONCE,
          KAFKA,
          ProducerConfig.BUFFER_MEMORY_CONFIG,
          KAFKA,
          ProducerConfig.BATCH_SIZE_CONFIG);
    }
  }

  /**
   * How many partitions a producer with {@code bufferMemory} and {@code batchSize} holds a stamp
   * for at once: Kafka reserves {@code batch.size} per partition with a record waiting, or the
   * record's own size when that is larger.
   */
  static long partitionsAtOnce(long bufferMemory, int batchSize) {
    return bufferMemory / Math.max(batchSize, STAMP_RECORD_BYTES);
  }

  private static int stampRecordBytes() {
    int value = new Stamps().encode(StampKind.STEP_DOWN, 1L, 0, "h".repeat(255), 0L).length;
    int key = StampKind.STEP_DOWN.key().length;
    int header = EnvelopeCodec.VTP_HEADER.length() + EnvelopeCodec.vtpHeaderValue().length;
    // Kafka's record batch header (61), the longest framing of one record (21), and at most 5
    // bytes for each of the 5 length varints (key, value, header count, header key, header value).
    return 61 + 21 + 5 * 5 + key + value + header;
  }
}
