package io.handoff.tck;

import static java.util.Objects.requireNonNull;

import io.handoff.tck.RuleRecords.Kind;
import java.util.Arrays;

/**
 * A strategy's record keys for each {@link Kind} of the rules table: its declaration of leadership
 * and its step-down stamp, and keys of ordinary records it must not take for either. Immutable;
 * keys are copied in and out.
 */
public final class RuleKeys {

  private static final byte[] DATA = {0, 'k', 'e', 'y'};
  private static final byte[] HEARTBEAT = {0, 'h', 'e', 'a', 'r', 't', 'b', 'e', 'a', 't'};
  private static final byte[] OTHER_CONTROL = {0, 'c', 'o', 'n', 't', 'r', 'o', 'l'};
  private static final byte[] NOBODYS_DECLARATION = {0, 't', 'c', 'k', '-', 'd', 'o', 'l'};
  private static final byte[] NOBODYS_STAMP = {0, 't', 'c', 'k', '-', 's', 'd'};

  private final byte[] declaration;
  private final byte[] stepDown;
  private final byte[] data;
  private final byte[] heartbeat;
  private final byte[] otherControl;

  private RuleKeys(
      byte[] declaration, byte[] stepDown, byte[] data, byte[] heartbeat, byte[] otherControl) {
    this.declaration = requireNonNull(declaration, "declaration is null").clone();
    this.stepDown = requireNonNull(stepDown, "stepDown is null").clone();
    this.data = requireNonNull(data, "data is null").clone();
    this.heartbeat = requireNonNull(heartbeat, "heartbeat is null").clone();
    this.otherControl = requireNonNull(otherControl, "otherControl is null").clone();
    if (Arrays.equals(this.declaration, this.stepDown)) {
      throw new IllegalArgumentException(
          "the declaration and step-down keys are equal: " + Arrays.toString(this.declaration));
    }
  }

  /**
   * The keys of a strategy that cuts the wait: its declaration and its stamp; data, heartbeats and
   * other control messages get keys of the kit's that must be neither.
   */
  public static RuleKeys of(byte[] declaration, byte[] stepDown) {
    return new RuleKeys(declaration, stepDown, DATA, HEARTBEAT, OTHER_CONTROL);
  }

  /**
   * Keys for a strategy that never cuts the wait: declarations and stamps get keys of the kit's own
   * that no strategy knows, so every record is an ordinary one.
   */
  public static RuleKeys none() {
    return of(NOBODYS_DECLARATION, NOBODYS_STAMP);
  }

  /** These keys with the strategy's own key of a data record. */
  public RuleKeys withData(byte[] key) {
    return new RuleKeys(declaration, stepDown, key, heartbeat, otherControl);
  }

  /** These keys with the strategy's own key of a heartbeat. */
  public RuleKeys withHeartbeat(byte[] key) {
    return new RuleKeys(declaration, stepDown, data, key, otherControl);
  }

  /** These keys with the key of a control message of no stamp kind. */
  public RuleKeys withOtherControl(byte[] key) {
    return new RuleKeys(declaration, stepDown, data, heartbeat, key);
  }

  /** Whether these are the keys of {@link #none()}. */
  public boolean isNone() {
    return Arrays.equals(declaration, NOBODYS_DECLARATION)
        && Arrays.equals(stepDown, NOBODYS_STAMP);
  }

  /**
   * A fresh copy of the key of {@code kind}; null for {@link Kind#NO_KEY} and {@link
   * Kind#UNDECODABLE}, which carry none.
   */
  public byte[] key(Kind kind) {
    return switch (requireNonNull(kind, "kind is null")) {
      case DOL -> declaration.clone();
      case STEP_DOWN -> stepDown.clone();
      case DATA -> data.clone();
      case HEARTBEAT -> heartbeat.clone();
      case OTHER_CONTROL -> otherControl.clone();
      case NO_KEY, UNDECODABLE -> null;
    };
  }
}
