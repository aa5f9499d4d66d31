package io.handoff.spi;

import static io.handoff.spi.TenureScript.ME;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.handoff.spi.FaultyProvider.Fault;
import java.util.List;
import java.util.Map;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/**
 * The engine's observer, as a host meets it through {@link LeadershipHandoffs#observers}: each
 * decision counted once with its reason, the consume switch applied whatever the strategy, a
 * strategy that throws never yielding a fast path nor an exception (logged with the topic-partition
 * and offset, the partition untrusted until forgotten or restored), a strategy that contradicts
 * itself refused the fast path, argument errors naming the topic-partition and offset, and a hot
 * path that allocates nothing.
 */
public class EngineObserverTest {

  private static final String TOPIC = "store_v1";
  private static final int P = 3;

  /** A's clean tenure closed by its stamp, then the reader's declaration of term 7. */
  private static final String CLEAN_HANDOVER = "D:A:5 O:A:-1 S:A:5 D:ME:7";

  private final FaultyProvider faulty = new FaultyProvider();

  /** TestNG runs every method on one instance: each starts with no fault in force. */
  @BeforeMethod
  public void noFaults() {
    faulty.faults.clear();
  }

  private static HandoffSettings settings(boolean consume) {
    return HandoffSettings.from(
        Map.of(
            HandoffSettings.CONSUME_STEPDOWN_STAMP,
            String.valueOf(consume),
            HandoffSettings.STRATEGY,
            "faulty"));
  }

  /** The engine around the faulty strategy's evidence, selected as a host selects it. */
  private LeadershipHandoffObserver open(boolean consume, HandoffMetrics metrics) {
    ProviderRegistry registry = ProviderRegistry.of(List.of(faulty, new StubProviders.Noop()));
    LeadershipHandoffObserver o =
        consume
            ? LeadershipHandoffs.observers(registry, settings(true), metrics).open(TOPIC, ME)
            : HandoffEngine.observer(
                settings(false),
                metrics,
                TOPIC,
                ME,
                faulty.newEvidence(settings(false), metrics, TOPIC, ME));
    assertTrue(HandoffEngine.evidenceOf(o) instanceof FaultyProvider.Evidence, String.valueOf(o));
    return o;
  }

  private static long feed(LeadershipHandoffObserver o, int partition, long from, String script) {
    return TenureScript.feed(o, partition, from, TenureScript.parse(script));
  }

  // ------------------------------------------------------------------- decisions and metrics

  @Test
  public void eachDecisionIsCountedOnceWithItsReason() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = open(true, m);
    feed(o, P, 0, CLEAN_HANDOVER);
    assertEquals(o.decideHandover(P, 7, false), HandoverPath.FAST_PATH, "a clean step-down");
    assertEquals(m.fastPath(), 1L, "one fast path");
    assertEquals(m.handovers(HandoverReason.CLEAN_STEP_DOWN), 1L, "with its reason");

    assertEquals(o.decideHandover(4, 7, false), HandoverPath.WAIT, "nothing seen, window open");
    assertEquals(m.legacyWait() + m.fastPath(), 1L, "a WAIT is not counted");
    assertEquals(o.decideHandover(4, 7, true), HandoverPath.LEGACY_WAIT, "window elapsed");
    assertEquals(m.legacyWait(), 1L, "one legacy wait");
    assertEquals(
        m.handovers(HandoverReason.OWN_DECLARATION_NOT_READ), 1L, "why the fast path was refused");
    assertEquals(m.handovers(HandoverReason.STRATEGY_FAILED), 0L, "nothing failed");
  }

  @Test
  public void consumingOffNeverCutsWhateverTheEvidenceAndSaysSo() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = open(false, m);
    feed(o, P, 0, CLEAN_HANDOVER);
    assertTrue(HandoffEngine.evidenceOf(o).mayCut(P, 7), "the evidence itself would cut");
    assertFalse(o.canSkipInactivityWait(P, 7), "consuming off never cuts");
    assertEquals(o.decideHandover(P, 7, false), HandoverPath.WAIT, "window open");
    assertEquals(o.decideHandover(P, 7, true), HandoverPath.LEGACY_WAIT, "window elapsed");
    assertEquals(m.handovers(HandoverReason.CONSUMING_OFF), 1L, "counted as consuming off");
    HandoverExplanation e = o.explain(P, 7);
    assertEquals(e.reason(), HandoverReason.CONSUMING_OFF, "explained as consuming off");
    assertNotNull(e.earlier(), "the tenures still show what switching consuming on would find");
    assertNull(e.culprit(), "no record is to blame for a switch");
  }

  @Test
  public void theEngineNamesItsOwnTopicReaderAndTerm() {
    LeadershipHandoffObserver o = open(true, HandoffMetrics.NOOP);
    feed(o, P, 0, CLEAN_HANDOVER);
    HandoverExplanation e = o.explain(P, 7);
    assertEquals(
        List.of(e.versionTopic(), e.partition(), e.reader(), e.myTerm()),
        List.of(TOPIC, P, ME, 7L),
        "topic, partition, reader and term");
    assertEquals(e.mayCut(), o.canSkipInactivityWait(P, 7), "agrees with the decision");
  }

  // ------------------------------------------------------------------- a strategy that throws

  @Test
  public void aStrategyThatThrowsWhileObservingNeverYieldsTheFastPath() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = open(true, m);
    feed(o, 5, 0, CLEAN_HANDOVER); // another partition, before anything fails
    long next;
    try (LogCapture log = new LogCapture(EngineObserver.class)) {
      next = feed(o, P, 0, "D:A:5 O:A:-1");
      faulty.faults.add(Fault.OBSERVE);
      feed(o, P, next, "O:A:-1"); // offset 2: throws, and must not reach the host
      faulty.faults.remove(Fault.OBSERVE);
      feed(o, P, next + 1, "S:A:5 D:ME:7");
      List<ILoggingEvent> errors = log.at(Level.ERROR);
      assertEquals(errors.size(), 1, log.everything());
      String line = errors.get(0).getFormattedMessage();
      assertTrue(line.contains(TOPIC + "-" + P + " offset 2"), "names where: " + line);
      assertTrue(line.contains("observe"), "names the call: " + line);
      assertNotNull(errors.get(0).getThrowableProxy(), "with the failure");
    }
    assertTrue(
        HandoffEngine.evidenceOf(o).mayCut(P, 7),
        "the evidence, having missed a record, would cut: exactly what must not pass");
    assertFalse(o.canSkipInactivityWait(P, 7), "untrusted");
    assertEquals(o.decideHandover(P, 7, false), HandoverPath.WAIT, "no fast path");
    assertEquals(o.decideHandover(P, 7, true), HandoverPath.LEGACY_WAIT, "the legacy wait");
    assertEquals(m.fastPath(), 0L, "no fast path counted");
    assertEquals(m.handovers(HandoverReason.STRATEGY_FAILED), 1L, "the legacy wait says why");
    assertEquals(o.explain(P, 7).reason(), HandoverReason.STRATEGY_FAILED, "explained");
    assertTrue(o.canSkipInactivityWait(5, 7), "another partition keeps its own verdict");
  }

  @Test
  public void anUntrustedPartitionIsTrustedAgainAfterForgetOrARestore() {
    LeadershipHandoffObserver o = open(true, HandoffMetrics.NOOP);
    long next = feed(o, P, 0, "D:A:5 O:A:-1");
    byte[] checkpoint = o.exportState(P);
    faulty.faults.add(Fault.OBSERVE_UNDECODABLE);
    o.observeUndecodable(P, next);
    faulty.faults.clear();
    feed(o, P, next + 1, "S:A:5 D:ME:7");
    assertFalse(o.canSkipInactivityWait(P, 7), "untrusted after the failure");

    o.restoreState(P, next, checkpoint);
    feed(o, P, next, "S:A:5 D:ME:7");
    assertTrue(o.canSkipInactivityWait(P, 7), "a successful restore trusts the partition again");

    faulty.faults.add(Fault.OBSERVE);
    feed(o, P, next + 2, "O:ME:-1");
    faulty.faults.clear();
    assertFalse(o.canSkipInactivityWait(P, 7), "untrusted again");
    o.forget(P);
    feed(o, P, 100, CLEAN_HANDOVER);
    assertTrue(o.canSkipInactivityWait(P, 7), "forget trusts the partition again");
  }

  @Test
  public void anUntrustedPartitionExportsNothingARestartCouldTrust() {
    LeadershipHandoffObserver o = open(true, HandoffMetrics.NOOP);
    long next = feed(o, P, 0, "D:A:5 O:A:-1");
    // Z writes inside A's tenure, and the strategy fails on that very record: it never noted it.
    faulty.faults.add(Fault.OBSERVE);
    next = feed(o, P, next, "O:Z:-1");
    faulty.faults.clear();
    next = feed(o, P, next, "S:A:5");
    byte[] checkpoint = o.exportState(P);

    LeadershipHandoffObserver restarted = open(true, HandoffMetrics.NOOP);
    long resumeAt = next;
    expectThrows(
        IllegalArgumentException.class, () -> restarted.restoreState(P, resumeAt, checkpoint));
    feed(restarted, P, resumeAt, "D:ME:7");
    assertFalse(
        restarted.canSkipInactivityWait(P, 7),
        "the state of a partition the strategy failed on must not vouch for A's tenure");
    assertEquals(restarted.decideHandover(P, 7, false), HandoverPath.WAIT);
  }

  @Test
  public void aTermOfZeroOrLessNeverCutsWhateverTheStrategySays() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = open(true, m);
    feed(o, P, 0, CLEAN_HANDOVER);
    faulty.faults.add(Fault.CUTS_ANY_TERM);
    for (long term : new long[] {0, -1, Long.MIN_VALUE}) {
      assertFalse(o.canSkipInactivityWait(P, term), "term " + term);
      assertEquals(o.decideHandover(P, term, false), HandoverPath.WAIT, "term " + term);
    }
    assertTrue(o.canSkipInactivityWait(P, 7), "the same strategy's yes counts for a real term");
    assertEquals(m.fastPath(), 0L, "no decision was a fast path");
  }

  @Test
  public void aFailedForgetOrRestoreKeepsThePartitionUntrusted() {
    LeadershipHandoffObserver o = open(true, HandoffMetrics.NOOP);
    faulty.faults.add(Fault.OBSERVE);
    feed(o, P, 0, "D:A:5");
    faulty.faults.clear();
    faulty.faults.add(Fault.FORGET);
    o.forget(P); // throws inside, not here
    faulty.faults.clear();
    feed(o, P, 100, CLEAN_HANDOVER);
    assertFalse(o.canSkipInactivityWait(P, 7), "a forget that failed trusts nothing");

    LeadershipHandoffObserver source = open(true, HandoffMetrics.NOOP);
    long next = feed(source, P, 0, "D:A:5 O:A:-1");
    byte[] state = source.exportState(P);
    faulty.faults.add(Fault.RESTORE);
    o.restoreState(P, next, state); // throws inside, not here
    faulty.faults.clear();
    feed(o, P, next, "S:A:5 D:ME:7");
    assertFalse(o.canSkipInactivityWait(P, 7), "a restore that failed trusts nothing");
    expectThrows(IllegalArgumentException.class, () -> o.restoreState(P, next + 9, state));
    assertFalse(
        o.canSkipInactivityWait(P, 7), "a refused restore (the documented refusal) neither");
  }

  @Test
  public void aStrategyThatThrowsWhileJudgingNeverYieldsTheFastPath() {
    for (Fault fault : List.of(Fault.MAY_CUT, Fault.EXPLAIN)) {
      CountingHandoffMetrics m = new CountingHandoffMetrics();
      LeadershipHandoffObserver o = open(true, m);
      feed(o, P, 0, CLEAN_HANDOVER);
      faulty.faults.add(fault);
      HandoverPath first = o.decideHandover(P, 7, false);
      HandoverPath second = o.decideHandover(P, 7, true);
      HandoverExplanation e = o.explain(P, 7);
      faulty.faults.clear();
      // With EXPLAIN, mayCut answered true and explain threw: a cut nobody can explain waits.
      assertEquals(first, HandoverPath.WAIT, fault + ": no fast path");
      assertEquals(second, HandoverPath.LEGACY_WAIT, fault + ": the legacy wait");
      assertEquals(m.fastPath(), 0L, fault + ": no fast path counted");
      assertEquals(m.handovers(HandoverReason.STRATEGY_FAILED), 1L, fault + ": why");
      assertEquals(e.reason(), HandoverReason.STRATEGY_FAILED, fault + ": explained");
      assertFalse(o.canSkipInactivityWait(P, 7), fault + ": untrusted until forgotten");
    }
  }

  @Test
  public void aStrategyThatContradictsItselfIsRefusedTheFastPath() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = open(true, m);
    feed(o, P, 0, CLEAN_HANDOVER);
    faulty.faults.add(Fault.EXPLAIN_CONTRADICTS);
    try (LogCapture log = new LogCapture(EngineObserver.class)) {
      assertEquals(o.decideHandover(P, 7, false), HandoverPath.WAIT, "mayCut without a reason");
      assertTrue(log.everything().contains(TOPIC + "-" + P), log.everything());
    }
    assertEquals(o.decideHandover(P, 7, true), HandoverPath.LEGACY_WAIT, "then the legacy wait");
    assertEquals(m.fastPath(), 0L, "no fast path");
    assertEquals(m.handovers(HandoverReason.STRATEGY_FAILED), 1L, "counted as a failure");

    CountingHandoffMetrics n = new CountingHandoffMetrics();
    LeadershipHandoffObserver p = open(true, n);
    feed(p, P, 0, "D:A:5 O:A:-1 D:ME:7"); // no stamp: mayCut false, explain claims a cut
    assertEquals(p.decideHandover(P, 7, true), HandoverPath.LEGACY_WAIT, "never a fast path");
    assertEquals(n.handovers(HandoverReason.STRATEGY_FAILED), 1L, "not CLEAN_STEP_DOWN");
    assertEquals(n.handovers(HandoverReason.CLEAN_STEP_DOWN), 0L, "the claim is not counted");
  }

  @Test
  public void aFailedExportIsEmptyAndLeavesThePartitionUntrusted() {
    LeadershipHandoffObserver o = open(true, HandoffMetrics.NOOP);
    feed(o, P, 0, CLEAN_HANDOVER);
    faulty.faults.add(Fault.EXPORT);
    byte[] state = o.exportState(P);
    faulty.faults.clear();
    assertEquals(state.length, 0, "nothing to restore from");
    assertFalse(o.canSkipInactivityWait(P, 7), "untrusted");
    LeadershipHandoffObserver restarted = open(true, HandoffMetrics.NOOP);
    expectThrows(IllegalArgumentException.class, () -> restarted.restoreState(P, 4, state));
  }

  @Test
  public void aFailedQueryOrCheckpointCallUntrustsThePartitionLikeAFailedRecord() {
    for (Fault fault : List.of(Fault.MAY_CUT, Fault.EXPLAIN, Fault.FORGET, Fault.RESTORE)) {
      LeadershipHandoffObserver o = open(true, HandoffMetrics.NOOP);
      long next = feed(o, P, 0, CLEAN_HANDOVER);
      byte[] state = o.exportState(P);
      assertTrue(o.canSkipInactivityWait(P, 7), fault + ": trusted before");
      try (LogCapture log = new LogCapture(EngineObserver.class)) {
        faulty.faults.add(fault);
        switch (fault) {
          case MAY_CUT -> assertFalse(o.canSkipInactivityWait(P, 7), "a failed query is no");
          case EXPLAIN ->
              assertEquals(o.explain(P, 7).reason(), HandoverReason.STRATEGY_FAILED, "explained");
          case FORGET -> o.forget(P);
          default -> o.restoreState(P, next, state);
        }
        faulty.faults.clear();
        List<String> errors = log.messages(Level.ERROR);
        assertEquals(errors.size(), 1, fault + ": " + log.everything());
        String method =
            switch (fault) {
              case MAY_CUT -> "mayCut";
              case EXPLAIN -> "explain";
              case FORGET -> "forget";
              default -> "restoreState";
            };
        String where =
            fault == Fault.RESTORE ? TOPIC + "-" + P + " offset " + next : TOPIC + "-" + P;
        assertTrue(errors.get(0).startsWith(where + ": "), fault + ": names where: " + errors);
        assertTrue(errors.get(0).contains(" failed in " + method + ";"), fault + ": " + errors);
        if (fault != Fault.RESTORE) {
          assertFalse(errors.get(0).contains("offset"), fault + ": no record involved: " + errors);
        }
      }
      assertFalse(o.canSkipInactivityWait(P, 7), fault + ": untrusted once the call failed");
      assertEquals(o.explain(P, 7).reason(), HandoverReason.STRATEGY_FAILED, fault + ": why");
    }
  }

  @Test
  public void aPartitionThatKeepsFailingLogsOneErrorNotOnePerRecord() {
    LeadershipHandoffObserver o = open(true, HandoffMetrics.NOOP);
    try (LogCapture log = new LogCapture(EngineObserver.class)) {
      faulty.faults.add(Fault.OBSERVE);
      feed(o, P, 0, "D:A:5 O:A:-1 O:A:-1");
      faulty.faults.clear();
      List<String> errors = log.messages(Level.ERROR);
      assertEquals(errors.size(), 1, log.everything());
      assertTrue(errors.get(0).startsWith(TOPIC + "-" + P + " offset 0: "), errors.get(0));
      List<String> again = log.messages(Level.DEBUG);
      assertEquals(again.size(), 2, log.everything());
      assertTrue(again.get(1).startsWith(TOPIC + "-" + P + " offset 2: "), again.get(1));
    }
  }

  @Test
  public void consumingOffExplainsConsumingOffWhateverTheStrategyDoes() {
    LeadershipHandoffObserver off = open(false, HandoffMetrics.NOOP);
    LeadershipHandoffObserver on = open(true, HandoffMetrics.NOOP);
    // B's record inside A's tenure makes it unclean: the evidence blames that record.
    String unclean = "D:A:5 O:B:-1 S:A:5 D:ME:7";
    feed(off, P, 0, unclean);
    feed(on, P, 0, unclean);
    HandoverExplanation withRules = on.explain(P, 7);
    assertNotNull(withRules.culprit(), "consuming on: the record to blame " + withRules);
    assertEquals(withRules.culprit().offset(), 1L, "B's record");
    HandoverExplanation e = off.explain(P, 7);
    assertEquals(e.reason(), HandoverReason.CONSUMING_OFF, e.toString());
    assertNull(e.culprit(), "consuming off, no record is to blame: " + e);
    assertEquals(e.earlier(), withRules.earlier(), "the tenures are those the rules see");

    faulty.faults.add(Fault.EXPLAIN);
    HandoverExplanation failedExplain = off.explain(P, 7);
    faulty.faults.clear();
    assertEquals(failedExplain.reason(), HandoverReason.CONSUMING_OFF, "explain threw");
    assertNull(failedExplain.earlier(), "nothing known of the tenures");

    faulty.faults.add(Fault.OBSERVE);
    feed(off, 4, 0, "D:A:5");
    faulty.faults.clear();
    assertEquals(off.explain(4, 7).reason(), HandoverReason.CONSUMING_OFF, "observe threw");
  }

  @Test
  public void theFirstAndLastPartitionAndOffsetZeroAreAcceptedEverywhere() {
    for (int p : new int[] {0, TenureTracker.MAX_PARTITION}) {
      LeadershipHandoffObserver o = open(true, HandoffMetrics.NOOP);
      o.observeUndecodable(p, 0);
      long next = feed(o, p, 1, CLEAN_HANDOVER);
      assertTrue(o.canSkipInactivityWait(p, 7), p + ": " + o.explain(p, 7));
      assertEquals(o.decideHandover(p, 7, false), HandoverPath.FAST_PATH, "partition " + p);
      assertEquals(o.explain(p, 7).partition(), p, "explained");
      byte[] state = o.exportState(p);
      o.forget(p);
      assertFalse(o.canSkipInactivityWait(p, 7), p + ": forgotten");
      o.restoreState(p, next, state);
      assertTrue(o.canSkipInactivityWait(p, 7), p + ": restored");
    }
  }

  // ------------------------------------------------------------------- arguments

  @Test
  public void argumentErrorsNameTheTopicPartitionAndOffset() {
    LeadershipHandoffObserver o = open(true, HandoffMetrics.NOOP);
    byte[] key = TenureScript.OTHER_KEY;
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> o.observe(-1, 5, key, "a", -1))
            .getMessage(),
        "partition must be between 0 and 1048575, got -1 for topic store_v1 (record at offset 5)");
    assertEquals(
        expectThrows(
                IllegalArgumentException.class,
                () -> o.observe(TenureTracker.MAX_PARTITION + 1, 5, key, "a", -1))
            .getMessage(),
        "partition must be between 0 and 1048575, got 1048576 for topic store_v1 (record at offset"
            + " 5)");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> o.observe(2, -3, key, "a", -1))
            .getMessage(),
        "offset must be >= 0, got -3 for store_v1-2");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> o.observeUndecodable(2, -1))
            .getMessage(),
        "offset must be >= 0, got -1 for store_v1-2");
    for (Runnable call :
        List.<Runnable>of(
            () -> o.decideHandover(-4, 7, true),
            () -> o.explain(-4, 7),
            () -> o.exportState(-4),
            () -> o.restoreState(-4, 0, new byte[0]),
            () -> o.forget(-4))) {
      assertEquals(
          expectThrows(IllegalArgumentException.class, call::run).getMessage(),
          "partition must be between 0 and 1048575, got -4 for topic store_v1");
    }
    int tooHigh = TenureTracker.MAX_PARTITION + 1;
    for (Runnable call :
        List.<Runnable>of(
            () -> o.decideHandover(-4, 7, false),
            () -> o.decideHandover(tooHigh, 7, false),
            () -> o.explain(tooHigh, 7),
            () -> o.exportState(tooHigh),
            () -> o.restoreState(tooHigh, 0, new byte[0]),
            () -> o.forget(tooHigh))) {
      String message = expectThrows(IllegalArgumentException.class, call::run).getMessage();
      assertTrue(
          message.startsWith("partition must be between 0 and 1048575, got "),
          "even while the window is open: " + message);
    }
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> o.observeUndecodable(-1, 5))
            .getMessage(),
        "partition must be between 0 and 1048575, got -1 for topic store_v1 (record at offset 5)");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> o.observeUndecodable(tooHigh, 5))
            .getMessage(),
        "partition must be between 0 and 1048575, got 1048576 for topic store_v1 (record at offset"
            + " 5)");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> o.observe(0, -3, key, "a", -1))
            .getMessage(),
        "offset must be >= 0, got -3 for store_v1-0");
    assertEquals(
        expectThrows(
                IllegalArgumentException.class,
                () -> o.observeUndecodable(TenureTracker.MAX_PARTITION, -1))
            .getMessage(),
        "offset must be >= 0, got -1 for store_v1-1048575");
    faulty.faults.add(Fault.MAY_CUT); // the strategy would throw if it were asked
    try (LogCapture log = new LogCapture(EngineObserver.class)) {
      for (int impossible : new int[] {-4, TenureTracker.MAX_PARTITION + 1}) {
        assertFalse(o.canSkipInactivityWait(impossible, 7), "a pure query of it is simply no");
      }
      assertEquals(log.events(), List.of(), "the strategy is not asked: " + log.everything());
    }
    faulty.faults.clear();
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> o.restoreState(2, -1, new byte[0]))
            .getMessage(),
        "resumeOffset must be >= 0, got -1 for store_v1-2");
    assertEquals(
        expectThrows(NullPointerException.class, () -> o.restoreState(2, 0, null)).getMessage(),
        "state is null");
    assertFalse(o.canSkipInactivityWait(2, 7), "an argument error is no strategy failure");
  }

  @Test
  public void theEngineFactoryChecksItsArguments() {
    HandoverEvidence e = new LegacyWaitObserver(TOPIC, ME);
    HandoffSettings s = settings(true);
    HandoffMetrics m = HandoffMetrics.NOOP;
    assertEquals(
        expectThrows(
                NullPointerException.class, () -> HandoffEngine.observer(null, m, TOPIC, ME, e))
            .getMessage(),
        "settings is null");
    assertEquals(
        expectThrows(
                NullPointerException.class, () -> HandoffEngine.observer(s, null, TOPIC, ME, e))
            .getMessage(),
        "metrics is null");
    assertEquals(
        expectThrows(
                NullPointerException.class, () -> HandoffEngine.observer(s, m, TOPIC, ME, null))
            .getMessage(),
        "evidence is null");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> HandoffEngine.observer(s, m, " ", ME, e))
            .getMessage(),
        "versionTopic and localWriterId must not be blank, got ' ' and 'host-me'");
    expectThrows(
        IllegalArgumentException.class,
        () -> HandoffEngine.evidenceOf(new StubObserverForUnwrap()));
  }

  /** An observer the engine did not make. */
  private static final class StubObserverForUnwrap implements LeadershipHandoffObserver {
    private final LeadershipHandoffObserver inner =
        HandoffEngine.observer(
            settings(true), HandoffMetrics.NOOP, TOPIC, ME, new LegacyWaitObserver(TOPIC, ME));

    @Override
    public String versionTopic() {
      return TOPIC;
    }

    @Override
    public String localWriterId() {
      return ME;
    }

    @Override
    public void observe(
        int partition, long offset, byte[] recordKey, CharSequence writerId, long termId) {}

    @Override
    public void observeUndecodable(int partition, long offset) {}

    @Override
    public boolean canSkipInactivityWait(int partition, long myTerm) {
      return false;
    }

    @Override
    public HandoverPath decideHandover(
        int partition, long myTerm, boolean inactivityWindowElapsed) {
      return inner.decideHandover(partition, myTerm, inactivityWindowElapsed);
    }

    @Override
    public HandoverExplanation explain(int partition, long myTerm) {
      return inner.explain(partition, myTerm);
    }

    @Override
    public byte[] exportState(int partition) {
      return new byte[0];
    }

    @Override
    public void restoreState(int partition, long resumeOffset, byte[] state) {}

    @Override
    public void forget(int partition) {}
  }

  // ------------------------------------------------------------------- the hot path

  @Test
  public void observeThroughTheEngineAllocatesNothingOnceThePartitionsHaveBeenSeen() {
    if (!(java.lang.management.ManagementFactory.getThreadMXBean()
        instanceof com.sun.management.ThreadMXBean bean)) {
      throw new AssertionError("this JVM cannot measure allocation");
    }
    LeadershipHandoffObserver o = open(true, HandoffMetrics.NOOP);
    String writer = "host-a";
    for (int p = 0; p < 8; p++) {
      o.observe(p, 0, TenureScript.DOL_KEY, writer, 5);
    }
    for (int i = 1; i < 200_000; i++) {
      o.observe(i & 7, i, TenureScript.OTHER_KEY, writer, -1);
    }
    long before = bean.getCurrentThreadAllocatedBytes();
    for (int i = 200_000; i < 1_200_000; i++) {
      o.observe(i & 7, i, TenureScript.OTHER_KEY, writer, -1);
    }
    long allocated = bean.getCurrentThreadAllocatedBytes() - before;
    // The measurement itself allocates a little; a per-record allocation would be >= 16 MB here.
    assertTrue(allocated < 64 * 1024, "observe allocated " + allocated + " bytes per 1,000,000");
    assertFalse(o.canSkipInactivityWait(0, 7), "a data-only stream proves nothing");
  }
}
