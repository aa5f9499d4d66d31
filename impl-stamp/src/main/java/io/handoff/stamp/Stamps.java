package io.handoff.stamp;

import static java.util.Objects.requireNonNull;

import io.handoff.codec.ChecksumType;
import io.handoff.codec.ControlMessage;
import io.handoff.codec.ControlMessageType;
import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.EnvelopeSummary;
import io.handoff.codec.LeaderMetadata;
import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.StartOfSegment;

/**
 * Builds the record values of the self-contained stamps (step-down, declaration of leadership,
 * heartbeat) on the envelope codec, and recognises their shape.
 *
 * <p>Every stamp has one shape, the one a heartbeat has, and only its key says which stamp it is: a
 * control message of type StartOfSegment (the writer's checksum type, no upcoming aggregates, empty
 * debugInfo) from the kind's GUID with segment 0 and sequence 0, logical timestamp -1, and a leader
 * metadata footer with host name the writer id, upstream offset -1, upstream cluster id the local
 * cluster id, the "earliest" upstream position, term id the writer's term and upstream message
 * timestamp -1.
 *
 * <p>Immutable and thread-safe; no method blocks.
 */
public final class Stamps {

  /**
   * The symbolic "earliest" pub-sub position in position wire format: magic 34, version 1, then the
   * Avro record {type: -2, rawBytes: empty}.
   */
  private static final byte[] EARLIEST_POSITION = {0x22, 0x01, 0x03, 0x00};

  private final ChecksumType checksumType;

  /** Shared by every stamp of this instance: records are immutable. */
  private final ControlMessage payload;

  /** Stamps that carry checksum type {@link ChecksumType#NONE}. */
  public Stamps() {
    this(ChecksumType.NONE);
  }

  /** Stamps that carry {@code checksumType}, the writer's checksum type. */
  public Stamps(ChecksumType checksumType) {
    this.checksumType = requireNonNull(checksumType, "checksumType is null");
    this.payload = ControlMessage.of(StartOfSegment.of(checksumType));
  }

  /** The checksum type this instance writes into its stamps. */
  public ChecksumType checksumType() {
    return checksumType;
  }

  /**
   * The envelope of a stamp of {@code kind}.
   *
   * @param term the writer's leadership term; must be positive
   * @param timestampMs the writer's wall clock at send time
   * @throws IllegalArgumentException when {@code term <= 0}
   */
  public Envelope envelope(
      StampKind kind, long term, int localClusterId, String writerId, long timestampMs) {
    requireNonNull(kind, "kind is null");
    requireNonNull(writerId, "writerId is null");
    if (term <= 0) {
      throw new IllegalArgumentException("a " + kind + " stamp needs a term > 0, got " + term);
    }
    return Envelope.of(
        ProducerMetadata.of(kind.guidRef(), 0, 0, timestampMs),
        payload,
        new LeaderMetadata(writerId, -1L, localClusterId, EARLIEST_POSITION, term, -1L));
  }

  /** The record value of a stamp: {@link #envelope} encoded. Same arguments, same checks. */
  public byte[] encode(
      StampKind kind, long term, int localClusterId, String writerId, long timestampMs) {
    return EnvelopeCodec.encode(envelope(kind, term, localClusterId, writerId, timestampMs));
  }

  /** A copy of the "earliest" pub-sub position bytes every stamp names: 22 01 03 00. */
  public static byte[] earliestPubSubPosition() {
    return EARLIEST_POSITION.clone();
  }

  /**
   * Whether a value has the shape every stamp has (a StartOfSegment control message with a leader
   * metadata footer). A stamp key on any other value is forged or corrupt.
   */
  static boolean hasStampShape(EnvelopeSummary summary) {
    return summary.isControlMessageOf(ControlMessageType.START_OF_SEGMENT)
        && summary.hasLeaderMetadata();
  }
}
