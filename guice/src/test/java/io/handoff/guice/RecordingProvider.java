package io.handoff.guice;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.spi.StepDown;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A test strategy whose emitters count how often they are closed. */
public final class RecordingProvider implements LeadershipHandoffProvider {

  static final class RecordingEmitter implements LeadershipHandoffEmitter {
    final AtomicInteger closes = new AtomicInteger();

    @Override
    public EmitOutcome emitStepDown(StepDown s) {
      return EmitOutcome.skipped(s, EmitStatus.SKIPPED_DISABLED);
    }

    @Override
    public List<EmitOutcome> emitStepDowns(Collection<StepDown> stepDowns) {
      return stepDowns.stream().map(this::emitStepDown).toList();
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  static final class RecordingObserver implements LeadershipHandoffObserver {
    @Override
    public void observe(int partition, byte[] recordKey, long recordTermId, long myTerm) {
    }

    @Override
    public boolean canSkipInactivityWait(int partition, long myTerm) {
      return false;
    }

    @Override
    public HandoverPath decideHandover(int partition, long myTerm, boolean elapsed) {
      return HandoverPath.choose(false, elapsed);
    }

    @Override
    public void forget(int partition) {
    }
  }

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public LeadershipHandoffEmitter newEmitter(HandoffSettings settings, HandoffMetrics metrics) {
    return new RecordingEmitter();
  }

  @Override
  public LeadershipHandoffObserver newObserver(HandoffSettings settings, HandoffMetrics metrics) {
    return new RecordingObserver();
  }
}
