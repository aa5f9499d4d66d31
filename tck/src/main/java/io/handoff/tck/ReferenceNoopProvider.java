package io.handoff.tck;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverEvidence;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.spi.LegacyWaitObserver;
import io.handoff.spi.StepDown;

/**
 * A stand-in named {@code noop} so that the kit can check selection without the real no-op jar. Not
 * registered with ServiceLoader.
 */
final class ReferenceNoopProvider implements LeadershipHandoffProvider {

  @Override
  public String name() {
    return "noop";
  }

  @Override
  public LeadershipHandoffEmitter newEmitter(
      HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
    return new LeadershipHandoffEmitter() {
      @Override
      public EmitOutcome emitStepDown(StepDown stepDown) {
        return EmitOutcome.skipped(stepDown, EmitStatus.SKIPPED_DISABLED);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public HandoverEvidence newEvidence(
      HandoffSettings settings, HandoffMetrics metrics, String versionTopic, String localWriterId) {
    return new LegacyWaitObserver(versionTopic, localWriterId);
  }
}
