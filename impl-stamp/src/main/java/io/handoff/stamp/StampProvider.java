package io.handoff.stamp;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverEvidence;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffProvider;

/**
 * The {@code stamp} strategy: a step-down stamp on the version topic, written by {@link
 * KafkaStampEmitter} and read by {@link StampObserver}.
 */
public final class StampProvider implements LeadershipHandoffProvider {

  public static final String NAME = "stamp";

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Stamps on the host's producer when it lends one ({@code HostResources.of(Producer.class, p)}),
   * else on the emitter's own producer after the host's {@link io.handoff.spi.WriteBarrier}.
   *
   * @throws IllegalArgumentException if emitting is on and the host lent neither, or the Kafka
   *     properties of an own producer are unusable
   */
  @Override
  public LeadershipHandoffEmitter newEmitter(
      HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
    return KafkaStampEmitter.from(settings, metrics, resources);
  }

  @Override
  public HandoverEvidence newEvidence(
      HandoffSettings settings, HandoffMetrics metrics, String versionTopic, String localWriterId) {
    requireNonNull(settings, "settings is null");
    return new StampObserver(metrics, versionTopic, localWriterId);
  }

  @Override
  public String toString() {
    return "StampProvider";
  }
}
