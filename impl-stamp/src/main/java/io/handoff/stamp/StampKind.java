package io.handoff.stamp;

import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.RecordKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * The self-contained control stamps a writer appends to a version-topic partition.
 *
 * <p>Each kind is identified on the wire only by its 25-byte Kafka record key: the control-message
 * key header byte {@code 2}, the kind's fixed producer GUID, then segment number {@code 0} and
 * sequence number {@code 0} (both big-endian ints). The GUID is the name-based (type 3, MD5) UUID
 * of the kind's {@linkplain #uuidName() name}, written most-significant long first, big-endian.
 *
 * <p>Every accessor returning bytes returns a fresh copy; the enum itself is immutable.
 */
public enum StampKind {
  /** The old leader's "I have stopped writing" stamp, appended on LEADER -> STANDBY. */
  STEP_DOWN("leaderStepDownStampControlMessage"),
  /** The new leader's declaration of leadership (DoL). */
  DECLARATION_OF_LEADERSHIP("declarationOfLeadershipControlMessage"),
  /** The leader's periodic heartbeat. */
  HEARTBEAT("heartbeatControlMessage");

  /** Length of a control-stamp key in bytes: header byte, GUID, segment, sequence. */
  public static final int KEY_LENGTH = 1 + ProducerMetadata.GUID_LENGTH + 4 + 4;

  private final String uuidName;
  private final UUID uuid;
  private final byte[] guid;
  private final byte[] key;

  StampKind(String uuidName) {
    this.uuidName = uuidName;
    this.uuid = UUID.nameUUIDFromBytes(uuidName.getBytes(StandardCharsets.UTF_8));
    this.guid =
        ByteBuffer.allocate(ProducerMetadata.GUID_LENGTH)
            .putLong(uuid.getMostSignificantBits())
            .putLong(uuid.getLeastSignificantBits())
            .array();
    // header, GUID, segment 0, sequence 0: the trailing eight bytes stay zero.
    this.key =
        ByteBuffer.allocate(KEY_LENGTH)
            .put(RecordKeys.CONTROL_MESSAGE_KEY_HEADER)
            .put(guid)
            .array();
  }

  /** The name the GUID is derived from, e.g. {@code leaderStepDownStampControlMessage}. */
  public String uuidName() {
    return uuidName;
  }

  /** The kind's name-based UUID. */
  public UUID uuid() {
    return uuid;
  }

  /** A copy of the 16-byte producer GUID. */
  public byte[] guid() {
    return guid.clone();
  }

  /** A copy of the 25-byte Kafka record key. */
  public byte[] key() {
    return key.clone();
  }

  /** True when {@code guid} holds exactly this kind's 16 GUID bytes. Null-safe. */
  public boolean hasGuid(byte[] guid) {
    return Arrays.equals(this.guid, guid);
  }

  /** The GUID itself, not a copy: package-internal, never handed out. */
  byte[] guidRef() {
    return guid;
  }

  /** The key itself, not a copy: package-internal, never handed out. */
  byte[] keyRef() {
    return key;
  }
}
