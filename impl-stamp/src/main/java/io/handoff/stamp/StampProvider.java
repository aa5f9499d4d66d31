package io.handoff.stamp;

import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffProvider;

/**
 * The {@code stamp} strategy: a step-down stamp on the version topic, written by
 * {@link KafkaStampEmitter} and read by {@link StampObserver}.
 */
public final class StampProvider implements LeadershipHandoffProvider {

  public static final String NAME = "stamp";

  @Override
  public String name() {
    return NAME;
  }

  /** @throws IllegalArgumentException if emitting is on and the Kafka properties are unusable */
  @Override
  public LeadershipHandoffEmitter newEmitter(HandoffSettings settings, HandoffMetrics metrics) {
    return new KafkaStampEmitter(settings, metrics);
  }

  @Override
  public LeadershipHandoffObserver newObserver(HandoffSettings settings, HandoffMetrics metrics, String versionTopic,
      String localWriterId) {
    return new StampObserver(settings, metrics, versionTopic, localWriterId);
  }

  @Override
  public String toString() {
    return "StampProvider";
  }
}
