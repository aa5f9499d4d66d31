package io.handoff.spi;

import static io.handoff.spi.TenureScript.ME;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import io.handoff.spi.HandoverExplanation.Record;
import io.handoff.spi.HandoverExplanation.Tenure;
import io.handoff.spi.TenureScript.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * {@link TenureTracker#explain} and {@link LeadershipHandoffObserver#explain} say why a new leader
 * may or may not skip the inactivity wait: every {@link HandoverReason} arises from a sequence of
 * records a partition can hold, with the record responsible (offset, writer id, term, or that it
 * could not be decoded), the tenure before the reader's and the reader's own (writer id, term,
 * declaration offset, stamped, clean); the explanation agrees with {@code mayCut}; a {@link
 * TenureObserver} explains exactly as its tracker does and the {@link LegacyWaitObserver} always
 * answers {@link HandoverReason#CONSUMING_OFF}; {@code describe()} names the reader and the records
 * and tenures responsible; explaining changes nothing; a checkpoint taken at any offset and
 * restored into a restarted replica changes neither the decision nor the reason; and a restored
 * export tells the tenure before the reader's by the earlier status it holds.
 */
public class TenureExplanationTest {

  private static final String TOPIC = "store_v1";
  private static final int P = 3;
  private static final long FIRST = 100;
  private static final String A = "host-a";
  private static final String B = "host-b";
  private static final String Z = "host-z";

  /**
   * One sequence of records fed to partition {@link #P} from offset {@link #FIRST}, and the
   * explanation for ME.
   */
  record Row(
      String name,
      String script,
      long myTerm,
      boolean consume,
      HandoverReason reason,
      Record culprit,
      Tenure earlier,
      Tenure current) {

    List<Event> events() {
      return TenureScript.parse(script);
    }

    @Override
    public String toString() {
      return reason
          + ": "
          + name
          + " ["
          + script
          + "], "
          + ME
          + " with term "
          + myTerm
          + (consume ? "" : ", consume off");
    }
  }

  private static Row row(
      String name,
      String script,
      long myTerm,
      HandoverReason reason,
      Record culprit,
      Tenure earlier,
      Tenure current) {
    return new Row(name, script, myTerm, true, reason, culprit, earlier, current);
  }

  private static Record record(long offset, String writer, long term) {
    return new Record(offset, writer, term, false);
  }

  private static Record undecodableAt(long offset) {
    return new Record(offset, null, TenureTracker.NO_TERM, true);
  }

  /** A tenure: writer, term, offset of its declaration, closed by its own stamp, clean. */
  private static Tenure tenure(
      String writer, long term, long declaredAt, boolean stamped, boolean clean) {
    return new Tenure(writer, term, declaredAt, stamped, clean);
  }

  /** Every reason, from the records that produce it; offsets start at {@link #FIRST}. */
  static List<Row> rows() {
    List<Row> r = new ArrayList<>();
    String clean = "D:A:5 O:A:-1 O:A:5 S:A:5 D:ME:7 O:ME:-1";
    Tenure cleanA = tenure(A, 5, 100, true, true);
    Tenure mine = tenure(ME, 7, 104, false, true);
    r.add(
        row(
            "A's clean tenure closed by its stamp, then the reader's own declaration and data",
            clean,
            7,
            HandoverReason.CLEAN_STEP_DOWN,
            null,
            cleanA,
            mine));
    r.add(
        row(
            "a re-promoted reader whose own earlier tenure its stamp closed",
            "D:A:3 S:A:3 D:ME:5 O:ME:-1 S:ME:5" + " D:ME:9",
            9,
            HandoverReason.CLEAN_STEP_DOWN,
            null,
            tenure(ME, 5, 102, true, true),
            tenure(ME, 9, 105, false, true)));
    r.add(
        new Row(
            "consuming switched off",
            clean,
            7,
            false,
            HandoverReason.CONSUMING_OFF,
            null,
            cleanA,
            mine));
    r.add(row("a reader of term 0", clean, 0, HandoverReason.NOT_LEADER, null, cleanA, mine));
    r.add(row("a reader of term -1", clean, -1, HandoverReason.NOT_LEADER, null, cleanA, mine));
    r.add(
        row(
            "the reader's declaration not yet written",
            "D:A:5 O:A:-1 S:A:5",
            7,
            HandoverReason.OWN_DECLARATION_NOT_READ,
            null,
            null,
            tenure(A, 5, 100, true, true)));
    r.add(
        row(
            "the reader's declaration of an older term",
            "D:A:5 S:A:5 D:ME:6",
            7,
            HandoverReason.OWN_DECLARATION_NOT_READ,
            null,
            tenure(A, 5, 100, true, true),
            tenure(ME, 6, 102, false, true)));
    r.add(
        row(
            "another writer declared after the reader",
            "D:A:5 S:A:5 D:ME:7 D:B:8",
            7,
            HandoverReason.OWN_DECLARATION_NOT_READ,
            null,
            tenure(ME, 7, 102, false, true),
            tenure(B, 8, 103, false, true)));
    r.add(
        row(
            "another writer declared with the reader's term",
            "D:A:5 S:A:5 D:B:7",
            7,
            HandoverReason.OWN_DECLARATION_NOT_READ,
            null,
            tenure(A, 5, 100, true, true),
            tenure(B, 7, 102, false, true)));
    r.add(
        row(
            "a declaration without writer id with the reader's term",
            "D:A:5 S:A:5 D:-:7",
            7,
            HandoverReason.OWN_DECLARATION_NOT_READ,
            null,
            tenure(A, 5, 100, true, true),
            tenure(null, 7, 102, false, false)));
    r.add(
        row(
            "a zombie wrote after the reader's declaration",
            "D:A:5 S:A:5 D:ME:7 O:ME:-1 O:Z:-1 O:B:3",
            7,
            HandoverReason.OWN_TENURE_UNCLEAN,
            record(104, Z, -1),
            tenure(A, 5, 100, true, true),
            tenure(ME, 7, 102, false, false)));
    r.add(
        row(
            "an undecodable record after the reader's declaration",
            "D:A:5 S:A:5 D:ME:7 U",
            7,
            HandoverReason.OWN_TENURE_UNCLEAN,
            undecodableAt(103),
            tenure(A, 5, 100, true, true),
            tenure(ME, 7, 102, false, false)));
    r.add(
        row(
            "a record without writer id after the reader's declaration",
            "D:A:5 S:A:5 D:ME:7 O:-:-1",
            7,
            HandoverReason.OWN_TENURE_UNCLEAN,
            record(103, null, -1),
            tenure(A, 5, 100, true, true),
            tenure(ME, 7, 102, false, false)));
    r.add(
        row(
            "the old leader's stamp repeated after the reader's declaration",
            "D:A:5 S:A:5 D:ME:7 S:A:5",
            7,
            HandoverReason.OWN_TENURE_UNCLEAN,
            record(103, A, 5),
            tenure(A, 5, 100, true, true),
            tenure(ME, 7, 102, false, false)));
    r.add(
        row(
            "the reader stamped its own tenure",
            "D:A:5 S:A:5 D:ME:7 O:ME:-1 S:ME:7",
            7,
            HandoverReason.OWN_TENURE_STEPPED_DOWN,
            null,
            tenure(A, 5, 100, true, true),
            tenure(ME, 7, 102, true, true)));
    r.add(
        row(
            "the reader's declaration is the partition's first record",
            "D:ME:7 O:ME:-1",
            7,
            HandoverReason.NO_EARLIER_TENURE,
            null,
            null,
            tenure(ME, 7, 100, false, true)));
    r.add(
        row(
            "reading began inside A's tenure",
            "O:A:-1 O:A:5 S:A:5 D:ME:7",
            7,
            HandoverReason.STARTED_INSIDE_A_TENURE,
            null,
            tenure(null, -1, -1, false, false),
            tenure(ME, 7, 103, false, true)));
    r.add(
        row(
            "reading began at A's stamp",
            "S:A:5 D:ME:7",
            7,
            HandoverReason.STARTED_INSIDE_A_TENURE,
            null,
            tenure(null, -1, -1, false, false),
            tenure(ME, 7, 101, false, true)));
    r.add(
        row(
            "a zombie's data inside A's tenure",
            "D:Z:3 O:Z:-1 D:A:5 O:A:-1 O:Z:-1 O:A:-1 S:A:5 D:ME:7",
            7,
            HandoverReason.EARLIER_TENURE_UNCLEAN,
            record(104, Z, -1),
            tenure(A, 5, 102, true, false),
            tenure(ME, 7, 107, false, true)));
    r.add(
        row(
            "a zombie's record with its old term inside A's tenure",
            "D:Z:3 D:A:5 O:Z:3 S:A:5 D:ME:7",
            7,
            HandoverReason.EARLIER_TENURE_UNCLEAN,
            record(102, Z, 3),
            tenure(A, 5, 101, true, false),
            tenure(ME, 7, 104, false, true)));
    r.add(
        row(
            "an older session of A's host inside A's tenure",
            "D:A:5 O:A:4 S:A:5 D:ME:7",
            7,
            HandoverReason.EARLIER_TENURE_UNCLEAN,
            record(101, A, 4),
            tenure(A, 5, 100, true, false),
            tenure(ME, 7, 103, false, true)));
    r.add(
        row(
            "another writer's stamp inside A's tenure",
            "D:A:5 S:B:5 S:A:5 D:ME:7",
            7,
            HandoverReason.EARLIER_TENURE_UNCLEAN,
            record(101, B, 5),
            tenure(A, 5, 100, true, false),
            tenure(ME, 7, 103, false, true)));
    r.add(
        row(
            "an undecodable record inside A's tenure",
            "D:A:5 O:A:-1 U S:A:5 D:ME:7",
            7,
            HandoverReason.EARLIER_TENURE_UNCLEAN,
            undecodableAt(102),
            tenure(A, 5, 100, true, false),
            tenure(ME, 7, 104, false, true)));
    r.add(
        row(
            "a record without writer id inside A's tenure",
            "D:A:5 O:-:-1 S:A:5 D:ME:7",
            7,
            HandoverReason.EARLIER_TENURE_UNCLEAN,
            record(101, null, -1),
            tenure(A, 5, 100, true, false),
            tenure(ME, 7, 103, false, true)));
    r.add(
        row(
            "a record without writer id but with a term inside A's tenure",
            "D:A:5 O:-:5 S:A:5 D:ME:7",
            7,
            HandoverReason.EARLIER_TENURE_UNCLEAN,
            record(101, null, 5),
            tenure(A, 5, 100, true, false),
            tenure(ME, 7, 103, false, true)));
    r.add(
        row(
            "A declared without a term: nobody can be held to that tenure",
            "D:A:-1 S:A:-1 D:ME:7",
            7,
            HandoverReason.EARLIER_TENURE_UNCLEAN,
            record(100, A, -1),
            tenure(A, -1, 100, true, false),
            tenure(ME, 7, 102, false, true)));
    r.add(
        row(
            "A wrote after its own stamp",
            "D:A:5 O:A:-1 S:A:5 O:A:-1 D:ME:7",
            7,
            HandoverReason.STAMP_NOT_LAST,
            record(103, A, -1),
            tenure(A, 5, 100, true, false),
            tenure(ME, 7, 104, false, true)));
    r.add(
        row(
            "a zombie wrote after A's stamp",
            "D:A:5 S:A:5 O:Z:-1 D:ME:7",
            7,
            HandoverReason.STAMP_NOT_LAST,
            record(102, Z, -1),
            tenure(A, 5, 100, true, false),
            tenure(ME, 7, 103, false, true)));
    r.add(
        row(
            "an undecodable record after A's stamp",
            "D:A:5 S:A:5 U D:ME:7",
            7,
            HandoverReason.STAMP_NOT_LAST,
            undecodableAt(102),
            tenure(A, 5, 100, true, false),
            tenure(ME, 7, 103, false, true)));
    r.add(
        row(
            "A never stamped",
            "D:A:5 O:A:-1 D:ME:7",
            7,
            HandoverReason.NO_STAMP,
            null,
            tenure(A, 5, 100, false, true),
            tenure(ME, 7, 102, false, true)));
    r.add(
        row(
            "a re-promoted reader whose own earlier tenure was never stamped",
            "D:A:3 S:A:3 D:ME:5 O:ME:-1 D:ME:7",
            7,
            HandoverReason.NO_STAMP,
            null,
            tenure(ME, 5, 102, false, true),
            tenure(ME, 7, 104, false, true)));
    r.add(
        row(
            "A's stamp has the reader's term",
            "D:A:7 S:A:7 D:ME:7",
            7,
            HandoverReason.STAMP_TERM_NOT_BELOW_MINE,
            null,
            tenure(A, 7, 100, true, true),
            tenure(ME, 7, 102, false, true)));
    r.add(
        row(
            "A's stamp has a term above the reader's",
            "D:A:9 O:A:-1 S:A:9 D:ME:7",
            7,
            HandoverReason.STAMP_TERM_NOT_BELOW_MINE,
            null,
            tenure(A, 9, 100, true, true),
            tenure(ME, 7, 103, false, true)));
    return r;
  }

  @DataProvider
  public Object[][] reasons() {
    return rows().stream().map(r -> new Object[] {r}).toArray(Object[][]::new);
  }

  @Test
  public void theRowsCoverEveryReason() {
    Set<HandoverReason> covered = EnumSet.noneOf(HandoverReason.class);
    rows().forEach(r -> covered.add(r.reason()));
    // STRATEGY_FAILED is the engine's, for a strategy that throws: EngineObserverTest covers it.
    assertEquals(
        covered,
        EnumSet.complementOf(EnumSet.of(HandoverReason.STRATEGY_FAILED)),
        "a sequence of records for every reason of the rules");
  }

  @Test(dataProvider = "reasons")
  public void theTrackerExplainsTheReasonAndNamesTheRecordsResponsible(Row row) {
    TenureTracker tracker = new TenureTracker(TOPIC, new CountingHandoffMetrics());
    TenureScript.feed(tracker, P, FIRST, row.events());
    HandoverExplanation e = tracker.explain(P, ME, row.myTerm(), row.consume());

    assertEquals(e.reason(), row.reason(), row + ": reason; " + e.describe());
    assertEquals(e.culprit(), row.culprit(), row + ": the record responsible");
    assertEquals(e.earlier(), row.earlier(), row + ": the tenure before the reader's");
    assertEquals(e.current(), row.current(), row + ": the current tenure");
    assertEquals(e.versionTopic(), TOPIC, row + ": topic");
    assertEquals(e.partition(), P, row + ": partition");
    assertEquals(e.reader(), ME, row + ": reader");
    assertEquals(e.myTerm(), row.myTerm(), row + ": term");
    assertEquals(
        e.mayCut(),
        row.reason() == HandoverReason.CLEAN_STEP_DOWN,
        row + ": only a clean step-down cuts");
    assertEquals(
        e.mayCut(),
        row.consume() && tracker.mayCut(P, ME, row.myTerm()),
        row + ": agrees with mayCut");
    assertDescribes(e, row);
  }

  @Test(dataProvider = "reasons")
  public void anObserverExplainsAsItsTrackerDoes(Row row) {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    TenureTracker tracker = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    LeadershipHandoffObserver observer =
        TenureScript.observer(row.consume(), metrics, TOPIC, ME, null);
    TenureScript.feed(tracker, P, FIRST, row.events());
    TenureScript.feed(observer, P, FIRST, row.events());

    HandoverExplanation e = observer.explain(P, row.myTerm());
    assertEquals(
        e,
        tracker.explain(P, ME, row.myTerm(), row.consume()),
        row + ": the tracker's explanation");
    assertEquals(e.reason(), row.reason(), row + ": reason");
    assertEquals(
        e.mayCut(),
        observer.canSkipInactivityWait(P, row.myTerm()),
        row + ": agrees with the decision");
  }

  @Test(dataProvider = "reasons")
  public void explainingChangesNothing(Row row) {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    LeadershipHandoffObserver observer =
        TenureScript.observer(row.consume(), metrics, TOPIC, ME, null);
    TenureScript.feed(observer, P, FIRST, row.events());
    byte[] state = observer.exportState(P);
    long unclean = metrics.uncleanTenure();

    HandoverExplanation first = observer.explain(P, row.myTerm());
    HandoverExplanation second = observer.explain(P, row.myTerm());
    assertEquals(second, first, row + ": the same explanation twice");
    assertEquals(observer.exportState(P), state, row + ": the state is unchanged");
    assertEquals(metrics.uncleanTenure(), unclean, row + ": nothing more counted as unclean");
    assertEquals(metrics.fastPath() + metrics.legacyWait(), 0L, row + ": no handover counted");
    for (HandoverReason reason : HandoverReason.values()) {
      assertEquals(metrics.handovers(reason), 0L, row + ": no handover counted for " + reason);
    }
  }

  /**
   * Whether {@link HandoverExplanation#describe()} speaks of the tenure before the reader's for
   * this reason.
   */
  private static boolean namesTheEarlierTenure(HandoverReason reason) {
    return switch (reason) {
      case CLEAN_STEP_DOWN,
          EARLIER_TENURE_UNCLEAN,
          STAMP_NOT_LAST,
          NO_STAMP,
          STAMP_TERM_NOT_BELOW_MINE ->
          true;
      default -> false;
    };
  }

  private static void assertDescribes(HandoverExplanation e, Row row) {
    String text = e.describe();
    String who = ME + " (term " + row.myTerm() + ") on " + TOPIC + "-" + P;
    assertTrue(
        text.startsWith(who), row + ": names the reader, its term and the partition: " + text);
    assertEquals(
        text.contains("may skip the inactivity wait"), e.mayCut(), row + ": the verdict: " + text);
    assertEquals(
        text.contains("must wait out the inactivity window"),
        !e.mayCut(),
        row + ": the verdict: " + text);
    Record culprit = e.culprit();
    if (culprit != null) {
      assertTrue(
          text.contains("offset " + culprit.offset()), row + ": the culprit's offset: " + text);
      if (culprit.undecodable()) {
        assertTrue(
            text.contains("could not be decoded"),
            row + ": the culprit could not be decoded: " + text);
      } else if (culprit.writerId() == null) {
        assertTrue(
            text.contains("without writer id"), row + ": the culprit has no writer id: " + text);
        assertFalse(
            text.contains("could not be decoded"), row + ": the culprit was decoded: " + text);
      } else {
        assertTrue(text.contains(culprit.writerId()), row + ": the culprit's writer: " + text);
        if (culprit.term() >= 0) {
          assertTrue(
              text.contains("term " + culprit.term()), row + ": the culprit's term: " + text);
        }
      }
    }
    if (namesTheEarlierTenure(e.reason())) {
      assertTrue(
          text.contains(e.earlier().writerId()), row + ": the earlier tenure's writer: " + text);
      if (e.earlier().term() >= 0) {
        assertTrue(
            text.contains("term " + e.earlier().term()),
            row + ": the earlier tenure's term: " + text);
      }
    }
    if (e.reason() == HandoverReason.OWN_DECLARATION_NOT_READ) {
      assertTrue(
          text.contains("the current tenure is that of " + e.current() + "."),
          row + ": the tenure that is current instead of the reader's: " + text);
    }
    if (e.reason() == HandoverReason.CONSUMING_OFF) {
      assertTrue(
          text.contains(HandoffSettings.CONSUME_STEPDOWN_STAMP), row + ": the setting: " + text);
    }
  }

  /**
   * An operator looks a tenure up by the offset of its declaration: every sentence that speaks of
   * the tenure before the reader's gives that offset, which the explanation knows.
   */
  @Test
  public void describeSaysWhereTheEarlierTenureWasDeclared() {
    List<String> silent = new ArrayList<>();
    for (Row row : rows()) {
      if (!namesTheEarlierTenure(row.reason()) || row.earlier().declarationOffset() < 0) {
        continue;
      }
      TenureTracker tracker = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
      TenureScript.feed(tracker, P, FIRST, row.events());
      HandoverExplanation e = tracker.explain(P, ME, row.myTerm(), row.consume());
      if (!e.describe().contains("offset " + e.earlier().declarationOffset())) {
        silent.add(row + " -> " + e.describe());
      }
    }
    assertTrue(
        silent.isEmpty(),
        silent.size()
            + " descriptions do not say at which offset the earlier tenure was"
            + " declared: "
            + String.join("; ", silent));
  }

  @Test
  public void aPartitionNeverSeenHasNoTenures() {
    TenureTracker tracker = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    HandoverExplanation e = tracker.explain(P, ME, 7, true);
    assertEquals(e.reason(), HandoverReason.OWN_DECLARATION_NOT_READ, "reason");
    assertNull(e.culprit(), "no record");
    assertNull(e.earlier(), "no earlier tenure");
    assertNull(e.current(), "no current tenure");
    assertTrue(
        e.describe().endsWith("has not been read back yet."),
        "nothing else to say: " + e.describe());
    assertEquals(
        tracker.explain(P, ME, 7, false).reason(),
        HandoverReason.CONSUMING_OFF,
        "consuming off first");
    assertEquals(
        tracker.explain(P, ME, 0, true).reason(), HandoverReason.NOT_LEADER, "then the term");
    assertEquals(
        tracker.explain(TenureTracker.MAX_PARTITION, ME, 7, true).reason(),
        HandoverReason.OWN_DECLARATION_NOT_READ,
        "the highest partition, never seen");
  }

  @Test
  public void theLegacyWaitObserverAlwaysExplainsThatConsumingIsOff() {
    LeadershipHandoffObserver o = TenureScript.legacyWait(HandoffMetrics.NOOP, TOPIC, ME);
    TenureScript.feed(o, P, FIRST, TenureScript.parse("D:A:5 O:A:-1 S:A:5 D:ME:7"));
    for (long term : new long[] {7, 0, -1}) {
      HandoverExplanation e = o.explain(P, term);
      assertEquals(e.reason(), HandoverReason.CONSUMING_OFF, "term " + term + ": reason");
      assertFalse(e.mayCut(), "term " + term + ": never cuts");
      assertEquals(
          e.mayCut(),
          o.canSkipInactivityWait(P, term),
          "term " + term + ": agrees with the decision");
      assertNull(e.culprit(), "term " + term + ": no record");
      assertNull(e.earlier(), "term " + term + ": no earlier tenure: it keeps none");
      assertNull(e.current(), "term " + term + ": no current tenure: it keeps none");
      assertEquals(
          Arrays.asList(e.versionTopic(), e.partition(), e.reader(), e.myTerm()),
          Arrays.asList(TOPIC, P, ME, term),
          "term " + term + ": who asks about what");
      assertTrue(
          e.describe().contains(HandoffSettings.CONSUME_STEPDOWN_STAMP),
          "names the setting: " + e.describe());
      assertTrue(
          e.describe().startsWith(ME + " (term " + term + ") on store_v1-3 must wait out"),
          "the verdict: " + e.describe());
    }
    assertEquals(o.exportState(P).length, 0, "it keeps nothing to checkpoint");
    assertEquals(
        o.explain(P, 7).reason(), HandoverReason.CONSUMING_OFF, "and exporting is no failure");
    assertEquals(
        o.toString(),
        "LeadershipHandoffObserver{store_v1, reader="
            + ME
            + ", consume=true,"
            + " LegacyWaitObserver{store_v1}}",
        "a log line names the strategy's part");
  }

  /**
   * A replica that restarts from a checkpoint without restoring the observer's state begins inside
   * A's tenure and must say so; the same replica with its state restored sees A's clean step-down.
   */
  @Test
  public void aReplicaRestartedFromACheckpointWithoutItsStateStartedInsideATenure() {
    List<Event> before = TenureScript.parse("D:A:5 O:A:-1 O:A:-1");
    List<Event> after = TenureScript.parse("O:A:-1 S:A:5 D:ME:7");
    TenureTracker first = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    long checkpoint = TenureScript.feed(first, P, FIRST, before);

    TenureTracker stateless = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    TenureScript.feed(stateless, P, checkpoint, after);
    HandoverExplanation e = stateless.explain(P, ME, 7, true);
    assertEquals(
        e.reason(), HandoverReason.STARTED_INSIDE_A_TENURE, "without the state: " + e.describe());
    assertEquals(
        e.earlier(), tenure(null, -1, -1, false, false), "the tenure it started inside is unknown");
    assertEquals(
        e.current(), tenure(ME, 7, checkpoint + 2, false, true), "the reader's own tenure");
    assertTrue(e.describe().contains("checkpoint"), "suggests the restart: " + e.describe());

    TenureTracker restored = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    restored.restore(P, checkpoint, first.export(P));
    TenureScript.feed(restored, P, checkpoint, after);
    HandoverExplanation r = restored.explain(P, ME, 7, true);
    assertEquals(
        r.reason(), HandoverReason.CLEAN_STEP_DOWN, "with the state restored: " + r.describe());
    assertEquals(
        r.earlier().writerId(),
        A,
        "A's tenure began before the checkpoint and is known by its writer");
    assertEquals(r.earlier().term(), 5L, "and its term");
  }

  /**
   * What a replica restarted at {@code cut} (restoring the state exported there) answers after the
   * whole row.
   */
  private static TenureTracker restartedAt(Row row, int cut) {
    List<Event> events = row.events();
    TenureTracker first = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    long checkpoint = TenureScript.feed(first, P, FIRST, events.subList(0, cut));
    TenureTracker restarted = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    restarted.restore(P, checkpoint, first.export(P));
    TenureScript.feed(restarted, P, checkpoint, events.subList(cut, events.size()));
    return restarted;
  }

  @Test(dataProvider = "reasons")
  public void aCheckpointAtAnyOffsetChangesNoDecision(Row row) {
    TenureTracker whole = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    TenureScript.feed(whole, P, FIRST, row.events());
    for (int cut = 0; cut <= row.events().size(); cut++) {
      TenureTracker restarted = restartedAt(row, cut);
      assertEquals(
          restarted.mayCut(P, ME, row.myTerm()),
          whole.mayCut(P, ME, row.myTerm()),
          row + ", restored at offset " + (FIRST + cut) + ": mayCut");
      assertEquals(
          restarted.explain(P, ME, row.myTerm(), row.consume()).mayCut(),
          whole.explain(P, ME, row.myTerm(), row.consume()).mayCut(),
          row + ", restored at offset " + (FIRST + cut) + ": the explanation's verdict");
    }
  }

  /**
   * After a restore the records responsible may be unknown (the culprit is then null), but the
   * reason must stay right, and a culprit that is named must be the right one.
   */
  @Test(dataProvider = "reasons")
  public void aCheckpointAtAnyOffsetLeavesTheReasonRight(Row row) {
    TenureTracker whole = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    TenureScript.feed(whole, P, FIRST, row.events());
    HandoverExplanation uninterrupted = whole.explain(P, ME, row.myTerm(), row.consume());
    List<String> wrong = new ArrayList<>();
    for (int cut = 0; cut <= row.events().size(); cut++) {
      HandoverExplanation e = restartedAt(row, cut).explain(P, ME, row.myTerm(), row.consume());
      if (e.reason() != uninterrupted.reason()) {
        wrong.add("restored at offset " + (FIRST + cut) + ": " + e.reason());
      } else if (e.culprit() != null && !e.culprit().equals(uninterrupted.culprit())) {
        wrong.add("restored at offset " + (FIRST + cut) + ": culprit " + e.culprit());
      }
    }
    assertTrue(
        wrong.isEmpty(),
        row
            + ": explanations after a checkpoint restored into a restarted replica, where"
            + " the uninterrupted one says "
            + uninterrupted.reason()
            + ": "
            + wrong);
  }

  @Test
  public void aReaderWithoutWriterIdHasNoTenureOfItsOwn() {
    for (String script : List.of("D:A:5 S:A:5 D:ME:7", "D:A:5 S:A:5 D:-:7")) {
      TenureTracker tracker = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
      TenureScript.feed(tracker, P, FIRST, TenureScript.parse(script));
      HandoverExplanation e = tracker.explain(P, null, 7, true);
      assertEquals(
          e.reason(),
          HandoverReason.OWN_DECLARATION_NOT_READ,
          script + ": reason; " + e.describe());
      assertNull(e.reader(), script + ": no reader's writer id");
      assertEquals(e.current().term(), 7L, script + ": the current tenure has the reader's term");
      assertEquals(e.mayCut(), tracker.mayCut(P, null, 7), script + ": agrees with mayCut");
    }
  }

  /** Offset 0 is the first offset of every partition: a record there is named like any other. */
  @Test
  public void aRecordAtOffsetZeroIsNamed() {
    TenureTracker tracker = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    TenureScript.feed(tracker, P, 0, TenureScript.parse("D:A:-1 S:A:-1 D:ME:7"));
    HandoverExplanation e = tracker.explain(P, ME, 7, true);
    assertEquals(e.reason(), HandoverReason.EARLIER_TENURE_UNCLEAN, "reason; " + e.describe());
    assertEquals(e.culprit(), record(0, A, -1), "the declaration without term at offset 0");
    assertEquals(e.earlier(), tenure(A, -1, 0, true, false), "A's tenure, declared at offset 0");
    assertTrue(e.describe().contains("offset 0"), "names the offset: " + e.describe());
  }

  @Test
  public void aPartitionRestoredFromAnExportTakenBeforeAnyRecordHasNoTenures() {
    byte[] empty = new TenureTracker(TOPIC, HandoffMetrics.NOOP).export(P);
    TenureTracker restored = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    restored.restore(P, 500, empty);
    HandoverExplanation e = restored.explain(P, ME, 7, true);
    assertEquals(e.reason(), HandoverReason.OWN_DECLARATION_NOT_READ, "reason; " + e.describe());
    assertNull(e.current(), "no current tenure");
    assertNull(e.earlier(), "no earlier tenure");
    assertNull(e.culprit(), "no record");
    assertEquals(
        e,
        new TenureTracker(TOPIC, HandoffMetrics.NOOP).explain(P, ME, 7, true),
        "the explanation of a partition never seen");

    TenureScript.feed(restored, P, 500, TenureScript.parse("D:ME:7"));
    HandoverExplanation first = restored.explain(P, ME, 7, true);
    assertEquals(
        first.reason(),
        HandoverReason.NO_EARLIER_TENURE,
        "then the reader's declaration is the first");
    assertEquals(first.current(), tenure(ME, 7, 500, false, true), "the reader's tenure");
  }

  /**
   * The earlier status byte of an export, its previous stamp term, and what a reader of term 7
   * whose own clean tenure was current at the export is told after a restore: the reason, and the
   * tenure before its own as the export knows it (no writer id, no declaration offset, a term only
   * when its stamp closed it cleanly). Stamped: null where the status does not tell.
   */
  @DataProvider
  public Object[][] restoredStatuses() {
    return new Object[][] {
      {0, 0L, HandoverReason.NO_EARLIER_TENURE, null, null},
      {1, 0L, HandoverReason.STARTED_INSIDE_A_TENURE, tenure(null, -1, -1, false, false), false},
      {2, 0L, HandoverReason.EARLIER_TENURE_UNCLEAN, tenure(null, -1, -1, false, false), null},
      {3, 0L, HandoverReason.STAMP_NOT_LAST, tenure(null, -1, -1, true, false), true},
      {4, 0L, HandoverReason.NO_STAMP, tenure(null, -1, -1, false, true), false},
      {5, 5L, HandoverReason.CLEAN_STEP_DOWN, tenure(null, 5, -1, true, true), true},
      {5, 7L, HandoverReason.STAMP_TERM_NOT_BELOW_MINE, tenure(null, 7, -1, true, true), true},
    };
  }

  @Test(dataProvider = "restoredStatuses")
  public void aRestoredExportExplainsTheTenureBeforeTheReadersByItsStatus(
      int status, long stampTerm, HandoverReason reason, Tenure earlier, Boolean stamped) {
    ExportLayout state = new ExportLayout(TOPIC, P);
    state.nextOffset = 50;
    state.phase = ExportLayout.OPEN;
    state.clean = 1;
    state.writer = ME;
    state.term = 7;
    state.previousStampTerm = stampTerm;
    state.earlier = (byte) status;
    state.flags = 1;
    TenureTracker restored = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    restored.restore(P, 50, state.bytes());
    String what = "earlier status " + status + ", stamp term " + stampTerm;

    HandoverExplanation e = restored.explain(P, ME, 7, true);
    assertEquals(e.reason(), reason, what + ": reason; " + e.describe());
    assertEquals(e.mayCut(), restored.mayCut(P, ME, 7), what + ": agrees with mayCut");
    assertNull(e.culprit(), what + ": the records responsible are not exported");
    assertEquals(e.current(), tenure(ME, 7, -1, false, true), what + ": the reader's tenure");
    if (earlier == null) {
      assertNull(e.earlier(), what + ": no tenure before the reader's");
      return;
    }
    assertNull(e.earlier().writerId(), what + ": the earlier tenure's writer id is not exported");
    assertEquals(e.earlier().term(), earlier.term(), what + ": the earlier tenure's term");
    assertEquals(
        e.earlier().declarationOffset(),
        -1L,
        what + ": the earlier declaration's offset is not exported");
    assertEquals(
        e.earlier().clean(), earlier.clean(), what + ": whether the earlier tenure was clean");
    if (stamped != null) {
      assertEquals(
          e.earlier().stamped(), (boolean) stamped, what + ": whether its own stamp closed it");
    }
  }

  /**
   * An export taken once the reader's declaration ended a tenure whose writer wrote after its own
   * stamp says so (earlier status 3), so the restored explanation knows that stamp closed the
   * tenure, as the uninterrupted one does, and as its own sentence says.
   */
  @Test
  public void aRestoredTenureThatTurnedUncleanAfterItsStampWasStamped() {
    TenureTracker whole = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    long next = TenureScript.feed(whole, P, FIRST, TenureScript.parse("D:A:5 S:A:5 O:A:-1 D:ME:7"));
    HandoverExplanation uninterrupted = whole.explain(P, ME, 7, true);
    assertEquals(uninterrupted.earlier(), tenure(A, 5, 100, true, false), "without a restart");

    TenureTracker restored = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    restored.restore(P, next, whole.export(P));
    HandoverExplanation e = restored.explain(P, ME, 7, true);
    assertEquals(e.reason(), HandoverReason.STAMP_NOT_LAST, "reason; " + e.describe());
    assertTrue(
        e.describe().contains("came after the step-down stamp of"),
        "names the stamp: " + e.describe());
    assertTrue(
        e.earlier().stamped(), "the earlier tenure was closed by its own stamp: " + e.earlier());
  }
}
