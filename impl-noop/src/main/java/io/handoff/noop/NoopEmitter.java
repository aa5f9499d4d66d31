package io.handoff.noop;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.StepDown;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Writes nothing: every step-down is {@link EmitStatus#SKIPPED_DISABLED}, before and after close.
 */
final class NoopEmitter implements LeadershipHandoffEmitter {

  @Override
  public EmitOutcome emitStepDown(StepDown stepDown) {
    requireNonNull(stepDown, "stepDown is null");
    return EmitOutcome.skipped(stepDown, EmitStatus.SKIPPED_DISABLED);
  }

  @Override
  public List<EmitOutcome> emitStepDowns(Collection<StepDown> stepDowns) {
    requireNonNull(stepDowns, "stepDowns is null");
    List<EmitOutcome> outcomes = new ArrayList<>(stepDowns.size());
    for (StepDown s : stepDowns) {
      outcomes.add(emitStepDown(s));
    }
    return outcomes;
  }

  @Override
  public void close() {
    // Holds nothing.
  }

  @Override
  public String toString() {
    return "NoopEmitter";
  }
}
