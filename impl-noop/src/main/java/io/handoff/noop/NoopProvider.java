package io.handoff.noop;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverEvidence;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.spi.LegacyWaitObserver;

/**
 * The {@code noop} strategy: the rolling-upgrade default. Its emitter writes nothing and its
 * observer never lets a leader skip the inactivity wait, so a cluster behaves exactly as before the
 * library was added. Its evidence is {@link LegacyWaitObserver}.
 */
public final class NoopProvider implements LeadershipHandoffProvider {

  public static final String NAME = "noop";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LeadershipHandoffEmitter newEmitter(
      HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
    requireNonNull(settings, "settings is null");
    requireNonNull(metrics, "metrics is null");
    requireNonNull(resources, "resources is null");
    return new NoopEmitter();
  }

  @Override
  public HandoverEvidence newEvidence(
      HandoffSettings settings, HandoffMetrics metrics, String versionTopic, String localWriterId) {
    requireNonNull(settings, "settings is null");
    requireNonNull(metrics, "metrics is null");
    return new LegacyWaitObserver(versionTopic, localWriterId);
  }

  @Override
  public String toString() {
    return "NoopProvider";
  }
}
