package io.handoff.tck;

import static io.handoff.spi.HandoverReason.EARLIER_TENURE_UNCLEAN;
import static io.handoff.spi.HandoverReason.NO_STAMP;
import static io.handoff.spi.HandoverReason.STAMP_NOT_LAST;
import static io.handoff.spi.HandoverReason.STARTED_INSIDE_A_TENURE;
import static io.handoff.tck.ObserverRules.noCut;
import static io.handoff.tck.RuleRecords.A;
import static io.handoff.tck.RuleRecords.B;
import static io.handoff.tck.RuleRecords.NO_TERM;
import static io.handoff.tck.RuleRecords.READER;
import static io.handoff.tck.RuleRecords.Z;
import static io.handoff.tck.RuleRecords.data;
import static io.handoff.tck.RuleRecords.dol;
import static io.handoff.tck.RuleRecords.hb;
import static io.handoff.tck.RuleRecords.seq;
import static io.handoff.tck.RuleRecords.stamp;
import static io.handoff.tck.RuleRecords.undecodable;

import io.handoff.tck.RuleRecords.Rec;
import java.util.List;

/**
 * The cases of {@link ObserverRules} about the tenure before the reader's: it must be clean (R2),
 * closed by its own writer's stamp with nothing after it (R3), and begun in sight (R5).
 */
final class EarlierTenureCases {

  private EarlierTenureCases() {}

  /** R2: the tenure before the reader's must be clean, up to the reader's DoL. */
  static void unclean(List<RuleCase> c, List<Rec> a1) {
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
  static void notClosed(List<RuleCase> c, List<Rec> a1) {
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
  static void outOfSight(List<RuleCase> c) {
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
}
