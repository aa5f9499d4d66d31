package io.handoff.stamp;

import static java.util.Objects.requireNonNull;

import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.EnvelopeCodecException;
import io.handoff.codec.EnvelopeSummary;
import io.handoff.spi.LeadershipHandoffObserver;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way raw records of a version topic reach an observer: decoded with the envelope codec,
 * their writer id and term taken from the leader metadata, and a record that cannot be decoded
 * reported as such ({@link LeadershipHandoffObserver#observeUndecodable}), so that it makes the
 * current tenure unclean instead of being skipped. An unknown envelope version is exactly what an
 * older or newer writer produces in the middle of an upgrade, so skipping it would let a stamp
 * stand that another writer has already followed.
 *
 * <p>Thread-safe; the caller keeps the observer's per-partition ordering rule.
 */
public final class StampRecords {

  private static final Logger LOG = LoggerFactory.getLogger(StampRecords.class);

  /**
   * Hands {@code record} to {@code observer}.
   *
   * @return what the record's value says of its kind and writer, or null when the record could not
   *     be decoded (logged at WARN with its topic-partition, offset and reason, and observed as
   *     undecodable)
   * @throws IllegalArgumentException if the record is not of the observer's version topic
   */
  public EnvelopeSummary observe(
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
    EnvelopeSummary envelope;
    try {
      envelope = decodeRecord(record.key(), record.value());
    } catch (EnvelopeCodecException e) {
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
        record.partition(), record.offset(), record.key(), envelope.writerId(), envelope.term());
    return envelope;
  }

  /**
   * Decodes a consumed record for the observer rules: the whole value is checked, as by {@link
   * EnvelopeCodec#summarize}, and beyond that the record must have a key, and a self-contained
   * stamp key must sit on a value shaped like a stamp: a stamp key on anything else is forged or
   * corrupt and must not be observed as a stamp.
   *
   * @throws EnvelopeCodecException naming what was wrong
   */
  static EnvelopeSummary decodeRecord(byte[] key, byte[] value) {
    if (key == null) {
      throw new EnvelopeCodecException(
          EnvelopeCodecException.Reason.MALFORMED, "the record has no key", -1, null);
    }
    EnvelopeSummary envelope = EnvelopeCodec.summarize(value);
    StampKind kind = StampKeys.kindOf(key);
    if (kind != null && !Stamps.hasStampShape(envelope)) {
      throw new EnvelopeCodecException(
          EnvelopeCodecException.Reason.MALFORMED,
          "the key is a "
              + kind
              + " stamp key but the value is not a stamp (message type "
              + envelope.messageType()
              + ", control type "
              + envelope.controlMessageType()
              + ")",
          -1,
          null);
    }
    return envelope;
  }
}
