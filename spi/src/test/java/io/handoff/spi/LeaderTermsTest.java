package io.handoff.spi;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * {@link LeaderTerms} holds the terms of one version topic (rule S1) and whether each was
 * established (rule E1): {@code promoted} records a term as not established, {@code established}
 * marks only the term still held and answers false for a partition demoted or promoted again
 * meanwhile, {@code demoted} clears the partition and returns the {@link StepDown} of the held term
 * with its established flag (or of {@value LeaderTerms#NOT_LEADER} when none was held). A term not
 * above every earlier term of the replica on the partition may lead and be established but is never
 * stamped. Two instances of two topics share nothing, and concurrent calls neither lose nor
 * duplicate a term.
 */
public class LeaderTermsTest {

  private static final String TOPIC = "store_v1";

  @Test
  public void aDemotionWithABadWriterIdLeavesTheLeadershipAsItWas() {
    LeaderTerms terms = new LeaderTerms(TOPIC);
    terms.promoted(3, 7);
    terms.established(3, 7);
    expectThrows(NullPointerException.class, () -> terms.demoted(3, 0, null));
    expectThrows(IllegalArgumentException.class, () -> terms.demoted(3, 0, " "));
    assertEquals(
        terms.termOf(3), 7L, "the term must survive a call that failed its argument checks");
    assertTrue(terms.isEstablished(3));
    StepDown s = terms.demoted(3, 0, "host-a");
    assertEquals(s.leaderTerm(), 7L);
    assertTrue(s.established());
  }

  @Test
  public void constructorRejectsNullAndBlankTopics() {
    assertEquals(
        expectThrows(NullPointerException.class, () -> new LeaderTerms(null)).getMessage(),
        "versionTopic is null",
        "message");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> new LeaderTerms(" ")).getMessage(),
        "versionTopic is blank",
        "message");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> new LeaderTerms("")).getMessage(),
        "versionTopic is blank",
        "message");
    assertEquals(new LeaderTerms(TOPIC).versionTopic(), TOPIC, "versionTopic");
  }

  @Test
  public void notLeaderByDefault() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    assertEquals(LeaderTerms.NOT_LEADER, -1L, "NOT_LEADER");
    assertEquals(t.termOf(0), -1L, "term of partition 0");
    assertEquals(t.termOf(17), -1L, "term of partition 17");
    assertFalse(t.isLeader(0), "leader of partition 0");
    assertFalse(t.isEstablished(0), "established on partition 0");
    assertEquals(t.toString(), "LeaderTerms{store_v1, {}}", "toString");
  }

  @Test
  public void promotedSetsAnUnestablishedTermOfThatPartitionOnly() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    t.promoted(3, 42L);
    assertEquals(t.termOf(3), 42L, "term of the promoted partition");
    assertTrue(t.isLeader(3), "leader of the promoted partition");
    assertFalse(t.isEstablished(3), "a promoted term is not established yet");
    assertEquals(t.termOf(2), -1L, "term of another partition");
    assertFalse(t.isLeader(2), "leader of another partition");
    t.promoted(0, 1L);
    assertEquals(t.termOf(0), 1L, "partition 0 and term 1 are valid");
    assertTrue(t.toString().startsWith("LeaderTerms{store_v1, {"), t.toString());
    assertTrue(t.toString().contains("term=42"), t.toString());
  }

  @Test
  public void aNewPromotionReplacesTheTermAndIsNotEstablished() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    t.promoted(3, 42L);
    assertTrue(t.established(3, 42L), "the first term is established");
    t.promoted(3, 43L);
    assertEquals(t.termOf(3), 43L, "a new promotion replaces the term");
    assertFalse(t.isEstablished(3), "the new term is not established");
  }

  @Test
  public void establishedMarksTheHeldTerm() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    t.promoted(5, 7L);
    t.promoted(6, 7L);
    assertTrue(t.established(5, 7L), "the held term is established");
    assertTrue(t.isEstablished(5), "isEstablished");
    assertEquals(t.termOf(5), 7L, "establishing keeps the term");
    assertFalse(t.isEstablished(6), "another partition is not established with it");
    assertTrue(t.established(5, 7L), "establishing again still answers true");
    assertTrue(t.isEstablished(5), "and stays established");
  }

  @Test
  public void establishedOfAnotherTermDoesNothing() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    t.promoted(5, 7L);
    assertFalse(t.established(5, 6L), "an older term is not held");
    assertFalse(t.established(5, 8L), "a newer term is not held");
    assertFalse(t.isEstablished(5), "the held term stays unestablished");
    assertEquals(t.termOf(5), 7L, "and keeps its value");
  }

  @Test
  public void establishedOfAPartitionNotLedDoesNothing() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    assertFalse(t.established(4, 7L), "nothing held");
    assertFalse(t.isLeader(4), "establishing does not make a leader");
    assertEquals(t.termOf(4), -1L, "term");
    assertFalse(
        t.established(4, LeaderTerms.NOT_LEADER), "NOT_LEADER is no term that can be established");
    assertFalse(t.isLeader(4), "still no leader");
  }

  @Test
  public void establishedOfADemotedPartitionDoesNothing() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    t.promoted(2, 10L);
    StepDown s = t.demoted(2, 1, "host-a");
    assertFalse(s.established(), "demoted while waiting");
    assertFalse(t.established(2, 10L), "a late decision after the demotion answers false");
    assertFalse(t.isLeader(2), "and does not bring the term back");
    assertFalse(t.isEstablished(2), "isEstablished");
    assertEquals(t.demoted(2, 1, "host-a").leaderTerm(), -1L, "nothing to demote again");
  }

  @Test
  public void establishedOfAnOldPromotionCannotEstablishANewerOne() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    t.promoted(2, 10L);
    t.demoted(2, 1, "host-a");
    t.promoted(2, 20L);
    assertFalse(t.established(2, 10L), "a late decision of the old promotion answers false");
    assertFalse(t.isEstablished(2), "the new promotion is not established by it");
    StepDown s = t.demoted(2, 1, "host-a");
    assertEquals(s.leaderTerm(), 20L, "the new term is demoted");
    assertFalse(s.established(), "unestablished");
    assertEquals(s.skipStatus(), EmitStatus.SKIPPED_UNESTABLISHED, "its stamp is skipped");
  }

  @Test
  public void demotedReturnsTheStepDownOfTheHeldTermAndClearsIt() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    t.promoted(5, Long.MAX_VALUE);
    t.established(5, Long.MAX_VALUE);
    t.promoted(6, 7L);
    StepDown s = t.demoted(5, 3, "host-a");
    assertEquals(s, new StepDown(TOPIC, 5, Long.MAX_VALUE, true, 3, "host-a"), "the step-down");
    assertNull(s.skipStatus(), "an established term is stamped");
    assertEquals(t.termOf(5), -1L, "term cleared");
    assertFalse(t.isLeader(5), "leader cleared");
    assertFalse(t.isEstablished(5), "established cleared");
    assertEquals(t.termOf(6), 7L, "other partitions keep their term");
    assertTrue(t.isLeader(6), "other partitions stay led");

    StepDown again = t.demoted(5, 3, "host-a");
    assertEquals(
        again, new StepDown(TOPIC, 5, -1L, false, 3, "host-a"), "a second demotion finds nothing");
    assertEquals(
        again.skipStatus(), EmitStatus.SKIPPED_NO_TERM, "and is skipped for want of a term");
  }

  @Test
  public void demotedOfAnUnestablishedTermIsSkipped() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    t.promoted(1, 9L);
    StepDown s = t.demoted(1, 0, "host-b");
    assertEquals(s, new StepDown(TOPIC, 1, 9L, false, 0, "host-b"), "the step-down");
    assertEquals(s.skipStatus(), EmitStatus.SKIPPED_UNESTABLISHED, "skip status");
  }

  @Test
  public void demotedOnANonLeaderCarriesNoTerm() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    assertEquals(
        t.demoted(0, 1, "host-a"), new StepDown(TOPIC, 0, -1L, false, 1, "host-a"), "partition 0");
    assertEquals(t.demoted(9, 1, "host-a").leaderTerm(), -1L, "partition 9");
    assertFalse(t.isLeader(9), "no leader");
  }

  @Test
  public void demotedValidatesTheWriterId() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    assertEquals(
        expectThrows(NullPointerException.class, () -> t.demoted(0, 1, null)).getMessage(),
        "writerId is null",
        "message");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> t.demoted(0, 1, " ")).getMessage(),
        "writerId is blank",
        "message");
  }

  @Test
  public void aTermNotAboveAnEarlierOneOfThePartitionIsNeverStamped() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    t.promoted(2, 10L);
    assertTrue(t.established(2, 10L), "the first term");
    assertTrue(t.demoted(2, 1, "host-a").established(), "is stamped");

    t.promoted(2, 10L);
    assertTrue(t.established(2, 10L), "an equal term may be established");
    assertTrue(t.isEstablished(2), "and leads as usual");
    StepDown equal = t.demoted(2, 1, "host-a");
    assertEquals(
        equal,
        new StepDown(TOPIC, 2, 10L, false, 1, "host-a"),
        "but its step-down is not established");
    assertEquals(equal.skipStatus(), EmitStatus.SKIPPED_UNESTABLISHED, "so it is never stamped");

    t.promoted(2, 9L);
    t.established(2, 9L);
    assertFalse(t.demoted(2, 1, "host-a").established(), "a lower term is never stamped either");

    t.promoted(2, 11L);
    t.established(2, 11L);
    assertTrue(
        t.demoted(2, 1, "host-a").established(), "a term above every earlier one is stamped again");
  }

  @Test
  public void theHighestTermHeldCountsEvenWithoutADemotionBetween() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    t.promoted(4, 20L);
    t.promoted(4, 20L);
    t.established(4, 20L);
    assertFalse(t.demoted(4, 1, "host-a").established(), "a re-promotion with the held term");

    t.promoted(4, 30L);
    t.promoted(4, 25L);
    t.established(4, 25L);
    assertFalse(
        t.demoted(4, 1, "host-a").established(), "a term below one replaced without demotion");
  }

  @Test
  public void earlierTermsAreRememberedPerPartitionAndPerTopic() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    t.promoted(1, 50L);
    t.demoted(1, 1, "host-a");
    t.promoted(0, 5L);
    t.established(0, 5L);
    assertTrue(
        t.demoted(0, 1, "host-a").established(),
        "another partition's earlier term does not matter");
    LeaderTerms other = new LeaderTerms("store_v2");
    other.promoted(1, 5L);
    other.established(1, 5L);
    assertTrue(
        other.demoted(1, 1, "host-a").established(),
        "another topic's earlier term does not matter");
  }

  @Test
  public void aRejectedPromotionLeavesNoEarlierTerm() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    expectThrows(IllegalArgumentException.class, () -> t.promoted(3, 0L));
    t.promoted(3, 1L);
    t.established(3, 1L);
    assertTrue(
        t.demoted(3, 1, "host-a").established(), "term 1 after a rejected promotion is stamped");
  }

  @DataProvider
  public Object[][] badTerms() {
    return new Object[][] {{0L}, {-1L}, {Long.MIN_VALUE}};
  }

  @Test(dataProvider = "badTerms")
  public void promotedRejectsTermsBelowOne(long term) {
    LeaderTerms t = new LeaderTerms(TOPIC);
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> t.promoted(4, term));
    assertEquals(e.getMessage(), "term must be > 0, got " + term + " for store_v1-4", "message");
    assertEquals(t.termOf(4), -1L, "nothing recorded");
    assertFalse(t.isLeader(4), "not leader");

    t.promoted(4, 5L);
    expectThrows(IllegalArgumentException.class, () -> t.promoted(4, term));
    assertEquals(t.termOf(4), 5L, "a rejected promotion leaves the held term");
  }

  @Test
  public void negativePartitionIsRejected() {
    LeaderTerms t = new LeaderTerms(TOPIC);
    String expected = "partition must be >= 0, got -1 for topic store_v1";
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> t.promoted(-1, 5L)).getMessage(),
        expected,
        "promoted");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> t.established(-1, 5L)).getMessage(),
        expected,
        "established");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> t.demoted(-1, 1, "host-a")).getMessage(),
        expected,
        "demoted");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> t.demoted(-1, 1, null)).getMessage(),
        expected,
        "demoted checks the partition before the writer id");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> t.demoted(-1, 1, " ")).getMessage(),
        expected,
        "demoted checks the partition before the writer id");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> t.promoted(Integer.MIN_VALUE, 5L))
            .getMessage(),
        "partition must be >= 0, got " + Integer.MIN_VALUE + " for topic store_v1",
        "promoted");
  }

  @Test
  public void twoTopicsShareNothing() {
    LeaderTerms x = new LeaderTerms("storeX_v1");
    LeaderTerms y = new LeaderTerms("storeY_v2");
    x.promoted(3, 100L);
    x.established(3, 100L);
    y.promoted(3, 200L);
    assertEquals(x.termOf(3), 100L, "promoting Y keeps X's term");
    assertTrue(x.isEstablished(3), "and X's establishment");
    assertFalse(y.isEstablished(3), "establishing X does not establish Y");
    assertFalse(y.established(3, 100L), "X's term is not Y's");

    StepDown sx = x.demoted(3, 1, "host-a");
    assertEquals(
        sx,
        new StepDown("storeX_v1", 3, 100L, true, 1, "host-a"),
        "X stamps X's term on X's topic");
    assertEquals(y.termOf(3), 200L, "demoting X keeps Y's term");
    assertTrue(y.isLeader(3), "and Y's leadership");
    StepDown sy = y.demoted(3, 1, "host-a");
    assertEquals(
        sy,
        new StepDown("storeY_v2", 3, 200L, false, 1, "host-a"),
        "Y stamps Y's term on Y's topic");
  }

  @Test(timeOut = 120_000)
  public void concurrentCallsOnDistinctPartitionsStayConsistent() throws Exception {
    final int threads = 8;
    final int opsPerThread = 10_000;
    final int partitionsPerThread = 16;
    LeaderTerms terms = new LeaderTerms(TOPIC);
    AtomicInteger mismatches = new AtomicInteger();
    long[][] expected = new long[threads][partitionsPerThread];
    boolean[][] established = new boolean[threads][partitionsPerThread];
    boolean[][] stampable = new boolean[threads][partitionsPerThread];
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        final int thread = i;
        futures.add(
            pool.submit(
                () -> {
                  long[] mine = expected[thread];
                  boolean[] mineEstablished = established[thread];
                  boolean[] mineStampable = stampable[thread];
                  long[] highest = new long[partitionsPerThread];
                  Arrays.fill(mine, -1L);
                  SplittableRandom random = new SplittableRandom(thread);
                  start.await();
                  for (int op = 0; op < opsPerThread; op++) {
                    int slot = random.nextInt(partitionsPerThread);
                    int partition =
                        slot * threads + thread; // partitions are disjoint between threads
                    int action = random.nextInt(3);
                    if (action == 0) {
                      long term = 1 + random.nextInt(1_000);
                      terms.promoted(partition, term);
                      mine[slot] = term;
                      mineEstablished[slot] = false;
                      mineStampable[slot] = term > highest[slot];
                      highest[slot] = Math.max(highest[slot], term);
                    } else if (action == 1) {
                      boolean got = terms.established(partition, mine[slot]);
                      if (got != (mine[slot] != -1L)) {
                        mismatches.incrementAndGet();
                      }
                      mineEstablished[slot] = got;
                    } else {
                      StepDown got = terms.demoted(partition, 1, "host-a");
                      boolean stamped = mineEstablished[slot] && mineStampable[slot];
                      if (got.leaderTerm() != mine[slot] || got.established() != stamped) {
                        mismatches.incrementAndGet();
                      }
                      mine[slot] = -1L;
                      mineEstablished[slot] = false;
                    }
                    if (terms.termOf(partition) != mine[slot]
                        || terms.isEstablished(partition) != mineEstablished[slot]) {
                      mismatches.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(100, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(mismatches.get(), 0, "answers that differ from the single-threaded expectation");
    for (int thread = 0; thread < threads; thread++) {
      for (int slot = 0; slot < partitionsPerThread; slot++) {
        int partition = slot * threads + thread;
        assertEquals(terms.termOf(partition), expected[thread][slot], "partition " + partition);
        assertEquals(
            terms.isLeader(partition), expected[thread][slot] != -1L, "partition " + partition);
        assertEquals(
            terms.isEstablished(partition), established[thread][slot], "partition " + partition);
      }
    }
  }

  @Test(timeOut = 120_000)
  public void aTermIsHandedOutByExactlyOneOfConcurrentDemotions() throws Exception {
    final int threads = 8;
    final int rounds = 2_000;
    LeaderTerms terms = new LeaderTerms(TOPIC);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 1; round <= rounds; round++) {
        terms.promoted(0, round);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<StepDown>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          futures.add(
              pool.submit(
                  () -> {
                    start.await();
                    return terms.demoted(0, 1, "host-a");
                  }));
        }
        start.countDown();
        int holders = 0;
        for (Future<StepDown> f : futures) {
          long got = f.get(10, TimeUnit.SECONDS).leaderTerm();
          if (got == round) {
            holders++;
          } else {
            assertEquals(got, -1L, "round " + round + ": the others find nothing");
          }
        }
        assertEquals(holders, 1, "round " + round + ": holders of the term");
        assertEquals(terms.termOf(0), -1L, "round " + round + ": cleared");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test(timeOut = 120_000)
  public void anEstablishmentRacingADemotionIsSeenByTheStepDownExactlyWhenItSucceeded()
      throws Exception {
    final int rounds = 5_000;
    LeaderTerms terms = new LeaderTerms(TOPIC);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 1; round <= rounds; round++) {
        terms.promoted(0, round);
        final long term = round;
        CountDownLatch start = new CountDownLatch(1);
        Future<Boolean> establish =
            pool.submit(
                () -> {
                  start.await();
                  return terms.established(0, term);
                });
        Future<StepDown> demote =
            pool.submit(
                () -> {
                  start.await();
                  return terms.demoted(0, 1, "host-a");
                });
        start.countDown();
        boolean answered = establish.get(10, TimeUnit.SECONDS);
        StepDown s = demote.get(10, TimeUnit.SECONDS);
        assertEquals(s.leaderTerm(), term, "round " + round + ": the demotion gets the term");
        assertEquals(
            s.established(),
            answered,
            "round "
                + round
                + ": the step-down is established exactly when established() answered true");
        assertFalse(
            terms.isLeader(0), "round " + round + ": a late establishment brings nothing back");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
