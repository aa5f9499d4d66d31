package io.handoff.codec;

/**
 * The control message's {@code controlMessageType} field. Each type's wire number is also the index
 * of its payload's branch in {@code controlMessageUnion}, but the two are written separately and
 * not checked against each other, so a decoded {@link ControlMessage} keeps the number as written.
 */
public enum ControlMessageType {
  START_OF_PUSH,
  END_OF_PUSH,
  START_OF_SEGMENT,
  END_OF_SEGMENT,
  START_OF_BUFFER_REPLAY,
  START_OF_INCREMENTAL_PUSH,
  END_OF_INCREMENTAL_PUSH,
  TOPIC_SWITCH,
  VERSION_SWAP;

  private static final ControlMessageType[] BY_WIRE_NUMBER = values();

  /** The number written in {@code controlMessageType}: the declaration order, 0 to 8. */
  public int wireNumber() {
    return ordinal();
  }

  /** The type whose wire number is {@code number}, or null when no type has it. */
  public static ControlMessageType fromWireNumber(int number) {
    return number >= 0 && number < BY_WIRE_NUMBER.length ? BY_WIRE_NUMBER[number] : null;
  }

  /** The name of the type numbered {@code number}, or {@code TYPE_<number>} for an unknown one. */
  public static String nameOf(int number) {
    ControlMessageType type = fromWireNumber(number);
    return type == null ? "TYPE_" + number : type.name();
  }
}
