package io.handoff.codec;

import static java.util.Objects.requireNonNull;

/** The StartOfIncrementalPush control payload. */
public record StartOfIncrementalPush(String version) implements ControlPayload {

  public StartOfIncrementalPush {
    requireNonNull(version, "version is null");
  }

  @Override
  public ControlMessageType type() {
    return ControlMessageType.START_OF_INCREMENTAL_PUSH;
  }
}
