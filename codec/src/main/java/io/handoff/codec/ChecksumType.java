package io.handoff.codec;

/** The checksum type codes of {@link StartOfSegment#checksumType()}. */
public enum ChecksumType {
  NONE,
  MD5,
  ADLER32,
  CRC32,
  ADHASH;

  private static final ChecksumType[] BY_WIRE_NUMBER = values();

  /** The number written on the wire: the declaration order, 0 to 4. */
  public int wireNumber() {
    return ordinal();
  }

  /** The type whose wire number is {@code number}, or null when no type has it. */
  public static ChecksumType fromWireNumber(int number) {
    return number >= 0 && number < BY_WIRE_NUMBER.length ? BY_WIRE_NUMBER[number] : null;
  }

  /** The name of the type numbered {@code number}, or {@code TYPE_<number>} for an unknown one. */
  public static String nameOf(int number) {
    ChecksumType type = fromWireNumber(number);
    return type == null ? "TYPE_" + number : type.name();
  }
}
