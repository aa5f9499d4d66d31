package io.handoff.codec;

import static java.util.Objects.requireNonNull;

/** The EndOfIncrementalPush control payload. */
public record EndOfIncrementalPush(String version) implements ControlPayload {

  public EndOfIncrementalPush {
    requireNonNull(version, "version is null");
  }

  @Override
  public ControlMessageType type() {
    return ControlMessageType.END_OF_INCREMENTAL_PUSH;
  }
}
