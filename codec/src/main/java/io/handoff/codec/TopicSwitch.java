package io.handoff.codec;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The TopicSwitch control payload. Immutable.
 *
 * @param sourceKafkaServers unmodifiable
 */
public record TopicSwitch(
    List<String> sourceKafkaServers, String sourceTopicName, long rewindStartTimestamp)
    implements ControlPayload {

  public TopicSwitch {
    sourceKafkaServers = List.copyOf(sourceKafkaServers);
    requireNonNull(sourceTopicName, "sourceTopicName is null");
  }

  @Override
  public ControlMessageType type() {
    return ControlMessageType.TOPIC_SWITCH;
  }
}
