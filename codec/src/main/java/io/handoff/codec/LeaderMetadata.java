package io.handoff.codec;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Objects;

/**
 * The envelope's {@code leaderMetadataFooter} when present: which leader wrote the record and with
 * which term. Immutable: the position bytes are copied in and out.
 *
 * @param hostName the writer id of the producing host
 * @param upstreamOffset -1 unless the record copies an upstream message
 * @param upstreamKafkaClusterId -1, or the local pub-sub cluster id a stamp names
 * @param upstreamPubSubPosition the upstream position in position wire format; empty for none
 * @param termId the writer's leadership term, -1 for none
 * @param upstreamMessageTimestamp greater than 0 only when a real upstream message exists
 */
public record LeaderMetadata(
    String hostName,
    long upstreamOffset,
    int upstreamKafkaClusterId,
    byte[] upstreamPubSubPosition,
    long termId,
    long upstreamMessageTimestamp) {

  public LeaderMetadata {
    requireNonNull(hostName, "hostName is null");
    upstreamPubSubPosition = Bytes.copy(upstreamPubSubPosition, "upstreamPubSubPosition");
  }

  /**
   * The footer of a record written by {@code hostName} with {@code termId} and no upstream: offset
   * -1, cluster id -1, an empty position and upstream message timestamp -1.
   */
  public static LeaderMetadata of(String hostName, long termId) {
    return new LeaderMetadata(hostName, -1L, -1, Bytes.EMPTY, termId, -1L);
  }

  /** A copy of the upstream position bytes. */
  @Override
  public byte[] upstreamPubSubPosition() {
    return upstreamPubSubPosition.clone();
  }

  /** The position itself, for the encoder: never handed out. */
  byte[] positionRef() {
    return upstreamPubSubPosition;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LeaderMetadata m
        && hostName.equals(m.hostName)
        && upstreamOffset == m.upstreamOffset
        && upstreamKafkaClusterId == m.upstreamKafkaClusterId
        && Arrays.equals(upstreamPubSubPosition, m.upstreamPubSubPosition)
        && termId == m.termId
        && upstreamMessageTimestamp == m.upstreamMessageTimestamp;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        hostName,
        upstreamOffset,
        upstreamKafkaClusterId,
        Arrays.hashCode(upstreamPubSubPosition),
        termId,
        upstreamMessageTimestamp);
  }

  @Override
  public String toString() {
    return "LeaderMetadata[hostName="
        + hostName
        + ", upstreamOffset="
        + upstreamOffset
        + ", upstreamKafkaClusterId="
        + upstreamKafkaClusterId
        + ", upstreamPubSubPosition="
        + Bytes.hex(upstreamPubSubPosition)
        + ", termId="
        + termId
        + ", upstreamMessageTimestamp="
        + upstreamMessageTimestamp
        + "]";
  }
}
