package io.handoff.stamp;

import static java.nio.charset.StandardCharsets.UTF_8;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.LoggerFactory;

/**
 * Shared vocabulary of the StampObserver tests: record kinds and their keys, a tiny DSL for record
 * sequences, the table of stamp-rule cases (used by the rules test and, to validate the reference
 * model, by the model test) and a logback log capture. Holds no tests itself.
 */
final class StampObserverFixtures {

  private StampObserverFixtures() {}

  /** The settings key that switches consuming on and off, spelled out as documented. */
  static final String CONSUME_KEY = "server.leader.handover.consume.stepdown.stamp";

  /** A data key: header byte 0, then a user key. */
  static final byte[] DATA_KEY = StampCodec.dataKey("user-key-42".getBytes(UTF_8));

  /** A control key of no stamp kind: header byte 2, a random (but fixed) GUID, 8 zero bytes. */
  static final byte[] OTHER_CONTROL_KEY = controlKey(new Random(0x5EED_C0DEL));

  static byte[] controlKey(Random random) {
    byte[] key = new byte[StampKind.KEY_LENGTH];
    key[0] = 2;
    byte[] guid = new byte[StampKind.GUID_LENGTH];
    random.nextBytes(guid);
    System.arraycopy(guid, 0, key, 1, guid.length);
    // bytes 17..24 (segment and sequence) stay zero
    return key;
  }

  /** What a record is, as far as the observer can tell from its key. */
  enum Kind {
    DATA, STEP_DOWN, DOL, HEARTBEAT, OTHER_CONTROL;

    /** A fresh copy of this kind's key. */
    byte[] key() {
      switch (this) {
        case DATA:
          return DATA_KEY.clone();
        case STEP_DOWN:
          return StampKeys.stepDownKey();
        case DOL:
          return StampKeys.declarationOfLeadershipKey();
        case HEARTBEAT:
          return StampKeys.heartbeatKey();
        default:
          return OTHER_CONTROL_KEY.clone();
      }
    }
  }

  /**
   * One consumed record: its kind, its term ({@code -1} when it carries none) and the reader's own
   * term at the time it was observed ({@code -1} while the reader was a follower).
   */
  record Rec(Kind kind, long term, long seenWithMyTerm) {

    /** The same record, observed while the reader had term {@code myTerm}. */
    Rec seenBy(long myTerm) {
      return new Rec(kind, term, myTerm);
    }

    @Override
    public String toString() {
      return kind + "(t=" + term + (seenWithMyTerm == -1 ? "" : ", seen as " + seenWithMyTerm) + ")";
    }
  }

  static Rec data(long term) {
    return new Rec(Kind.DATA, term, -1);
  }

  static Rec stamp(long term) {
    return new Rec(Kind.STEP_DOWN, term, -1);
  }

  static Rec dol(long term) {
    return new Rec(Kind.DOL, term, -1);
  }

  static Rec hb(long term) {
    return new Rec(Kind.HEARTBEAT, term, -1);
  }

  static Rec ctl(long term) {
    return new Rec(Kind.OTHER_CONTROL, term, -1);
  }

  /** A named rule case: records fed to one partition, then one question with the reader's term. */
  record Case(String name, List<Rec> records, long readerTerm, boolean consume, int partition, boolean expected) {

    Case onPartition(int p) {
      return new Case(name + " [partition " + p + "]", records, readerTerm, consume, p, expected);
    }

    Case consumingOff() {
      return new Case(name + " [consuming off]", records, readerTerm, false, partition, false);
    }

    String describe() {
      return name + ": records " + records + " on partition " + partition + ", reader term " + readerTerm
          + ", consume " + consume + ", expected canSkipInactivityWait " + expected;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Case cut(String name, long readerTerm, Rec... records) {
    return new Case(name, List.of(records), readerTerm, true, 0, true);
  }

  static Case noCut(String name, long readerTerm, Rec... records) {
    return new Case(name, List.of(records), readerTerm, true, 0, false);
  }

  /** The stamp-rule table: every case has its expected answer worked out by hand from the rules. */
  static List<Case> ruleCases() {
    List<Case> c = new ArrayList<>();
    Case happy = cut("happy path: data T1, stamp T1, own DoL T2 -> cut for T2", 2,
        data(1), stamp(1), dol(2).seenBy(2));
    c.add(happy);
    c.add(cut("happy path, then own data and heartbeats of T2", 2,
        data(1), stamp(1), dol(2).seenBy(2), data(2).seenBy(2), hb(2).seenBy(2), ctl(2).seenBy(2)));
    c.add(cut("a stamp alone, reader T2", 2, stamp(1)));
    c.add(cut("a stamp alone, reader far ahead", 9, stamp(1)));
    c.add(cut("a stamp alone, reader term Long.MAX_VALUE", Long.MAX_VALUE, stamp(1)));
    c.add(cut("stamp as high as every other term counts (data T3, stamp T3, reader T4)", 4,
        data(3), dol(3), stamp(3)));
    c.add(noCut("empty partition never cuts", 2));
    c.add(noCut("data only never cuts", 5, data(1), data(2)));
    c.add(noCut("no stamp: only DoL and heartbeats", 5, dol(1), hb(1), dol(2), hb(2)));

    // Rule 1: own records are ignored
    c.add(noCut("a stamp from the reader's own term is ignored", 2, stamp(2).seenBy(2)));
    c.add(cut("a stamp from the reader's own term does not replace another writer's stamp", 2,
        data(1), stamp(1), stamp(2).seenBy(2)));
    c.add(cut("own records of the reader's term never raise the highest term", 5,
        stamp(1), data(5).seenBy(5), dol(5).seenBy(5), hb(5).seenBy(5)));
    c.add(cut("the reader's records from an earlier leadership are ignored too", 4,
        data(2).seenBy(2), stamp(1), data(2).seenBy(2)));
    c.add(cut("own earlier leadership: data T2 as leader, own stamp T2 as follower, new leader T3", 3,
        data(2).seenBy(2), stamp(2)));
    c.add(noCut("a stamp of the reader's term seen while still a follower is another writer's: T2 not < T2", 2,
        stamp(2)));

    // Rule 3: any other record forgets the stamp
    c.add(noCut("data after the stamp forbids the cut", 2, data(1), stamp(1), data(1)));
    c.add(noCut("data of an older term after the stamp forbids the cut", 3, data(1), stamp(2), data(1)));
    c.add(noCut("a non-self DoL after the stamp forbids the cut", 3, data(1), stamp(1), dol(2)));
    c.add(noCut("a DoL of the reader's term seen as follower is not the reader's: forbids", 2,
        data(1), stamp(1), dol(2)));
    c.add(noCut("a DoL of the stamp's own term after the stamp forbids", 2, stamp(1), dol(1)));
    c.add(noCut("a heartbeat after the stamp forbids the cut", 2, data(1), stamp(1), hb(1)));
    c.add(noCut("a heartbeat of a newer term after the stamp forbids the cut", 3, stamp(1), hb(2)));
    c.add(noCut("another control message after the stamp forbids the cut", 2, stamp(1), ctl(1)));
    c.add(noCut("a record with no term (-1) forgets the stamp: data", 2, stamp(1), data(-1)));
    c.add(noCut("a record with no term (-1) forgets the stamp: control", 2, stamp(1), ctl(-1)));
    c.add(noCut("a record with no term (-1) forgets the stamp: heartbeat", 2, stamp(1), hb(-1)));
    c.add(noCut("a record with no term (-1) seen as leader is still another writer's", 2,
        stamp(1), data(-1).seenBy(2)));
    c.add(noCut("a foreign record between own records still forgets", 3,
        stamp(1), dol(3).seenBy(3), hb(1), data(3).seenBy(3)));
    c.add(cut("a new stamp after the forgetting record is remembered again", 2,
        stamp(1), data(1), stamp(1)));
    c.add(noCut("a stamp without a term is no counting stamp", 2, stamp(-1)));
    c.add(noCut("a stamp without a term replaces the earlier stamp", 2, stamp(1), stamp(-1)));

    // Rule 4: the highest term of any other writer's record
    c.add(noCut("a late stamp T1 after data of T2 forbids the cut for T3", 3,
        data(1), dol(2), data(2), stamp(1)));
    c.add(noCut("a late stamp T1 after only a DoL of T2 (new leader died) forbids for T3", 3,
        data(1), dol(2), stamp(1)));
    c.add(noCut("a late stamp T1 after a heartbeat of T2 forbids for T3", 3, hb(2), stamp(1)));
    c.add(noCut("a late stamp T1 after a stamp T2 forbids for T3", 3, stamp(2), stamp(1)));
    c.add(noCut("the highest term survives forgetting: stamp T2, data T1, stamp T1", 3,
        stamp(2), data(1), stamp(1)));
    c.add(cut("stamps of rising terms: the last one counts", 3, stamp(1), stamp(2)));
    c.add(cut("the newer leader's own stamp after a late one counts", 3,
        data(1), stamp(1), dol(2), data(2), stamp(1), stamp(2)));
    c.add(noCut("a higher term seen once keeps a lower stamp from counting", 6,
        data(4), data(1), data(1), stamp(3)));

    // Rule 5: 0 < stampTerm < myTerm
    c.add(noCut("a stamp T5 never lets a reader of term 5 cut", 5, data(5), stamp(5)));
    c.add(noCut("a stamp T5 never lets a reader of term 4 cut", 4, data(5), stamp(5)));
    c.add(noCut("a stamp T5 never lets a reader of term 4 cut, own DoL T4", 4, stamp(5), dol(4).seenBy(4)));
    c.add(cut("a stamp T5 lets a reader of term 6 cut", 6, data(5), stamp(5)));
    c.add(noCut("myTerm 0 never cuts", 0, data(1), stamp(1)));
    c.add(noCut("myTerm -1 (follower) never cuts", -1, data(1), stamp(1)));
    c.add(noCut("myTerm Long.MIN_VALUE never cuts", Long.MIN_VALUE, stamp(1)));

    // Consuming switched off
    c.add(happy.consumingOff());
    c.add(cut("a stamp alone, reader T2", 2, stamp(1)).consumingOff());

    // Partitions beyond the initial state array
    c.add(happy.onPartition(15));
    c.add(happy.onPartition(16));
    c.add(happy.onPartition(17));
    c.add(happy.onPartition(1000));
    c.add(noCut("data after the stamp forbids the cut", 2, data(1), stamp(1), data(1)).onPartition(1000));
    c.add(noCut("a late stamp T1 after data of T2 forbids the cut for T3", 3, dol(2), stamp(1)).onPartition(33));
    return c;
  }

  static HandoffSettings settings(boolean consume) {
    return HandoffSettings.from(Map.of(CONSUME_KEY, Boolean.toString(consume)));
  }

  static StampObserver observer(boolean consume, HandoffMetrics metrics) {
    return new StampObserver(settings(consume), metrics);
  }

  static void feed(StampObserver o, int partition, List<Rec> records) {
    for (Rec r : records) {
      o.observe(partition, r.kind().key(), r.term(), r.seenWithMyTerm());
    }
  }

  static void feed(StampObserver o, int partition, Rec... records) {
    feed(o, partition, Arrays.asList(records));
  }

  /**
   * Captures the logback events of the StampObserver logger (logback-classic is this module's test
   * logging backend) with a {@link ListAppender}, for the duration of a try-with-resources block.
   */
  static final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Level previousLevel;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
      org.slf4j.Logger l = LoggerFactory.getLogger(StampObserver.class);
      if (!(l instanceof Logger)) {
        throw new AssertionError("logback-classic is not the slf4j binding on the test class path: " + l.getClass());
      }
      logger = (Logger) l;
      previousLevel = logger.getLevel();
      logger.setLevel(Level.DEBUG);
      appender.start();
      logger.addAppender(appender);
    }

    /** The formatted WARN messages of the StampObserver logger. */
    List<String> observerWarnings() {
      List<String> out = new ArrayList<>();
      for (ILoggingEvent e : List.copyOf(appender.list)) {
        if (e.getLevel() == Level.WARN) {
          out.add(e.getFormattedMessage());
        }
      }
      return out;
    }

    /** Every captured event, level and message, one a line. */
    String text() {
      StringBuilder sb = new StringBuilder();
      for (ILoggingEvent e : List.copyOf(appender.list)) {
        sb.append(e.getLevel()).append(' ').append(e.getFormattedMessage()).append('\n');
      }
      return sb.toString();
    }

    @Override
    public void close() {
      logger.detachAppender(appender);
      appender.stop();
      logger.setLevel(previousLevel);
    }
  }
}
