package io.handoff.spi;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emitter hosts call, around a strategy's emitter: it checks arguments, and keeps the promise
 * of {@link LeadershipHandoffEmitter} that a demotion path never sees an exception, whatever the
 * strategy does. A strategy that throws, answers nothing or answers for another step-down gives
 * {@link EmitStatus#FAILED} with the cause (counted in {@link HandoffMetrics#stampEmitFailed}); an
 * emit after {@link #close()} gives {@code FAILED} with an {@link IllegalStateException} unless the
 * strategy skips it ({@code SKIPPED_*} answers stand as the strategy gives them, closed or not).
 *
 * <p>Adds nothing but a few checks and one copy of a batch to the strategy's own cost.
 */
final class EngineEmitter implements LeadershipHandoffEmitter {

  private static final Logger LOG = LoggerFactory.getLogger(EngineEmitter.class);

  private final LeadershipHandoffEmitter strategy;
  private final HandoffMetrics metrics;
  private final AtomicBoolean closed = new AtomicBoolean();

  EngineEmitter(LeadershipHandoffEmitter strategy, HandoffMetrics metrics) {
    this.strategy = strategy;
    this.metrics = metrics;
  }

  LeadershipHandoffEmitter strategy() {
    return strategy;
  }

  @Override
  public EmitOutcome emitStepDown(StepDown stepDown) {
    requireNonNull(stepDown, "stepDown is null");
    boolean wasClosed = closed.get();
    long start = System.nanoTime();
    EmitOutcome outcome;
    try {
      outcome = strategy.emitStepDown(stepDown);
    } catch (RuntimeException e) {
      logFailure(stepDown.toString(), e);
      return failed(stepDown, start, e);
    }
    return checked(stepDown, outcome, start, wasClosed);
  }

  @Override
  public List<EmitOutcome> emitStepDowns(Collection<StepDown> stepDowns) {
    requireNonNull(stepDowns, "stepDowns is null");
    // A copy: the strategy sees a stable list, and the outcomes are matched to it by position.
    List<StepDown> batch = new ArrayList<>(stepDowns.size());
    for (StepDown s : stepDowns) {
      if (s == null) {
        throw new NullPointerException("stepDowns holds a null element at index " + batch.size());
      }
      batch.add(s);
    }
    boolean wasClosed = closed.get();
    long start = System.nanoTime();
    List<EmitOutcome> outcomes = new ArrayList<>(batch.size());
    RuntimeException failure = null;
    try {
      List<EmitOutcome> answered = strategy.emitStepDowns(Collections.unmodifiableList(batch));
      if (answered == null || answered.size() != batch.size()) {
        failure =
            new IllegalStateException(
                "the strategy answered "
                    + (answered == null ? "null" : answered.size() + " outcomes")
                    + " for "
                    + batch.size()
                    + " step-downs");
      } else {
        for (int i = 0; i < batch.size(); i++) {
          outcomes.add(checked(batch.get(i), answered.get(i), start, wasClosed));
        }
      }
    } catch (RuntimeException e) {
      failure = e;
    }
    if (failure != null) {
      logFailure(
          batch.isEmpty()
              ? "an empty batch of step-downs"
              : batch.size() + " step-downs starting with " + batch.get(0),
          failure);
      outcomes.clear();
      for (StepDown s : batch) {
        outcomes.add(failed(s, start, failure));
      }
    }
    return outcomes;
  }

  private EmitOutcome checked(
      StepDown stepDown, EmitOutcome outcome, long start, boolean wasClosed) {
    if (outcome == null || outcome.stepDown() != stepDown) {
      IllegalStateException e =
          new IllegalStateException(
              outcome == null
                  ? "the strategy answered no outcome"
                  : "the strategy answered for another step-down: " + outcome);
      logFailure(stepDown.toString(), e);
      return failed(stepDown, start, e);
    }
    if (wasClosed
        && !outcome.status().isSkipped()
        && !(outcome.status() == EmitStatus.FAILED
            && outcome.cause() instanceof IllegalStateException)) {
      return EmitOutcome.failed(
          stepDown,
          EmitStatus.FAILED,
          outcome.elapsedNanos(),
          new IllegalStateException("the emitter is closed"));
    }
    return outcome;
  }

  private void logFailure(String what, RuntimeException cause) {
    LOG.error(
        "Stamping {} FAILED: the strategy's emitter {} failed; the next leader will wait out the"
            + " inactivity window",
        what,
        strategy.getClass().getName(),
        cause);
  }

  /** The outcome of a stamp the strategy failed to answer for, counted as a failure. */
  private EmitOutcome failed(StepDown stepDown, long start, RuntimeException cause) {
    long elapsed = System.nanoTime() - start;
    metrics.stampEmitFailed(stepDown, EmitStatus.FAILED, elapsed);
    return EmitOutcome.failed(stepDown, EmitStatus.FAILED, elapsed, cause);
  }

  @Override
  public void prepare(String versionTopic) {
    requireNonNull(versionTopic, "versionTopic is null");
    if (closed.get()) {
      return;
    }
    try {
      strategy.prepare(versionTopic);
    } catch (RuntimeException e) {
      LOG.warn("Could not prepare to stamp {}: {}", versionTopic, e.toString(), e);
    }
  }

  @Override
  public void retire(String versionTopic) {
    requireNonNull(versionTopic, "versionTopic is null");
    try {
      strategy.retire(versionTopic);
    } catch (RuntimeException e) {
      LOG.warn("Could not retire {}: {}", versionTopic, e.toString(), e);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      strategy.close();
    } catch (RuntimeException e) {
      LOG.warn("Closing the emitter {} failed", strategy, e);
    }
  }

  @Override
  public String toString() {
    return strategy.toString();
  }
}
