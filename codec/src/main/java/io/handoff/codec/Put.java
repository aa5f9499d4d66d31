package io.handoff.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * A data put. Immutable: byte arrays are copied in and out.
 *
 * @param replicationMetadataVersionId -1 without replication metadata
 * @param replicationMetadataPayload empty without replication metadata
 */
public record Put(
    byte[] putValue,
    int schemaId,
    int replicationMetadataVersionId,
    byte[] replicationMetadataPayload)
    implements Payload {

  public Put {
    putValue = Bytes.copy(putValue, "putValue");
    replicationMetadataPayload =
        Bytes.copy(replicationMetadataPayload, "replicationMetadataPayload");
  }

  /** A put without replication metadata (version id -1, empty payload). */
  public static Put of(byte[] putValue, int schemaId) {
    return new Put(putValue, schemaId, -1, Bytes.EMPTY);
  }

  @Override
  public PayloadBranch branch() {
    return PayloadBranch.PUT;
  }

  /** A copy of the value. */
  @Override
  public byte[] putValue() {
    return putValue.clone();
  }

  /** A copy of the replication metadata payload. */
  @Override
  public byte[] replicationMetadataPayload() {
    return replicationMetadataPayload.clone();
  }

  byte[] valueRef() {
    return putValue;
  }

  byte[] metadataRef() {
    return replicationMetadataPayload;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Put p
        && Arrays.equals(putValue, p.putValue)
        && schemaId == p.schemaId
        && replicationMetadataVersionId == p.replicationMetadataVersionId
        && Arrays.equals(replicationMetadataPayload, p.replicationMetadataPayload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(putValue),
        schemaId,
        replicationMetadataVersionId,
        Arrays.hashCode(replicationMetadataPayload));
  }

  @Override
  public String toString() {
    return "Put[putValue="
        + Bytes.hex(putValue)
        + ", schemaId="
        + schemaId
        + ", replicationMetadataVersionId="
        + replicationMetadataVersionId
        + ", replicationMetadataPayload="
        + Bytes.hex(replicationMetadataPayload)
        + "]";
  }
}
