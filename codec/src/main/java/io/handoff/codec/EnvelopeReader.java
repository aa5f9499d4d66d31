package io.handoff.codec;

import io.handoff.codec.EnvelopeCodecException.Reason;

/**
 * Decodes record values: {@link #decode} into the whole {@link Envelope}, {@link #summarize} into
 * an {@link EnvelopeSummary}. Both read and check every byte the same way, so a value one accepts
 * the other accepts; the summary only skips the payload's bytes instead of copying them.
 */
final class EnvelopeReader {

  private static final String GUID = "producerMetadata.producerGUID";
  private static final String SEGMENT = "producerMetadata.segmentNumber";
  private static final String SEQUENCE = "producerMetadata.messageSequenceNumber";
  private static final String TIMESTAMP = "producerMetadata.messageTimestamp";
  private static final String LOGICAL = "producerMetadata.logicalTimestamp";
  private static final String PAYLOAD = "payloadUnion";
  private static final String FOOTER = "leaderMetadataFooter";
  private static final String HOST = "LeaderMetadata.hostName";
  private static final String UPSTREAM_OFFSET = "LeaderMetadata.upstreamOffset";
  private static final String UPSTREAM_CLUSTER = "LeaderMetadata.upstreamKafkaClusterId";
  private static final String UPSTREAM_POSITION = "LeaderMetadata.upstreamPubSubPosition";
  private static final String TERM = "LeaderMetadata.termId";
  private static final String UPSTREAM_TIMESTAMP = "LeaderMetadata.upstreamMessageTimestamp";

  private static final PayloadBranch[] BRANCHES = PayloadBranch.values();

  private EnvelopeReader() {}

  static Envelope decode(byte[] value) {
    checkPrefix(value);
    BodyCursor c = new BodyCursor(value, 2);
    int messageType = c.readInt("messageType");
    ProducerMetadata producer =
        new ProducerMetadata(
            c.readFixed(GUID, ProducerMetadata.GUID_LENGTH),
            c.readInt(SEGMENT),
            c.readInt(SEQUENCE),
            c.readLong(TIMESTAMP),
            c.readLong(LOGICAL));
    Payload payload =
        switch (BRANCHES[c.readIndex(PAYLOAD, BRANCHES.length)]) {
          case PUT ->
              new Put(
                  c.readBytes("Put.putValue"),
                  c.readInt("Put.schemaId"),
                  c.readInt("Put.replicationMetadataVersionId"),
                  c.readBytes("Put.replicationMetadataPayload"));
          case UPDATE ->
              new Update(
                  c.readInt("Update.schemaId"),
                  c.readInt("Update.updateSchemaId"),
                  c.readBytes("Update.updateValue"));
          case DELETE ->
              new Delete(
                  c.readInt("Delete.schemaId"),
                  c.readInt("Delete.replicationMetadataVersionId"),
                  c.readBytes("Delete.replicationMetadataPayload"));
          case CONTROL_MESSAGE -> ControlPayloadReader.readControlMessage(c);
        };
    LeaderMetadata footer = null;
    if (c.readIndex(FOOTER, 2) == 1) {
      footer =
          new LeaderMetadata(
              c.readString(HOST),
              c.readLong(UPSTREAM_OFFSET),
              c.readInt(UPSTREAM_CLUSTER),
              c.readBytes(UPSTREAM_POSITION),
              c.readLong(TERM),
              c.readLong(UPSTREAM_TIMESTAMP));
    }
    checkEnd(c);
    return new Envelope(messageType, producer, payload, footer);
  }

  static EnvelopeSummary summarize(byte[] value) {
    checkPrefix(value);
    BodyCursor c = new BodyCursor(value, 2);
    int messageType = c.readInt("messageType");
    c.skipFixed(GUID, ProducerMetadata.GUID_LENGTH);
    c.readInt(SEGMENT);
    c.readInt(SEQUENCE);
    c.readLong(TIMESTAMP);
    c.readLong(LOGICAL);
    PayloadBranch branch = BRANCHES[c.readIndex(PAYLOAD, BRANCHES.length)];
    int controlType = EnvelopeSummary.NOT_A_CONTROL_MESSAGE;
    switch (branch) {
      case PUT -> {
        c.skipBytes("Put.putValue");
        c.readInt("Put.schemaId");
        c.readInt("Put.replicationMetadataVersionId");
        c.skipBytes("Put.replicationMetadataPayload");
      }
      case UPDATE -> {
        c.readInt("Update.schemaId");
        c.readInt("Update.updateSchemaId");
        c.skipBytes("Update.updateValue");
      }
      case DELETE -> {
        c.readInt("Delete.schemaId");
        c.readInt("Delete.replicationMetadataVersionId");
        c.skipBytes("Delete.replicationMetadataPayload");
      }
      case CONTROL_MESSAGE ->
          controlType = ControlPayloadReader.readControlMessage(c).controlMessageType();
    }
    String writerId = null;
    long term = -1L;
    if (c.readIndex(FOOTER, 2) == 1) {
      writerId = c.readString(HOST);
      c.readLong(UPSTREAM_OFFSET);
      c.readInt(UPSTREAM_CLUSTER);
      c.skipBytes(UPSTREAM_POSITION);
      term = c.readLong(TERM);
      c.readLong(UPSTREAM_TIMESTAMP);
    }
    checkEnd(c);
    return new EnvelopeSummary(messageType, branch, controlType, writerId, term);
  }

  private static void checkPrefix(byte[] value) {
    if (value == null) {
      throw new EnvelopeCodecException(Reason.NULL_OR_EMPTY, "the record value is null", -1, null);
    }
    if (value.length == 0) {
      throw new EnvelopeCodecException(
          Reason.NULL_OR_EMPTY, "the record value is empty (0 bytes)", 0, null);
    }
    if (value[0] != EnvelopeCodec.MAGIC_BYTE) {
      throw new EnvelopeCodecException(
          Reason.WRONG_MAGIC_BYTE,
          "wrong magic byte: found " + (value[0] & 0xff) + ", expected " + EnvelopeCodec.MAGIC_BYTE,
          0,
          "magic byte");
    }
    if (value.length < 2) {
      throw new EnvelopeCodecException(
          Reason.TRUNCATED,
          "truncated value: 1 byte, the protocol version byte is missing",
          1,
          "protocol version");
    }
    if (value[1] != EnvelopeCodec.PROTOCOL_VERSION) {
      throw new EnvelopeCodecException(
          Reason.UNKNOWN_PROTOCOL_VERSION,
          "unknown protocol version: found "
              + (value[1] & 0xff)
              + ", expected "
              + EnvelopeCodec.PROTOCOL_VERSION,
          1,
          "protocol version");
    }
  }

  private static void checkEnd(BodyCursor c) {
    if (c.remaining() != 0) {
      throw new EnvelopeCodecException(
          Reason.TRAILING_BYTES,
          "trailing bytes: "
              + c.remaining()
              + " byte(s) after the end of the envelope body at offset "
              + c.position()
              + " (value length "
              + (c.position() + c.remaining())
              + ")",
          c.position(),
          null);
    }
  }
}
