package io.handoff.codec;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Record values built the way this library's writers build them, for the tests of this module and,
 * through its test jar, of the stamp strategy.
 */
public final class Values {

  /** The "earliest" pub-sub position every stamp names: magic 34, version 1, type -2, no bytes. */
  static final byte[] EARLIEST = {0x22, 0x01, 0x03, 0x00};

  private Values() {}

  /** A self-contained stamp: a StartOfSegment control message from segment 0, sequence 0. */
  static Envelope stamp(
      String guidHex, long term, int cluster, String writer, long ts, int checksumType) {
    return Envelope.of(
        ProducerMetadata.of(HexFormat.of().parseHex(guidHex), 0, 0, ts),
        new ControlMessage(
            ControlMessageType.START_OF_SEGMENT.wireNumber(),
            Map.of(),
            new StartOfSegment(checksumType, List.of())),
        new LeaderMetadata(writer, -1L, cluster, EARLIEST, term, -1L));
  }

  /** A put; a footer with {@code writer} and {@code term} when the writer is not null. */
  public static byte[] put(
      byte[] guid,
      int seg,
      int seq,
      long ts,
      byte[] value,
      int schemaId,
      long term,
      String writer) {
    return EnvelopeCodec.encode(
        Envelope.of(
            ProducerMetadata.of(guid, seg, seq, ts),
            Put.of(value, schemaId),
            footer(term, writer)));
  }

  /** A control message of {@code type} whose union holds {@code body}. */
  public static byte[] control(
      byte[] guid, int seg, int seq, long ts, int type, ControlPayload body, long term, String w) {
    return EnvelopeCodec.encode(
        Envelope.of(
            ProducerMetadata.of(guid, seg, seq, ts),
            new ControlMessage(type, Map.of(), body),
            footer(term, w)));
  }

  public static LeaderMetadata footer(long term, String writer) {
    return writer == null ? null : LeaderMetadata.of(writer, term);
  }
}
