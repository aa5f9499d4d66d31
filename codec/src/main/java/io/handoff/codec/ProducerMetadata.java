package io.handoff.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * The envelope's {@code producerMetadata}: which producer wrote the record, where in its chain of
 * segments and sequence numbers, and when. Immutable: the GUID is copied in and out.
 *
 * @param producerGuid the producer's 16-byte GUID
 * @param messageTimestamp the producer's wall clock when it wrote the record, ms since the epoch
 * @param logicalTimestamp -1 unless the writer sets one
 */
public record ProducerMetadata(
    byte[] producerGuid,
    int segmentNumber,
    int messageSequenceNumber,
    long messageTimestamp,
    long logicalTimestamp) {

  /** Length of a producer GUID in bytes. */
  public static final int GUID_LENGTH = 16;

  /**
   * @throws EnvelopeCodecException with reason {@code INVALID_GUID_LENGTH} for a null GUID or one
   *     that is not 16 bytes
   */
  public ProducerMetadata {
    if (producerGuid == null) {
      throw new EnvelopeCodecException(
          EnvelopeCodecException.Reason.INVALID_GUID_LENGTH,
          "invalid GUID length: the producer GUID is null",
          -1,
          "producerMetadata.producerGUID");
    }
    if (producerGuid.length != GUID_LENGTH) {
      throw new EnvelopeCodecException(
          EnvelopeCodecException.Reason.INVALID_GUID_LENGTH,
          "invalid GUID length: " + producerGuid.length + " bytes, expected " + GUID_LENGTH,
          -1,
          "producerMetadata.producerGUID");
    }
    producerGuid = producerGuid.clone();
  }

  /** Producer metadata with no logical timestamp (-1), as every writer of this library writes. */
  public static ProducerMetadata of(
      byte[] producerGuid, int segmentNumber, int messageSequenceNumber, long messageTimestamp) {
    return new ProducerMetadata(
        producerGuid, segmentNumber, messageSequenceNumber, messageTimestamp, -1L);
  }

  /** A copy of the 16-byte producer GUID. */
  @Override
  public byte[] producerGuid() {
    return producerGuid.clone();
  }

  /** True when the producer GUID equals {@code guid}; allocates nothing. Null-safe. */
  public boolean producerGuidEquals(byte[] guid) {
    return Arrays.equals(producerGuid, guid);
  }

  /** The GUID itself, for the encoder: never handed out. */
  byte[] guidRef() {
    return producerGuid;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProducerMetadata p
        && Arrays.equals(producerGuid, p.producerGuid)
        && segmentNumber == p.segmentNumber
        && messageSequenceNumber == p.messageSequenceNumber
        && messageTimestamp == p.messageTimestamp
        && logicalTimestamp == p.logicalTimestamp;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(producerGuid),
        segmentNumber,
        messageSequenceNumber,
        messageTimestamp,
        logicalTimestamp);
  }

  @Override
  public String toString() {
    return "ProducerMetadata[producerGuid="
        + Bytes.hex(producerGuid)
        + ", segmentNumber="
        + segmentNumber
        + ", messageSequenceNumber="
        + messageSequenceNumber
        + ", messageTimestamp="
        + messageTimestamp
        + ", logicalTimestamp="
        + logicalTimestamp
        + "]";
  }
}
