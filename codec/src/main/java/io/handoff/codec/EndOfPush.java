package io.handoff.codec;

/** The EndOfPush control payload: it has no fields. */
public record EndOfPush() implements ControlPayload {

  @Override
  public ControlMessageType type() {
    return ControlMessageType.END_OF_PUSH;
  }
}
