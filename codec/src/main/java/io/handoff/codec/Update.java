package io.handoff.codec;

import java.util.Arrays;
import java.util.Objects;

/** A partial update. Immutable: the value is copied in and out. */
public record Update(int schemaId, int updateSchemaId, byte[] updateValue) implements Payload {

  public Update {
    updateValue = Bytes.copy(updateValue, "updateValue");
  }

  @Override
  public PayloadBranch branch() {
    return PayloadBranch.UPDATE;
  }

  /** A copy of the update value. */
  @Override
  public byte[] updateValue() {
    return updateValue.clone();
  }

  byte[] valueRef() {
    return updateValue;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Update u
        && schemaId == u.schemaId
        && updateSchemaId == u.updateSchemaId
        && Arrays.equals(updateValue, u.updateValue);
  }

  @Override
  public int hashCode() {
    return Objects.hash(schemaId, updateSchemaId, Arrays.hashCode(updateValue));
  }

  @Override
  public String toString() {
    return "Update[schemaId="
        + schemaId
        + ", updateSchemaId="
        + updateSchemaId
        + ", updateValue="
        + Bytes.hex(updateValue)
        + "]";
  }
}
