package io.handoff.stamp;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.LeadershipHandoffObserver;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way raw records of a version topic reach an observer: decoded with the codec, their
 * writer id and term taken from the leader metadata, and a record that cannot be decoded reported
 * as such ({@link LeadershipHandoffObserver#observeUndecodable}), so that it makes the current
 * tenure unclean instead of being skipped. An unknown envelope version is exactly what an older or
 * newer writer produces in the middle of an upgrade, so skipping it would let a stamp stand that
 * another writer has already followed.
 *
 * <p>Thread-safe; the caller keeps the observer's per-partition ordering rule.
 */
public final class StampRecords {

  private static final Logger LOG = LoggerFactory.getLogger(StampRecords.class);

  private final StampCodec codec = new StampCodec();

  /**
   * Hands {@code record} to {@code observer}.
   *
   * @return the decoded envelope, or null when the record could not be decoded (logged at WARN with
   *     its topic-partition, offset and reason, and observed as undecodable)
   * @throws IllegalArgumentException if the record is not of the observer's version topic
   */
  public DecodedEnvelope observe(
      LeadershipHandoffObserver observer, ConsumerRecord<byte[], byte[]> record) {
    requireNonNull(observer, "observer is null");
    requireNonNull(record, "record is null");
    if (!observer.versionTopic().equals(record.topic())) {
      throw new IllegalArgumentException(
          "A record of "
              + record.topic()
              + "-"
              + record.partition()
              + " cannot be observed by the observer of "
              + observer.versionTopic());
    }
    DecodedEnvelope envelope;
    try {
      envelope = codec.decodeRecord(record.key(), record.value());
    } catch (StampCodecException e) {
      LOG.warn(
          "Undecodable record at {}-{} offset {}: {}; it makes the current tenure unclean",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      observer.observeUndecodable(record.partition(), record.offset());
      return null;
    }
    observer.observe(
        record.partition(), record.offset(), record.key(), envelope.hostName(), envelope.term());
    return envelope;
  }
}
