package io.handoff.stamp;

import io.handoff.codec.RecordKeys;
import java.util.Arrays;

/**
 * Hot-path predicates on Kafka record keys: is this record one of the self-contained stamps?
 *
 * <p>A stamp is identified by its key bytes alone, never by its payload. Every predicate is
 * null-safe (a null key is no stamp), allocates nothing, never hashes, and compares with {@link
 * Arrays#equals(byte[], byte[])} against private constants. Safe from any thread.
 */
public final class StampKeys {

  private static final byte[] STEP_DOWN_KEY = StampKind.STEP_DOWN.key();
  private static final byte[] DECLARATION_OF_LEADERSHIP_KEY =
      StampKind.DECLARATION_OF_LEADERSHIP.key();
  private static final byte[] HEARTBEAT_KEY = StampKind.HEARTBEAT.key();

  private StampKeys() {}

  /** True when {@code key} is the 25-byte leader step-down stamp key. */
  public static boolean isStepDownKey(byte[] key) {
    return Arrays.equals(STEP_DOWN_KEY, key);
  }

  /** True when {@code key} is the 25-byte declaration-of-leadership key. */
  public static boolean isDeclarationOfLeadershipKey(byte[] key) {
    return Arrays.equals(DECLARATION_OF_LEADERSHIP_KEY, key);
  }

  /** True when {@code key} is the 25-byte heartbeat key. */
  public static boolean isHeartbeatKey(byte[] key) {
    return Arrays.equals(HEARTBEAT_KEY, key);
  }

  /**
   * True when {@code key} is the key of any self-contained stamp (step-down, DoL, heartbeat). Such
   * records are not part of any producer's segment/sequence chain, so hosts call this to bypass
   * data-integrity validation for them.
   */
  public static boolean isSelfContainedStamp(byte[] key) {
    return kindOf(key) != null;
  }

  /** The stamp kind whose key {@code key} is, or null for any other key (and for null). */
  public static StampKind kindOf(byte[] key) {
    if (key == null
        || key.length != StampKind.KEY_LENGTH
        || key[0] != RecordKeys.CONTROL_MESSAGE_KEY_HEADER) {
      return null;
    }
    if (Arrays.equals(STEP_DOWN_KEY, key)) {
      return StampKind.STEP_DOWN;
    }
    if (Arrays.equals(DECLARATION_OF_LEADERSHIP_KEY, key)) {
      return StampKind.DECLARATION_OF_LEADERSHIP;
    }
    if (Arrays.equals(HEARTBEAT_KEY, key)) {
      return StampKind.HEARTBEAT;
    }
    return null;
  }

  /** A copy of the step-down stamp key. */
  public static byte[] stepDownKey() {
    return STEP_DOWN_KEY.clone();
  }

  /** A copy of the declaration-of-leadership key. */
  public static byte[] declarationOfLeadershipKey() {
    return DECLARATION_OF_LEADERSHIP_KEY.clone();
  }

  /** A copy of the heartbeat key. */
  public static byte[] heartbeatKey() {
    return HEARTBEAT_KEY.clone();
  }
}
