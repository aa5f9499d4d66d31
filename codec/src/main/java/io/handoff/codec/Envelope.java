package io.handoff.codec;

import static java.util.Objects.requireNonNull;

/**
 * One record value of a version topic: the envelope of protocol version 14 ({@code
 * KafkaMessageEnvelope}). Immutable.
 *
 * @param messageType the message type as written, which nothing on the wire checks against the
 *     payload: see {@link MessageType#fromWireNumber}
 * @param leaderMetadata the {@code leaderMetadataFooter}, or null when the union holds its null
 *     branch (a record no leader attributed)
 */
public record Envelope(
    int messageType,
    ProducerMetadata producerMetadata,
    Payload payload,
    LeaderMetadata leaderMetadata) {

  public Envelope {
    requireNonNull(producerMetadata, "producerMetadata is null");
    requireNonNull(payload, "payload is null");
  }

  /** An envelope whose message type is the one of its payload's branch, as writers write it. */
  public static Envelope of(
      ProducerMetadata producerMetadata, Payload payload, LeaderMetadata leaderMetadata) {
    requireNonNull(payload, "payload is null");
    return new Envelope(
        payload.branch().messageType().wireNumber(), producerMetadata, payload, leaderMetadata);
  }

  /** True when the leader metadata footer is present. */
  public boolean hasLeaderMetadata() {
    return leaderMetadata != null;
  }

  /** The writer id: the footer's host name, or null without a footer. */
  public String writerId() {
    return leaderMetadata == null ? null : leaderMetadata.hostName();
  }

  /** The record's leadership term: the footer's termId, or -1 without a footer. */
  public long term() {
    return leaderMetadata == null ? -1L : leaderMetadata.termId();
  }

  /** What {@link EnvelopeCodec#summarize} reads of these bytes. */
  public EnvelopeSummary summary() {
    int controlType =
        payload instanceof ControlMessage c
            ? c.controlMessageType()
            : EnvelopeSummary.NOT_A_CONTROL_MESSAGE;
    return new EnvelopeSummary(messageType, payload.branch(), controlType, writerId(), term());
  }
}
