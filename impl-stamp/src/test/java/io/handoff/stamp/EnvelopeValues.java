package io.handoff.stamp;

import io.handoff.codec.ControlMessageType;
import io.handoff.codec.ControlPayload;
import io.handoff.codec.EndOfPush;
import io.handoff.codec.StartOfPush;
import io.handoff.codec.StartOfSegment;
import io.handoff.codec.Values;

/**
 * Control messages by type and union branch, for the tests; puts and the rest come from codec's
 * {@link Values}.
 */
final class EnvelopeValues {

  static final int END_OF_PUSH = ControlMessageType.END_OF_PUSH.wireNumber();

  private EnvelopeValues() {}

  /**
   * A control message of type {@code type} whose union holds branch {@code branch}: StartOfPush
   * with its defaults, EndOfPush, or StartOfSegment without checksum; type and branch as given.
   */
  static byte[] encodeControl(
      byte[] guid,
      int segment,
      int sequence,
      long timestampMs,
      int type,
      int branch,
      long term,
      String writerId) {
    ControlPayload body =
        switch (ControlMessageType.fromWireNumber(branch)) {
          case START_OF_PUSH -> StartOfPush.defaults();
          case END_OF_PUSH -> new EndOfPush();
          case START_OF_SEGMENT -> StartOfSegment.of(io.handoff.codec.ChecksumType.NONE);
          default -> throw new IllegalArgumentException("branch " + branch);
        };
    return Values.control(guid, segment, sequence, timestampMs, type, body, term, writerId);
  }
}
