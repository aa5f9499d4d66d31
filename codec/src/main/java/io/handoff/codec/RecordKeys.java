package io.handoff.codec;

import static java.util.Objects.requireNonNull;

/**
 * The first byte of a version-topic record's Kafka key says what the record is: a data put or
 * delete, a control message, or an update. The bytes after it are the user's key for data, and a
 * producer GUID, segment and sequence number for control messages.
 */
public final class RecordKeys {

  /** Key header byte of a data put or delete. */
  public static final byte DATA_KEY_HEADER = 0;

  /** Key header byte of a control message. */
  public static final byte CONTROL_MESSAGE_KEY_HEADER = 2;

  /** Key header byte of an update. */
  public static final byte UPDATE_KEY_HEADER = 4;

  private RecordKeys() {}

  /** The Kafka record key of a data put or delete: header byte 0, then the user's key. */
  public static byte[] dataKey(byte[] userKey) {
    requireNonNull(userKey, "userKey is null");
    byte[] key = new byte[userKey.length + 1];
    key[0] = DATA_KEY_HEADER;
    System.arraycopy(userKey, 0, key, 1, userKey.length);
    return key;
  }
}
