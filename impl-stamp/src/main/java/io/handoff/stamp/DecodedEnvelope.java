package io.handoff.stamp;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * An immutable view of one fully decoded envelope (protocol version 14).
 *
 * <p>Only {@link StampCodec#decode(byte[])} creates it, and only after the whole value was read and
 * checked, so an instance never describes a half-read record. Accessors returning bytes return
 * copies. Fields that do not apply to the record's payload or footer read as {@code -1}, {@code
 * null} or empty, as documented on each accessor.
 */
public final class DecodedEnvelope {

  private static final HexFormat HEX = HexFormat.of();

  private final int messageType;
  private final byte[] producerGuid;
  private final int segmentNumber;
  private final int messageSequenceNumber;
  private final long messageTimestamp;
  private final long logicalTimestamp;

  private final int payloadUnionBranch;
  private final int schemaId;
  private final int updateSchemaId;
  private final byte[] value;
  private final int replicationMetadataVersionId;
  private final byte[] replicationMetadataPayload;

  private final int controlMessageType;
  private final int controlMessageUnionBranch;
  private final Map<String, String> debugInfo;
  private final int checksumType;
  private final List<String> upcomingAggregates;

  private final boolean footerPresent;
  private final String hostName;
  private final long upstreamOffset;
  private final int upstreamKafkaClusterId;
  private final byte[] upstreamPubSubPosition;
  private final long termId;
  private final long upstreamMessageTimestamp;

  /** What the decoder collects while reading; turned into the immutable view at the very end. */
  static final class Fields {
    int messageType;
    byte[] producerGuid;
    int segmentNumber;
    int messageSequenceNumber;
    long messageTimestamp;
    long logicalTimestamp;

    int payloadUnionBranch = -1;
    int schemaId = -1;
    int updateSchemaId = -1;
    byte[] value;
    int replicationMetadataVersionId = -1;
    byte[] replicationMetadataPayload;

    int controlMessageType = -1;
    int controlMessageUnionBranch = -1;
    Map<String, String> debugInfo = Map.of();
    int checksumType = -1;
    List<String> upcomingAggregates = List.of();

    boolean footerPresent;
    String hostName;
    long upstreamOffset = -1;
    int upstreamKafkaClusterId = -1;
    byte[] upstreamPubSubPosition;
    long termId = -1;
    long upstreamMessageTimestamp = -1;
  }

  /** Takes ownership of the arrays and collections in {@code f}: the decoder made them fresh. */
  DecodedEnvelope(Fields f) {
    this.messageType = f.messageType;
    this.producerGuid = f.producerGuid;
    this.segmentNumber = f.segmentNumber;
    this.messageSequenceNumber = f.messageSequenceNumber;
    this.messageTimestamp = f.messageTimestamp;
    this.logicalTimestamp = f.logicalTimestamp;
    this.payloadUnionBranch = f.payloadUnionBranch;
    this.schemaId = f.schemaId;
    this.updateSchemaId = f.updateSchemaId;
    this.value = f.value;
    this.replicationMetadataVersionId = f.replicationMetadataVersionId;
    this.replicationMetadataPayload = f.replicationMetadataPayload;
    this.controlMessageType = f.controlMessageType;
    this.controlMessageUnionBranch = f.controlMessageUnionBranch;
    this.debugInfo = f.debugInfo;
    this.checksumType = f.checksumType;
    this.upcomingAggregates = f.upcomingAggregates;
    this.footerPresent = f.footerPresent;
    this.hostName = f.hostName;
    this.upstreamOffset = f.upstreamOffset;
    this.upstreamKafkaClusterId = f.upstreamKafkaClusterId;
    this.upstreamPubSubPosition = f.upstreamPubSubPosition;
    this.termId = f.termId;
    this.upstreamMessageTimestamp = f.upstreamMessageTimestamp;
  }

  // ---- envelope and producer metadata

  /** 0 put, 1 delete, 2 control message, 3 update (as written; not checked against the payload). */
  public int messageType() {
    return messageType;
  }

  /** A copy of the 16-byte producer GUID. */
  public byte[] producerGuid() {
    return producerGuid.clone();
  }

  /** True when the producer GUID equals {@code guid}; allocates nothing. Null-safe. */
  public boolean producerGuidEquals(byte[] guid) {
    return Arrays.equals(producerGuid, guid);
  }

  public int segmentNumber() {
    return segmentNumber;
  }

  public int messageSequenceNumber() {
    return messageSequenceNumber;
  }

  /** The producer's wall clock when it wrote the record, ms since the epoch. */
  public long messageTimestamp() {
    return messageTimestamp;
  }

  public long logicalTimestamp() {
    return logicalTimestamp;
  }

  // ---- payload

  /**
   * The payloadUnion branch: {@link StampCodec#PAYLOAD_PUT}, {@link StampCodec#PAYLOAD_UPDATE},
   * {@link StampCodec#PAYLOAD_DELETE} or {@link StampCodec#PAYLOAD_CONTROL_MESSAGE}.
   */
  public int payloadUnionBranch() {
    return payloadUnionBranch;
  }

  public boolean isPut() {
    return payloadUnionBranch == StampCodec.PAYLOAD_PUT;
  }

  public boolean isUpdate() {
    return payloadUnionBranch == StampCodec.PAYLOAD_UPDATE;
  }

  public boolean isDelete() {
    return payloadUnionBranch == StampCodec.PAYLOAD_DELETE;
  }

  public boolean isControlMessage() {
    return payloadUnionBranch == StampCodec.PAYLOAD_CONTROL_MESSAGE;
  }

  /** The value schema id of a put, update or delete; -1 for a control message. */
  public int schemaId() {
    return schemaId;
  }

  /** The update schema id of an update; -1 otherwise. */
  public int updateSchemaId() {
    return updateSchemaId;
  }

  /** A copy of a put's {@code putValue} or an update's {@code updateValue}; null otherwise. */
  public byte[] value() {
    return value == null ? null : value.clone();
  }

  /** The length of {@link #value()}, or -1 when there is none. */
  public int valueLength() {
    return value == null ? -1 : value.length;
  }

  /** The replication metadata version id of a put or delete; -1 otherwise. */
  public int replicationMetadataVersionId() {
    return replicationMetadataVersionId;
  }

  /** A copy of the replication metadata payload of a put or delete; null otherwise. */
  public byte[] replicationMetadataPayload() {
    return replicationMetadataPayload == null ? null : replicationMetadataPayload.clone();
  }

  /** The control message type (2 for a StartOfSegment, as every stamp has); -1 otherwise. */
  public int controlMessageType() {
    return controlMessageType;
  }

  /** The controlMessageUnion branch of a control message (2 = StartOfSegment); -1 otherwise. */
  public int controlMessageUnionBranch() {
    return controlMessageUnionBranch;
  }

  /** A control message's debugInfo map (unmodifiable); empty otherwise. */
  public Map<String, String> debugInfo() {
    return debugInfo;
  }

  /** The checksumType of a StartOfSegment payload; -1 for every other payload. */
  public int checksumType() {
    return checksumType;
  }

  /** The upcomingAggregates of a StartOfSegment payload (unmodifiable); empty otherwise. */
  public List<String> upcomingAggregates() {
    return upcomingAggregates;
  }

  // ---- leader metadata footer

  /**
   * Whether this value has the shape every self-contained stamp has (a StartOfSegment control
   * message with a leader metadata footer). A stamp key on any other value is forged or corrupt and
   * must not be observed as a stamp.
   */
  public boolean hasStampShape() {
    return isControlMessage()
        && controlMessageType() == StampCodec.CONTROL_START_OF_SEGMENT
        && footerPresent;
  }

  /** True when the leaderMetadataFooter union holds a LeaderMetadata (branch 1). */
  public boolean hasLeaderMetadataFooter() {
    return footerPresent;
  }

  /** The footer's hostName (the writer id); null without a footer. */
  public String hostName() {
    return hostName;
  }

  /** The footer's upstreamOffset; -1 without a footer. */
  public long upstreamOffset() {
    return upstreamOffset;
  }

  /** The footer's upstreamKafkaClusterId; -1 without a footer. */
  public int upstreamKafkaClusterId() {
    return upstreamKafkaClusterId;
  }

  /** A copy of the footer's upstreamPubSubPosition; null without a footer. */
  public byte[] upstreamPubSubPosition() {
    return upstreamPubSubPosition == null ? null : upstreamPubSubPosition.clone();
  }

  /** The footer's termId; -1 without a footer. */
  public long termId() {
    return termId;
  }

  /** The footer's upstreamMessageTimestamp; -1 without a footer. */
  public long upstreamMessageTimestamp() {
    return upstreamMessageTimestamp;
  }

  /** The record's leadership term: the footer's termId, or -1 when the footer is absent. */
  public long term() {
    return footerPresent ? termId : -1L;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(192);
    sb.append("DecodedEnvelope{messageType=").append(messageType);
    sb.append(", producerGuid=").append(HEX.formatHex(producerGuid));
    sb.append(", segment=").append(segmentNumber);
    sb.append(", sequence=").append(messageSequenceNumber);
    sb.append(", messageTimestamp=").append(messageTimestamp);
    sb.append(", logicalTimestamp=").append(logicalTimestamp);
    sb.append(", payloadUnionBranch=").append(payloadUnionBranch);
    if (isControlMessage()) {
      sb.append(", controlMessageType=").append(controlMessageType);
      sb.append(", controlMessageUnionBranch=").append(controlMessageUnionBranch);
      sb.append(", debugInfo=").append(debugInfo);
      if (controlMessageUnionBranch == StampCodec.CONTROL_START_OF_SEGMENT) {
        sb.append(", checksumType=").append(checksumType);
        sb.append(", upcomingAggregates=").append(upcomingAggregates);
      }
    } else {
      sb.append(", schemaId=").append(schemaId).append(", valueLength=").append(valueLength());
    }
    if (footerPresent) {
      sb.append(", footer{hostName=").append(hostName);
      sb.append(", upstreamOffset=").append(upstreamOffset);
      sb.append(", upstreamKafkaClusterId=").append(upstreamKafkaClusterId);
      sb.append(", upstreamPubSubPosition=").append(HEX.formatHex(upstreamPubSubPosition));
      sb.append(", termId=").append(termId);
      sb.append(", upstreamMessageTimestamp=").append(upstreamMessageTimestamp).append('}');
    } else {
      sb.append(", no footer");
    }
    return sb.append('}').toString();
  }
}
