package io.handoff.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Writes Avro binary encoding by hand, independently of the code under test and of Avro: used to
 * build expected values byte by byte.
 */
public final class HandWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  public HandWriter raw(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
    return this;
  }

  public HandWriter raw(byte[] bytes) {
    out.write(bytes, 0, bytes.length);
    return this;
  }

  /** Zig-zag varint of a long (ints use the same encoding). */
  public HandWriter varint(long n) {
    long v = (n << 1) ^ (n >> 63);
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return this;
  }

  /** Length-prefixed bytes. */
  public HandWriter bytes(byte[] b) {
    varint(b.length);
    return raw(b);
  }

  /** Length-prefixed UTF-8 string. */
  public HandWriter string(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }

  /**
   * A whole control-stamp value built by hand: {@code [23][14]} and the v14 envelope of a
   * StartOfSegment control message with a leader metadata footer, with the union indexes given
   * explicitly so tests can corrupt them.
   */
  public static byte[] stamp(
      String guidHex,
      long timestampMs,
      int checksumType,
      String hostName,
      int clusterId,
      long term,
      int payloadIndex,
      int controlIndex,
      int footerIndex) {
    return new HandWriter()
        .raw(23, 14)
        .varint(2) // messageType: control message
        .raw(hex(guidHex)) // producerGUID, fixed 16
        .varint(0) // segmentNumber
        .varint(0) // messageSequenceNumber
        .varint(timestampMs)
        .varint(-1) // logicalTimestamp
        .varint(payloadIndex) // payloadUnion: 3 = ControlMessage
        .varint(2) // controlMessageType: StartOfSegment
        .varint(0) // debugInfo: empty map
        .varint(controlIndex) // controlMessageUnion: 2 = StartOfSegment
        .varint(checksumType)
        .varint(0) // upcomingAggregates: empty array
        .varint(footerIndex) // leaderMetadataFooter: 1 = LeaderMetadata
        .string(hostName)
        .varint(-1) // upstreamOffset
        .varint(clusterId)
        .bytes(hex("22010300")) // upstreamPubSubPosition: "earliest"
        .varint(term)
        .varint(-1) // upstreamMessageTimestamp
        .toByteArray();
  }

  public static byte[] stamp(
      String guidHex,
      long timestampMs,
      int checksumType,
      String hostName,
      int clusterId,
      long term) {
    return stamp(guidHex, timestampMs, checksumType, hostName, clusterId, term, 3, 2, 1);
  }
}
