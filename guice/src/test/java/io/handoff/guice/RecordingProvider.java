package io.handoff.guice;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverEvidence;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.spi.StepDown;
import io.handoff.spi.TenureObserver;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test strategy whose emitters count how often they are closed and keep what the host lent them,
 * and whose observers keep real tenure state, so that a test can tell whether two observers share
 * it.
 */
public final class RecordingProvider implements LeadershipHandoffProvider {

  static final byte[] DECLARATION_KEY = {7, 'd', 'o', 'l'};
  static final byte[] STEP_DOWN_KEY = {7, 's', 'd'};

  static final class RecordingEmitter implements LeadershipHandoffEmitter {
    final AtomicInteger closes = new AtomicInteger();
    final HostResources resources;

    RecordingEmitter(HostResources resources) {
      this.resources = resources;
    }

    @Override
    public EmitOutcome emitStepDown(StepDown s) {
      return EmitOutcome.skipped(s, EmitStatus.SKIPPED_DISABLED);
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  static final class RecordingObserver extends TenureObserver {
    RecordingObserver(HandoffMetrics metrics, String versionTopic, String localWriterId) {
      super(metrics, versionTopic, localWriterId);
    }

    @Override
    protected Role roleOf(byte[] recordKey) {
      if (Arrays.equals(recordKey, STEP_DOWN_KEY)) {
        return Role.STEP_DOWN;
      }
      return Arrays.equals(recordKey, DECLARATION_KEY) ? Role.DECLARATION : Role.OTHER;
    }
  }

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public LeadershipHandoffEmitter newEmitter(
      HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
    return new RecordingEmitter(resources);
  }

  @Override
  public HandoverEvidence newEvidence(
      HandoffSettings settings, HandoffMetrics metrics, String versionTopic, String localWriterId) {
    return new RecordingObserver(metrics, versionTopic, localWriterId);
  }
}
