package io.handoff.stamp;

import static java.nio.charset.StandardCharsets.UTF_8;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.RecordKeys;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.TenureTracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.LoggerFactory;

/**
 * Shared vocabulary of the observer tests: record kinds and their keys, a small language for record
 * sequences with writer ids and terms, the hand-worked table of rule cases (used by the rules test
 * and, to validate the reference model, by the model test), and a logback capture. Holds no tests
 * itself.
 */
final class StampObserverFixtures {

  private StampObserverFixtures() {}

  static final String TOPIC = "store_v7";

  /** The replica the observers decide for. */
  static final String READER = "host-r";

  static final String A = "host-a";
  static final String B = "host-b";
  static final String Z = "host-z";
  static final long NO_TERM = TenureTracker.NO_TERM;

  /** A data key: header byte 0, then a user key. */
  static final byte[] DATA_KEY = RecordKeys.dataKey("user-key-42".getBytes(UTF_8));

  /** A control key of no stamp kind: header byte 2, a random (but fixed) GUID, 8 zero bytes. */
  static final byte[] OTHER_CONTROL_KEY = controlKey(new Random(0x5EED_C0DEL));

  static byte[] controlKey(Random random) {
    byte[] key = new byte[StampKind.KEY_LENGTH];
    key[0] = RecordKeys.CONTROL_MESSAGE_KEY_HEADER;
    byte[] guid = new byte[ProducerMetadata.GUID_LENGTH];
    random.nextBytes(guid);
    System.arraycopy(guid, 0, key, 1, guid.length);
    // bytes 17..24 (segment and sequence) stay zero
    return key;
  }

  /**
   * What a record is, as far as the observer can tell from its key, or that it could not be
   * decoded.
   */
  enum Kind {
    DOL,
    STEP_DOWN,
    DATA,
    HEARTBEAT,
    OTHER_CONTROL,
    NO_KEY,
    UNDECODABLE;

    /**
     * A fresh copy of this kind's key; null for {@link #NO_KEY} (and for an undecodable record).
     */
    byte[] key() {
      switch (this) {
        case DOL:
          return StampKeys.declarationOfLeadershipKey();
        case STEP_DOWN:
          return StampKeys.stepDownKey();
        case DATA:
          return DATA_KEY.clone();
        case HEARTBEAT:
          return StampKeys.heartbeatKey();
        case OTHER_CONTROL:
          return OTHER_CONTROL_KEY.clone();
        default:
          return null;
      }
    }
  }

  /**
   * One consumed record: its kind, the writer id of its leader metadata (null: none) and its term.
   */
  record Rec(Kind kind, String writer, long term) {

    @Override
    public String toString() {
      if (kind == Kind.UNDECODABLE) {
        return "undecodable";
      }
      return kind + "(" + writer + (term == NO_TERM ? "" : ", " + term) + ")";
    }
  }

  static Rec dol(String writer, long term) {
    return new Rec(Kind.DOL, writer, term);
  }

  static Rec stamp(String writer, long term) {
    return new Rec(Kind.STEP_DOWN, writer, term);
  }

  static Rec data(String writer, long term) {
    return new Rec(Kind.DATA, writer, term);
  }

  /** Data the way Venice's leaders write it: a writer id, no term. */
  static Rec data(String writer) {
    return data(writer, NO_TERM);
  }

  static Rec hb(String writer, long term) {
    return new Rec(Kind.HEARTBEAT, writer, term);
  }

  static Rec ctl(String writer, long term) {
    return new Rec(Kind.OTHER_CONTROL, writer, term);
  }

  static Rec noKey(String writer, long term) {
    return new Rec(Kind.NO_KEY, writer, term);
  }

  static Rec undecodable() {
    return new Rec(Kind.UNDECODABLE, null, NO_TERM);
  }

  /** The old leader A's whole clean tenure of {@code term}: its DoL, data, its stamp. */
  static List<Rec> cleanTenure(String writer, long term) {
    return List.of(dol(writer, term), data(writer), data(writer, term), stamp(writer, term));
  }

  /** Concatenates records and lists of records, in order. */
  static List<Rec> seq(Object... parts) {
    List<Rec> out = new ArrayList<>();
    for (Object part : parts) {
      if (part instanceof Rec r) {
        out.add(r);
      } else if (part instanceof List<?> l) {
        for (Object o : l) {
          out.add((Rec) o);
        }
      } else {
        throw new IllegalArgumentException("not a record: " + part);
      }
    }
    return out;
  }

  /**
   * Hands records to an observer at consecutive offsets, per partition, the way a consumer loop
   * does.
   */
  static final class Feed {
    private final LeadershipHandoffObserver observer;
    private final Map<Integer, Long> nextOffset = new HashMap<>();

    Feed(LeadershipHandoffObserver observer) {
      this.observer = observer;
    }

    LeadershipHandoffObserver observer() {
      return observer;
    }

    /** The offset the next record of {@code partition} gets; offsets start at 100. */
    long nextOffset(int partition) {
      return nextOffset.getOrDefault(partition, 100L);
    }

    /** Continues {@code partition} at {@code offset}, as after a restore. */
    Feed resumeAt(int partition, long offset) {
      nextOffset.put(partition, offset);
      return this;
    }

    Feed add(int partition, List<Rec> records) {
      for (Rec r : records) {
        long offset = nextOffset(partition);
        nextOffset.put(partition, offset + 1);
        if (r.kind() == Kind.UNDECODABLE) {
          observer.observeUndecodable(partition, offset);
        } else {
          observer.observe(partition, offset, r.kind().key(), r.writer(), r.term());
        }
      }
      return this;
    }

    Feed add(int partition, Rec... records) {
      return add(partition, Arrays.asList(records));
    }

    boolean cut(int partition, long myTerm) {
      return observer.canSkipInactivityWait(partition, myTerm);
    }
  }

  /**
   * A named rule case: records fed to one partition, then one question of the reader with its term.
   */
  record Case(String name, List<Rec> records, long readerTerm, boolean expected) {

    String describe() {
      return name
          + ": records "
          + records
          + ", reader "
          + READER
          + " with term "
          + readerTerm
          + ", expected canSkipInactivityWait "
          + expected;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Case cut(String name, long readerTerm, List<Rec> records) {
    return new Case(name, List.copyOf(records), readerTerm, true);
  }

  static Case noCut(String name, long readerTerm, List<Rec> records) {
    return new Case(name, List.copyOf(records), readerTerm, false);
  }

  /**
   * The rule table of {@code docs/ARCHITECTURE.md}: every case's answer is worked out by hand from
   * rules R1 to R5, for the reader {@link #READER}.
   */
  static List<Case> ruleCases() {
    List<Case> c = new ArrayList<>();
    List<Rec> tenureA1 = cleanTenure(A, 1);

    // The fast path: the tenure before the reader's own was clean and closed by its own stamp.
    c.add(
        cut(
            "happy path: A's clean tenure of 1 closed by its stamp, own DoL of 2 read back",
            2,
            seq(tenureA1, dol(READER, 2))));
    c.add(
        cut(
            "happy path, then the reader's own records of its term or none",
            2,
            seq(
                tenureA1,
                dol(READER, 2),
                data(READER),
                data(READER, 2),
                hb(READER, 2),
                ctl(READER, NO_TERM),
                noKey(READER, 2))));
    c.add(
        cut(
            "A's heartbeats, control messages and keyless records of its tenure belong to it",
            2,
            seq(
                dol(A, 1),
                hb(A, 1),
                ctl(A, NO_TERM),
                noKey(A, 1),
                data(A),
                stamp(A, 1),
                dol(READER, 2))));
    c.add(
        cut(
            "A's DoL sent twice: the second starts the tenure A's stamp closes",
            2,
            seq(dol(A, 1), data(A), dol(A, 1), data(A), stamp(A, 1), dol(READER, 2))));
    c.add(
        cut(
            "a repeat of A's closing stamp changes nothing",
            2,
            seq(tenureA1, stamp(A, 1), stamp(A, 1), dol(READER, 2))));
    c.add(cut("a reader far ahead", Long.MAX_VALUE, seq(tenureA1, dol(READER, Long.MAX_VALUE))));
    c.add(
        cut(
            "only the tenure just before the reader's counts: earlier trouble was settled by A's handover",
            2,
            seq(undecodable(), data(Z), dol(B, 7), data(null, NO_TERM), tenureA1, dol(READER, 2))));
    c.add(
        cut(
            "a re-promoted reader whose own earlier tenure its own stamp closed",
            9,
            seq(tenureA1, dol(READER, 5), data(READER), stamp(READER, 5), dol(READER, 9))));
    c.add(
        cut(
            "a writer's newer session replaces its older one: the tenure before the reader's is (A, 2)",
            3,
            seq(dol(A, 1), data(A), dol(A, 2), data(A), stamp(A, 2), dol(READER, 3))));
    c.add(
        cut("an empty tenure closed by its stamp", 2, seq(dol(A, 1), stamp(A, 1), dol(READER, 2))));

    // R4: the reader's own DoL of its term must be the current tenure.
    c.add(noCut("empty partition", 2, seq()));
    c.add(noCut("the reader's own DoL not yet read back", 2, tenureA1));
    c.add(noCut("the reader's own DoL of another term", 2, seq(tenureA1, dol(READER, 3))));
    c.add(noCut("the reader's own DoL of an older term", 3, seq(tenureA1, dol(READER, 2))));
    c.add(noCut("another writer's DoL of the reader's term", 2, seq(tenureA1, dol(B, 2))));
    c.add(
        noCut(
            "the reader's DoL, then another writer's",
            2,
            seq(tenureA1, dol(READER, 2), dol(B, 3))));
    c.add(
        noCut(
            "the beginning of the partition: no tenure before the reader's",
            2,
            seq(dol(READER, 2))));
    c.add(
        noCut(
            "the reader's own stamp read back: it has stepped down",
            2,
            seq(tenureA1, dol(READER, 2), stamp(READER, 2))));
    c.add(
        noCut(
            "every DoL starts a tenure: the reader's DoL sent twice ends its first tenure unclosed",
            2,
            seq(tenureA1, dol(READER, 2), data(READER), dol(READER, 2))));
    c.add(
        noCut(
            "every DoL starts a tenure: A's DoL sent again after its stamp",
            2,
            seq(tenureA1, dol(A, 1), dol(READER, 2))));

    // R1, R2: nothing of another writer after the reader's DoL.
    c.add(
        noCut(
            "another writer's data after the reader's DoL",
            2,
            seq(tenureA1, dol(READER, 2), data(Z))));
    c.add(
        noCut(
            "the old leader's data after the reader's DoL",
            2,
            seq(tenureA1, dol(READER, 2), data(A))));
    c.add(
        noCut(
            "the old leader's stamp repeated after the reader's DoL",
            2,
            seq(tenureA1, dol(READER, 2), stamp(A, 1))));
    c.add(
        noCut(
            "another writer's heartbeat after the reader's DoL",
            2,
            seq(tenureA1, dol(READER, 2), hb(B, 2))));
    c.add(
        noCut(
            "a record without writer id after the reader's DoL",
            2,
            seq(tenureA1, dol(READER, 2), data(null, NO_TERM))));
    c.add(
        noCut(
            "an undecodable record after the reader's DoL",
            2,
            seq(tenureA1, dol(READER, 2), undecodable())));
    c.add(
        noCut(
            "the reader's host with an older real term (an older session) after its DoL",
            2,
            seq(tenureA1, dol(READER, 2), data(READER, 1))));
    c.add(
        noCut(
            "a writer id differing only in case is another writer",
            2,
            seq(tenureA1, dol(READER, 2), data(READER.toUpperCase(java.util.Locale.ROOT)))));

    // R2: the tenure before must be clean.
    c.add(
        noCut(
            "another writer's data inside A's tenure",
            2,
            seq(dol(A, 1), data(Z), stamp(A, 1), dol(READER, 2))));
    c.add(
        noCut(
            "another writer's heartbeat inside A's tenure",
            2,
            seq(dol(A, 1), hb(B, 1), stamp(A, 1), dol(READER, 2))));
    c.add(
        noCut(
            "an older session of A's host inside A's tenure",
            3,
            seq(dol(A, 2), data(A, 1), stamp(A, 2), dol(READER, 3))));
    c.add(
        noCut(
            "a record without writer id inside A's tenure",
            2,
            seq(dol(A, 1), data(null, NO_TERM), stamp(A, 1), dol(READER, 2))));
    c.add(
        noCut(
            "an undecodable record inside A's tenure",
            2,
            seq(dol(A, 1), undecodable(), stamp(A, 1), dol(READER, 2))));
    c.add(
        noCut(
            "another writer's stamp inside A's tenure",
            2,
            seq(dol(A, 1), stamp(B, 1), stamp(A, 1), dol(READER, 2))));
    c.add(
        noCut(
            "A's data after its stamp: it went on writing",
            2,
            seq(tenureA1, data(A), dol(READER, 2))));
    c.add(noCut("A's heartbeat after its stamp", 2, seq(tenureA1, hb(A, 1), dol(READER, 2))));
    c.add(
        noCut(
            "an undecodable record after A's stamp",
            2,
            seq(tenureA1, undecodable(), dol(READER, 2))));
    c.add(
        noCut("another writer's data after A's stamp", 2, seq(tenureA1, data(Z), dol(READER, 2))));

    // R3: the tenure before must be closed by its own stamp.
    c.add(noCut("A's tenure never stamped", 2, seq(dol(A, 1), data(A), dol(READER, 2))));
    c.add(
        noCut(
            "a stamp of another writer with A's term does not close A's tenure",
            2,
            seq(dol(A, 1), data(A), stamp(B, 1), dol(READER, 2))));
    c.add(
        noCut(
            "a stamp of A with another term does not close A's tenure",
            3,
            seq(dol(A, 2), data(A), stamp(A, 1), dol(READER, 3))));
    c.add(
        noCut(
            "a stamp of A without a term does not close A's tenure",
            3,
            seq(dol(A, 2), data(A), stamp(A, NO_TERM), dol(READER, 3))));
    c.add(
        noCut(
            "a second session of A with an equal term, never closed, after A's first session's stamp",
            2,
            seq(tenureA1, dol(A, 1), data(A), dol(READER, 2))));
    c.add(
        noCut(
            "A's DoL sent twice, then A writes after a stamp of its term: whichever session stamped",
            2,
            seq(dol(A, 1), data(A), dol(A, 1), data(A), stamp(A, 1), data(A), dol(READER, 2))));
    c.add(
        noCut(
            "B promoted after A's stamp and never stamped: B's tenure is the one before",
            3,
            seq(tenureA1, dol(B, 2), dol(READER, 3))));
    c.add(
        noCut(
            "a late stamp of A after B's DoL closes nothing",
            3,
            seq(dol(A, 1), data(A), dol(B, 2), stamp(A, 1), dol(READER, 3))));
    c.add(
        noCut(
            "a re-promoted reader whose own earlier tenure was never stamped",
            7,
            seq(dol(A, 3), data(A), stamp(A, 3), dol(READER, 5), data(READER), dol(READER, 7))));
    c.add(
        noCut(
            "equal terms: B's DoL and data of term 7 after A's stamp of 5, then the reader's DoL of 7",
            7,
            seq(dol(A, 5), stamp(A, 5), dol(B, 7), data(B, 7), data(B), dol(READER, 7))));

    // R5: the tenure before must have begun in sight, with a DoL that can make it clean.
    c.add(
        noCut(
            "A's DoL never seen: the observer started inside A's tenure",
            2,
            seq(data(A), stamp(A, 1), dol(READER, 2))));
    c.add(noCut("a lone stamp", 2, seq(stamp(A, 1), dol(READER, 2))));
    c.add(
        noCut(
            "A's DoL without a term", 2, seq(dol(A, NO_TERM), stamp(A, NO_TERM), dol(READER, 2))));
    c.add(noCut("A's DoL with term 0", 2, seq(dol(A, 0), stamp(A, 0), dol(READER, 2))));
    c.add(noCut("a DoL without writer id", 2, seq(dol(null, 1), stamp(null, 1), dol(READER, 2))));

    // R4: 0 < stampTerm < myTerm.
    c.add(noCut("stamp term equal to the reader's", 5, seq(cleanTenure(A, 5), dol(READER, 5))));
    c.add(noCut("stamp term above the reader's", 4, seq(cleanTenure(A, 5), dol(READER, 4))));
    c.add(cut("stamp term just below the reader's", 6, seq(cleanTenure(A, 5), dol(READER, 6))));
    c.add(noCut("a reader's term of 0", 0, seq(tenureA1, dol(READER, 0))));
    c.add(noCut("a reader's term of -1", -1, seq(tenureA1, dol(READER, -1))));
    c.add(
        noCut(
            "a reader's term of Long.MIN_VALUE",
            Long.MIN_VALUE,
            seq(tenureA1, dol(READER, Long.MIN_VALUE))));
    return c;
  }

  static HandoffSettings settings(boolean consume) {
    return HandoffSettings.from(
        Map.of(HandoffSettings.CONSUME_STEPDOWN_STAMP, Boolean.toString(consume)));
  }

  /** An observer of {@link #TOPIC} for {@link #READER}. */
  static StampObserver observer(boolean consume, HandoffMetrics metrics) {
    return new StampObserver(settings(consume), metrics, TOPIC, READER);
  }

  static StampObserver observer(HandoffMetrics metrics) {
    return observer(true, metrics);
  }

  /**
   * Captures the logback events of the given loggers (logback-classic is this module's test logging
   * backend) with a {@link ListAppender}, for the duration of a try-with-resources block.
   */
  static final class LogCapture implements AutoCloseable {
    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> previousLevels = new ArrayList<>();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    /** The loggers of the tenure rules and of the raw-record helper. */
    LogCapture() {
      this(TenureTracker.class, StampRecords.class);
    }

    LogCapture(Class<?>... sources) {
      appender.start();
      for (Class<?> source : sources) {
        org.slf4j.Logger l = LoggerFactory.getLogger(source);
        if (!(l instanceof Logger logger)) {
          throw new AssertionError(
              "logback-classic is not the slf4j binding on the test class path: " + l.getClass());
        }
        loggers.add(logger);
        previousLevels.add(logger.getLevel());
        logger.setLevel(Level.DEBUG);
        logger.addAppender(appender);
      }
    }

    /** The formatted WARN messages, in order. */
    List<String> warnings() {
      List<String> out = new ArrayList<>();
      for (ILoggingEvent e : List.copyOf(appender.list)) {
        if (e.getLevel() == Level.WARN) {
          out.add(e.getFormattedMessage());
        }
      }
      return out;
    }

    /** The formatted WARN messages of one source's logger. */
    List<String> warnings(Class<?> source) {
      List<String> out = new ArrayList<>();
      for (ILoggingEvent e : List.copyOf(appender.list)) {
        if (e.getLevel() == Level.WARN && e.getLoggerName().equals(source.getName())) {
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
      for (int i = 0; i < loggers.size(); i++) {
        loggers.get(i).detachAppender(appender);
        loggers.get(i).setLevel(previousLevels.get(i));
      }
      appender.stop();
    }
  }
}
