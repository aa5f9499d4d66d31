package io.handoff.codec;

/**
 * The one exception the envelope codec throws for bytes it cannot accept: a record value that is
 * not a complete, well-formed envelope of protocol version 14, or a producer GUID that is not 16
 * bytes.
 *
 * <p>The message names what was wrong and where; {@link #reason()}, {@link #offset()} and {@link
 * #field()} give the same in a form code can use. The codec does not know the topic-partition and
 * Kafka offset a value came from: a caller that does adds them when it reports or rethrows.
 */
public class EnvelopeCodecException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What was wrong with the bytes. */
  public enum Reason {
    /** The value was null or had no bytes. */
    NULL_OR_EMPTY,
    /** The first byte was not the magic byte 23. */
    WRONG_MAGIC_BYTE,
    /** The second byte named a protocol version other than 14. */
    UNKNOWN_PROTOCOL_VERSION,
    /** The value ended before the envelope was complete. */
    TRUNCATED,
    /** A union branch index outside the union's branches. */
    UNKNOWN_UNION_BRANCH,
    /** Bytes were left over after a complete envelope. */
    TRAILING_BYTES,
    /** A producer GUID that is not exactly 16 bytes. */
    INVALID_GUID_LENGTH,
    /** Any other malformed encoding: an overlong varint, a negative length, a bad boolean. */
    MALFORMED
  }

  private final Reason reason;
  private final int offset;
  private final String field;

  /**
   * @param offset the byte offset in the value where the faulty item starts, or -1 when the fault
   *     is not at a place in a value (a null value, a GUID argument)
   * @param field the field the fault is in, as a path such as {@code LeaderMetadata.hostName}, or
   *     null when it is in no field (a null value, trailing bytes)
   */
  public EnvelopeCodecException(Reason reason, String message, int offset, String field) {
    super(message);
    this.reason = reason;
    this.offset = offset;
    this.field = field;
  }

  /** What was wrong. */
  public Reason reason() {
    return reason;
  }

  /** The byte offset in the value where the faulty item starts; -1 when there is none. */
  public int offset() {
    return offset;
  }

  /** The field the fault is in, such as {@code LeaderMetadata.hostName}; null when none. */
  public String field() {
    return field;
  }
}
