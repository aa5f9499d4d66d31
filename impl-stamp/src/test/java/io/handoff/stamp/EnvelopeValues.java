package io.handoff.stamp;

import io.handoff.codec.ControlMessage;
import io.handoff.codec.ControlMessageType;
import io.handoff.codec.ControlPayload;
import io.handoff.codec.EndOfPush;
import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.LeaderMetadata;
import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.Put;
import io.handoff.codec.StartOfPush;
import io.handoff.codec.StartOfSegment;
import java.util.Map;

/** Record values of data and control messages as Venice's writers write them, for the tests. */
final class EnvelopeValues {

  static final int END_OF_PUSH = ControlMessageType.END_OF_PUSH.wireNumber();

  private EnvelopeValues() {}

  /**
   * A put; when {@code writerId} is not null, with a leader metadata footer of that writer id and
   * {@code term} (-1 for none, as Venice's leaders write data).
   */
  static byte[] encodePut(
      byte[] guid,
      int segment,
      int sequence,
      long timestampMs,
      byte[] value,
      int schemaId,
      long term,
      String writerId) {
    return EnvelopeCodec.encode(
        Envelope.of(
            ProducerMetadata.of(guid, segment, sequence, timestampMs),
            Put.of(value, schemaId),
            footer(term, writerId)));
  }

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
    return EnvelopeCodec.encode(
        Envelope.of(
            ProducerMetadata.of(guid, segment, sequence, timestampMs),
            new ControlMessage(type, Map.of(), body),
            footer(term, writerId)));
  }

  private static LeaderMetadata footer(long term, String writerId) {
    return writerId == null ? null : LeaderMetadata.of(writerId, term);
  }
}
