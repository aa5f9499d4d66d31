package io.handoff.stamp;

/**
 * The one exception the stamp codec throws for bytes it cannot accept: a record value that is not a
 * complete, well-formed envelope of protocol version 14, or a GUID argument of the wrong length.
 *
 * <p>The message names what was wrong and where; {@link #reason()} gives the same in a form code
 * can switch on. The codec does not know the topic-partition and offset a value came from: a caller
 * that does should add them when it reports or rethrows.
 */
public class StampCodecException extends RuntimeException {

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

  public StampCodecException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public StampCodecException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** What was wrong. */
  public Reason reason() {
    return reason;
  }
}
