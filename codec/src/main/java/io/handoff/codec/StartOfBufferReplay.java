package io.handoff.codec;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The StartOfBufferReplay control payload. Immutable.
 *
 * @param sourceOffsets unmodifiable
 */
public record StartOfBufferReplay(
    List<Long> sourceOffsets, String sourceKafkaCluster, String sourceTopicName)
    implements ControlPayload {

  public StartOfBufferReplay {
    sourceOffsets = List.copyOf(sourceOffsets);
    requireNonNull(sourceKafkaCluster, "sourceKafkaCluster is null");
    requireNonNull(sourceTopicName, "sourceTopicName is null");
  }

  @Override
  public ControlMessageType type() {
    return ControlMessageType.START_OF_BUFFER_REPLAY;
  }
}
