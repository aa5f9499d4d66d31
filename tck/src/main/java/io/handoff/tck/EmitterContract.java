package io.handoff.tck;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.Test;

/**
 * The emitter's contract: every step-down is answered, never by an exception, within the ack
 * timeout; a term of zero or less and a term never established are never stamped (rule E1); one
 * outcome per input, in order; {@code prepare} and {@code retire} never throw and never block the
 * caller beyond the ack timeout; close is idempotent and later calls are still answered. A strategy
 * that writes ({@link Capability#WRITES_STAMPS}) must have every valid step-down acknowledged; one
 * that does not must answer {@link EmitStatus#SKIPPED_DISABLED} to all of them.
 *
 * <p>Extend it with one small class per strategy:
 *
 * <pre>{@code
 * public class AcmeEmitterContractTest extends EmitterContract {
 *   protected LeadershipHandoffProvider newProvider() { return new AcmeProvider(); }
 *   protected Set<Capability> capabilities() { return EnumSet.of(Capability.WRITES_STAMPS); }
 *   protected Properties baseProperties() { ...connection settings of a test backend... }
 * }
 * }</pre>
 *
 * <p>Emitters are created through {@link
 * LeadershipHandoffs#emitter(io.handoff.spi.ProviderRegistry, io.handoff.spi.HandoffSettings,
 * HandoffMetrics, HostResources)} with emitting switched on, as a host creates them; the rules of
 * the factory itself (what it needs of the host, the switch) call the provider.
 */
public abstract class EmitterContract extends ProviderContract {

  /** The emitter a host gets with emitting switched on. */
  protected final LeadershipHandoffEmitter emitter(HandoffMetrics metrics) {
    return LeadershipHandoffs.emitter(registry(), settings(true, false), metrics, hostResources());
  }

  /** What a valid, established step-down must come back as. */
  private EmitStatus expectedForValid() {
    return has(Capability.WRITES_STAMPS) ? EmitStatus.ACKED : EmitStatus.SKIPPED_DISABLED;
  }

  /** What a step-down no strategy may stamp must come back as. */
  private EmitStatus expectedForSkip(EmitStatus whenWriting) {
    return has(Capability.WRITES_STAMPS) ? whenWriting : EmitStatus.SKIPPED_DISABLED;
  }

  @Test
  public void aValidStepDownIsAnsweredWithinTheAckTimeout() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitter = emitter(metrics)) {
      StepDown s = stepDown(0, nextTerm());
      EmitOutcome o = withinBound("emitStepDown", () -> emitter.emitStepDown(s));
      assertNotNull(o, "outcome");
      assertSame(o.stepDown(), s, "the outcome must answer the request");
      assertEquals(o.status(), expectedForValid(), "a valid, established step-down: " + o);
      assertEquals(
          metrics.emitSuccess(),
          has(Capability.WRITES_STAMPS) ? 1 : 0,
          "leader_stepdown_stamp_emit_success");
      assertEquals(metrics.emitFailure(), 0, "leader_stepdown_stamp_emit_failure");
    }
  }

  @Test
  public void noTermIsNeverStamped() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitter = emitter(metrics)) {
      for (long term : new long[] {0, -1, Long.MIN_VALUE}) {
        EmitOutcome o = emitter.emitStepDown(stepDown(1, term));
        assertEquals(
            o.status(), expectedForSkip(EmitStatus.SKIPPED_NO_TERM), "term " + term + ": " + o);
      }
      assertEquals(metrics.emitSuccess(), 0, "nothing was written");
    }
  }

  @Test
  public void anUnestablishedTermIsNeverStamped() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitter = emitter(metrics)) {
      StepDown s = new StepDown(topic(), 0, nextTerm(), false, 0, WRITER);
      EmitOutcome o = emitter.emitStepDown(s);
      assertEquals(
          o.status(),
          expectedForSkip(EmitStatus.SKIPPED_UNESTABLISHED),
          "a term demoted while still waiting: " + o);
      assertEquals(
          metrics.skippedUnestablished(),
          has(Capability.WRITES_STAMPS) ? 1 : 0,
          "leader_stepdown_stamp_skipped_unestablished");
      assertEquals(metrics.emitSuccess(), 0, "nothing was written");
    }
  }

  @Test
  public void aBatchAnswersOnePerInputInOrderWithinOneAckTimeout() {
    try (LeadershipHandoffEmitter emitter = emitter(HandoffMetrics.NOOP)) {
      assertEquals(emitter.emitStepDowns(List.of()), List.of(), "empty batch");
      List<StepDown> batch = new ArrayList<>();
      for (int i = 0; i < partitions() * 2; i++) {
        batch.add(stepDown(i % partitions(), i == 3 ? 0 : nextTerm()));
      }
      List<EmitOutcome> outcomes =
          withinBound("a batch, which shares one deadline,", () -> emitter.emitStepDowns(batch));
      assertEquals(outcomes.size(), batch.size(), "one outcome per step-down");
      for (int i = 0; i < batch.size(); i++) {
        EmitOutcome o = outcomes.get(i);
        assertSame(o.stepDown(), batch.get(i), "outcome " + i + " must answer step-down " + i);
        EmitStatus expected =
            i == 3 ? expectedForSkip(EmitStatus.SKIPPED_NO_TERM) : expectedForValid();
        assertEquals(o.status(), expected, "outcome " + i + ": " + o);
      }
    }
  }

  @Test
  public void concurrentEmitsAreAllAnswered() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (LeadershipHandoffEmitter emitter = emitter(HandoffMetrics.NOOP)) {
      List<StepDown> stepDowns = new ArrayList<>();
      List<Future<EmitOutcome>> futures = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        StepDown s = stepDown(i % partitions(), nextTerm());
        stepDowns.add(s);
        futures.add(pool.submit(() -> emitter.emitStepDown(s)));
      }
      for (int i = 0; i < futures.size(); i++) {
        // Four emits queue on each thread; each is bounded on its own.
        EmitOutcome o = futures.get(i).get(4 * blockingBoundMs(), TimeUnit.MILLISECONDS);
        assertSame(o.stepDown(), stepDowns.get(i), "emit " + i + " answers its own step-down");
        assertEquals(o.status(), expectedForValid(), "emit " + i + ": " + o);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  public void nullArgumentsAreProgrammingErrors() {
    try (LeadershipHandoffEmitter emitter = emitter(HandoffMetrics.NOOP)) {
      assertThrows(NullPointerException.class, () -> emitter.emitStepDown(null));
      assertThrows(NullPointerException.class, () -> emitter.emitStepDowns(null));
      assertThrows(
          NullPointerException.class,
          () -> emitter.emitStepDowns(Arrays.asList(stepDown(0, 1), null)));
      assertThrows(NullPointerException.class, () -> emitter.prepare(null));
      assertThrows(NullPointerException.class, () -> emitter.retire(null));
    }
  }

  @Test
  public void closeIsIdempotentAndLaterCallsAreAnswered() {
    LeadershipHandoffEmitter emitter = emitter(HandoffMetrics.NOOP);
    assertEquals(emitter.emitStepDown(stepDown(0, nextTerm())).status(), expectedForValid());
    emitter.close();
    emitter.close();
    EmitOutcome after = emitter.emitStepDown(stepDown(0, nextTerm()));
    assertClosedAnswer(after, "emit after close");
    List<EmitOutcome> batch =
        emitter.emitStepDowns(List.of(stepDown(1, nextTerm()), stepDown(2, nextTerm())));
    assertEquals(batch.size(), 2, "one outcome per step-down after close");
    batch.forEach(o -> assertClosedAnswer(o, "batch emit after close"));
    withinBound("prepare after close", () -> emitter.prepare(topic()));
    withinBound("retire after close", () -> emitter.retire(topic()));
    assertClosedAnswer(emitter.emitStepDown(stepDown(3, nextTerm())), "emit after prepare");
  }

  private void assertClosedAnswer(EmitOutcome o, String what) {
    if (has(Capability.WRITES_STAMPS)) {
      assertEquals(o.status(), EmitStatus.FAILED, what + ": " + o);
      assertTrue(
          o.cause() instanceof IllegalStateException, what + " must name the closed state: " + o);
    } else {
      assertEquals(o.status(), EmitStatus.SKIPPED_DISABLED, what + ": " + o);
    }
  }

  // ------------------------------------------------------------------------- prepare and retire

  @Test
  public void prepareThenEmitStampsAsUsual() {
    try (LeadershipHandoffEmitter emitter = emitter(HandoffMetrics.NOOP)) {
      withinBound("prepare of the contract's topic", () -> emitter.prepare(topic()));
      withinBound("a second prepare", () -> emitter.prepare(topic()));
      EmitOutcome o = emitter.emitStepDown(stepDown(2, nextTerm()));
      assertEquals(o.status(), expectedForValid(), "emit after prepare: " + o);
    }
  }

  @Test
  public void prepareOfAnUnknownTopicNeverThrowsAndIsBounded() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitter = emitter(metrics)) {
      withinBound(
          "prepare of a topic that does not exist", () -> emitter.prepare(topic() + "-unknown"));
      assertEquals(metrics.emitSuccess() + metrics.emitFailure(), 0, "prepare emits nothing");
      EmitOutcome o = emitter.emitStepDown(stepDown(0, nextTerm()));
      assertEquals(o.status(), expectedForValid(), "the emitter still works: " + o);
    }
  }

  @Test
  public void retireNeverThrowsAndTheTopicCanBeStampedAgain() {
    try (LeadershipHandoffEmitter emitter = emitter(HandoffMetrics.NOOP)) {
      withinBound("retire of a topic never stamped", () -> emitter.retire(topic() + "-never"));
      assertEquals(emitter.emitStepDown(stepDown(1, nextTerm())).status(), expectedForValid());
      withinBound("retire of a stamped topic", () -> emitter.retire(topic()));
      withinBound("retire twice", () -> emitter.retire(topic()));
      EmitOutcome o = emitter.emitStepDown(stepDown(1, nextTerm()));
      assertEquals(o.status(), expectedForValid(), "a retired topic is learnt again: " + o);
    }
  }

  // ------------------------------------------------------------------------- the factory itself

  @Test
  public void switchedOffTheEmitterNeedsNothingAndDoesNothing() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter off =
        newProvider().newEmitter(settings(false, false), metrics, HostResources.none())) {
      withinBound("prepare with emitting off", () -> off.prepare(topic()));
      withinBound("retire with emitting off", () -> off.retire(topic()));
      EmitOutcome o = off.emitStepDown(stepDown(0, nextTerm()));
      assertEquals(o.status(), EmitStatus.SKIPPED_DISABLED, "emitting switched off: " + o);
      for (Map.Entry<String, Long> e : metrics.snapshot().entrySet()) {
        assertEquals((long) e.getValue(), 0L, e.getKey() + " with emitting off");
      }
    }
  }

  @Test
  public void whatTheHostMustLendIsEnforced() {
    if (!has(Capability.NEEDS_HOST_RESOURCES)) {
      try (LeadershipHandoffEmitter e =
          LeadershipHandoffs.emitter(
              registry(), settings(true, false), HandoffMetrics.NOOP, HostResources.none())) {
        EmitOutcome o = e.emitStepDown(stepDown(0, nextTerm()));
        assertEquals(o.status(), expectedForValid(), "with nothing lent: " + o);
      }
    } else {
      IllegalArgumentException e =
          expectThrows(
              IllegalArgumentException.class,
              () ->
                  LeadershipHandoffs.emitter(
                      registry(),
                      settings(true, false),
                      HandoffMetrics.NOOP,
                      HostResources.none()));
      assertTrue(
          e.getMessage() != null && !e.getMessage().isBlank(), "the refusal must say what to lend");
    }
  }
}
