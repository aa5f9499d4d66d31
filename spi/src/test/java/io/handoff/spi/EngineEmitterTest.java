package io.handoff.spi;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import ch.qos.logback.classic.Level;
import io.handoff.spi.FaultyProvider.Fault;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/**
 * The engine's emitter, as a host meets it through {@link LeadershipHandoffs#emitter}: whatever the
 * strategy throws or answers wrongly comes back as {@link EmitStatus#FAILED} with the cause and is
 * counted, never as an exception; arguments are checked before the strategy sees them; after close
 * an emit is {@code FAILED} with an {@link IllegalStateException} unless the strategy skips it; and
 * the default {@link LeadershipHandoffEmitter#emitStepDowns} answers in order, one per element.
 */
public class EngineEmitterTest {

  private static final String TOPIC = "store_v1";

  private final FaultyProvider faulty = new FaultyProvider();

  /** TestNG runs every method on one instance: each starts with no fault in force. */
  @BeforeMethod
  public void noFaults() {
    faulty.faults.clear();
  }

  private LeadershipHandoffEmitter emitter(HandoffMetrics metrics) {
    HandoffSettings s =
        HandoffSettings.from(
            Map.of(
                HandoffSettings.EMIT_STEPDOWN_STAMP, "true", HandoffSettings.STRATEGY, "faulty"));
    ProviderRegistry registry = ProviderRegistry.of(List.of(faulty, new StubProviders.Noop()));
    LeadershipHandoffEmitter e =
        LeadershipHandoffs.emitter(registry, s, metrics, HostResources.none());
    assertSame(HandoffEngine.strategyOf(e), faulty.lastEmitter, "the strategy's own emitter");
    return e;
  }

  private static StepDown stepDown(int partition) {
    return StepDown.established(TOPIC, partition, 5, 0, "host-a");
  }

  @Test
  public void aStrategyThatThrowsGivesFailedWithTheCause() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter e = emitter(m)) {
      faulty.faults.add(Fault.EMIT);
      StepDown s = stepDown(0);
      EmitOutcome o = e.emitStepDown(s);
      assertSame(o.stepDown(), s, "answers the request");
      assertEquals(o.status(), EmitStatus.FAILED, o.toString());
      assertTrue(o.cause() instanceof FaultyProvider.Boom, "the strategy's failure: " + o);
      assertEquals(m.emitFailure(), 1L, "counted as a failure");
    }
  }

  @Test
  public void anEmptyBatchIsAnsweredEmptyEvenByAFailingStrategy() {
    for (Fault fault : List.of(Fault.EMITS, Fault.EMITS_SHORT, Fault.EMIT)) {
      faulty.faults.clear();
      CountingHandoffMetrics m = new CountingHandoffMetrics();
      try (LeadershipHandoffEmitter e = emitter(m)) {
        faulty.faults.add(fault);
        assertEquals(e.emitStepDowns(List.of()), List.of(), fault + ": nothing to answer");
        assertEquals(m.emitFailure() + m.emitSuccess(), 0L, fault + ": nothing counted");
      }
    }
  }

  @Test
  public void aStrategyThatAnswersNothingGivesFailed() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter e = emitter(m)) {
      faulty.faults.add(Fault.EMIT_NULL);
      EmitOutcome o = e.emitStepDown(stepDown(0));
      assertEquals(o.status(), EmitStatus.FAILED, o.toString());
      assertTrue(o.cause() instanceof IllegalStateException, o.toString());
      assertEquals(m.emitFailure(), 1L, "counted");
    }
  }

  @Test
  public void aBatchTheStrategyFailsIsFailedElementByElementInOrder() {
    List<StepDown> batch = List.of(stepDown(0), stepDown(1), stepDown(2));
    for (Fault fault : List.of(Fault.EMITS, Fault.EMITS_SHORT, Fault.EMIT)) {
      CountingHandoffMetrics m = new CountingHandoffMetrics();
      faulty.faults.clear();
      try (LeadershipHandoffEmitter e = emitter(m)) {
        faulty.faults.add(fault);
        List<EmitOutcome> outcomes = e.emitStepDowns(batch);
        assertEquals(outcomes.size(), 3, fault + ": one outcome per step-down");
        for (int i = 0; i < 3; i++) {
          assertSame(outcomes.get(i).stepDown(), batch.get(i), fault + ": in order, " + i);
          assertEquals(outcomes.get(i).status(), EmitStatus.FAILED, fault + ": " + i);
          assertTrue(outcomes.get(i).cause() != null, fault + ": with the cause, " + i);
        }
        assertEquals(m.emitFailure(), 3L, fault + ": each counted");
      }
    }
  }

  @Test
  public void argumentsAreCheckedBeforeTheStrategySeesThem() {
    try (LeadershipHandoffEmitter e = emitter(HandoffMetrics.NOOP)) {
      faulty.faults.add(Fault.EMITS); // would fail the batch if the strategy were called
      assertEquals(
          expectThrows(NullPointerException.class, () -> e.emitStepDown(null)).getMessage(),
          "stepDown is null");
      assertEquals(
          expectThrows(NullPointerException.class, () -> e.emitStepDowns(null)).getMessage(),
          "stepDowns is null");
      assertEquals(
          expectThrows(
                  NullPointerException.class,
                  () -> e.emitStepDowns(Arrays.asList(stepDown(0), null)))
              .getMessage(),
          "stepDowns holds a null element at index 1");
      assertEquals(
          expectThrows(NullPointerException.class, () -> e.prepare(null)).getMessage(),
          "versionTopic is null");
    }
  }

  @Test
  public void afterCloseAnEmitIsFailedUnlessTheStrategySkipsIt() {
    LeadershipHandoffEmitter e = emitter(HandoffMetrics.NOOP);
    assertEquals(e.emitStepDown(stepDown(0)).status(), EmitStatus.ACKED, "open: acked");
    faulty.faults.add(Fault.CLOSE);
    e.close(); // the strategy's close throws: not here
    e.close();
    assertEquals(faulty.lastEmitter.closes, 1, "the strategy is closed once");
    EmitOutcome after = e.emitStepDown(stepDown(0));
    assertEquals(after.status(), EmitStatus.FAILED, "the strategy still acked: " + after);
    assertTrue(after.cause() instanceof IllegalStateException, after.toString());
    StepDown noTerm = StepDown.established(TOPIC, 1, 0, 0, "host-a");
    assertEquals(
        e.emitStepDown(noTerm).status(), EmitStatus.SKIPPED_NO_TERM, "skips stand as given");
    List<EmitOutcome> batch = e.emitStepDowns(List.of(stepDown(2), noTerm));
    assertEquals(batch.get(0).status(), EmitStatus.FAILED, "batch after close");
    assertEquals(batch.get(1).status(), EmitStatus.SKIPPED_NO_TERM, "batch skip after close");
    e.prepare(TOPIC); // does nothing when closed
  }

  @Test
  public void prepareAndRetireNeverThrowForTheStrategy() {
    try (LeadershipHandoffEmitter e = emitter(HandoffMetrics.NOOP)) {
      faulty.faults.add(Fault.PREPARE);
      e.prepare(TOPIC);
      e.retire(TOPIC);
      assertEquals(e.emitStepDown(stepDown(0)).status(), EmitStatus.ACKED, "still emits");
    }
  }

  @Test
  public void aWrongAnswerGivesFailedSayingWhatWasWrongAndIsLogged() {
    for (Fault fault : List.of(Fault.EMIT, Fault.EMIT_NULL, Fault.EMIT_OTHER)) {
      CountingHandoffMetrics m = new CountingHandoffMetrics();
      faulty.faults.clear();
      try (LeadershipHandoffEmitter e = emitter(m);
          LogCapture log = new LogCapture(EngineEmitter.class)) {
        faulty.faults.add(fault);
        StepDown s = stepDown(0);
        EmitOutcome o = e.emitStepDown(s);
        assertSame(o.stepDown(), s, fault + ": answers the request");
        assertEquals(o.status(), EmitStatus.FAILED, fault + ": " + o);
        String cause = o.cause().getMessage();
        switch (fault) {
          case EMIT -> assertEquals(cause, "boom in EMIT", "the strategy's own failure");
          case EMIT_NULL -> assertEquals(cause, "the strategy answered no outcome");
          default ->
              assertTrue(
                  cause.startsWith(
                      "the strategy answered for another step-down: EmitOutcome{store_v1-1,"),
                  cause);
        }
        assertEquals(m.emitFailure(), 1L, fault + ": counted");
        List<String> errors = log.messages(Level.ERROR);
        assertEquals(errors.size(), 1, fault + ": " + log.everything());
        assertEquals(
            errors.get(0),
            "Stamping "
                + s
                + " FAILED: the strategy's emitter "
                + FaultyProvider.Emitter.class.getName()
                + " failed; the next leader will wait out the inactivity window",
            fault + ": names the step-down and the strategy");
      }
    }
  }

  @Test
  public void aBatchIsAnsweredElementByElementOrFailedAsAWhole() {
    List<StepDown> batch = List.of(stepDown(0), stepDown(1), stepDown(2));
    try (LeadershipHandoffEmitter e = emitter(HandoffMetrics.NOOP)) {
      List<EmitOutcome> acked = e.emitStepDowns(batch);
      assertEquals(acked.size(), 3, "one outcome each");
      for (int i = 0; i < 3; i++) {
        assertSame(acked.get(i).stepDown(), batch.get(i), "in order, " + i);
        assertEquals(acked.get(i).status(), EmitStatus.ACKED, "the strategy's answer, " + i);
      }
    }
    for (Fault fault : List.of(Fault.EMITS_NULL, Fault.EMITS_SHORT, Fault.EMITS_UNREADABLE)) {
      CountingHandoffMetrics m = new CountingHandoffMetrics();
      faulty.faults.clear();
      try (LeadershipHandoffEmitter e = emitter(m);
          LogCapture log = new LogCapture(EngineEmitter.class)) {
        faulty.faults.add(fault);
        List<EmitOutcome> outcomes = e.emitStepDowns(batch);
        assertEquals(outcomes.size(), 3, fault + ": one outcome per step-down, no more");
        String expected =
            switch (fault) {
              case EMITS_NULL -> "the strategy answered null for 3 step-downs";
              case EMITS_SHORT -> "the strategy answered 2 outcomes for 3 step-downs";
              default -> "boom in get(2)";
            };
        for (int i = 0; i < 3; i++) {
          assertSame(outcomes.get(i).stepDown(), batch.get(i), fault + ": in order, " + i);
          assertEquals(outcomes.get(i).status(), EmitStatus.FAILED, fault + ": " + i);
          assertEquals(outcomes.get(i).cause().getMessage(), expected, fault + ": " + i);
        }
        assertEquals(m.emitFailure(), 3L, fault + ": each counted once");
        List<String> errors = log.messages(Level.ERROR);
        assertEquals(errors.size(), 1, fault + ": one line for the batch: " + log.everything());
        assertTrue(
            errors.get(0).startsWith("Stamping 3 step-downs starting with " + batch.get(0)),
            errors.get(0));
      }
    }
    faulty.faults.clear();
    try (LeadershipHandoffEmitter e = emitter(HandoffMetrics.NOOP)) {
      faulty.faults.add(Fault.EMIT_OTHER);
      List<EmitOutcome> outcomes = e.emitStepDowns(batch);
      for (int i = 0; i < 3; i++) {
        assertSame(outcomes.get(i).stepDown(), batch.get(i), "answers element " + i);
        assertEquals(outcomes.get(i).status(), EmitStatus.FAILED, "another step-down, " + i);
      }
    }
  }

  @Test
  public void theTimeOfAFailureIsTheCallsOwn() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter e = emitter(m)) {
      faulty.faults.add(Fault.EMIT);
      long before = System.nanoTime();
      EmitOutcome o = e.emitStepDown(stepDown(0));
      long around = System.nanoTime() - before;
      assertTrue(
          o.elapsedNanos() >= 0 && o.elapsedNanos() <= around,
          o.elapsedNanos() + " ns within the call's " + around + " ns");
    }
  }

  @Test
  public void afterCloseTheStrategysOwnRefusalStandsAndOtherAnswersFail() {
    LeadershipHandoffEmitter e = emitter(HandoffMetrics.NOOP);
    faulty.faults.add(Fault.EMIT_TIMED_OUT);
    assertEquals(e.emitStepDown(stepDown(0)).status(), EmitStatus.TIMED_OUT, "open: as given");
    e.close();
    EmitOutcome timedOut = e.emitStepDown(stepDown(0));
    assertEquals(timedOut.status(), EmitStatus.FAILED, timedOut.toString());
    assertEquals(timedOut.cause().getMessage(), "the emitter is closed", timedOut.toString());
    faulty.faults.clear();
    faulty.faults.add(Fault.EMIT_REFUSED);
    EmitOutcome refused = e.emitStepDown(stepDown(0));
    assertEquals(refused.status(), EmitStatus.FAILED, refused.toString());
    assertEquals(refused.cause().getMessage(), "refused by the strategy", "the strategy's own");
    assertEquals(refused.elapsedNanos(), 2L, "the strategy's own outcome");
    faulty.faults.clear();
    List<java.util.function.Function<StepDown, EmitOutcome>> others =
        List.of(
            s -> EmitOutcome.failed(s, EmitStatus.FAILED, 4, new RuntimeException("broken pipe")),
            s -> EmitOutcome.failed(s, EmitStatus.TIMED_OUT, 5, new IllegalStateException("late")));
    for (java.util.function.Function<StepDown, EmitOutcome> answer : others) {
      faulty.lastEmitter.answer = answer;
      EmitOutcome o = e.emitStepDown(stepDown(0));
      assertEquals(o.status(), EmitStatus.FAILED, o.toString());
      assertEquals(o.cause().getMessage(), "the emitter is closed", "not a refusal: " + o);
    }
  }

  @Test
  public void prepareAndRetireReachTheStrategyAndPrepareStopsAtClose() {
    LeadershipHandoffEmitter e = emitter(HandoffMetrics.NOOP);
    FaultyProvider.Emitter strategy = faulty.lastEmitter;
    assertEquals(e.toString(), strategy.toString(), "described as the strategy");
    try (LogCapture log = new LogCapture(EngineEmitter.class)) {
      e.prepare(TOPIC);
      e.retire("store_v0");
      faulty.faults.add(Fault.PREPARE);
      e.prepare("store_v2");
      e.retire("store_v1");
      faulty.faults.clear();
      assertEquals(
          log.messages(Level.WARN),
          List.of(
              "Could not prepare to stamp store_v2: " + new FaultyProvider.Boom("PREPARE"),
              "Could not retire store_v1: " + new FaultyProvider.Boom("PREPARE")),
          "each failure named with its topic");
    }
    assertEquals(strategy.prepared, List.of(TOPIC, "store_v2"), "prepared");
    assertEquals(strategy.retired, List.of("store_v0", "store_v1"), "retired");
    e.close();
    e.prepare("store_v3");
    assertEquals(strategy.prepared, List.of(TOPIC, "store_v2"), "nothing prepared once closed");
    assertEquals(e.toString(), strategy.toString(), "still the strategy's own description");
  }

  @Test
  public void theEngineWrapsAStrategyOnceAndUnwrapsOnlyItsOwn() {
    StubProviders.StubEmitter plain =
        new StubProviders.StubEmitter(
            new StubProviders.Alpha(), HandoffSettings.defaults(), HandoffMetrics.NOOP);
    assertSame(HandoffEngine.strategyOf(plain), plain, "not the engine's: itself");
    // A provider that delegates to another selection gets the engine's emitter back.
    LeadershipHandoffEmitter inner = emitter(HandoffMetrics.NOOP);
    LeadershipHandoffProvider delegating =
        new StubProviders.Base("delegating") {
          @Override
          public LeadershipHandoffEmitter newEmitter(
              HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
            return inner;
          }
        };
    HandoffSettings s =
        HandoffSettings.from(
            Map.of(
                HandoffSettings.EMIT_STEPDOWN_STAMP,
                "true",
                HandoffSettings.STRATEGY,
                "delegating"));
    LeadershipHandoffEmitter outer =
        LeadershipHandoffs.emitter(
            ProviderRegistry.of(List.of(delegating, new StubProviders.Noop())),
            s,
            HandoffMetrics.NOOP,
            HostResources.none());
    assertSame(outer, inner, "not wrapped twice");
    assertSame(HandoffEngine.strategyOf(outer), faulty.lastEmitter, "the strategy inside");
  }

  // ------------------------------------------------------------------- the default batch

  /** Answers from a script by partition, remembering the order of the calls. */
  private static final class OneByOne implements LeadershipHandoffEmitter {
    final List<StepDown> calls = new ArrayList<>();

    @Override
    public EmitOutcome emitStepDown(StepDown s) {
      calls.add(s);
      return switch (s.partition()) {
        case 0 -> EmitOutcome.acked(s, 7, 40);
        case 1 -> EmitOutcome.skipped(s, EmitStatus.SKIPPED_UNESTABLISHED);
        default -> EmitOutcome.failed(s, EmitStatus.TIMED_OUT, 9, null);
      };
    }

    @Override
    public void close() {}
  }

  @Test
  public void theDefaultBatchEmitsEachElementInOrder() {
    OneByOne e = new OneByOne();
    List<StepDown> batch = List.of(stepDown(2), stepDown(0), stepDown(1), stepDown(0));
    List<EmitOutcome> outcomes = e.emitStepDowns(batch);
    assertEquals(e.calls, batch, "one emitStepDown per element, in order");
    assertEquals(
        outcomes.stream().map(EmitOutcome::status).toList(),
        List.of(
            EmitStatus.TIMED_OUT,
            EmitStatus.ACKED,
            EmitStatus.SKIPPED_UNESTABLISHED,
            EmitStatus.ACKED),
        "each element's own outcome");
    for (int i = 0; i < batch.size(); i++) {
      assertSame(
          outcomes.get(i).stepDown(), batch.get(i), "outcome " + i + " answers element " + i);
    }
    assertEquals(e.emitStepDowns(List.of()), List.of(), "an empty batch");
  }

  @Test
  public void theDefaultBatchChecksEveryElementBeforeEmittingAny() {
    OneByOne e = new OneByOne();
    Collection<StepDown> withNull = Arrays.asList(stepDown(0), stepDown(1), null);
    assertEquals(
        expectThrows(NullPointerException.class, () -> e.emitStepDowns(withNull)).getMessage(),
        "stepDowns holds a null element at index 2");
    assertEquals(e.calls, List.of(), "nothing was emitted");
    assertEquals(
        expectThrows(NullPointerException.class, () -> e.emitStepDowns(null)).getMessage(),
        "stepDowns is null");
  }
}
