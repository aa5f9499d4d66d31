package io.handoff.codec;

/**
 * The branches of the envelope's {@code payloadUnion}, in branch order. Note that the branch order
 * is not the {@link MessageType} numbering: Update is branch 1 but message type 3.
 */
public enum PayloadBranch {
  PUT(MessageType.PUT),
  UPDATE(MessageType.UPDATE),
  DELETE(MessageType.DELETE),
  CONTROL_MESSAGE(MessageType.CONTROL_MESSAGE);

  private final MessageType messageType;

  PayloadBranch(MessageType messageType) {
    this.messageType = messageType;
  }

  /** The branch's index in {@code payloadUnion}: the declaration order, 0 to 3. */
  public int unionIndex() {
    return ordinal();
  }

  /** The message type a writer gives an envelope with this payload. */
  public MessageType messageType() {
    return messageType;
  }
}
