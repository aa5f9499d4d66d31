package io.handoff.tck.broken;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.handoff.tck.RuleCase;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.testng.ITestResult;
import org.testng.TestListenerAdapter;
import org.testng.TestNG;
import org.testng.annotations.Test;

/**
 * The contracts can fail: each runs here against a provider broken in one way, and the tests that
 * own the broken rule must fail while the others still pass. The contract subclasses are in {@link
 * BrokenCases}, which the build's test scan leaves out; this test runs them with a TestNG of its
 * own.
 */
public class ContractsCatchBrokenProvidersTest {

  /** What one run of a contract subclass gave, by test (a rule case's name for a row). */
  private record Outcome(Set<String> passed, Set<String> failed, Set<String> skipped) {
    void failedAll(String... tests) {
      for (String t : tests) {
        assertTrue(failed.contains(t), t + " must fail; failed: " + failed + ", passed: " + passed);
      }
    }

    void passedAll(String... tests) {
      for (String t : tests) {
        assertTrue(passed.contains(t), t + " must pass; failed: " + failed);
      }
    }
  }

  private static Outcome run(Class<?> contractCase) {
    TestNG testng = new TestNG(false);
    testng.setTestClasses(new Class<?>[] {contractCase});
    testng.setVerbose(0);
    TestListenerAdapter results = new TestListenerAdapter();
    testng.addListener(results);
    BrokenCases.runningCases = true;
    try {
      testng.run();
    } finally {
      BrokenCases.runningCases = false;
    }
    assertEquals(results.getConfigurationFailures().size(), 0, "configuration of " + contractCase);
    return new Outcome(
        names(results.getPassedTests()),
        names(results.getFailedTests()),
        names(results.getSkippedTests()));
  }

  private static Set<String> names(java.util.List<ITestResult> results) {
    return results.stream()
        .map(
            r ->
                r.getParameters().length == 1 && r.getParameters()[0] instanceof RuleCase c
                    ? c.name()
                    : r.getMethod().getMethodName())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  public void anEmitterThatThrowsIsCaught() {
    Outcome o = run(BrokenCases.ThrowingEmitterCase.class);
    o.failedAll(
        "aValidStepDownIsAnsweredWithinTheAckTimeout",
        "noTermIsNeverStamped",
        "anUnestablishedTermIsNeverStamped",
        "aBatchAnswersOnePerInputInOrderWithinOneAckTimeout",
        "concurrentEmitsAreAllAnswered",
        "closeIsIdempotentAndLaterCallsAreAnswered");
    o.passedAll("nullArgumentsAreProgrammingErrors");
  }

  @Test
  public void anEmitterThatStampsWhatNoStrategyMayStampIsCaught() {
    Outcome o = run(BrokenCases.CarelessEmitterCase.class);
    o.failedAll(
        "noTermIsNeverStamped",
        "anUnestablishedTermIsNeverStamped",
        "aBatchAnswersOnePerInputInOrderWithinOneAckTimeout",
        "switchedOffTheEmitterNeedsNothingAndDoesNothing");
    // Its prepare throws, but the engine's wrapper keeps that from ever reaching a host.
    o.passedAll(
        "aValidStepDownIsAnsweredWithinTheAckTimeout",
        "concurrentEmitsAreAllAnswered",
        "prepareOfAnUnknownTopicNeverThrowsAndIsBounded",
        "prepareThenEmitStampsAsUsual");
  }

  @Test
  public void anEmitterThatHangsIsCaughtWithoutWaiting() {
    Outcome o = run(BrokenCases.HangingEmitterCase.class);
    o.failedAll(
        "aValidStepDownIsAnsweredWithinTheAckTimeout",
        "aBatchAnswersOnePerInputInOrderWithinOneAckTimeout");
    o.passedAll("noTermIsNeverStamped", "prepareThenEmitStampsAsUsual");
  }

  @Test
  public void aCapabilityTooFewIsCaught() {
    Outcome o = run(BrokenCases.UndeclaredWriterCase.class);
    o.failedAll(
        "aValidStepDownIsAnsweredWithinTheAckTimeout",
        "noTermIsNeverStamped",
        "concurrentEmitsAreAllAnswered");
  }

  @Test
  public void anObserverThatTrustsAnyStampIsCaught() {
    Outcome o = run(BrokenCases.TrustingObserverCase.class);
    o.failedAll(
        "another writer's data after the reader's DoL",
        "an undecodable record inside A's tenure",
        "a zombie Z writes inside A's tenure: A's stamp cannot vouch for Z",
        "A's data after its stamp: it went on writing",
        "partitionsMayBeObservedFromDifferentThreads");
    o.passedAll(
        "happy path: A's clean tenure of 1 closed by its stamp, own DoL of 2 read back",
        "observerKnowsItsTopicAndReader");
    assertTrue(
        o.skipped().contains("restoreRejectsWhatDoesNotFit"),
        "a rule about a capability not declared is skipped, visibly: " + o.skipped());
  }

  @Test
  public void aProviderThatCannotBeSelectedIsCaught() {
    Outcome o = run(BrokenCases.BadlyNamedCase.class);
    o.failedAll(
        "nameIsShortStableAndWellFormed",
        "providerIsRegisteredForServiceLoader",
        "selectionHonoursTheSwitches");
    o.passedAll("providerCanBeInstantiatedByServiceLoader");
  }
}
