package io.handoff.cli;

import io.handoff.codec.EnvelopeSummary;
import io.handoff.stamp.StampKeys;
import io.handoff.stamp.StampKind;

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
   * stamp key, else {@code DATA} for puts, deletes and updates, else {@code CONTROL:<TYPE>} with
   * the name of {@link io.handoff.codec.ControlMessageType} ({@code TYPE_<n>} for an unknown one).
   */
  static String kindOf(byte[] key, EnvelopeSummary envelope) {
    String stamp = stampKindOf(key);
    if (stamp != null) {
      return stamp;
    }
    if (envelope.isControlMessage()) {
      return CONTROL_PREFIX
          + io.handoff.codec.ControlMessageType.nameOf(envelope.controlMessageType());
    }
    return DATA;
  }

  /** Makes sure a codec message fits on one line. */
  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ");
  }
}
