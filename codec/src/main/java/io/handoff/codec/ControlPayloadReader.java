package io.handoff.codec;

/** Reads the branches of {@code controlMessageUnion}, each field named for error messages. */
final class ControlPayloadReader {

  private ControlPayloadReader() {}

  /** Reads the control message whose {@code controlMessageType} is the cursor's next item. */
  static ControlMessage readControlMessage(BodyCursor c) {
    int type = c.readInt("ControlMessage.controlMessageType");
    var debugInfo = c.readStringMap("ControlMessage.debugInfo");
    int branch =
        c.readIndex("ControlMessage.controlMessageUnion", ControlMessageType.values().length);
    return new ControlMessage(type, debugInfo, readBody(c, branch));
  }

  private static ControlPayload readBody(BodyCursor c, int branch) {
    switch (ControlMessageType.fromWireNumber(branch)) {
      case START_OF_PUSH:
        return new StartOfPush(
            c.readBoolean("StartOfPush.sorted"),
            c.readBoolean("StartOfPush.chunked"),
            c.readInt("StartOfPush.compressionStrategy"),
            c.readIndex("StartOfPush.compressionDictionary", 2) == 1
                ? c.readBytes("StartOfPush.compressionDictionary")
                : null,
            c.readInt("StartOfPush.timestampPolicy"));
      case END_OF_PUSH:
        return new EndOfPush();
      case START_OF_SEGMENT:
        return new StartOfSegment(
            c.readInt("StartOfSegment.checksumType"),
            c.readStringArray("StartOfSegment.upcomingAggregates"));
      case END_OF_SEGMENT:
        return new EndOfSegment(
            c.readBytes("EndOfSegment.checksumValue"),
            c.readLongArray("EndOfSegment.computedAggregates"),
            c.readBoolean("EndOfSegment.finalSegment"));
      case START_OF_BUFFER_REPLAY:
        return new StartOfBufferReplay(
            c.readLongArray("StartOfBufferReplay.sourceOffsets"),
            c.readString("StartOfBufferReplay.sourceKafkaCluster"),
            c.readString("StartOfBufferReplay.sourceTopicName"));
      case START_OF_INCREMENTAL_PUSH:
        return new StartOfIncrementalPush(c.readString("StartOfIncrementalPush.version"));
      case END_OF_INCREMENTAL_PUSH:
        return new EndOfIncrementalPush(c.readString("EndOfIncrementalPush.version"));
      case TOPIC_SWITCH:
        return new TopicSwitch(
            c.readStringArray("TopicSwitch.sourceKafkaServers"),
            c.readString("TopicSwitch.sourceTopicName"),
            c.readLong("TopicSwitch.rewindStartTimestamp"));
      default: // VERSION_SWAP: readIndex allows nothing else
        return readVersionSwap(c);
    }
  }

  private static VersionSwap readVersionSwap(BodyCursor c) {
    return new VersionSwap(
        c.readString("VersionSwap.oldServingVersionTopic"),
        c.readString("VersionSwap.newServingVersionTopic"),
        c.readIndex("VersionSwap.localHighWatermarks", 2) == 1
            ? c.readLongArray("VersionSwap.localHighWatermarks")
            : null,
        c.readBytesArray("VersionSwap.localHighWatermarkPubSubPositions"),
        c.readBoolean("VersionSwap.isRepush"),
        c.readBoolean("VersionSwap.isLastVersionSwapMessageFromRealTimeTopic"),
        c.readString("VersionSwap.sourceRegion"),
        c.readString("VersionSwap.destinationRegion"),
        c.readLong("VersionSwap.generationId"));
  }
}
