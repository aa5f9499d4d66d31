package io.handoff.codec;

/** Writes an {@link Envelope} field by field in the schema's order. */
final class EnvelopeWriter {

  private static final ThreadLocal<BodyWriter> SCRATCH = ThreadLocal.withInitial(BodyWriter::new);

  private EnvelopeWriter() {}

  static byte[] encode(Envelope envelope) {
    BodyWriter w = SCRATCH.get().start(EnvelopeCodec.MAGIC_BYTE, EnvelopeCodec.PROTOCOL_VERSION);
    w.writeInt(envelope.messageType());
    ProducerMetadata p = envelope.producerMetadata();
    w.writeFixed(p.guidRef());
    w.writeInt(p.segmentNumber());
    w.writeInt(p.messageSequenceNumber());
    w.writeLong(p.messageTimestamp());
    w.writeLong(p.logicalTimestamp());
    Payload payload = envelope.payload();
    w.writeInt(payload.branch().unionIndex());
    if (payload instanceof Put put) {
      w.writeBytes(put.valueRef());
      w.writeInt(put.schemaId());
      w.writeInt(put.replicationMetadataVersionId());
      w.writeBytes(put.metadataRef());
    } else if (payload instanceof Update update) {
      w.writeInt(update.schemaId());
      w.writeInt(update.updateSchemaId());
      w.writeBytes(update.valueRef());
    } else if (payload instanceof Delete delete) {
      w.writeInt(delete.schemaId());
      w.writeInt(delete.replicationMetadataVersionId());
      w.writeBytes(delete.metadataRef());
    } else {
      writeControlMessage(w, (ControlMessage) payload);
    }
    LeaderMetadata m = envelope.leaderMetadata();
    if (m == null) {
      w.writeInt(0); // leaderMetadataFooter: null
    } else {
      w.writeInt(1); // leaderMetadataFooter: LeaderMetadata
      w.writeString(m.hostName());
      w.writeLong(m.upstreamOffset());
      w.writeInt(m.upstreamKafkaClusterId());
      w.writeBytes(m.positionRef());
      w.writeLong(m.termId());
      w.writeLong(m.upstreamMessageTimestamp());
    }
    return w.toByteArray();
  }

  private static void writeControlMessage(BodyWriter w, ControlMessage message) {
    w.writeInt(message.controlMessageType());
    w.writeStringMap(message.debugInfo());
    ControlPayload body = message.body();
    w.writeInt(body.type().wireNumber());
    if (body instanceof StartOfPush sop) {
      w.writeBoolean(sop.sorted());
      w.writeBoolean(sop.chunked());
      w.writeInt(sop.compressionStrategy());
      writeOptionalBytes(w, sop.dictionaryRef());
      w.writeInt(sop.timestampPolicy());
    } else if (body instanceof StartOfSegment sos) {
      w.writeInt(sos.checksumType());
      w.writeStringArray(sos.upcomingAggregates());
    } else if (body instanceof EndOfSegment eos) {
      w.writeBytes(eos.checksumRef());
      w.writeLongArray(eos.computedAggregates());
      w.writeBoolean(eos.finalSegment());
    } else if (body instanceof StartOfBufferReplay replay) {
      w.writeLongArray(replay.sourceOffsets());
      w.writeString(replay.sourceKafkaCluster());
      w.writeString(replay.sourceTopicName());
    } else if (body instanceof StartOfIncrementalPush start) {
      w.writeString(start.version());
    } else if (body instanceof EndOfIncrementalPush end) {
      w.writeString(end.version());
    } else if (body instanceof TopicSwitch ts) {
      w.writeStringArray(ts.sourceKafkaServers());
      w.writeString(ts.sourceTopicName());
      w.writeLong(ts.rewindStartTimestamp());
    } else if (body instanceof VersionSwap vs) {
      writeVersionSwap(w, vs);
    } // EndOfPush has no fields
  }

  private static void writeVersionSwap(BodyWriter w, VersionSwap vs) {
    w.writeString(vs.oldServingVersionTopic());
    w.writeString(vs.newServingVersionTopic());
    if (vs.localHighWatermarks() == null) {
      w.writeInt(0);
    } else {
      w.writeInt(1);
      w.writeLongArray(vs.localHighWatermarks());
    }
    w.writeBytesArray(vs.positionsRef());
    w.writeBoolean(vs.isRepush());
    w.writeBoolean(vs.isLastVersionSwapMessageFromRealTimeTopic());
    w.writeString(vs.sourceRegion());
    w.writeString(vs.destinationRegion());
    w.writeLong(vs.generationId());
  }

  private static void writeOptionalBytes(BodyWriter w, byte[] bytes) {
    if (bytes == null) {
      w.writeInt(0);
    } else {
      w.writeInt(1);
      w.writeBytes(bytes);
    }
  }
}
