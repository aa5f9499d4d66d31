package io.handoff.codec;

import static java.util.Objects.requireNonNull;

/**
 * The few fields of an envelope that classify a consumed record and attribute it to a writer, read
 * by {@link EnvelopeCodec#summarize} after checking the whole value as {@link EnvelopeCodec#decode}
 * does, but without copying any payload bytes. Immutable.
 *
 * @param messageType as written: see {@link MessageType#fromWireNumber}
 * @param controlMessageType the control message's type as written when the payload is a control
 *     message; {@link #NOT_A_CONTROL_MESSAGE} for any other payload
 * @param writerId the footer's host name; null without a footer
 * @param term the footer's termId; -1 without a footer
 */
public record EnvelopeSummary(
    int messageType,
    PayloadBranch payloadBranch,
    int controlMessageType,
    String writerId,
    long term) {

  /** The {@link #controlMessageType} of a payload that is no control message. */
  public static final int NOT_A_CONTROL_MESSAGE = -1;

  public EnvelopeSummary {
    requireNonNull(payloadBranch, "payloadBranch is null");
    if (payloadBranch != PayloadBranch.CONTROL_MESSAGE
        && controlMessageType != NOT_A_CONTROL_MESSAGE) {
      throw new IllegalArgumentException(
          "a " + payloadBranch + " payload has no control message type, got " + controlMessageType);
    }
  }

  /** True when the leader metadata footer is present. */
  public boolean hasLeaderMetadata() {
    return writerId != null;
  }

  /** True when the payload is a control message. */
  public boolean isControlMessage() {
    return payloadBranch == PayloadBranch.CONTROL_MESSAGE;
  }

  /** True when the payload is a control message whose type is {@code type}. */
  public boolean isControlMessageOf(ControlMessageType type) {
    // Only a control message has a type other than NOT_A_CONTROL_MESSAGE, which no type numbers.
    return controlMessageType == type.wireNumber();
  }
}
