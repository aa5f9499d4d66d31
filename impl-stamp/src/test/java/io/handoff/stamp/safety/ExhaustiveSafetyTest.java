package io.handoff.stamp.safety;

import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import ch.qos.logback.classic.Level;
import io.handoff.noop.NoopProvider;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffEngine;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffObserverFactory;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverExplanation;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.LeaderTerms;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.ProviderRegistry;
import io.handoff.spi.StepDown;
import io.handoff.spi.TenureTracker;
import io.handoff.stamp.StampKeys;
import io.handoff.stamp.StampObserver;
import io.handoff.stamp.StampProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Checks the safety property of {@code docs/ARCHITECTURE.md} over every sequence of up to seven
 * events of a small world, driving the real stamp observer and the real term bookkeeping, and
 * asserting the property itself rather than agreement with a model of the rules.
 *
 * <p><b>The property</b>, asserted at every fast path:
 *
 * <blockquote>
 *
 * Whenever a new leader is allowed the fast path on a partition of a version topic, every other
 * writer that appended to that partition since the last point where a handover was safely completed
 * has stepped down, and its step-down stamp is its last record in the partition.
 *
 * </blockquote>
 *
 * A handover is <em>safely completed</em> when the new leader starts writing by the legacy wait or
 * by a fast path that itself satisfied the property; the beginning of the partition is such a point
 * too. "Other writer" means any writer identity other than the deciding reader's current session,
 * including an older session of the reader's own host, and including writers that cannot be
 * identified at all. Here a writer identity is a host and one of its sessions (one session per
 * promotion); the checker knows which session appended each record, the observer sees only what the
 * record carries (its key, writer id and term). An undecodable record is an unknown writer that
 * never stepped down.
 *
 * <p><b>World.</b> Two version topics ({@code store_a_v1}, {@code store_b_v1}) of one partition
 * each; three hosts with writer ids {@code h0}, {@code h1}, {@code h2}, each hosting both topics
 * with one observer (opened through {@link LeadershipHandoffs#observers} with the stamp strategy,
 * consuming and emitting switched on) and one {@link LeaderTerms} per topic; one in-memory
 * append-only log per topic, whose records are a declaration of leadership (DoL), a step-down
 * stamp, data, or a record nobody can decode. A host's observer consumes its topic's log in offset
 * order; it lags until its host decides, and then catches up to the tail. Terms come from a wall
 * clock per topic that can repeat: a promotion takes the term of the topic's previous promotion or
 * the next value, so two sessions, of two hosts or of one, can hold equal terms.
 *
 * <p><b>Events</b>, each for every host and topic where it applies (50 in all, none left out):
 *
 * <ul>
 *   <li>{@code promoteSameTerm(h, t)}, {@code promoteNextTerm(h, t)}: t has no leader in the
 *       cluster manager's view; {@code promoted}, append DoL(h, term); h waits. A zombie promoted
 *       again starts a new session and its old one ends, unstamped.
 *   <li>{@code decideFast(h, t)}: h waits; it catches up and calls {@code decideHandover(p, term,
 *       false)}. Only a FAST_PATH answer makes it an event.
 *   <li>{@code decideLegacy(h, t)}: h waits; it catches up and calls {@code decideHandover(p, term,
 *       true)}, which answers LEGACY_WAIT or FAST_PATH. After either decision {@code established}
 *       and h writes. A legacy wait is a safe point; a fast path is checked, and is a safe point
 *       when the property holds.
 *   <li>{@code write(h, t)}, {@code writeWithTerm(h, t)}: h leads and writes, or is a zombie:
 *       DATA(h, -1) as Venice writes, or DATA(h, term).
 *   <li>{@code stepDown(h, t)}: cooperative demotion of the writing or the waiting leader: the
 *       cluster manager clears leadership, {@code demoted}, and an in-memory emitter appends
 *       STAMP(h, term) after h's records unless the step-down is skipped (rule E1).
 *   <li>{@code goZombie(h, t)}: the cluster manager moves leadership away from the writing leader
 *       h, which does not notice: it keeps its term, may go on writing, and never stamps.
 *   <li>{@code undecodable(t)}: a record nobody can decode, fed with {@code observeUndecodable}.
 * </ul>
 *
 * Sequences are enumerated depth first and each one is replayed on a fresh world, so every observer
 * sees exactly the calls of that sequence. A sequence that breaks the property is not extended. The
 * search covers 2,583,674 sequences of one to seven events (2,299,466 of exactly seven) and checks
 * 10,980 fast paths, in 2 to 10 s on two shared cores.
 *
 * <p><b>The checker can fail.</b> Three deliberately broken variants must each show a violation
 * that the real observer does not: an observer that ignores undecodable records, an observer that
 * answers FAST_PATH whenever the record just before the reader's own DoL is a stamp, and an emitter
 * that also stamps terms that were never established. Each is searched one event deeper at a time,
 * so that the violation it reports is a shortest one; each shows one within six events.
 */
public class ExhaustiveSafetyTest {

  static final int MAX_EVENTS = 7;
  static final int PARTITION = 0;
  static final String[] TOPICS = {"store_a_v1", "store_b_v1"};
  static final String[] HOSTS = {"h0", "h1", "h2"};

  private static final byte[] DOL_KEY = StampKeys.declarationOfLeadershipKey();
  private static final byte[] STAMP_KEY = StampKeys.stepDownKey();

  /** A Venice put key: anything that is not one of the 25-byte control keys. */
  private static final byte[] DATA_KEY = {0, 'k', 'e', 'y'};

  /** Selected once, as a server does; opening an observer selects nothing again. */
  private static final HandoffObserverFactory STAMP_OBSERVERS =
      LeadershipHandoffs.observers(
          ProviderRegistry.of(List.of(new StampProvider(), new NoopProvider())),
          HandoffSettings.from(
              Map.of(
                  HandoffSettings.CONSUME_STEPDOWN_STAMP,
                  "true",
                  HandoffSettings.EMIT_STEPDOWN_STAMP,
                  "true")),
          HandoffMetrics.NOOP);

  private ch.qos.logback.classic.Logger trackerLog;
  private Level trackerLevel;

  @BeforeClass
  public void quietTracker() {
    // Most explored sequences make some tenure unclean and the tracker warns each time: millions of
    // expected warnings would cost more than the search itself.
    if (LoggerFactory.getLogger(TenureTracker.class) instanceof ch.qos.logback.classic.Logger log) {
      trackerLog = log;
      trackerLevel = log.getLevel();
      log.setLevel(Level.ERROR);
    }
  }

  @AfterClass(alwaysRun = true)
  public void restoreTrackerLog() {
    if (trackerLog != null) {
      trackerLog.setLevel(trackerLevel);
    }
  }

  @Test
  public void theWorldDrivesTheStampObserver() {
    LeadershipHandoffObserver o = STAMP_OBSERVERS.open(TOPICS[0], HOSTS[0]);
    assertTrue(
        HandoffEngine.evidenceOf(o) instanceof StampObserver,
        "consuming switched on must select the stamp observer, got " + o);
  }

  @Test
  public void everySequenceOfUpToSevenEventsKeepsTheSafetyProperty() throws Exception {
    Search search = new Search(Config.real(), null, MAX_EVENTS);
    long started = System.nanoTime();
    search.run();
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        "ExhaustiveSafetyTest: %,d sequences of 1 to %d events (%,d of exactly %d), %,d fast paths"
            + " checked, %,d legacy waits, %,d violations, in %,d ms%n",
        search.sequences.sum(),
        MAX_EVENTS,
        search.longest.sum(),
        MAX_EVENTS,
        search.fastPaths.sum(),
        search.legacyWaits.sum(),
        search.violations.sum(),
        millis);
    assertNull(
        search.violation(),
        "the stamp observer broke the safety property in "
            + search.violations.sum()
            + " sequences; the shortest");
    // A search with hardly any fast path would pass whatever the observer does.
    assertTrue(
        search.fastPaths.sum() > 1_000,
        "too few fast paths to show anything: " + search.fastPaths.sum());
  }

  @DataProvider
  public Object[][] brokenVariants() {
    return new Object[][] {
      {
        "an observer that ignores undecodable records",
        new Config(STAMP_OBSERVERS, IgnoresUndecodable::new, false, fullAlphabet())
      },
      {
        "an observer that cuts whenever a stamp is just before the reader's own DoL",
        new Config(STAMP_OBSERVERS, TrustsStampBeforeOwnDeclaration::new, false, fullAlphabet())
      },
      {
        "an emitter that stamps terms that were never established",
        new Config(STAMP_OBSERVERS, UnaryOperator.identity(), true, fullAlphabet())
      },
    };
  }

  @Test(dataProvider = "brokenVariants")
  public void theCheckerFindsTheViolationsOfABrokenVariant(String variant, Config broken)
      throws Exception {
    // Violations the real observer shows too would prove nothing about the checker: they do not
    // count.
    // Deepening one event at a time reports a shortest violation, the same one on every run.
    String found = null;
    long sequences = 0;
    for (int maxEvents = 1; maxEvents <= MAX_EVENTS && found == null; maxEvents++) {
      Search search = new Search(broken, Config.real(), maxEvents);
      search.run();
      found = search.violation();
      sequences = search.sequences.sum();
    }
    System.out.printf("ExhaustiveSafetyTest, %s:%n%s%n", variant, found);
    assertNotNull(
        found,
        "the checker found no violation with " + variant + " in " + sequences + " sequences");
  }

  // ------------------------------------------------------------------------------- the world

  /** What a host does on a topic, as the host itself sees it. */
  enum Role {
    STANDBY,
    WAITING,
    LEADER,
    ZOMBIE
  }

  enum RecordKind {
    DOL,
    STAMP,
    DATA,
    UNDECODABLE
  }

  /**
   * One record of a log. {@code session} is the checker's ground truth of which writer appended it
   * (one per promotion, so an older session of the same host is another writer); the observer is
   * never told it. An undecodable record has no host and no session.
   */
  record LogRecord(RecordKind kind, int host, int session, long term) {
    @Override
    public String toString() {
      return kind == RecordKind.UNDECODABLE
          ? "UNDECODABLE"
          : kind + " " + HOSTS[host] + " term " + term + " (session " + session + ")";
    }
  }

  enum Kind {
    PROMOTE_SAME,
    PROMOTE_NEXT,
    DECIDE_FAST,
    DECIDE_LEGACY,
    WRITE,
    WRITE_WITH_TERM,
    STEP_DOWN,
    GO_ZOMBIE,
    UNDECODABLE
  }

  record Event(Kind kind, int host, int topic) {
    @Override
    public String toString() {
      String name =
          switch (kind) {
            case PROMOTE_SAME -> "promoteSameTerm";
            case PROMOTE_NEXT -> "promoteNextTerm";
            case DECIDE_FAST -> "decideFast";
            case DECIDE_LEGACY -> "decideLegacy";
            case WRITE -> "write";
            case WRITE_WITH_TERM -> "writeWithTerm";
            case STEP_DOWN -> "stepDown";
            case GO_ZOMBIE -> "goZombie";
            case UNDECODABLE -> "undecodable";
          };
      return kind == Kind.UNDECODABLE
          ? name + "(" + TOPICS[topic] + ")"
          : name + "(" + HOSTS[host] + ", " + TOPICS[topic] + ")";
    }
  }

  /** What an event did; a fast path that breaks the property is a VIOLATION. */
  enum Outcome {
    NOT_APPLICABLE,
    APPLIED,
    LEGACY_WAIT,
    FAST_PATH,
    VIOLATION
  }

  /** How a world is built: the observers, and whether the emitter honours rule E1. */
  record Config(
      HandoffObserverFactory observers,
      UnaryOperator<LeadershipHandoffObserver> wrap,
      boolean stampUnestablished,
      List<Event> alphabet) {
    static Config real() {
      return new Config(STAMP_OBSERVERS, UnaryOperator.identity(), false, fullAlphabet());
    }
  }

  static List<Event> fullAlphabet() {
    List<Event> events = new ArrayList<>();
    for (int t = 0; t < TOPICS.length; t++) {
      for (int h = 0; h < HOSTS.length; h++) {
        for (Kind k : Kind.values()) {
          if (k != Kind.UNDECODABLE) {
            events.add(new Event(k, h, t));
          }
        }
      }
      events.add(new Event(Kind.UNDECODABLE, -1, t));
    }
    return List.copyOf(events);
  }

  /**
   * Two version topics of one partition each, three hosts hosting both, one append-only log per
   * topic, the cluster manager's view of who leads, and the checker's bookkeeping of safe points.
   * Confined to one thread.
   */
  static final class World {
    private final Config config;
    private final List<List<LogRecord>> logs = new ArrayList<>();

    /** Per topic: offset of the first record appended after the last safe point. */
    private final int[] safePoint = new int[TOPICS.length];

    /** Per topic: the host the cluster manager has made leader (waiting or writing), or -1. */
    private final int[] leader = new int[TOPICS.length];

    /** Per topic: the term of the latest promotion, 0 before the first. */
    private final long[] clock = new long[TOPICS.length];

    private final Role[][] role = new Role[HOSTS.length][TOPICS.length];
    private final int[][] session = new int[HOSTS.length][TOPICS.length];
    private final long[][] term = new long[HOSTS.length][TOPICS.length];
    private final LeadershipHandoffObserver[][] observer =
        new LeadershipHandoffObserver[HOSTS.length][TOPICS.length];
    private final int[][] read = new int[HOSTS.length][TOPICS.length];
    private final LeaderTerms[][] terms = new LeaderTerms[HOSTS.length][TOPICS.length];
    private final LeadershipHandoffEmitter emitter = new LogEmitter();
    private int sessions;
    private String violation;

    World(Config config) {
      this.config = config;
      for (int t = 0; t < TOPICS.length; t++) {
        logs.add(new ArrayList<>(MAX_EVENTS));
        leader[t] = -1;
        for (int h = 0; h < HOSTS.length; h++) {
          role[h][t] = Role.STANDBY;
          observer[h][t] = config.wrap().apply(config.observers().open(TOPICS[t], HOSTS[h]));
          terms[h][t] = new LeaderTerms(TOPICS[t]);
        }
      }
    }

    /** Whether {@code e} may happen now; a fast decision is known to apply only once tried. */
    boolean enabled(Event e) {
      int h = e.host();
      int t = e.topic();
      return switch (e.kind()) {
        case PROMOTE_SAME -> leader[t] < 0 && clock[t] > 0;
        case PROMOTE_NEXT -> leader[t] < 0;
        case DECIDE_FAST, DECIDE_LEGACY -> role[h][t] == Role.WAITING;
        case WRITE, WRITE_WITH_TERM -> role[h][t] == Role.LEADER || role[h][t] == Role.ZOMBIE;
        case STEP_DOWN -> role[h][t] == Role.LEADER || role[h][t] == Role.WAITING;
        case GO_ZOMBIE -> role[h][t] == Role.LEADER;
        case UNDECODABLE -> true;
      };
    }

    Outcome apply(Event e) {
      if (!enabled(e)) {
        return Outcome.NOT_APPLICABLE;
      }
      int h = e.host();
      int t = e.topic();
      switch (e.kind()) {
        case PROMOTE_SAME, PROMOTE_NEXT -> {
          // A zombie promoted again learns it was not leader any more: its old session ends,
          // unstamped.
          clock[t] = e.kind() == Kind.PROMOTE_SAME ? clock[t] : clock[t] + 1;
          leader[t] = h;
          role[h][t] = Role.WAITING;
          session[h][t] = ++sessions;
          term[h][t] = clock[t];
          terms[h][t].promoted(PARTITION, clock[t]);
          append(t, RecordKind.DOL, h, clock[t]);
          return Outcome.APPLIED;
        }
        case DECIDE_FAST, DECIDE_LEGACY -> {
          return decide(h, t, e.kind() == Kind.DECIDE_LEGACY);
        }
        case WRITE -> {
          append(t, RecordKind.DATA, h, TenureTracker.NO_TERM);
          return Outcome.APPLIED;
        }
        case WRITE_WITH_TERM -> {
          append(t, RecordKind.DATA, h, term[h][t]);
          return Outcome.APPLIED;
        }
        case STEP_DOWN -> {
          leader[t] = -1;
          role[h][t] = Role.STANDBY;
          StepDown s = terms[h][t].demoted(PARTITION, 0, HOSTS[h]);
          if (s.leaderTerm() != term[h][t]) {
            throw new AssertionError(
                "LeaderTerms demoted " + s + " but " + HOSTS[h] + " held term " + term[h][t]);
          }
          emitter.emitStepDown(s);
          return Outcome.APPLIED;
        }
        case GO_ZOMBIE -> {
          leader[t] = -1;
          role[h][t] = Role.ZOMBIE;
          return Outcome.APPLIED;
        }
        case UNDECODABLE -> {
          append(t, RecordKind.UNDECODABLE, -1, TenureTracker.NO_TERM);
          return Outcome.APPLIED;
        }
        default -> throw new AssertionError(e);
      }
    }

    private Outcome decide(int h, int t, boolean windowElapsed) {
      LeadershipHandoffObserver o = observer[h][t];
      List<LogRecord> log = logs.get(t);
      // A new leader's wait loop consumes up to the tail before it asks.
      for (int offset = read[h][t]; offset < log.size(); offset++) {
        LogRecord r = log.get(offset);
        switch (r.kind()) {
          case DOL -> o.observe(PARTITION, offset, DOL_KEY, HOSTS[r.host()], r.term());
          case STAMP -> o.observe(PARTITION, offset, STAMP_KEY, HOSTS[r.host()], r.term());
          case DATA -> o.observe(PARTITION, offset, DATA_KEY, HOSTS[r.host()], r.term());
          case UNDECODABLE -> o.observeUndecodable(PARTITION, offset);
          default -> throw new AssertionError(r);
        }
      }
      read[h][t] = log.size();
      long myTerm = terms[h][t].termOf(PARTITION);
      if (myTerm != term[h][t]) {
        throw new AssertionError(
            "LeaderTerms holds term "
                + myTerm
                + " for "
                + HOSTS[h]
                + ", promoted with "
                + term[h][t]);
      }
      HandoverPath path = o.decideHandover(PARTITION, myTerm, windowElapsed);
      if (path == HandoverPath.WAIT) {
        if (windowElapsed) {
          throw new AssertionError("WAIT after the inactivity window elapsed");
        }
        return Outcome.NOT_APPLICABLE;
      }
      if (!terms[h][t].established(PARTITION, myTerm)) {
        throw new AssertionError(
            "LeaderTerms refused to establish term " + myTerm + " of " + HOSTS[h]);
      }
      role[h][t] = Role.LEADER;
      if (path == HandoverPath.LEGACY_WAIT) {
        safePoint[t] = log.size();
        return Outcome.LEGACY_WAIT;
      }
      violation = checkProperty(h, t);
      if (violation != null) {
        return Outcome.VIOLATION;
      }
      safePoint[t] = log.size();
      return Outcome.FAST_PATH;
    }

    /**
     * The safety property for a fast path of {@code h} on {@code t}: every writer other than h's
     * current session that appended since the last safe point has stepped down, and its stamp is
     * its last record. Null when it holds, else why not.
     */
    private String checkProperty(int h, int t) {
      List<LogRecord> log = logs.get(t);
      for (int offset = safePoint[t]; offset < log.size(); offset++) {
        LogRecord r = log.get(offset);
        if (r.kind() == RecordKind.UNDECODABLE) {
          return "offset "
              + offset
              + " is a record nobody can decode: its writer is unknown and never stepped down";
        }
        if (r.session() == session[h][t]) {
          continue;
        }
        LogRecord last = r;
        for (LogRecord later : log) {
          if (later.session() == r.session()) {
            last = later;
          }
        }
        if (last.kind() != RecordKind.STAMP) {
          return "writer "
              + HOSTS[r.host()]
              + " (session "
              + r.session()
              + ") appended "
              + r
              + " at offset "
              + offset
              + ", after the last safe point, and its last record is "
              + last
              + ", not a step-down stamp";
        }
      }
      return null;
    }

    private void append(int t, RecordKind kind, int host, long recordTerm) {
      logs.get(t).add(new LogRecord(kind, host, host < 0 ? -1 : session[host][t], recordTerm));
    }

    String violation() {
      return violation;
    }

    String describeLogs() {
      StringBuilder sb = new StringBuilder();
      for (int t = 0; t < TOPICS.length; t++) {
        sb.append(TOPICS[t])
            .append(" (records from offset ")
            .append(safePoint[t])
            .append(" on follow the last safe point):\n");
        List<LogRecord> log = logs.get(t);
        for (int offset = 0; offset < log.size(); offset++) {
          sb.append("  ").append(offset).append(": ").append(log.get(offset)).append('\n');
        }
      }
      return sb.toString();
    }

    /** Appends the stamp to the log right away: it lands after every record of its writer. */
    private final class LogEmitter implements LeadershipHandoffEmitter {
      @Override
      public EmitOutcome emitStepDown(StepDown s) {
        EmitStatus skip = s.skipStatus();
        if (skip != null
            && !(config.stampUnestablished() && skip == EmitStatus.SKIPPED_UNESTABLISHED)) {
          return EmitOutcome.skipped(s, skip);
        }
        int t = List.of(TOPICS).indexOf(s.versionTopic());
        int h = List.of(HOSTS).indexOf(s.writerId());
        append(t, RecordKind.STAMP, h, s.leaderTerm());
        return EmitOutcome.acked(s, 0, logs.get(t).size() - 1);
      }

      @Override
      public List<EmitOutcome> emitStepDowns(Collection<StepDown> stepDowns) {
        return stepDowns.stream().map(this::emitStepDown).toList();
      }

      @Override
      public void close() {}
    }
  }

  // ------------------------------------------------------------------------------- broken variants

  /** Forwards every call to the observer it wraps; the broken variants override one thing each. */
  static class ForwardingObserver implements LeadershipHandoffObserver {
    final LeadershipHandoffObserver delegate;

    ForwardingObserver(LeadershipHandoffObserver delegate) {
      this.delegate = delegate;
    }

    @Override
    public String versionTopic() {
      return delegate.versionTopic();
    }

    @Override
    public String localWriterId() {
      return delegate.localWriterId();
    }

    @Override
    public void observe(
        int partition, long offset, byte[] recordKey, CharSequence writerId, long termId) {
      delegate.observe(partition, offset, recordKey, writerId, termId);
    }

    @Override
    public void observeUndecodable(int partition, long offset) {
      delegate.observeUndecodable(partition, offset);
    }

    @Override
    public boolean canSkipInactivityWait(int partition, long myTerm) {
      return delegate.canSkipInactivityWait(partition, myTerm);
    }

    @Override
    public HandoverPath decideHandover(
        int partition, long myTerm, boolean inactivityWindowElapsed) {
      return delegate.decideHandover(partition, myTerm, inactivityWindowElapsed);
    }

    @Override
    public HandoverExplanation explain(int partition, long myTerm) {
      return delegate.explain(partition, myTerm);
    }

    @Override
    public byte[] exportState(int partition) {
      return delegate.exportState(partition);
    }

    @Override
    public void restoreState(int partition, long resumeOffset, byte[] state) {
      delegate.restoreState(partition, resumeOffset, state);
    }

    @Override
    public void forget(int partition) {
      delegate.forget(partition);
    }
  }

  /** Broken on purpose: drops the records it cannot decode instead of reporting them. */
  static final class IgnoresUndecodable extends ForwardingObserver {
    IgnoresUndecodable(LeadershipHandoffObserver delegate) {
      super(delegate);
    }

    @Override
    public void observeUndecodable(int partition, long offset) {}
  }

  /** Broken on purpose: cuts whenever the record just before the reader's own DoL is a stamp. */
  static final class TrustsStampBeforeOwnDeclaration extends ForwardingObserver {
    private boolean lastWasStamp;

    /** The term of the reader's own DoL when a stamp came just before it, else -1. */
    private long trustedTerm = -1;

    TrustsStampBeforeOwnDeclaration(LeadershipHandoffObserver delegate) {
      super(delegate);
    }

    @Override
    public void observe(
        int partition, long offset, byte[] recordKey, CharSequence writerId, long termId) {
      if (StampKeys.isDeclarationOfLeadershipKey(recordKey)
          && localWriterId().contentEquals(writerId)) {
        trustedTerm = lastWasStamp ? termId : -1;
      }
      lastWasStamp = StampKeys.isStepDownKey(recordKey);
      super.observe(partition, offset, recordKey, writerId, termId);
    }

    @Override
    public void observeUndecodable(int partition, long offset) {
      lastWasStamp = false;
      super.observeUndecodable(partition, offset);
    }

    @Override
    public boolean canSkipInactivityWait(int partition, long myTerm) {
      return (myTerm > 0 && myTerm == trustedTerm)
          || super.canSkipInactivityWait(partition, myTerm);
    }

    @Override
    public HandoverPath decideHandover(
        int partition, long myTerm, boolean inactivityWindowElapsed) {
      return HandoverPath.choose(canSkipInactivityWait(partition, myTerm), inactivityWindowElapsed);
    }
  }

  // ------------------------------------------------------------------------------- the search

  /**
   * A sequence replayed on a fresh world: whether every event before the last applied without
   * breaking the property, and what the last one did.
   */
  record Replay(World world, boolean prefixApplied, Outcome last) {}

  /** Replays {@code seq[0..length)} on a fresh world built from {@code config}. */
  static Replay replay(Config config, Event[] seq, int length) {
    World w = new World(config);
    for (int i = 0; i < length - 1; i++) {
      Outcome o = w.apply(seq[i]);
      if (o == Outcome.NOT_APPLICABLE || o == Outcome.VIOLATION) {
        return new Replay(w, false, Outcome.NOT_APPLICABLE);
      }
    }
    return new Replay(w, true, w.apply(seq[length - 1]));
  }

  /** Depth-first enumeration of every applicable sequence, each one replayed on a fresh world. */
  static final class Search {
    final Config config;

    /** When set, only the violations that this configuration does not show too are counted. */
    final Config baseline;

    final int maxEvents;
    final LongAdder sequences = new LongAdder();
    final LongAdder longest = new LongAdder();
    final LongAdder fastPaths = new LongAdder();
    final LongAdder legacyWaits = new LongAdder();
    final LongAdder violations = new LongAdder();
    private Event[] shortest;
    private String shortestReport;

    Search(Config config, Config baseline, int maxEvents) {
      this.config = config;
      this.baseline = baseline;
      this.maxEvents = maxEvents;
    }

    void run() throws Exception {
      // Each applicable first event is one task; the cores share them.
      World root = new World(config);
      List<Event> firsts = config.alphabet().stream().filter(root::enabled).toList();
      ExecutorService pool =
          Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
      try {
        List<Future<?>> tasks = new ArrayList<>();
        for (Event first : firsts) {
          tasks.add(
              pool.submit(
                  () -> {
                    Event[] seq = new Event[maxEvents];
                    seq[0] = first;
                    visit(seq, 1);
                    return null;
                  }));
        }
        for (Future<?> f : tasks) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
    }

    /**
     * The report of the shortest violation found (the first in alphabet order among equals), or
     * null.
     */
    synchronized String violation() {
      return shortestReport;
    }

    /** Visits the sequence {@code seq[0..length)} and, unless it is finished, its extensions. */
    private void visit(Event[] seq, int length) {
      Replay r = replay(config, seq, length);
      if (!r.prefixApplied()) {
        // Observers and terms must answer a replay exactly as they did the first time.
        throw new AssertionError(
            "the replay of a visited sequence diverged: "
                + Arrays.toString(Arrays.copyOf(seq, length)));
      }
      if (r.last() == Outcome.NOT_APPLICABLE) {
        return;
      }
      sequences.increment();
      if (length == maxEvents) {
        longest.increment();
      }
      switch (r.last()) {
        case FAST_PATH -> fastPaths.increment();
        case LEGACY_WAIT -> legacyWaits.increment();
        case VIOLATION -> {
          fastPaths.increment();
          if (baseline == null || replay(baseline, seq, length).last() != Outcome.VIOLATION) {
            violations.increment();
            found(seq, length, r.world());
          }
          // A world that already broke the property has nothing more to show.
          return;
        }
        default -> {}
      }
      if (length == maxEvents) {
        return;
      }
      for (Event e : config.alphabet()) {
        if (r.world().enabled(e)) {
          seq[length] = e;
          visit(seq, length + 1);
        }
      }
    }

    private synchronized void found(Event[] seq, int length, World w) {
      if (shortest != null && compare(shortest, Arrays.copyOf(seq, length)) <= 0) {
        return;
      }
      shortest = Arrays.copyOf(seq, length);
      StringBuilder sb =
          new StringBuilder("FAST_PATH broke the safety property: ")
              .append(w.violation())
              .append("\nevents:\n");
      for (int i = 0; i < length; i++) {
        sb.append("  ").append(i + 1).append(". ").append(seq[i]).append('\n');
      }
      shortestReport = sb.append(w.describeLogs()).toString();
    }

    /**
     * Shorter first, then by the events' places in the alphabet: the report does not depend on
     * threads.
     */
    private int compare(Event[] a, Event[] b) {
      if (a.length != b.length) {
        return Integer.compare(a.length, b.length);
      }
      for (int i = 0; i < a.length; i++) {
        int c = Integer.compare(config.alphabet().indexOf(a[i]), config.alphabet().indexOf(b[i]));
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }
  }
}
