package io.handoff.noop;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.StepDown;

/**
 * Writes nothing: every step-down is {@link EmitStatus#SKIPPED_DISABLED}, before and after close.
 * Answering at once, it keeps the default {@link #emitStepDowns}, one element after the other.
 */
final class NoopEmitter implements LeadershipHandoffEmitter {

  @Override
  public EmitOutcome emitStepDown(StepDown stepDown) {
    requireNonNull(stepDown, "stepDown is null");
    return EmitOutcome.skipped(stepDown, EmitStatus.SKIPPED_DISABLED);
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
