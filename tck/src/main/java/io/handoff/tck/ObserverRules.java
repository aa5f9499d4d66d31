package io.handoff.tck;

import static io.handoff.spi.HandoverReason.NOT_LEADER;
import static io.handoff.spi.HandoverReason.NO_EARLIER_TENURE;
import static io.handoff.spi.HandoverReason.OWN_DECLARATION_NOT_READ;
import static io.handoff.spi.HandoverReason.OWN_TENURE_STEPPED_DOWN;
import static io.handoff.spi.HandoverReason.OWN_TENURE_UNCLEAN;
import static io.handoff.spi.HandoverReason.STAMP_TERM_NOT_BELOW_MINE;
import static io.handoff.tck.RuleRecords.A;
import static io.handoff.tck.RuleRecords.B;
import static io.handoff.tck.RuleRecords.NO_TERM;
import static io.handoff.tck.RuleRecords.Z;
import static io.handoff.tck.RuleRecords.cleanTenure;
import static io.handoff.tck.RuleRecords.ctl;
import static io.handoff.tck.RuleRecords.data;
import static io.handoff.tck.RuleRecords.dol;
import static io.handoff.tck.RuleRecords.hb;
import static io.handoff.tck.RuleRecords.noKey;
import static io.handoff.tck.RuleRecords.seq;
import static io.handoff.tck.RuleRecords.stamp;
import static io.handoff.tck.RuleRecords.undecodable;

import io.handoff.spi.HandoverReason;
import io.handoff.tck.RuleRecords.Rec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The observer rules as a table: record sequences in, the reader's answer and its {@link
 * HandoverReason} out, each worked out by hand from rules R1 to R5 of {@code docs/ARCHITECTURE.md}.
 * {@link ObserverContract} runs every case against each strategy; a strategy's own tests may run it
 * too (the stamp strategy validates its reference model with it).
 *
 * <p>Records are written in the vocabulary of {@link RuleRecords}, independent of any strategy's
 * key bytes; {@link RuleKeys} maps each kind to a strategy's keys and {@link RuleFeed} hands the
 * records to an observer.
 */
public final class ObserverRules {

  private ObserverRules() {}

  /** The replica the observers decide for, {@link RuleRecords#READER}. */
  public static final String READER = RuleRecords.READER;

  static RuleCase cut(String name, long readerTerm, List<Rec> records) {
    return new RuleCase(name, records, readerTerm, HandoverReason.CLEAN_STEP_DOWN);
  }

  static RuleCase noCut(String name, HandoverReason why, long readerTerm, List<Rec> records) {
    return new RuleCase(name, records, readerTerm, why);
  }

  /** Every case, a new list each call; the answers are for the reader {@link #READER}. */
  public static List<RuleCase> cases() {
    List<RuleCase> c = new ArrayList<>();
    List<Rec> a1 = cleanTenure(A, 1);
    fastPaths(c, a1);
    ownTenure(c, a1);
    EarlierTenureCases.unclean(c, a1);
    EarlierTenureCases.notClosed(c, a1);
    EarlierTenureCases.outOfSight(c);
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
