package io.handoff.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * A delete. Immutable: the replication metadata is copied in and out.
 *
 * @param schemaId -1 unless the writer names one
 * @param replicationMetadataVersionId -1 without replication metadata
 * @param replicationMetadataPayload empty without replication metadata
 */
public record Delete(
    int schemaId, int replicationMetadataVersionId, byte[] replicationMetadataPayload)
    implements Payload {

  public Delete {
    replicationMetadataPayload =
        Bytes.copy(replicationMetadataPayload, "replicationMetadataPayload");
  }

  @Override
  public PayloadBranch branch() {
    return PayloadBranch.DELETE;
  }

  /** A copy of the replication metadata payload. */
  @Override
  public byte[] replicationMetadataPayload() {
    return replicationMetadataPayload.clone();
  }

  byte[] metadataRef() {
    return replicationMetadataPayload;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Delete d
        && schemaId == d.schemaId
        && replicationMetadataVersionId == d.replicationMetadataVersionId
        && Arrays.equals(replicationMetadataPayload, d.replicationMetadataPayload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        schemaId, replicationMetadataVersionId, Arrays.hashCode(replicationMetadataPayload));
  }

  @Override
  public String toString() {
    return "Delete[schemaId="
        + schemaId
        + ", replicationMetadataVersionId="
        + replicationMetadataVersionId
        + ", replicationMetadataPayload="
        + Bytes.hex(replicationMetadataPayload)
        + "]";
  }
}
