package io.handoff.codec;

/**
 * The envelope's {@code messageType} field. On the wire it is a plain int, written as the writer
 * chose and not checked against the payload, so a decoded envelope keeps the number itself and
 * {@link #fromWireNumber} tells whether it is one of these.
 */
public enum MessageType {
  PUT(0),
  DELETE(1),
  CONTROL_MESSAGE(2),
  UPDATE(3);

  private static final MessageType[] BY_WIRE_NUMBER = {PUT, DELETE, CONTROL_MESSAGE, UPDATE};

  private final int wireNumber;

  MessageType(int wireNumber) {
    this.wireNumber = wireNumber;
  }

  /** The number written in the envelope's {@code messageType} field. */
  public int wireNumber() {
    return wireNumber;
  }

  /** The type whose wire number is {@code number}, or null when no type has it. */
  public static MessageType fromWireNumber(int number) {
    return number >= 0 && number < BY_WIRE_NUMBER.length ? BY_WIRE_NUMBER[number] : null;
  }

  /** The name of the type numbered {@code number}, or {@code TYPE_<number>} for an unknown one. */
  public static String nameOf(int number) {
    MessageType type = fromWireNumber(number);
    return type == null ? "TYPE_" + number : type.name();
  }
}
