package io.handoff.tck.vendor;

import static java.util.Objects.requireNonNull;

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

/**
 * A vendor's strategy as a vendor would write it: stamps go to {@link MemoryLog} under the vendor's
 * own key, and the evidence says only which keys are the vendor's declarations and stamps; the
 * tenure rules are the SPI's ({@link TenureObserver}), and the emitter leaves batches to the SPI's
 * default (appending to memory answers at once). Registered through {@code META-INF/services} in
 * this module's tests, selected by {@code strategy=memlog}.
 */
public final class MemoryLogProvider implements LeadershipHandoffProvider {

  public static final byte[] STEP_DOWN_KEY = {9, 'm', 'e', 'm', 'l', 'o', 'g', '-', 's', 'd'};
  public static final byte[] DECLARATION_KEY = {
    9, 'm', 'e', 'm', 'l', 'o', 'g', '-', 'd', 'o', 'l'
  };

  @Override
  public String name() {
    return "memlog";
  }

  /**
   * Appending to {@link MemoryLog} orders a stamp after everything appended before it, so this
   * emitter borrows nothing from the host and ignores {@code resources}.
   */
  @Override
  public LeadershipHandoffEmitter newEmitter(
      HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
    requireNonNull(settings, "settings is null");
    requireNonNull(metrics, "metrics is null");
    requireNonNull(resources, "resources is null");
    boolean enabled = settings.emitStepDownStamp();
    return new LeadershipHandoffEmitter() {
      private volatile boolean closed;

      @Override
      public EmitOutcome emitStepDown(StepDown s) {
        requireNonNull(s, "stepDown is null");
        if (!enabled) {
          return EmitOutcome.skipped(s, EmitStatus.SKIPPED_DISABLED);
        }
        // The SPI decides which step-downs no strategy may stamp (no term, a term never
        // established).
        EmitStatus skip = s.skipStatus();
        if (skip != null) {
          metrics.stampSkipped(s, skip);
          return EmitOutcome.skipped(s, skip);
        }
        if (closed) {
          return EmitOutcome.failed(
              s, EmitStatus.FAILED, 0, new IllegalStateException("emitter is closed"));
        }
        long start = System.nanoTime();
        long offset =
            MemoryLog.append(
                s.versionTopic(),
                s.partition(),
                new MemoryLog.Entry(STEP_DOWN_KEY.clone(), s.leaderTerm(), s.writerId()));
        long took = System.nanoTime() - start;
        metrics.stampEmitted(s, took);
        return EmitOutcome.acked(s, took, offset);
      }

      @Override
      public void close() {
        closed = true;
      }
    };
  }

  @Override
  public HandoverEvidence newEvidence(
      HandoffSettings settings, HandoffMetrics metrics, String versionTopic, String localWriterId) {
    return new MemoryLogObserver(metrics, versionTopic, localWriterId);
  }

  /**
   * All a vendor's evidence has to say: which of its keys declare leadership and which step down.
   * Deciding, counting decisions, the consume switch and guarding against failures are the
   * engine's.
   */
  static final class MemoryLogObserver extends TenureObserver {

    MemoryLogObserver(HandoffMetrics metrics, String versionTopic, String localWriterId) {
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
}
