package io.handoff.stamp;

import static io.handoff.tck.RuleRecords.A;
import static io.handoff.tck.RuleRecords.B;
import static io.handoff.tck.RuleRecords.NO_TERM;
import static io.handoff.tck.RuleRecords.READER;
import static io.handoff.tck.RuleRecords.Z;
import static io.handoff.tck.RuleRecords.data;
import static io.handoff.tck.RuleRecords.dol;
import static io.handoff.tck.RuleRecords.seq;
import static io.handoff.tck.RuleRecords.stamp;
import static io.handoff.tck.RuleRecords.undecodable;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.handoff.codec.HandWriter;
import io.handoff.codec.Values;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffObserverFactory;
import io.handoff.spi.HandoverExplanation;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.TenureTracker;
import io.handoff.tck.ObserverRules;
import io.handoff.tck.RuleCase;
import io.handoff.tck.RuleRecords;
import io.handoff.tck.RuleRecords.Kind;
import io.handoff.tck.RuleRecords.Rec;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.LoggerFactory;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Compares the stamp observer with an independent reference model of rules R1 to R5 of {@code
 * docs/ARCHITECTURE.md}, on random histories of several version topics, partitions and writers,
 * with equal terms across writers, re-promotions, demotions during a wait, zombies, stale and
 * repeated stamps, records without writer id, undecodable records, checkpoints restored mid-stream
 * (a restore at the right offset must change no later answer) and forgotten partitions. Every
 * question is also put to {@code explain}, whose verdict must be the observer's own answer.
 *
 * <p>The model keeps every record of a partition in a list and answers each question by scanning
 * the list backwards; it shares no code and no state machine with {@link TenureTracker}. It is
 * first checked against the hand-worked rule table.
 *
 * <p>Replay a failure with {@code -Dhandoff.seed=<seed>} (printed with the counts, and in every
 * failure message with the whole history of the failing sequence).
 */
public class StampObserverModelTest {

  private static final int SEQUENCES = 50_000;
  private static final String[] TOPICS = {"storeA_v1", "storeB_v3", "storeC_v7"};

  /** The same partition numbers in every topic: state must still never be shared (rule S1). */
  private static final int[] PARTITIONS = {0, 3, 9};

  private static final String[] HOSTS = {"host-a", "host-b", "host-c", "host-d"};

  /** Terms are drawn from a small range so that writers often hold equal terms. */
  private static final int MAX_TERM = 6;

  private static final long TS = 1_700_000_000_000L;
  private static final Stamps CODEC = new Stamps();
  private static final byte[] GUID = HandWriter.hex("00112233445566778899aabbccddeeff");

  /** One key array per kind, shared by every call: the observer must neither keep nor modify it. */
  private static final byte[][] KEYS = new byte[Kind.values().length][];

  static {
    for (Kind k : Kind.values()) {
      KEYS[k.ordinal()] = StampObserverFixtures.key(k);
    }
  }

  // ------------------------------------------------------------------------ the reference model

  /**
   * Rules R1 to R5 read as statements about the list of records a reader has seen of a partition
   * (from its first record, or from its last reset), answered by scanning that list.
   */
  static final class Reference {

    private Reference() {}

    /** How a tenure's records, from its DoL up to an end, stand against the tenure rules. */
    enum Verdict {
      /** Everything belongs to the tenure, which its own stamp has not closed. */
      OPEN,
      /**
       * Everything belongs; the tenure's own stamp closed it, followed by nothing but its repeats.
       */
      CLOSED,
      /**
       * Something does not belong: another writer, none, an undecodable record, a write after the
       * stamp.
       */
      UNCLEAN
    }

    /**
     * The index of the DoL that started the tenure current after {@code v[0..end)}: every DoL
     * starts a tenure, so it is the last DoL; -1 when no DoL was seen.
     */
    static int tenureStart(List<Rec> v, int end) {
      for (int k = end - 1; k >= 0; k--) {
        if (v.get(k).kind() == Kind.DOL) {
          return k;
        }
      }
      return -1;
    }

    private static boolean isOwnStamp(Rec r, Rec dol) {
      return r.kind() == Kind.STEP_DOWN
          && r.writer() != null
          && r.writer().equals(dol.writer())
          && r.term() == dol.term();
    }

    /** The records of the tenure begun by the DoL at {@code start}, up to {@code end}, judged. */
    static Verdict judge(List<Rec> v, int start, int end) {
      Rec dol = v.get(start);
      boolean closed = false;
      for (int k = start + 1; k < end; k++) {
        Rec r = v.get(k);
        if (isOwnStamp(r, dol)) {
          closed = true; // or a repeat of the closing stamp
        } else if (closed) {
          return Verdict.UNCLEAN;
        } else if (r.kind() == Kind.UNDECODABLE || r.kind() == Kind.STEP_DOWN) {
          return Verdict.UNCLEAN;
        } else if (r.writer() == null
            || !r.writer().equals(dol.writer())
            || (r.term() != NO_TERM && r.term() != dol.term())) {
          return Verdict.UNCLEAN;
        }
      }
      return closed ? Verdict.CLOSED : Verdict.OPEN;
    }

    /**
     * Rule R4 for the reader {@code me} with {@code myTerm}, consuming on. A reader whose own stamp
     * has been read back has stepped down: its tenure must still be open.
     */
    static boolean mayCut(List<Rec> v, String me, long myTerm) {
      if (myTerm <= 0) {
        return false;
      }
      int current = tenureStart(v, v.size());
      if (current < 0
          || !isOwnDol(v.get(current), me, myTerm)
          || judge(v, current, v.size()) != Verdict.OPEN) {
        return false;
      }
      int before = tenureStart(v, current); // R5: -1 when the tenure before began out of sight
      if (before < 0) {
        return false;
      }
      Rec dol = v.get(before);
      return dol.writer() != null
          && dol.term() > 0
          && dol.term() < myTerm
          && judge(v, before, current) == Verdict.CLOSED;
    }

    /**
     * Whether the reader's own clean DoL of {@code myTerm} is current: the answer hangs on the
     * tenure before.
     */
    static boolean ownTenureCurrent(List<Rec> v, String me, long myTerm) {
      int current = tenureStart(v, v.size());
      return myTerm > 0
          && current >= 0
          && isOwnDol(v.get(current), me, myTerm)
          && judge(v, current, v.size()) == Verdict.OPEN;
    }

    private static boolean isOwnDol(Rec dol, String me, long myTerm) {
      return me.equals(dol.writer()) && dol.term() == myTerm;
    }

    /**
     * How many tenures of {@code v} turned unclean: tenures begun in sight by a DoL that could make
     * them clean (a writer id and a term above 0) holding something that does not belong.
     */
    static int uncleanTenures(List<Rec> v) {
      int n = 0;
      for (int s = 0; s < v.size(); s++) {
        if (!startsTenure(v, s) || v.get(s).writer() == null || v.get(s).term() <= 0) {
          continue;
        }
        int e = s + 1;
        while (e < v.size() && !startsTenure(v, e)) {
          e++;
        }
        if (judge(v, s, e) == Verdict.UNCLEAN) {
          n++;
        }
      }
      return n;
    }

    private static boolean startsTenure(List<Rec> v, int i) {
      return v.get(i).kind() == Kind.DOL;
    }
  }

  /** The hand-worked rule table validates the model before the model judges the observer. */
  @Test(dataProvider = "rules")
  public void theReferenceAgreesWithTheRuleTable(RuleCase c) {
    assertEquals(
        Reference.mayCut(c.records(), READER, c.readerTerm()), c.expectedCut(), c.describe());
  }

  @DataProvider(name = "rules")
  public Object[][] rules() {
    return ObserverRules.cases().stream().map(c -> new Object[] {c}).toArray(Object[][]::new);
  }

  @Test
  public void theReferenceCountsUncleanTenuresAsWorkedOutByHand() {
    assertEquals(
        Reference.uncleanTenures(
            seq(dol(A, 1), data(Z), data(Z), dol(B, 2), data(B), stamp(B, 2), data(B))),
        2,
        "Z inside A's tenure; B's write after its own stamp");
    assertEquals(
        Reference.uncleanTenures(
            seq(data(Z), undecodable(), dol(A, 1), data(A), stamp(A, 1), stamp(A, 1))),
        0,
        "before the first DoL nothing can turn unclean; a repeated stamp is no write");
    assertEquals(
        Reference.uncleanTenures(
            seq(dol(null, 1), data(Z), dol(A, 0), data(Z), dol(A, 1), dol(A, 1), undecodable())),
        1,
        "only A's two tenures of 1 could be clean; the second holds the undecodable record");
  }

  // --------------------------------------------------------------------- the random histories

  /** Metrics that the test points at a fresh counter for every sequence; one factory serves all. */
  private static final class SwitchableMetrics implements HandoffMetrics {
    CountingHandoffMetrics target = new CountingHandoffMetrics();

    @Override
    public void handover(String versionTopic, int partition, HandoverPath path) {
      target.handover(versionTopic, partition, path);
    }

    @Override
    public void uncleanTenure(String versionTopic, int partition) {
      target.uncleanTenure(versionTopic, partition);
    }
  }

  /** Counts over all sequences, to show the histories exercised what they should. */
  private static final class Stats {
    long records;
    long viaRecordHelper;
    long queries;
    long cuts;
    long waits;
    long waitsWithOwnTenureCurrent;
    long decisions;
    long restores;
    long restarts;
    long rejectedRestores;
    long forgets;
    long uncleanTenures;
    int mismatchingSequences;
    String firstMismatch;
  }

  /** One lane (topic and partition): every record written to it, and its leadership as imagined. */
  private static final class Lane {
    final List<Rec> log = new ArrayList<>();
    long base;
    int leader = -1;
    long term;
    long maxTerm;
    String lastStampWriter;
    long lastStampTerm;
  }

  /**
   * One random history over every topic, partition and host, checked record by record against the
   * model.
   */
  private final class Sequence {
    private final Random rnd;
    private final StringBuilder trace;
    private final Stats stats;
    private final boolean consume;
    private final HandoffObserverFactory factory;
    private final SwitchableMetrics metrics;
    private final boolean direct;
    private final int[][][] viewStart = new int[TOPICS.length][PARTITIONS.length][HOSTS.length];
    private final Lane[][] lanes = new Lane[TOPICS.length][PARTITIONS.length];
    private final LeadershipHandoffObserver[][] observers =
        new LeadershipHandoffObserver[TOPICS.length][HOSTS.length];
    private final StringBuilder reusedWriterBuffer = new StringBuilder();
    private long expectedUnclean;
    private long expectedFast;
    private long expectedLegacy;
    private String mismatch;
    private int t;
    private int p;

    Sequence(
        long seed,
        int index,
        HandoffObserverFactory factory,
        SwitchableMetrics metrics,
        Stats stats,
        StringBuilder trace) {
      this.rnd = new Random(seed);
      this.trace = trace;
      this.stats = stats;
      this.factory = factory;
      this.metrics = metrics;
      // One sequence in ten with consuming off, whose observers must be built directly (the factory
      // would select the no-op strategy), and one more with consuming on, built directly too.
      this.consume = index % 10 != 0;
      this.direct = index % 10 <= 1;
      for (int ti = 0; ti < TOPICS.length; ti++) {
        for (int pi = 0; pi < PARTITIONS.length; pi++) {
          lanes[ti][pi] = new Lane();
          lanes[ti][pi].base = rnd.nextInt(1_000_000);
        }
        for (int h = 0; h < HOSTS.length; h++) {
          observers[ti][h] = open(ti, h);
        }
      }
    }

    private LeadershipHandoffObserver open(int topic, int host) {
      return direct
          ? StampObserverFixtures.open(consume, metrics, TOPICS[topic], HOSTS[host])
          : factory.open(TOPICS[topic], HOSTS[host]);
    }

    /** Runs the history; returns the first mismatch, or null. */
    String run() {
      metrics.target = new CountingHandoffMetrics();
      if (tracing()) {
        note(
            "consume "
                + consume
                + (direct ? ", observers built directly" : ", observers opened by the factory"));
      }
      int steps = 15 + rnd.nextInt(45);
      t = rnd.nextInt(TOPICS.length);
      p = rnd.nextInt(PARTITIONS.length);
      for (int s = 0; s < steps && mismatch == null; s++) {
        step();
        if (rnd.nextBoolean()) {
          query();
        }
      }
      for (int ti = 0; ti < TOPICS.length; ti++) {
        for (int pi = 0; pi < PARTITIONS.length; pi++) {
          for (int h = 0; h < HOSTS.length; h++) {
            expectedUnclean += Reference.uncleanTenures(view(ti, pi, h));
          }
        }
      }
      CountingHandoffMetrics m = metrics.target;
      stats.uncleanTenures += m.uncleanTenure();
      if (mismatch == null
          && (m.uncleanTenure() != expectedUnclean
              || m.fastPath() != expectedFast
              || m.legacyWait() != expectedLegacy)) {
        mismatch =
            "metrics: expected unclean tenures "
                + expectedUnclean
                + ", fast path "
                + expectedFast
                + ", legacy wait "
                + expectedLegacy
                + "; observers counted "
                + m;
      }
      return mismatch;
    }

    private boolean tracing() {
      return trace != null;
    }

    private void note(String line) {
      trace.append("\n  ").append(line);
    }

    private String lane(int topic, int partition) {
      return TOPICS[topic] + "-" + PARTITIONS[partition];
    }

    private List<Rec> view(int topic, int partition, int host) {
      List<Rec> log = lanes[topic][partition].log;
      return log.subList(viewStart[topic][partition][host], log.size());
    }

    private long nextOffset(int topic, int partition) {
      return lanes[topic][partition].base + lanes[topic][partition].log.size();
    }

    private long term() {
      return 1 + rnd.nextInt(MAX_TERM);
    }

    private void step() {
      if (rnd.nextInt(10) >= 6) { // mostly one lane's story at a time, sometimes another lane's
        t = rnd.nextInt(TOPICS.length);
        p = rnd.nextInt(PARTITIONS.length);
      }
      Lane lane = lanes[t][p];
      int r = rnd.nextInt(100);
      boolean led = lane.leader >= 0;
      if (r < 12 || (!led && r < 50 && rnd.nextBoolean())) {
        promote(lane);
      } else if (r < 33) {
        if (led) {
          append(data(HOSTS[lane.leader], rnd.nextInt(4) == 0 ? lane.term : NO_TERM));
        } else {
          zombie();
        }
      } else if (r < 38) {
        if (led) {
          String w = HOSTS[lane.leader];
          int kind = rnd.nextInt(3);
          append(
              kind == 0
                  ? RuleRecords.hb(w, lane.term)
                  : kind == 1 ? RuleRecords.ctl(w, NO_TERM) : RuleRecords.noKey(w, lane.term));
        } else {
          zombie();
        }
      } else if (r < 48) {
        if (led) {
          stampOwn(lane);
        } else {
          zombie();
        }
      } else if (r < 51) {
        if (lane.lastStampWriter != null) {
          append(stamp(lane.lastStampWriter, lane.lastStampTerm));
        }
      } else if (r < 54) {
        if (led) {
          append(dol(HOSTS[lane.leader], lane.term));
        }
      } else if (r < 62) {
        zombie();
      } else if (r < 66) {
        append(stamp(HOSTS[rnd.nextInt(HOSTS.length)], rnd.nextInt(8) == 0 ? NO_TERM : term()));
      } else if (r < 69) {
        // a DoL of a writer that did not get the leadership, or one no rule lets count
        append(
            dol(
                rnd.nextInt(7) == 0 ? null : HOSTS[rnd.nextInt(HOSTS.length)],
                rnd.nextInt(MAX_TERM + 2) - 1));
      } else if (r < 71) {
        append(data(null, rnd.nextInt(5) == 0 ? term() : NO_TERM));
      } else if (r < 73) {
        append(undecodable());
      } else if (r < 75) {
        forget();
      } else if (r < 78) {
        exportAndRestore();
      } else if (r < 79) {
        restart();
      } else if (r < 81) {
        misfittingRestore();
      } // else: only a question this step
    }

    /**
     * A new leader: often after the old one stamped, sometimes the same host re-promoted, with a
     * term that is often the old leader's or the highest seen, so that writers share terms.
     */
    private void promote(Lane lane) {
      if (lane.leader >= 0 && rnd.nextInt(3) < 2) {
        stampOwn(lane);
      }
      int host = lane.leader >= 0 && rnd.nextInt(4) == 0 ? lane.leader : rnd.nextInt(HOSTS.length);
      int choice = rnd.nextInt(100);
      long term;
      if (choice < 50) {
        term = Math.min(lane.maxTerm + 1, MAX_TERM + 1);
      } else if (choice < 70) {
        term = term();
      } else if (choice < 88 && lane.term > 0) {
        term = lane.term;
      } else {
        term = Math.max(1, lane.maxTerm);
      }
      lane.leader = host;
      lane.term = term;
      lane.maxTerm = Math.max(lane.maxTerm, term);
      if (tracing()) {
        note("promote " + HOSTS[host] + " with term " + term + " on " + lane(t, p));
      }
      append(dol(HOSTS[host], term));
      if (rnd.nextInt(10) < 6) { // the new leader's wait loop
        ask(t, p, host, term);
      }
    }

    private void stampOwn(Lane lane) {
      String w = HOSTS[lane.leader];
      append(stamp(w, lane.term));
      lane.lastStampWriter = w;
      lane.lastStampTerm = lane.term;
      if (rnd.nextInt(10) < 6) {
        lane.leader = -1; // stepped down; otherwise it goes on writing after its stamp
      }
    }

    /** A writer that is not the leader, possibly an older session of the leader's host. */
    private void zombie() {
      String w = HOSTS[rnd.nextInt(HOSTS.length)];
      long term = rnd.nextInt(5) < 3 ? NO_TERM : rnd.nextInt(MAX_TERM + 1);
      append(rnd.nextInt(4) == 0 ? RuleRecords.hb(w, term) : data(w, term));
    }

    private void append(Rec rec) {
      long offset = nextOffset(t, p);
      lanes[t][p].log.add(rec);
      stats.records++;
      boolean helper = rnd.nextInt(10) == 0;
      ConsumerRecord<byte[], byte[]> encoded = helper ? encode(rec, offset) : null;
      if (tracing()) {
        note(
            lane(t, p)
                + " @"
                + offset
                + " "
                + rec
                + (encoded != null ? " (encoded, through StampRecords)" : ""));
      }
      for (int h = 0; h < HOSTS.length; h++) {
        LeadershipHandoffObserver o = observers[t][h];
        if (encoded != null) {
          stats.viaRecordHelper++;
          new StampRecords().observe(o, encoded);
        } else if (rec.kind() == Kind.UNDECODABLE) {
          o.observeUndecodable(PARTITIONS[p], offset);
        } else {
          o.observe(
              PARTITIONS[p],
              offset,
              KEYS[rec.kind().ordinal()],
              writerId(rec.writer()),
              rec.term());
        }
      }
    }

    /**
     * The writer id the way some host's decoder might hand it over: a String, a fresh or a reused
     * buffer.
     */
    private CharSequence writerId(String writer) {
      if (writer == null) {
        return null;
      }
      int form = rnd.nextInt(10);
      if (form < 7) {
        return writer;
      }
      if (form < 8) {
        return new StringBuilder(writer);
      }
      reusedWriterBuffer.setLength(0);
      return reusedWriterBuffer.append(writer);
    }

    /** The record as real bytes, when the wire format can carry it; else null. */
    private ConsumerRecord<byte[], byte[]> encode(Rec rec, long offset) {
      String w = rec.writer();
      long term = rec.term();
      byte[] value;
      switch (rec.kind()) {
        case DOL:
        case STEP_DOWN:
        case HEARTBEAT:
          if (w == null || term <= 0) {
            return null;
          }
          StampKind kind =
              rec.kind() == Kind.DOL
                  ? StampKind.DECLARATION_OF_LEADERSHIP
                  : rec.kind() == Kind.STEP_DOWN ? StampKind.STEP_DOWN : StampKind.HEARTBEAT;
          value = CODEC.encode(kind, term, 0, w, TS);
          break;
        case DATA:
          if (w == null && term != NO_TERM) {
            return null;
          }
          value = Values.put(GUID, 0, (int) offset, TS, "v".getBytes(UTF_8), 1, term, w);
          break;
        case OTHER_CONTROL:
          if (w == null && term != NO_TERM) {
            return null;
          }
          value =
              EnvelopeValues.encodeControl(
                  GUID,
                  0,
                  (int) offset,
                  TS,
                  EnvelopeValues.END_OF_PUSH,
                  EnvelopeValues.END_OF_PUSH,
                  term,
                  w);
          break;
        case UNDECODABLE:
          value = Values.put(GUID, 0, 0, TS, new byte[] {1}, 1, NO_TERM, "host-x");
          value[1] = 15; // a newer writer's envelope
          break;
        default:
          return null; // no key: the record helper takes that for corrupt
      }
      return new ConsumerRecord<>(
          TOPICS[t], PARTITIONS[p], offset, KEYS[rec.kind().ordinal()], value);
    }

    private void query() {
      int topic = t;
      int partition = p;
      if (rnd.nextInt(10) < 3) {
        topic = rnd.nextInt(TOPICS.length);
        partition = rnd.nextInt(PARTITIONS.length);
      }
      Lane lane = lanes[topic][partition];
      int host = rnd.nextInt(HOSTS.length);
      long term;
      int choice = rnd.nextInt(100);
      if (choice < 45 && lane.leader >= 0) {
        host = lane.leader;
        term = lane.term;
      } else if (choice < 70) {
        term = (rnd.nextBoolean() ? lane.term : lane.maxTerm) + rnd.nextInt(3) - 1;
      } else {
        term = rnd.nextInt(MAX_TERM + 3) - 1;
      }
      ask(topic, partition, host, term);
    }

    private void ask(int topic, int partition, int host, long myTerm) {
      if (mismatch != null) {
        return;
      }
      List<Rec> v = view(topic, partition, host);
      boolean expected = consume && Reference.mayCut(v, HOSTS[host], myTerm);
      LeadershipHandoffObserver o = observers[topic][host];
      boolean decide = rnd.nextInt(10) < 3;
      boolean elapsed = rnd.nextBoolean();
      boolean actual;
      if (decide) {
        HandoverPath path = o.decideHandover(PARTITIONS[partition], myTerm, elapsed);
        HandoverPath want = HandoverPath.choose(expected, elapsed);
        expectedFast += want == HandoverPath.FAST_PATH ? 1 : 0;
        expectedLegacy += want == HandoverPath.LEGACY_WAIT ? 1 : 0;
        stats.decisions++;
        actual = path == HandoverPath.FAST_PATH;
        if (path != want) {
          mismatch =
              "decideHandover("
                  + PARTITIONS[partition]
                  + ", "
                  + myTerm
                  + ", "
                  + elapsed
                  + ") of "
                  + HOSTS[host]
                  + " on "
                  + TOPICS[topic]
                  + ": model says "
                  + want
                  + ", observer says "
                  + path;
        }
      } else {
        actual = o.canSkipInactivityWait(PARTITIONS[partition], myTerm);
      }
      stats.queries++;
      if (expected) {
        stats.cuts++;
      } else {
        stats.waits++;
        if (consume && Reference.ownTenureCurrent(v, HOSTS[host], myTerm)) {
          stats.waitsWithOwnTenureCurrent++;
        }
      }
      if (tracing()) {
        note(
            "? "
                + HOSTS[host]
                + " with term "
                + myTerm
                + " on "
                + lane(topic, partition)
                + ": model "
                + expected
                + ", observer "
                + actual);
      }
      if (mismatch == null && actual != expected) {
        mismatch =
            HOSTS[host]
                + " asks with term "
                + myTerm
                + " on "
                + lane(topic, partition)
                + ", having seen "
                + v
                + ": model says "
                + expected
                + ", observer says "
                + actual;
      }
      boolean canSkip = decide ? o.canSkipInactivityWait(PARTITIONS[partition], myTerm) : actual;
      HandoverExplanation explanation = o.explain(PARTITIONS[partition], myTerm);
      if (mismatch == null && explanation.mayCut() != canSkip) {
        mismatch =
            HOSTS[host]
                + " asks with term "
                + myTerm
                + " on "
                + lane(topic, partition)
                + ", having seen "
                + v
                + ": canSkipInactivityWait says "
                + canSkip
                + ", explain says "
                + explanation.reason()
                + " ("
                + explanation.describe()
                + ")";
      }
    }

    private void reset(int topic, int partition, int host) {
      List<Rec> v = view(topic, partition, host);
      expectedUnclean += Reference.uncleanTenures(v);
      viewStart[topic][partition][host] = lanes[topic][partition].log.size();
    }

    private void forget() {
      int host = rnd.nextInt(HOSTS.length);
      if (tracing()) {
        note("forget " + lane(t, p) + " on " + HOSTS[host]);
      }
      observers[t][host].forget(PARTITIONS[p]);
      reset(t, p, host);
      stats.forgets++;
    }

    /**
     * A checkpoint of one partition, restored at the offset it was taken at: nothing may change.
     */
    private void exportAndRestore() {
      int host = rnd.nextInt(HOSTS.length);
      LeadershipHandoffObserver o = observers[t][host];
      byte[] state = o.exportState(PARTITIONS[p]);
      o.forget(PARTITIONS[p]);
      if (tracing()) {
        note(
            "export and restore "
                + lane(t, p)
                + " on "
                + HOSTS[host]
                + " at offset "
                + nextOffset(t, p));
      }
      o.restoreState(PARTITIONS[p], nextOffset(t, p), state);
      stats.restores++;
    }

    /**
     * A host restarts: a new observer of the topic, every partition restored from its checkpoint.
     */
    private void restart() {
      int host = rnd.nextInt(HOSTS.length);
      LeadershipHandoffObserver old = observers[t][host];
      LeadershipHandoffObserver fresh = open(t, host);
      if (tracing()) {
        note("restart " + HOSTS[host] + "'s observer of " + TOPICS[t] + " from checkpoints");
      }
      for (int pi = 0; pi < PARTITIONS.length; pi++) {
        fresh.restoreState(PARTITIONS[pi], nextOffset(t, pi), old.exportState(PARTITIONS[pi]));
      }
      observers[t][host] = fresh;
      stats.restarts++;
    }

    /**
     * A checkpoint that does not fit: rejected, and the partition starts over as if nothing had
     * been seen.
     */
    private void misfittingRestore() {
      int host = rnd.nextInt(HOSTS.length);
      LeadershipHandoffObserver o = observers[t][host];
      int partition = PARTITIONS[p];
      long at = nextOffset(t, p);
      byte[] state;
      boolean mustReject;
      String what;
      switch (rnd.nextInt(4)) {
        case 0 -> {
          state = o.exportState(partition);
          at += rnd.nextBoolean() ? 1 + rnd.nextInt(3) : -1;
          // an export taken before anything was seen resumes anywhere
          mustReject = !view(t, p, host).isEmpty();
          what = "its own state at offset " + at;
        }
        case 1 -> {
          state = o.exportState(PARTITIONS[(p + 1) % PARTITIONS.length]);
          mustReject = true;
          what = "the state of another partition";
        }
        case 2 -> {
          state = observers[(t + 1) % TOPICS.length][host].exportState(partition);
          mustReject = true;
          what = "the state of another topic";
        }
        default -> {
          state = new byte[1 + rnd.nextInt(60)];
          rnd.nextBytes(state);
          mustReject = true;
          what = "garbage";
        }
      }
      if (tracing()) {
        note("restore " + lane(t, p) + " on " + HOSTS[host] + " from " + what);
      }
      boolean rejected;
      try {
        o.restoreState(partition, at, state);
        rejected = false;
      } catch (IllegalArgumentException e) {
        rejected = true;
      }
      if (rejected) {
        reset(t, p, host);
        stats.rejectedRestores++;
      }
      if (rejected != mustReject && mismatch == null) {
        mismatch =
            "restoring "
                + lane(t, p)
                + " on "
                + HOSTS[host]
                + " from "
                + what
                + ": expected "
                + (mustReject ? "a rejection" : "success")
                + ", got "
                + (rejected ? "a rejection" : "success");
      }
    }
  }

  @Test
  public void theObserverAgreesWithTheReferenceOnRandomHistories() {
    String property = System.getProperty("handoff.seed");
    long seed =
        property != null && !property.isBlank()
            ? Long.parseLong(property.trim())
            : new SecureRandom().nextLong();
    SwitchableMetrics metrics = new SwitchableMetrics();
    HandoffObserverFactory factory =
        LeadershipHandoffs.observers(StampObserverFixtures.settings(true), metrics);
    Stats stats = new Stats();
    long start = System.nanoTime();
    // Every unclean tenure and undecodable record is warned about; tens of thousands of lines would
    // only slow the run down. The warnings themselves are checked in their own tests.
    QuietLoggers quiet = new QuietLoggers(TenureTracker.class, StampRecords.class);
    try {
      for (int i = 0; i < SEQUENCES; i++) {
        long sequenceSeed = seed ^ (i * 0x9E3779B97F4A7C15L);
        String mismatch;
        try {
          mismatch = new Sequence(sequenceSeed, i, factory, metrics, stats, null).run();
        } catch (RuntimeException e) {
          mismatch = "the observer threw " + e;
        }
        if (mismatch != null) {
          stats.mismatchingSequences++;
          if (stats.firstMismatch == null) {
            StringBuilder trace = new StringBuilder();
            String again;
            try {
              again = new Sequence(sequenceSeed, i, factory, metrics, new Stats(), trace).run();
            } catch (RuntimeException e) {
              again = "the observer threw " + e;
            }
            stats.firstMismatch =
                "seed "
                    + seed
                    + " (replay with -Dhandoff.seed="
                    + seed
                    + "), sequence "
                    + i
                    + ": "
                    + mismatch
                    + (again == null ? " (not reproduced on replay)" : "")
                    + "; the history:"
                    + trace;
          }
        }
      }
    } finally {
      quiet.close();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "%s: seed %d, %d sequences, %d records (%d through StampRecords), %d queries (%d decisions):"
            + " %d cuts, %d waits (%d of them with the reader's own tenure current), %d restores, %d restarts,"
            + " %d rejected restores, %d forgets, %d unclean tenures, %d ms%n",
        getClass().getSimpleName(),
        seed,
        SEQUENCES,
        stats.records,
        stats.viaRecordHelper,
        stats.queries,
        stats.decisions,
        stats.cuts,
        stats.waits,
        stats.waitsWithOwnTenureCurrent,
        stats.restores,
        stats.restarts,
        stats.rejectedRestores,
        stats.forgets,
        stats.uncleanTenures,
        millis);

    assertEquals(
        stats.mismatchingSequences,
        0,
        "sequences where the observer and the model disagree; first: " + stats.firstMismatch);
    // the histories must give both answers, and the interesting ones, often enough to mean
    // something
    assertTrue(
        stats.cuts >= stats.queries / 50,
        "too few cuts: " + stats.cuts + " of " + stats.queries + ", seed " + seed);
    assertTrue(
        stats.waits >= stats.queries / 4, "too few waits: " + stats.waits + ", seed " + seed);
    assertTrue(
        stats.waitsWithOwnTenureCurrent >= stats.queries / 100,
        "too few waits decided by the tenure before the reader's: "
            + stats.waitsWithOwnTenureCurrent
            + ", seed "
            + seed);
    assertTrue(stats.restores + stats.restarts >= SEQUENCES / 5, "too few restores, seed " + seed);
    assertTrue(stats.rejectedRestores >= SEQUENCES / 20, "too few rejected restores, seed " + seed);
    assertTrue(stats.uncleanTenures >= SEQUENCES / 5, "too few unclean tenures, seed " + seed);
  }

  /** Raises loggers to ERROR for a block, and puts their levels back after. */
  private static final class QuietLoggers implements AutoCloseable {
    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();

    QuietLoggers(Class<?>... sources) {
      for (Class<?> source : sources) {
        if (LoggerFactory.getLogger(source) instanceof Logger logger) {
          loggers.add(logger);
          levels.add(logger.getLevel());
          logger.setLevel(Level.ERROR);
        }
      }
    }

    @Override
    public void close() {
      for (int i = 0; i < loggers.size(); i++) {
        loggers.get(i).setLevel(levels.get(i));
      }
    }
  }
}
