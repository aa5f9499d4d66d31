package io.handoff.stamp;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.ConfigKey;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverEvidence;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffProvider;
import java.util.List;

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

  /** The Kafka settings of the stamp emitter's own producer: {@link StampProducerConfig#KEYS}. */
  @Override
  public List<ConfigKey> configKeys() {
    return StampProducerConfig.KEYS;
  }

  /**
   * The given Kafka producer settings, checked with Kafka's own {@code ProducerConfig.configDef()}
   * ({@link StampProducerConfig#kafkaProblems}); no connection is made.
   */
  @Override
  public List<String> validate(HandoffSettings settings) {
    return StampProducerConfig.kafkaProblems(settings);
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
