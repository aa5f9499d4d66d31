package io.handoff.codec;

import java.util.List;

/**
 * The StartOfSegment control payload, the one every stamp and heartbeat carries. Immutable.
 *
 * @param checksumType the writer's checksum type: see {@link ChecksumType#fromWireNumber}
 * @param upcomingAggregates unmodifiable
 */
public record StartOfSegment(int checksumType, List<String> upcomingAggregates)
    implements ControlPayload {

  public StartOfSegment {
    upcomingAggregates = List.copyOf(upcomingAggregates);
  }

  /** A StartOfSegment of {@code checksumType} without upcoming aggregates. */
  public static StartOfSegment of(ChecksumType checksumType) {
    return new StartOfSegment(checksumType.wireNumber(), List.of());
  }

  @Override
  public ControlMessageType type() {
    return ControlMessageType.START_OF_SEGMENT;
  }
}
