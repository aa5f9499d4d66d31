package io.handoff.cli;

import io.handoff.stamp.DecodedEnvelope;
import io.handoff.stamp.StampKeys;
import io.handoff.stamp.StampKind;
import java.util.List;

/**
 * How the {@code inspect} and {@code stamp decode} commands name a version-topic record: the three
 * self-contained stamps by their key alone (never by payload), everything else by its decoded
 * envelope. Stateless.
 */
final class InspectRecordKind {

  static final String DATA = "DATA";
  static final String STEP_DOWN_STAMP = "STEP_DOWN_STAMP";
  static final String DOL = "DOL";
  static final String HEARTBEAT = "HEARTBEAT";
  static final String UNDECODABLE = "UNDECODABLE";
  static final String CONTROL_PREFIX = "CONTROL:";

  /** controlMessageType names, indexed by type code. */
  private static final List<String> CONTROL_TYPES =
      List.of(
          "START_OF_PUSH",
          "END_OF_PUSH",
          "START_OF_SEGMENT",
          "END_OF_SEGMENT",
          "START_OF_BUFFER_REPLAY",
          "START_OF_INCREMENTAL_PUSH",
          "END_OF_INCREMENTAL_PUSH",
          "TOPIC_SWITCH",
          "VERSION_SWAP");

  private static final List<String> MESSAGE_TYPES =
      List.of("PUT", "DELETE", "CONTROL_MESSAGE", "UPDATE");

  /** payloadUnion branch names, indexed by branch (not the messageType numbering). */
  private static final List<String> PAYLOAD_BRANCHES =
      List.of("PUT", "UPDATE", "DELETE", "CONTROL_MESSAGE");

  private static final List<String> CHECKSUM_TYPES =
      List.of("NONE", "MD5", "ADLER32", "CRC32", "ADHASH");

  private InspectRecordKind() {}

  /** The stamp kind named by {@code key}, or null when the key is no stamp key. */
  static String stampKindOf(byte[] key) {
    StampKind kind = StampKeys.kindOf(key);
    if (kind == null) {
      return null;
    }
    return switch (kind) {
      case STEP_DOWN -> STEP_DOWN_STAMP;
      case DECLARATION_OF_LEADERSHIP -> DOL;
      case HEARTBEAT -> HEARTBEAT;
    };
  }

  /**
   * The kind of a record whose value decoded to {@code envelope}: a stamp kind when the key is a
   * stamp key, else {@code DATA} for puts, deletes and updates, else {@code CONTROL:<TYPE>}.
   */
  static String kindOf(byte[] key, DecodedEnvelope envelope) {
    String stamp = stampKindOf(key);
    if (stamp != null) {
      return stamp;
    }
    if (envelope.isControlMessage()) {
      return CONTROL_PREFIX + controlTypeName(envelope.controlMessageType());
    }
    return DATA;
  }

  /** {@code END_OF_PUSH} for 1, ..., {@code TYPE_<n>} for a code this tool does not know. */
  static String controlTypeName(int type) {
    return name(CONTROL_TYPES, type);
  }

  static String messageTypeName(int type) {
    return name(MESSAGE_TYPES, type);
  }

  static String payloadBranchName(int branch) {
    return name(PAYLOAD_BRANCHES, branch);
  }

  static String checksumTypeName(int type) {
    return name(CHECKSUM_TYPES, type);
  }

  private static String name(List<String> names, int code) {
    return code >= 0 && code < names.size() ? names.get(code) : "TYPE_" + code;
  }

  /** Makes sure a codec message fits on one line. */
  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ");
  }
}
