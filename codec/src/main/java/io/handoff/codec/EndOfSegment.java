package io.handoff.codec;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The EndOfSegment control payload. Immutable: the checksum is copied in and out.
 *
 * @param computedAggregates unmodifiable
 */
public record EndOfSegment(
    byte[] checksumValue, List<Long> computedAggregates, boolean finalSegment)
    implements ControlPayload {

  public EndOfSegment {
    checksumValue = Bytes.copy(checksumValue, "checksumValue");
    computedAggregates = List.copyOf(computedAggregates);
  }

  @Override
  public ControlMessageType type() {
    return ControlMessageType.END_OF_SEGMENT;
  }

  /** A copy of the checksum. */
  @Override
  public byte[] checksumValue() {
    return checksumValue.clone();
  }

  byte[] checksumRef() {
    return checksumValue;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EndOfSegment e
        && Arrays.equals(checksumValue, e.checksumValue)
        && computedAggregates.equals(e.computedAggregates)
        && finalSegment == e.finalSegment;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(checksumValue), computedAggregates, finalSegment);
  }

  @Override
  public String toString() {
    return "EndOfSegment[checksumValue="
        + Bytes.hex(checksumValue)
        + ", computedAggregates="
        + computedAggregates
        + ", finalSegment="
        + finalSegment
        + "]";
  }
}
