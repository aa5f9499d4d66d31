package io.handoff.stamp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoverPath;
import io.handoff.stamp.StampObserverFixtures.Case;
import io.handoff.stamp.StampObserverFixtures.Kind;
import io.handoff.stamp.StampObserverFixtures.Rec;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Compares the observer with a reference model written from the five observer rules of the
 * architecture guide, on random record sequences and exhaustively on short ones.
 *
 * <p>Replay a failure with {@code -Dhandoff.seed=<seed>} (printed in the failure message).
 */
public class StampObserverModelTest {

  private static final int RANDOM_CASES = 20_000;
  private static final int MAX_LENGTH = 12;
  private static final Kind[] KINDS = Kind.values();

  /**
   * The reference model, read off the rules as a statement about the whole sequence rather than as
   * a state machine.
   *
   * <ul>
   *   <li>Rule 1: drop every record whose term equals the reader's term at the time it was observed
   *       (when that term is positive): what is left are the other writers' records.</li>
   *   <li>Rules 2 and 3: a stamp is remembered at the end exactly when the last of the other
   *       writers' records is a step-down stamp; its term is the stamp term.</li>
   *   <li>Rule 4: it counts only if no other writer's record carries a higher term.</li>
   *   <li>Rule 5: consuming on, and {@code 0 < stampTerm < myTerm}.</li>
   * </ul>
   */
  static boolean reference(List<Rec> records, long myTerm, boolean consume) {
    List<Rec> others = new ArrayList<>();
    for (Rec r : records) {
      boolean own = r.seenWithMyTerm() > 0 && r.term() == r.seenWithMyTerm();
      if (!own) {
        others.add(r);
      }
    }
    if (others.isEmpty()) {
      return false;
    }
    Rec last = others.get(others.size() - 1);
    if (last.kind() != Kind.STEP_DOWN) {
      return false;
    }
    long stampTerm = last.term();
    for (Rec r : others) {
      if (r.term() > stampTerm) {
        return false;
      }
    }
    return consume && 0 < stampTerm && stampTerm < myTerm;
  }

  // ------------------------------------------------------------------ the model itself

  @DataProvider(name = "rules")
  public Object[][] rules() {
    return StampObserverFixtures.ruleCases().stream().map(c -> new Object[] {c}).toArray(Object[][]::new);
  }

  /** The hand-worked rule table validates the model before the model judges the observer. */
  @Test(dataProvider = "rules")
  public void theModelAgreesWithTheRuleTable(Case c) {
    assertEquals(reference(c.records(), c.readerTerm(), c.consume()), c.expected(), c.describe());
  }

  // ------------------------------------------------------------------------- random

  /** One partition's part of a random case. */
  private record Lane(int partition, long readerTerm, List<Rec> records) {
    @Override
    public String toString() {
      return "partition " + partition + ", reader term " + readerTerm + ", records " + records;
    }
  }

  @Test
  public void theObserverAgreesWithTheModelOnRandomSequences() {
    String property = System.getProperty("handoff.seed");
    long seed = property != null && !property.isBlank() ? Long.parseLong(property.trim()) : new SecureRandom().nextLong();
    Random rnd = new Random(seed);
    int cuts = 0;
    int noCuts = 0;
    int lateStampCases = 0;
    for (int index = 0; index < RANDOM_CASES; index++) {
      boolean consume = rnd.nextInt(10) != 0;
      Lane a = lane(rnd, rnd.nextInt(40));
      int pb;
      do {
        pb = rnd.nextInt(4) == 0 ? rnd.nextInt(1200) : rnd.nextInt(40);
      } while (pb == a.partition());
      Lane b = lane(rnd, pb);

      // interleave the two lanes randomly, keeping each lane's order
      List<String> feedLog = new ArrayList<>();
      CountingHandoffMetrics metrics = new CountingHandoffMetrics();
      StampObserver o = StampObserverFixtures.observer(consume, metrics);
      int i = 0;
      int j = 0;
      while (i < a.records().size() || j < b.records().size()) {
        boolean takeA = j >= b.records().size() || (i < a.records().size() && rnd.nextBoolean());
        Lane lane = takeA ? a : b;
        Rec r = takeA ? a.records().get(i++) : b.records().get(j++);
        feedLog.add(lane.partition() + ":" + r);
        o.observe(lane.partition(), r.kind().key(), r.term(), r.seenWithMyTerm());
      }

      long fast = 0;
      long legacy = 0;
      for (Lane lane : List.of(a, b)) {
        boolean expected = reference(lane.records(), lane.readerTerm(), consume);
        boolean actual = o.canSkipInactivityWait(lane.partition(), lane.readerTerm());
        if (expected != actual) {
          fail("observer disagrees with the rule model: seed " + seed + " (replay with -Dhandoff.seed=" + seed
              + "), case " + index + ", consume " + consume + ", " + lane + "; model says " + expected
              + ", observer says " + actual + "; full interleaved feed " + feedLog);
        }
        if (expected) {
          cuts++;
        } else {
          noCuts++;
        }
        if (isLateStampCase(lane)) {
          lateStampCases++;
        }
        boolean elapsed = rnd.nextBoolean();
        HandoverPath want = expected ? HandoverPath.FAST_PATH : elapsed ? HandoverPath.LEGACY_WAIT : HandoverPath.WAIT;
        HandoverPath got = o.decideHandover(lane.partition(), lane.readerTerm(), elapsed);
        if (want != got) {
          fail("decideHandover disagrees with the rule model: seed " + seed + ", case " + index + ", consume "
              + consume + ", " + lane + ", window elapsed " + elapsed + "; model says " + want + ", observer says "
              + got + "; full interleaved feed " + feedLog);
        }
        fast += want == HandoverPath.FAST_PATH ? 1 : 0;
        legacy += want == HandoverPath.LEGACY_WAIT ? 1 : 0;
      }
      if (metrics.fastPath() != fast || metrics.legacyWait() != legacy) {
        fail("handover counters: seed " + seed + ", case " + index + ", expected fast " + fast + " legacy " + legacy
            + ", got " + metrics + "; feed " + feedLog);
      }
    }
    // the generator must produce both answers often enough to mean something
    assertTrue(cuts >= RANDOM_CASES / 50, "too few cut cases (" + cuts + "), seed " + seed);
    assertTrue(noCuts >= RANDOM_CASES / 2, "too few no-cut cases (" + noCuts + "), seed " + seed);
    assertTrue(lateStampCases >= RANDOM_CASES / 100, "too few late-stamp cases (" + lateStampCases + "), seed " + seed);
  }

  /** A lane whose last other-writer record is a positive stamp that does not count by rule 4. */
  private static boolean isLateStampCase(Lane lane) {
    List<Rec> recs = lane.records();
    if (recs.isEmpty()) {
      return false;
    }
    Rec last = recs.get(recs.size() - 1);
    return last.kind() == Kind.STEP_DOWN && last.term() > 0 && last.seenWithMyTerm() != last.term()
        && recs.stream().anyMatch(r -> r.term() > last.term() && r.seenWithMyTerm() != r.term());
  }

  private static Lane lane(Random rnd, int partition) {
    long readerTerm = rnd.nextInt(9) - 1; // -1..7
    int length = rnd.nextInt(MAX_LENGTH + 1); // 0..12
    List<Rec> records = new ArrayList<>(length);
    for (int k = 0; k < length; k++) {
      // step-down stamps a little more often than the others, so that cut cases are not rare
      Kind kind = rnd.nextInt(4) == 0 ? Kind.STEP_DOWN : KINDS[rnd.nextInt(KINDS.length)];
      long term = rnd.nextInt(8) - 1; // -1..6
      long seenWith;
      if (term == readerTerm) {
        seenWith = rnd.nextInt(8) == 0 ? -1 : readerTerm; // own, rarely seen before the promotion
      } else {
        int choice = rnd.nextInt(10);
        seenWith = choice < 5 ? -1 : choice < 8 ? readerTerm : rnd.nextInt(7) + 1; // an earlier leadership
      }
      records.add(new Rec(kind, term, seenWith));
    }
    return new Lane(partition, readerTerm, List.copyOf(records));
  }

  // ---------------------------------------------------------------------- exhaustive

  /** Every sequence of up to three records over kinds x terms {-1,1,2,3} x seen as {-1, reader}. */
  @Test
  public void theObserverAgreesWithTheModelOnEveryShortSequence() {
    long[] terms = {-1, 1, 2, 3};
    long[] readerTerms = {-1, 0, 1, 2, 3, 4};
    int checked = 0;
    int cuts = 0;
    for (long readerTerm : readerTerms) {
      List<Rec> alphabet = new ArrayList<>();
      for (Kind kind : KINDS) {
        for (long term : terms) {
          alphabet.add(new Rec(kind, term, -1));
          if (readerTerm != -1) {
            alphabet.add(new Rec(kind, term, readerTerm));
          }
        }
      }
      int n = alphabet.size();
      for (int length = 0; length <= 3; length++) {
        int combinations = (int) Math.pow(n, length);
        for (int code = 0; code < combinations; code++) {
          List<Rec> seq = new ArrayList<>(length);
          int c = code;
          for (int k = 0; k < length; k++) {
            seq.add(alphabet.get(c % n));
            c /= n;
          }
          StampObserver o = StampObserverFixtures.observer(true, io.handoff.spi.HandoffMetrics.NOOP);
          StampObserverFixtures.feed(o, 9, seq);
          boolean expected = reference(seq, readerTerm, true);
          boolean actual = o.canSkipInactivityWait(9, readerTerm);
          if (expected != actual) {
            fail("observer disagrees with the rule model: reader term " + readerTerm + ", records " + seq
                + "; model says " + expected + ", observer says " + actual);
          }
          checked++;
          cuts += expected ? 1 : 0;
        }
      }
    }
    assertTrue(checked > 100_000, "checked " + checked);
    assertTrue(cuts > 1_000, "cuts " + cuts);
  }
}
