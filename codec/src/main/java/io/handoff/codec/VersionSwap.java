package io.handoff.codec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Objects;

/**
 * The VersionSwap control payload. Immutable: the positions are copied in and out.
 *
 * @param localHighWatermarks null when absent (the union's null branch), else unmodifiable
 * @param localHighWatermarkPubSubPositions unmodifiable
 */
public record VersionSwap(
    String oldServingVersionTopic,
    String newServingVersionTopic,
    List<Long> localHighWatermarks,
    List<byte[]> localHighWatermarkPubSubPositions,
    boolean isRepush,
    boolean isLastVersionSwapMessageFromRealTimeTopic,
    String sourceRegion,
    String destinationRegion,
    long generationId)
    implements ControlPayload {

  public VersionSwap {
    requireNonNull(oldServingVersionTopic, "oldServingVersionTopic is null");
    requireNonNull(newServingVersionTopic, "newServingVersionTopic is null");
    localHighWatermarks = localHighWatermarks == null ? null : List.copyOf(localHighWatermarks);
    localHighWatermarkPubSubPositions =
        Bytes.copyAll(localHighWatermarkPubSubPositions, "localHighWatermarkPubSubPositions");
    requireNonNull(sourceRegion, "sourceRegion is null");
    requireNonNull(destinationRegion, "destinationRegion is null");
  }

  @Override
  public ControlMessageType type() {
    return ControlMessageType.VERSION_SWAP;
  }

  /** Copies of the positions, in an unmodifiable list. */
  @Override
  public List<byte[]> localHighWatermarkPubSubPositions() {
    return Bytes.copyAll(localHighWatermarkPubSubPositions, "localHighWatermarkPubSubPositions");
  }

  List<byte[]> positionsRef() {
    return localHighWatermarkPubSubPositions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VersionSwap v
        && oldServingVersionTopic.equals(v.oldServingVersionTopic)
        && newServingVersionTopic.equals(v.newServingVersionTopic)
        && Objects.equals(localHighWatermarks, v.localHighWatermarks)
        && Bytes.equalAll(localHighWatermarkPubSubPositions, v.localHighWatermarkPubSubPositions)
        && isRepush == v.isRepush
        && isLastVersionSwapMessageFromRealTimeTopic == v.isLastVersionSwapMessageFromRealTimeTopic
        && sourceRegion.equals(v.sourceRegion)
        && destinationRegion.equals(v.destinationRegion)
        && generationId == v.generationId;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        oldServingVersionTopic,
        newServingVersionTopic,
        localHighWatermarks,
        Bytes.hashAll(localHighWatermarkPubSubPositions),
        isRepush,
        isLastVersionSwapMessageFromRealTimeTopic,
        sourceRegion,
        destinationRegion,
        generationId);
  }

  @Override
  public String toString() {
    return "VersionSwap[oldServingVersionTopic="
        + oldServingVersionTopic
        + ", newServingVersionTopic="
        + newServingVersionTopic
        + ", localHighWatermarks="
        + localHighWatermarks
        + ", localHighWatermarkPubSubPositions="
        + Bytes.hexAll(localHighWatermarkPubSubPositions)
        + ", isRepush="
        + isRepush
        + ", isLastVersionSwapMessageFromRealTimeTopic="
        + isLastVersionSwapMessageFromRealTimeTopic
        + ", sourceRegion="
        + sourceRegion
        + ", destinationRegion="
        + destinationRegion
        + ", generationId="
        + generationId
        + "]";
  }
}
