package io.handoff.stamp;

import static io.handoff.stamp.StampObserverFixtures.TOPIC;
import static io.handoff.tck.RuleRecords.A;
import static io.handoff.tck.RuleRecords.B;
import static io.handoff.tck.RuleRecords.NO_TERM;
import static io.handoff.tck.RuleRecords.READER;
import static io.handoff.tck.RuleRecords.Z;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import io.handoff.codec.HandWriter;
import io.handoff.codec.Values;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffEngine;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverExplanation;
import io.handoff.spi.HandoverExplanation.Record;
import io.handoff.spi.HandoverExplanation.Tenure;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LegacyWaitObserver;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * The stamp observer explains its decisions about real records: every {@link HandoverReason} arises
 * from a partition of encoded declarations, stamps, heartbeats and puts (data without a term, as
 * Venice's leaders write it) fed through {@link StampRecords#observe}, including records nobody can
 * decode (a newer envelope version, a null value, a stamp key on a put). Each explanation names the
 * reason, the record responsible (its offset, writer id and term, or that it could not be decoded),
 * the tenure before the reader's and the reader's own (with the offsets of their declarations), and
 * says so in {@code describe()}; it agrees with {@code canSkipInactivityWait}; {@code
 * decideHandover} counts each handover with that reason and a wait not at all; the {@link
 * LegacyWaitObserver} fed the same records explains {@link HandoverReason#CONSUMING_OFF}; and a
 * checkpoint at any offset, restored into a restarted replica, changes neither the decision nor the
 * reason.
 */
public class StampObserverExplanationTest {

  private static final int P = 5;
  private static final long FIRST = 7_000;
  private static final Stamps CODEC = new Stamps();
  private static final byte[] GUID = HandWriter.hex("00112233445566778899aabbccddeeff");
  private static final long TS = 1_700_000_000_000L;

  /** One partition of the version topic, record by record as a writer would append them. */
  static final class Log {
    final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    private long append(byte[] key, byte[] value) {
      long offset = FIRST + records.size();
      records.add(new ConsumerRecord<>(TOPIC, P, offset, key, value));
      return offset;
    }

    private static byte[] stampValue(StampKind kind, String writer, long term) {
      return CODEC.encode(kind, term, 0, writer, TS);
    }

    long dol(String writer, long term) {
      return append(
          StampKeys.declarationOfLeadershipKey(),
          stampValue(StampKind.DECLARATION_OF_LEADERSHIP, writer, term));
    }

    long stamp(String writer, long term) {
      return append(StampKeys.stepDownKey(), stampValue(StampKind.STEP_DOWN, writer, term));
    }

    long heartbeat(String writer, long term) {
      return append(StampKeys.heartbeatKey(), stampValue(StampKind.HEARTBEAT, writer, term));
    }

    /** A put as Venice's leaders write it: the writer id in the leader metadata footer, no term. */
    long data(String writer) {
      return data(writer, NO_TERM);
    }

    /** A put with a term, or (writer null) without a leader metadata footer at all. */
    long data(String writer, long term) {
      byte[] value = Values.put(GUID, 0, records.size(), TS, "v".getBytes(UTF_8), 1, term, writer);
      return append(StampObserverFixtures.DATA_KEY.clone(), value);
    }

    /** A put of a newer writer, whose envelope version this codec does not know. */
    long newerEnvelope(String writer) {
      byte[] value =
          Values.put(GUID, 0, records.size(), TS, "v".getBytes(UTF_8), 1, NO_TERM, writer);
      value[1] = 15;
      return append(StampObserverFixtures.DATA_KEY.clone(), value);
    }

    long nullValue() {
      return append(StampObserverFixtures.DATA_KEY.clone(), null);
    }

    /** A step-down key on a put of {@code writer}: forged or corrupt, never a stamp. */
    long stampKeyOnAPut(String writer) {
      byte[] value =
          Values.put(GUID, 0, records.size(), TS, "v".getBytes(UTF_8), 1, NO_TERM, writer);
      return append(StampKeys.stepDownKey(), value);
    }

    /**
     * A's clean tenure of {@code term}: its declaration, data, a heartbeat, its stamp. Returns the
     * declaration.
     */
    long cleanTenure(String writer, long term) {
      long declared = dol(writer, term);
      data(writer);
      heartbeat(writer, term);
      data(writer, term);
      stamp(writer, term);
      return declared;
    }

    /** Feeds the records from index {@code from} on, through the raw-record helper. */
    void feed(LeadershipHandoffObserver observer, int from) {
      StampRecords helper = new StampRecords();
      for (ConsumerRecord<byte[], byte[]> r : records.subList(from, records.size())) {
        helper.observe(observer, r);
      }
    }

    int size() {
      return records.size();
    }
  }

  /**
   * A partition's records, the index of the first one the observer reads (0, or later for a replica
   * that restarted without its state), the reader's question and the explanation it must get.
   */
  record Case(
      String name,
      Log log,
      int startAt,
      long myTerm,
      boolean consume,
      HandoverReason reason,
      Record culprit,
      Tenure earlier,
      Tenure current) {

    @Override
    public String toString() {
      return reason
          + ": "
          + name
          + ", "
          + READER
          + " with term "
          + myTerm
          + (consume ? "" : ", consume off");
    }
  }

  private static Tenure tenure(
      String writer, long term, long declaredAt, boolean stamped, boolean clean) {
    return new Tenure(writer, term, declaredAt, stamped, clean);
  }

  private static Record record(long offset, String writer, long term) {
    return new Record(offset, writer, term, false);
  }

  private static Record undecodableAt(long offset) {
    return new Record(offset, null, NO_TERM, true);
  }

  /** Builds a case from a fresh log: {@code script} appends the records and returns the case. */
  private static Case build(Function<Log, Case> script) {
    return script.apply(new Log());
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    for (boolean consume : new boolean[] {true, false}) {
      c.add(
          build(
              log -> {
                long a = log.cleanTenure(A, 5);
                long me = log.dol(READER, 7);
                log.data(READER);
                return new Case(
                    "A's clean tenure closed by its stamp, the reader's declaration read back",
                    log,
                    0,
                    7,
                    consume,
                    consume ? HandoverReason.CLEAN_STEP_DOWN : HandoverReason.CONSUMING_OFF,
                    null,
                    tenure(A, 5, a, true, true),
                    tenure(READER, 7, me, false, true));
              }));
    }
    for (long term : new long[] {0, -1}) {
      c.add(
          build(
              log -> {
                long a = log.cleanTenure(A, 5);
                long me = log.dol(READER, 7);
                return new Case(
                    "a reader that holds no term",
                    log,
                    0,
                    term,
                    true,
                    HandoverReason.NOT_LEADER,
                    null,
                    tenure(A, 5, a, true, true),
                    tenure(READER, 7, me, false, true));
              }));
    }
    c.add(
        build(
            log -> {
              long a = log.cleanTenure(A, 5);
              return new Case(
                  "the reader's declaration not read back yet",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.OWN_DECLARATION_NOT_READ,
                  null,
                  null,
                  tenure(A, 5, a, true, true));
            }));
    c.add(
        build(
            log -> {
              log.cleanTenure(A, 5);
              long me = log.dol(READER, 7);
              long b = log.dol(B, 8);
              return new Case(
                  "B declared after the reader",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.OWN_DECLARATION_NOT_READ,
                  null,
                  tenure(READER, 7, me, false, true),
                  tenure(B, 8, b, false, true));
            }));
    c.add(
        build(
            log -> {
              long a = log.cleanTenure(A, 5);
              long me = log.dol(READER, 7);
              log.data(READER);
              long zombie = log.data(Z);
              log.data(READER);
              return new Case(
                  "a zombie's put after the reader's declaration",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.OWN_TENURE_UNCLEAN,
                  record(zombie, Z, NO_TERM),
                  tenure(A, 5, a, true, true),
                  tenure(READER, 7, me, false, false));
            }));
    c.add(
        build(
            log -> {
              long a = log.cleanTenure(A, 5);
              long me = log.dol(READER, 7);
              long newer = log.newerEnvelope(A);
              return new Case(
                  "a newer envelope after the reader's declaration",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.OWN_TENURE_UNCLEAN,
                  undecodableAt(newer),
                  tenure(A, 5, a, true, true),
                  tenure(READER, 7, me, false, false));
            }));
    c.add(
        build(
            log -> {
              long a = log.cleanTenure(A, 5);
              long me = log.dol(READER, 7);
              long footless = log.data(null, NO_TERM);
              return new Case(
                  "a put without leader metadata after the reader's declaration",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.OWN_TENURE_UNCLEAN,
                  record(footless, null, NO_TERM),
                  tenure(A, 5, a, true, true),
                  tenure(READER, 7, me, false, false));
            }));
    c.add(
        build(
            log -> {
              long a = log.cleanTenure(A, 5);
              long me = log.dol(READER, 7);
              log.data(READER);
              log.stamp(READER, 7);
              return new Case(
                  "the reader stamped its own tenure",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.OWN_TENURE_STEPPED_DOWN,
                  null,
                  tenure(A, 5, a, true, true),
                  tenure(READER, 7, me, true, true));
            }));
    c.add(
        build(
            log -> {
              long me = log.dol(READER, 7);
              log.data(READER);
              return new Case(
                  "the reader's declaration is the partition's first record",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.NO_EARLIER_TENURE,
                  null,
                  null,
                  tenure(READER, 7, me, false, true));
            }));
    c.add(
        build(
            log -> {
              log.dol(A, 5);
              log.data(A);
              log.data(A);
              log.heartbeat(A, 5);
              log.stamp(A, 5);
              long me = log.dol(READER, 7);
              return new Case(
                  "a replica restarted from a checkpoint without its state, inside A's tenure",
                  log,
                  2,
                  7,
                  true,
                  HandoverReason.STARTED_INSIDE_A_TENURE,
                  null,
                  tenure(null, NO_TERM, -1, false, false),
                  tenure(READER, 7, me, false, true));
            }));
    c.add(
        build(
            log -> {
              log.dol(Z, 3);
              log.data(Z);
              long a = log.dol(A, 5);
              log.data(A);
              long zombie = log.data(Z);
              log.data(A);
              log.stamp(A, 5);
              long me = log.dol(READER, 7);
              return new Case(
                  "a zombie's put inside A's tenure",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.EARLIER_TENURE_UNCLEAN,
                  record(zombie, Z, NO_TERM),
                  tenure(A, 5, a, true, false),
                  tenure(READER, 7, me, false, true));
            }));
    c.add(
        build(
            log -> {
              log.dol(Z, 3);
              long a = log.dol(A, 5);
              long zombie = log.heartbeat(Z, 3);
              log.stamp(A, 5);
              long me = log.dol(READER, 7);
              return new Case(
                  "a zombie's heartbeat with its old term inside A's tenure",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.EARLIER_TENURE_UNCLEAN,
                  record(zombie, Z, 3),
                  tenure(A, 5, a, true, false),
                  tenure(READER, 7, me, false, true));
            }));
    c.add(
        build(
            log -> {
              long a = log.dol(A, 5);
              log.data(A);
              long newer = log.newerEnvelope(B);
              log.stamp(A, 5);
              long me = log.dol(READER, 7);
              return new Case(
                  "a newer envelope inside A's tenure",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.EARLIER_TENURE_UNCLEAN,
                  undecodableAt(newer),
                  tenure(A, 5, a, true, false),
                  tenure(READER, 7, me, false, true));
            }));
    c.add(
        build(
            log -> {
              long a = log.dol(A, 5);
              long empty = log.nullValue();
              log.stamp(A, 5);
              long me = log.dol(READER, 7);
              return new Case(
                  "a null value inside A's tenure",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.EARLIER_TENURE_UNCLEAN,
                  undecodableAt(empty),
                  tenure(A, 5, a, true, false),
                  tenure(READER, 7, me, false, true));
            }));
    c.add(
        build(
            log -> {
              long a = log.dol(A, 5);
              long forged = log.stampKeyOnAPut(A);
              log.stamp(A, 5);
              long me = log.dol(READER, 7);
              return new Case(
                  "a step-down key on a put inside A's tenure",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.EARLIER_TENURE_UNCLEAN,
                  undecodableAt(forged),
                  tenure(A, 5, a, true, false),
                  tenure(READER, 7, me, false, true));
            }));
    c.add(
        build(
            log -> {
              long a = log.dol(A, 5);
              long footless = log.data(null, NO_TERM);
              log.stamp(A, 5);
              long me = log.dol(READER, 7);
              return new Case(
                  "a put without leader metadata inside A's tenure",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.EARLIER_TENURE_UNCLEAN,
                  record(footless, null, NO_TERM),
                  tenure(A, 5, a, true, false),
                  tenure(READER, 7, me, false, true));
            }));
    c.add(
        build(
            log -> {
              long a = log.dol(A, 5);
              log.data(A);
              log.stamp(A, 5);
              long after = log.data(A);
              long me = log.dol(READER, 7);
              return new Case(
                  "A's put after its own stamp",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.STAMP_NOT_LAST,
                  record(after, A, NO_TERM),
                  tenure(A, 5, a, true, false),
                  tenure(READER, 7, me, false, true));
            }));
    c.add(
        build(
            log -> {
              long a = log.dol(A, 5);
              log.stamp(A, 5);
              log.stamp(A, 5);
              long zombie = log.data(Z);
              long me = log.dol(READER, 7);
              return new Case(
                  "a zombie's put after A's stamp and its repeat",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.STAMP_NOT_LAST,
                  record(zombie, Z, NO_TERM),
                  tenure(A, 5, a, true, false),
                  tenure(READER, 7, me, false, true));
            }));
    c.add(
        build(
            log -> {
              long a = log.dol(A, 5);
              log.stamp(A, 5);
              long newer = log.newerEnvelope(A);
              long me = log.dol(READER, 7);
              return new Case(
                  "a newer envelope after A's stamp",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.STAMP_NOT_LAST,
                  undecodableAt(newer),
                  tenure(A, 5, a, true, false),
                  tenure(READER, 7, me, false, true));
            }));
    c.add(
        build(
            log -> {
              long a = log.dol(A, 5);
              log.data(A);
              log.heartbeat(A, 5);
              long me = log.dol(READER, 7);
              return new Case(
                  "A never stamped",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.NO_STAMP,
                  null,
                  tenure(A, 5, a, false, true),
                  tenure(READER, 7, me, false, true));
            }));
    c.add(
        build(
            log -> {
              long a = log.cleanTenure(A, 7);
              long me = log.dol(READER, 7);
              return new Case(
                  "A's stamp has the reader's term",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.STAMP_TERM_NOT_BELOW_MINE,
                  null,
                  tenure(A, 7, a, true, true),
                  tenure(READER, 7, me, false, true));
            }));
    c.add(
        build(
            log -> {
              long a = log.cleanTenure(A, 9);
              long me = log.dol(READER, 7);
              return new Case(
                  "A's stamp has a term above the reader's",
                  log,
                  0,
                  7,
                  true,
                  HandoverReason.STAMP_TERM_NOT_BELOW_MINE,
                  null,
                  tenure(A, 9, a, true, true),
                  tenure(READER, 7, me, false, true));
            }));
    return c;
  }

  @DataProvider
  public Object[][] reasons() {
    return cases().stream().map(k -> new Object[] {k}).toArray(Object[][]::new);
  }

  private static LeadershipHandoffObserver observe(Case k, HandoffMetrics metrics) {
    LeadershipHandoffObserver o = StampObserverFixtures.observer(k.consume(), metrics);
    k.log().feed(o, k.startAt());
    return o;
  }

  @Test
  public void theCasesCoverEveryReason() {
    Set<HandoverReason> covered = EnumSet.noneOf(HandoverReason.class);
    cases().forEach(k -> covered.add(k.reason()));
    // STRATEGY_FAILED is the engine's, for a strategy that throws: EngineObserverTest covers it.
    assertEquals(
        covered,
        EnumSet.complementOf(EnumSet.of(HandoverReason.STRATEGY_FAILED)),
        "real records for every reason of the rules");
  }

  @Test(dataProvider = "reasons")
  public void theObserverExplainsTheReasonAndNamesTheRecordsResponsible(Case k) {
    LeadershipHandoffObserver o = observe(k, HandoffMetrics.NOOP);
    HandoverExplanation e = o.explain(P, k.myTerm());

    assertEquals(e.reason(), k.reason(), k + ": reason; " + e.describe());
    assertEquals(e.culprit(), k.culprit(), k + ": the record responsible");
    assertEquals(e.earlier(), k.earlier(), k + ": the tenure before the reader's");
    assertEquals(e.current(), k.current(), k + ": the current tenure");
    assertEquals(e.versionTopic(), TOPIC, k + ": topic");
    assertEquals(e.partition(), P, k + ": partition");
    assertEquals(e.reader(), READER, k + ": reader");
    assertEquals(e.myTerm(), k.myTerm(), k + ": term");
    assertEquals(
        e.mayCut(), o.canSkipInactivityWait(P, k.myTerm()), k + ": agrees with the decision");
    assertEquals(
        e.mayCut(),
        k.reason() == HandoverReason.CLEAN_STEP_DOWN,
        k + ": only a clean step-down cuts");

    String text = e.describe();
    assertTrue(
        text.startsWith(READER + " (term " + k.myTerm() + ") on " + TOPIC + "-" + P),
        k + ": names the reader, its term and the partition: " + text);
    Record culprit = e.culprit();
    if (culprit != null) {
      assertTrue(
          text.contains("offset " + culprit.offset()), k + ": the culprit's offset: " + text);
      if (culprit.undecodable()) {
        assertTrue(
            text.contains("could not be decoded"),
            k + ": the culprit could not be decoded: " + text);
      } else if (culprit.writerId() == null) {
        assertTrue(
            text.contains("without writer id"), k + ": the culprit has no writer id: " + text);
      } else {
        assertTrue(text.contains(culprit.writerId()), k + ": the culprit's writer: " + text);
      }
      if (culprit.term() > 0) {
        assertTrue(text.contains("term " + culprit.term()), k + ": the culprit's term: " + text);
      }
    }
    switch (k.reason()) {
      case CLEAN_STEP_DOWN,
          EARLIER_TENURE_UNCLEAN,
          STAMP_NOT_LAST,
          NO_STAMP,
          STAMP_TERM_NOT_BELOW_MINE -> {
        assertTrue(
            text.contains(e.earlier().writerId()), k + ": the earlier tenure's writer: " + text);
        assertTrue(
            text.contains("term " + e.earlier().term()),
            k + ": the earlier tenure's term: " + text);
      }
      case OWN_DECLARATION_NOT_READ ->
          assertTrue(
              text.contains(e.current().toString()),
              k + ": the tenure current instead of the reader's: " + text);
      case CONSUMING_OFF ->
          assertTrue(
              text.contains(HandoffSettings.CONSUME_STEPDOWN_STAMP), k + ": the setting: " + text);
      default -> {}
    }
  }

  @Test(dataProvider = "reasons")
  public void decideHandoverCountsEachHandoverWithItsReason(Case k) {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = observe(k, m);
    boolean cuts = k.reason().cuts();

    HandoverPath open = o.decideHandover(P, k.myTerm(), false);
    assertEquals(open, cuts ? HandoverPath.FAST_PATH : HandoverPath.WAIT, k + ": window open");
    HandoverPath elapsed = o.decideHandover(P, k.myTerm(), true);
    assertEquals(
        elapsed, cuts ? HandoverPath.FAST_PATH : HandoverPath.LEGACY_WAIT, k + ": window elapsed");
    assertEquals(m.fastPath(), cuts ? 2L : 0L, k + ": fast paths");
    assertEquals(m.legacyWait(), cuts ? 0L : 1L, k + ": legacy waits, the wait not counted");
    for (HandoverReason r : HandoverReason.values()) {
      assertEquals(
          m.handovers(r), r == k.reason() ? (cuts ? 2L : 1L) : 0L, k + ": handovers for " + r);
    }
  }

  @Test(dataProvider = "reasons")
  public void theLegacyWaitObserverExplainsThatConsumingIsOff(Case k) {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o =
        HandoffEngine.observer(
            StampObserverFixtures.settings(true),
            m,
            TOPIC,
            READER,
            new LegacyWaitObserver(TOPIC, READER));
    k.log().feed(o, k.startAt());
    HandoverExplanation e = o.explain(P, k.myTerm());
    assertEquals(e.reason(), HandoverReason.CONSUMING_OFF, k + ": reason");
    assertFalse(e.mayCut(), k + ": never cuts");
    assertNull(e.culprit(), k + ": it keeps no records");
    assertNull(e.earlier(), k + ": it keeps no tenures");
    assertEquals(o.decideHandover(P, k.myTerm(), false), HandoverPath.WAIT, k + ": window open");
    assertEquals(
        o.decideHandover(P, k.myTerm(), true), HandoverPath.LEGACY_WAIT, k + ": window elapsed");
    assertEquals(
        m.handovers(HandoverReason.CONSUMING_OFF), 1L, k + ": one legacy wait, consuming off");
    assertEquals(m.legacyWait(), 1L, k + ": one legacy wait");
  }

  /**
   * A replica that restarted at record {@code cut} of the log and restored the state exported
   * there.
   */
  private static LeadershipHandoffObserver restartedAt(Case k, int cut) {
    LeadershipHandoffObserver first =
        StampObserverFixtures.observer(k.consume(), HandoffMetrics.NOOP);
    StampRecords helper = new StampRecords();
    for (ConsumerRecord<byte[], byte[]> r : k.log().records.subList(k.startAt(), cut)) {
      helper.observe(first, r);
    }
    LeadershipHandoffObserver restarted =
        StampObserverFixtures.observer(k.consume(), HandoffMetrics.NOOP);
    restarted.restoreState(P, FIRST + cut, first.exportState(P));
    k.log().feed(restarted, cut);
    return restarted;
  }

  @Test(dataProvider = "reasons")
  public void aCheckpointAtAnyOffsetChangesNoDecision(Case k) {
    boolean whole = observe(k, HandoffMetrics.NOOP).canSkipInactivityWait(P, k.myTerm());
    for (int cut = k.startAt(); cut <= k.log().size(); cut++) {
      LeadershipHandoffObserver restarted = restartedAt(k, cut);
      assertEquals(
          restarted.canSkipInactivityWait(P, k.myTerm()),
          whole,
          k + ", restored at offset " + (FIRST + cut) + ": the decision");
      assertEquals(
          restarted.explain(P, k.myTerm()).mayCut(),
          whole,
          k + ", restored at offset " + (FIRST + cut) + ": the explanation's verdict");
    }
  }

  /**
   * After a restore the record responsible may be unknown (the culprit is then null), but the
   * reason must stay right, and a culprit that is named must be the right one.
   */
  @Test(dataProvider = "reasons")
  public void aCheckpointAtAnyOffsetLeavesTheReasonRight(Case k) {
    HandoverExplanation whole = observe(k, HandoffMetrics.NOOP).explain(P, k.myTerm());
    List<String> wrong = new ArrayList<>();
    for (int cut = k.startAt(); cut <= k.log().size(); cut++) {
      HandoverExplanation e = restartedAt(k, cut).explain(P, k.myTerm());
      if (e.reason() != whole.reason()) {
        wrong.add("restored at offset " + (FIRST + cut) + ": " + e.reason());
      } else if (e.culprit() != null && !e.culprit().equals(whole.culprit())) {
        wrong.add("restored at offset " + (FIRST + cut) + ": culprit " + e.culprit());
      }
    }
    assertTrue(
        wrong.isEmpty(),
        k
            + ": explanations after a checkpoint restored into a restarted replica, where"
            + " the uninterrupted one says "
            + whole.reason()
            + ": "
            + wrong);
  }

  /**
   * The replica restarted without its state sees only the end of A's tenure and must say so;
   * restoring the state exported at the same offset lets the same records cut the wait.
   */
  @Test
  public void restoringTheStateTurnsAStartInsideATenureIntoACleanStepDown() {
    Case k =
        cases().stream()
            .filter(c -> c.reason() == HandoverReason.STARTED_INSIDE_A_TENURE)
            .findFirst()
            .orElseThrow();
    LeadershipHandoffObserver stateless = observe(k, HandoffMetrics.NOOP);
    HandoverExplanation without = stateless.explain(P, 7);
    assertEquals(
        without.reason(),
        HandoverReason.STARTED_INSIDE_A_TENURE,
        "without the state: " + without.describe());
    assertTrue(
        without.describe().contains("checkpoint"), "suggests the restart: " + without.describe());

    HandoverExplanation with =
        restartedAt(
                new Case(k.name(), k.log(), 0, 7, true, k.reason(), null, null, null), k.startAt())
            .explain(P, 7);
    assertEquals(
        with.reason(),
        HandoverReason.CLEAN_STEP_DOWN,
        "with the state restored: " + with.describe());
    assertNotNull(with.earlier(), "A's tenure is known");
    assertEquals(with.earlier().writerId(), A, "by its writer");
    assertEquals(with.earlier().term(), 5L, "and its term");
  }
}
