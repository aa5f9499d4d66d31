package io.handoff.tck;

import static io.handoff.spi.HandoverReason.EARLIER_TENURE_UNCLEAN;
import static io.handoff.spi.HandoverReason.NOT_LEADER;
import static io.handoff.spi.HandoverReason.NO_EARLIER_TENURE;
import static io.handoff.spi.HandoverReason.NO_STAMP;
import static io.handoff.spi.HandoverReason.OWN_DECLARATION_NOT_READ;
import static io.handoff.spi.HandoverReason.OWN_TENURE_STEPPED_DOWN;
import static io.handoff.spi.HandoverReason.OWN_TENURE_UNCLEAN;
import static io.handoff.spi.HandoverReason.STAMP_NOT_LAST;
import static io.handoff.spi.HandoverReason.STAMP_TERM_NOT_BELOW_MINE;
import static io.handoff.spi.HandoverReason.STARTED_INSIDE_A_TENURE;

import io.handoff.spi.HandoverReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The observer rules as a table: record sequences in, the reader's answer and its {@link
 * HandoverReason} out, each worked out by hand from rules R1 to R5 of {@code docs/ARCHITECTURE.md}.
 * {@link ObserverContract} runs every case against each strategy; a strategy's own tests may run it
 * too (the stamp strategy validates its reference model with it).
 *
 * <p>Records are described by {@link Kind}, independent of any strategy's key bytes; {@link
 * RecordKeys} maps each kind to a strategy's keys and {@link RuleFeed} hands the records to an
 * observer.
 */
public final class ObserverRules {

  private ObserverRules() {}

  /** The replica the observers decide for. */
  public static final String READER = "host-r";

  /** Writers other than the reader. */
  public static final String A = "host-a";

  public static final String B = "host-b";
  public static final String Z = "host-z";

  /** The term of a record that carries none, as Venice's leaders write their data. */
  public static final long NO_TERM = -1;

  /**
   * What a record is, as far as an observer can tell from its key, or that it could not be decoded.
   */
  public enum Kind {
    /** A declaration of leadership. */
    DOL,
    /** A step-down stamp. */
    STEP_DOWN,
    /** A data record. */
    DATA,
    /** A heartbeat: no stamp, whoever writes it. */
    HEARTBEAT,
    /** A control message of no stamp kind. */
    OTHER_CONTROL,
    /** A record without key: no stamp. */
    NO_KEY,
    /** A record nobody could decode. */
    UNDECODABLE
  }

  /**
   * One consumed record: its kind, the writer id of its leader metadata (null: none) and its term
   * ({@link #NO_TERM}: none).
   */
  public record Rec(Kind kind, String writer, long term) {

    @Override
    public String toString() {
      if (kind == Kind.UNDECODABLE) {
        return "undecodable";
      }
      return kind + "(" + writer + (term == NO_TERM ? "" : ", " + term) + ")";
    }
  }

  public static Rec dol(String writer, long term) {
    return new Rec(Kind.DOL, writer, term);
  }

  public static Rec stamp(String writer, long term) {
    return new Rec(Kind.STEP_DOWN, writer, term);
  }

  public static Rec data(String writer, long term) {
    return new Rec(Kind.DATA, writer, term);
  }

  /** Data the way Venice's leaders write it: a writer id, no term. */
  public static Rec data(String writer) {
    return data(writer, NO_TERM);
  }

  public static Rec hb(String writer, long term) {
    return new Rec(Kind.HEARTBEAT, writer, term);
  }

  public static Rec ctl(String writer, long term) {
    return new Rec(Kind.OTHER_CONTROL, writer, term);
  }

  public static Rec noKey(String writer, long term) {
    return new Rec(Kind.NO_KEY, writer, term);
  }

  public static Rec undecodable() {
    return new Rec(Kind.UNDECODABLE, null, NO_TERM);
  }

  /** {@code writer}'s whole clean tenure of {@code term}: its DoL, data, its stamp. */
  public static List<Rec> cleanTenure(String writer, long term) {
    return List.of(dol(writer, term), data(writer), data(writer, term), stamp(writer, term));
  }

  /** Concatenates records and lists of records, in order. */
  public static List<Rec> seq(Object... parts) {
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

  private static RuleCase cut(String name, long readerTerm, List<Rec> records) {
    return new RuleCase(name, records, readerTerm, HandoverReason.CLEAN_STEP_DOWN);
  }

  private static RuleCase noCut(
      String name, HandoverReason why, long readerTerm, List<Rec> records) {
    return new RuleCase(name, records, readerTerm, why);
  }

  /** Every case, a new list each call; the answers are for the reader {@link #READER}. */
  public static List<RuleCase> cases() {
    List<RuleCase> c = new ArrayList<>();
    List<Rec> a1 = cleanTenure(A, 1);
    fastPaths(c, a1);
    ownTenure(c, a1);
    earlierTenureUnclean(c, a1);
    earlierTenureNotClosed(c, a1);
    earlierTenureOutOfSight(c);
    terms(c, a1);
    return c;
  }

  /** The tenure before the reader's own was clean and closed by its own stamp. */
  private static void fastPaths(List<RuleCase> c, List<Rec> a1) {
    c.add(
        cut(
            "happy path: A's clean tenure of 1 closed by its stamp, own DoL of 2 read back",
            2,
            seq(a1, dol(READER, 2))));
    c.add(
        cut(
            "happy path, then the reader's own records of its term or none",
            2,
            seq(
                a1,
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
            seq(a1, stamp(A, 1), stamp(A, 1), dol(READER, 2))));
    c.add(cut("a reader far ahead", Long.MAX_VALUE, seq(a1, dol(READER, Long.MAX_VALUE))));
    c.add(
        cut(
            "only the tenure just before the reader's counts: earlier trouble was settled by A's"
                + " handover",
            2,
            seq(undecodable(), data(Z), dol(B, 7), data(null, NO_TERM), a1, dol(READER, 2))));
    c.add(
        cut(
            "a re-promoted reader whose own earlier tenure its own stamp closed",
            9,
            seq(a1, dol(READER, 5), data(READER), stamp(READER, 5), dol(READER, 9))));
    c.add(
        cut(
            "a writer's newer session replaces its older one: the tenure before the reader's is"
                + " (A, 2)",
            3,
            seq(dol(A, 1), data(A), dol(A, 2), data(A), stamp(A, 2), dol(READER, 3))));
    c.add(
        cut("an empty tenure closed by its stamp", 2, seq(dol(A, 1), stamp(A, 1), dol(READER, 2))));
    c.add(cut("stamp term just below the reader's", 6, seq(cleanTenure(A, 5), dol(READER, 6))));
  }

  /** R4, R1, R2: the reader's own DoL of its term is current, and nothing foreign came after it. */
  private static void ownTenure(List<RuleCase> c, List<Rec> a1) {
    c.add(noCut("empty partition", OWN_DECLARATION_NOT_READ, 2, seq()));
    c.add(noCut("the reader's own DoL not yet read back", OWN_DECLARATION_NOT_READ, 2, a1));
    c.add(
        noCut(
            "the reader's own DoL of another term",
            OWN_DECLARATION_NOT_READ,
            2,
            seq(a1, dol(READER, 3))));
    c.add(
        noCut(
            "the reader's own DoL of an older term",
            OWN_DECLARATION_NOT_READ,
            3,
            seq(a1, dol(READER, 2))));
    c.add(
        noCut(
            "another writer's DoL of the reader's term",
            OWN_DECLARATION_NOT_READ,
            2,
            seq(a1, dol(B, 2))));
    c.add(
        noCut(
            "another writer's DoL and data of the reader's term, the reader's own DoL not read",
            OWN_DECLARATION_NOT_READ,
            7,
            seq(dol(A, 5), stamp(A, 5), dol(B, 7), data(B), data(B, 7))));
    c.add(
        noCut(
            "the reader's DoL, then another writer's",
            OWN_DECLARATION_NOT_READ,
            2,
            seq(a1, dol(READER, 2), dol(B, 3))));
    c.add(
        noCut(
            "the beginning of the partition: no tenure before the reader's",
            NO_EARLIER_TENURE,
            2,
            seq(dol(READER, 2))));
    c.add(
        noCut(
            "the reader's own stamp read back: it has stepped down",
            OWN_TENURE_STEPPED_DOWN,
            2,
            seq(a1, dol(READER, 2), stamp(READER, 2))));
    String after = " after the reader's DoL";
    c.add(ownUnclean("another writer's data" + after, a1, data(Z)));
    c.add(ownUnclean("the old leader's data" + after, a1, data(A)));
    c.add(ownUnclean("the old leader's stamp repeated" + after, a1, stamp(A, 1)));
    c.add(ownUnclean("another writer's heartbeat" + after, a1, hb(B, 2)));
    c.add(ownUnclean("a record without writer id" + after, a1, data(null, NO_TERM)));
    c.add(ownUnclean("an undecodable record" + after, a1, undecodable()));
    c.add(
        ownUnclean(
            "the reader's host with an older real term (an older session)" + after,
            a1,
            data(READER, 1)));
    c.add(
        ownUnclean(
            "a writer id differing only in case is another writer",
            a1,
            data(READER.toUpperCase(Locale.ROOT))));
  }

  private static RuleCase ownUnclean(String name, List<Rec> a1, Rec foreign) {
    return noCut(name, OWN_TENURE_UNCLEAN, 2, seq(a1, dol(READER, 2), foreign));
  }

  /** R2: the tenure before the reader's must be clean, up to the reader's DoL. */
  private static void earlierTenureUnclean(List<RuleCase> c, List<Rec> a1) {
    c.add(inside("another writer's data inside A's tenure", data(Z)));
    c.add(inside("another writer's heartbeat inside A's tenure", hb(B, 1)));
    c.add(inside("a record without writer id inside A's tenure", data(null, NO_TERM)));
    c.add(inside("an undecodable record inside A's tenure", undecodable()));
    c.add(inside("another writer's stamp inside A's tenure", stamp(B, 1)));
    c.add(
        noCut(
            "an older session of A's host inside A's tenure",
            EARLIER_TENURE_UNCLEAN,
            3,
            seq(dol(A, 2), data(A, 1), stamp(A, 2), dol(READER, 3))));
    c.add(
        noCut(
            "a zombie Z writes inside A's tenure: A's stamp cannot vouch for Z",
            EARLIER_TENURE_UNCLEAN,
            300,
            seq(
                dol(Z, 100),
                data(Z),
                dol(A, 200),
                data(Z),
                data(A),
                stamp(A, 200),
                dol(READER, 300))));
    c.add(
        noCut(
            "another writer's stamp with A's term, after a record before any DoL",
            EARLIER_TENURE_UNCLEAN,
            2,
            seq(data(A), dol(A, 1), stamp(B, 1), dol(READER, 2))));
    c.add(
        noCut(
            "A's data after its stamp: it went on writing",
            STAMP_NOT_LAST,
            2,
            seq(a1, data(A), dol(READER, 2))));
    c.add(
        noCut(
            "A's heartbeat after its stamp", STAMP_NOT_LAST, 2, seq(a1, hb(A, 1), dol(READER, 2))));
    c.add(
        noCut(
            "an undecodable record after A's stamp",
            STAMP_NOT_LAST,
            2,
            seq(a1, undecodable(), dol(READER, 2))));
    c.add(
        noCut(
            "another writer's data after A's stamp",
            STAMP_NOT_LAST,
            2,
            seq(a1, data(Z), dol(READER, 2))));
    c.add(
        noCut(
            "A's DoL sent twice, then A writes after a stamp of its term: whichever session"
                + " stamped",
            STAMP_NOT_LAST,
            2,
            seq(dol(A, 1), data(A), dol(A, 1), data(A), stamp(A, 1), data(A), dol(READER, 2))));
  }

  private static RuleCase inside(String name, Rec foreign) {
    return noCut(
        name, EARLIER_TENURE_UNCLEAN, 2, seq(dol(A, 1), foreign, stamp(A, 1), dol(READER, 2)));
  }

  /** R3: the tenure before the reader's must be closed by its own writer's stamp. */
  private static void earlierTenureNotClosed(List<RuleCase> c, List<Rec> a1) {
    c.add(noCut("A's tenure never stamped", NO_STAMP, 2, seq(dol(A, 1), data(A), dol(READER, 2))));
    c.add(
        noCut(
            "a stamp of another writer with A's term does not close A's tenure",
            EARLIER_TENURE_UNCLEAN,
            2,
            seq(dol(A, 1), data(A), stamp(B, 1), dol(READER, 2))));
    c.add(
        noCut(
            "a stamp of A with another term does not close A's tenure",
            EARLIER_TENURE_UNCLEAN,
            3,
            seq(dol(A, 2), data(A), stamp(A, 1), dol(READER, 3))));
    c.add(
        noCut(
            "a stamp of A without a term does not close A's tenure",
            EARLIER_TENURE_UNCLEAN,
            3,
            seq(dol(A, 2), data(A), stamp(A, NO_TERM), dol(READER, 3))));
    c.add(
        noCut(
            "every DoL starts a tenure: the reader's DoL sent twice ends its first tenure unclosed",
            NO_STAMP,
            2,
            seq(a1, dol(READER, 2), data(READER), dol(READER, 2))));
    c.add(
        noCut(
            "every DoL starts a tenure: A's DoL sent again after its stamp",
            NO_STAMP,
            2,
            seq(a1, dol(A, 1), dol(READER, 2))));
    c.add(
        noCut(
            "a second session of A with an equal term, never closed, after A's first session's"
                + " stamp",
            NO_STAMP,
            2,
            seq(a1, dol(A, 1), data(A), dol(READER, 2))));
    c.add(
        noCut(
            "B promoted after A's stamp and never stamped: B's tenure is the one before",
            NO_STAMP,
            3,
            seq(a1, dol(B, 2), dol(READER, 3))));
    c.add(
        noCut(
            "a late stamp of A after B's DoL closes nothing",
            EARLIER_TENURE_UNCLEAN,
            3,
            seq(dol(A, 1), data(A), dol(B, 2), stamp(A, 1), dol(READER, 3))));
    c.add(
        noCut(
            "a re-promoted reader whose own earlier tenure was never stamped",
            NO_STAMP,
            7,
            seq(dol(A, 3), data(A), stamp(A, 3), dol(READER, 5), data(READER), dol(READER, 7))));
    c.add(
        noCut(
            "equal terms: B's DoL and data of term 7 after A's stamp of 5, then the reader's DoL"
                + " of 7",
            NO_STAMP,
            7,
            seq(dol(A, 5), stamp(A, 5), dol(B, 7), data(B, 7), data(B), dol(READER, 7))));
  }

  /** R5: the tenure before must have begun in sight, with a DoL that can make it clean. */
  private static void earlierTenureOutOfSight(List<RuleCase> c) {
    c.add(
        noCut(
            "A's DoL never seen: the observer started inside A's tenure",
            STARTED_INSIDE_A_TENURE,
            2,
            seq(data(A), stamp(A, 1), dol(READER, 2))));
    c.add(noCut("a lone stamp", STARTED_INSIDE_A_TENURE, 2, seq(stamp(A, 1), dol(READER, 2))));
    c.add(
        noCut(
            "A's DoL without a term",
            EARLIER_TENURE_UNCLEAN,
            2,
            seq(dol(A, NO_TERM), stamp(A, NO_TERM), dol(READER, 2))));
    c.add(
        noCut(
            "A's DoL with term 0",
            EARLIER_TENURE_UNCLEAN,
            2,
            seq(dol(A, 0), stamp(A, 0), dol(READER, 2))));
    c.add(
        noCut(
            "a DoL without writer id",
            EARLIER_TENURE_UNCLEAN,
            2,
            seq(dol(null, 1), stamp(null, 1), dol(READER, 2))));
  }

  /** R4: 0 < stampTerm < myTerm, and a reader without a term is no leader. */
  private static void terms(List<RuleCase> c, List<Rec> a1) {
    c.add(
        noCut(
            "stamp term equal to the reader's",
            STAMP_TERM_NOT_BELOW_MINE,
            5,
            seq(cleanTenure(A, 5), dol(READER, 5))));
    c.add(
        noCut(
            "a stamp of the reader's own term value, by another writer, with no data",
            STAMP_TERM_NOT_BELOW_MINE,
            7,
            seq(dol(A, 7), stamp(A, 7), dol(READER, 7))));
    c.add(
        noCut(
            "stamp term above the reader's",
            STAMP_TERM_NOT_BELOW_MINE,
            4,
            seq(cleanTenure(A, 5), dol(READER, 4))));
    c.add(noCut("a reader's term of 0", NOT_LEADER, 0, seq(a1, dol(READER, 0))));
    c.add(noCut("a reader's term of -1", NOT_LEADER, -1, seq(a1, dol(READER, -1))));
    c.add(
        noCut(
            "a reader's term of Long.MIN_VALUE",
            NOT_LEADER,
            Long.MIN_VALUE,
            seq(a1, dol(READER, Long.MIN_VALUE))));
  }
}
