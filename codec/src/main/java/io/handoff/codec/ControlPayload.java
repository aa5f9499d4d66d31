package io.handoff.codec;

/**
 * A control message's {@code controlMessageUnion}: one record per branch, in the branch order of
 * {@link ControlMessageType}.
 */
public sealed interface ControlPayload
    permits StartOfPush,
        EndOfPush,
        StartOfSegment,
        EndOfSegment,
        StartOfBufferReplay,
        StartOfIncrementalPush,
        EndOfIncrementalPush,
        TopicSwitch,
        VersionSwap {

  /** Which branch of the union this is: the type whose wire number is its branch index. */
  ControlMessageType type();
}
