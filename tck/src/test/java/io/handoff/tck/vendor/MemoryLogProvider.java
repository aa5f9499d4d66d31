package io.handoff.tck.vendor;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.spi.StepDown;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A vendor's strategy as a vendor would write it: stamps go to {@link MemoryLog} under the
 * vendor's own key, and the observer applies the stamp rules to that key. Registered through
 * {@code META-INF/services} in this module's tests, selected by {@code strategy=memlog}.
 */
public final class MemoryLogProvider implements LeadershipHandoffProvider {

  public static final byte[] STEP_DOWN_KEY = {9, 'm', 'e', 'm', 'l', 'o', 'g'};

  @Override
  public String name() {
    return "memlog";
  }

  @Override
  public LeadershipHandoffEmitter newEmitter(HandoffSettings settings, HandoffMetrics metrics) {
    requireNonNull(settings, "settings is null");
    requireNonNull(metrics, "metrics is null");
    boolean enabled = settings.emitStepDownStamp();
    return new LeadershipHandoffEmitter() {
      private volatile boolean closed;

      @Override
      public EmitOutcome emitStepDown(StepDown s) {
        requireNonNull(s, "stepDown is null");
        if (!enabled) {
          return EmitOutcome.skipped(s, EmitStatus.SKIPPED_DISABLED);
        }
        if (closed) {
          return EmitOutcome.failed(s, EmitStatus.FAILED, 0, new IllegalStateException("emitter is closed"));
        }
        if (s.leaderTerm() <= 0) {
          return EmitOutcome.skipped(s, EmitStatus.SKIPPED_NO_TERM);
        }
        long start = System.nanoTime();
        long offset = MemoryLog.append(s.versionTopic(), s.partition(),
            new MemoryLog.Entry(STEP_DOWN_KEY.clone(), s.leaderTerm(), s.writerId()));
        long took = System.nanoTime() - start;
        metrics.stampEmitted(s, took);
        return EmitOutcome.acked(s, took, offset);
      }

      @Override
      public List<EmitOutcome> emitStepDowns(Collection<StepDown> stepDowns) {
        requireNonNull(stepDowns, "stepDowns is null");
        stepDowns.forEach(s -> requireNonNull(s, "stepDowns holds a null element"));
        List<EmitOutcome> out = new ArrayList<>();
        stepDowns.forEach(s -> out.add(emitStepDown(s)));
        return out;
      }

      @Override
      public void close() {
        closed = true;
      }
    };
  }

  @Override
  public LeadershipHandoffObserver newObserver(HandoffSettings settings, HandoffMetrics metrics) {
    boolean consume = settings.consumeStepDownStamp();
    return new LeadershipHandoffObserver() {
      /** [remembered stamp term or 0, highest other term]. */
      private final Map<Integer, long[]> state = new ConcurrentHashMap<>();

      @Override
      public void observe(int partition, byte[] key, long term, long myTerm) {
        if (myTerm > 0 && term == myTerm) {
          return;
        }
        long[] s = state.computeIfAbsent(partition, p -> new long[2]);
        s[1] = Math.max(s[1], term);
        s[0] = Arrays.equals(key, STEP_DOWN_KEY) ? term : 0;
      }

      @Override
      public boolean canSkipInactivityWait(int partition, long myTerm) {
        long[] s = state.get(partition);
        return consume && s != null && s[0] > 0 && s[0] >= s[1] && s[0] < myTerm;
      }

      @Override
      public HandoverPath decideHandover(int partition, long myTerm, boolean elapsed) {
        HandoverPath path = HandoverPath.choose(canSkipInactivityWait(partition, myTerm), elapsed);
        if (path != HandoverPath.WAIT) {
          metrics.handover(partition, path);
        }
        return path;
      }

      @Override
      public void forget(int partition) {
        state.remove(partition);
      }
    };
  }
}
