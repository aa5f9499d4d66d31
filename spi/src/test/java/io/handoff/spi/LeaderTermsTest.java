package io.handoff.spi;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.ArrayList;
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

public class LeaderTermsTest {

  @Test
  public void notLeaderByDefault() {
    LeaderTerms t = new LeaderTerms();
    assertEquals(LeaderTerms.NOT_LEADER, -1L);
    assertEquals(t.termOf(0), -1L);
    assertEquals(t.termOf(17), -1L);
    assertFalse(t.isLeader(0));
  }

  @Test
  public void promotedSetsTheTermOfThatPartitionOnly() {
    LeaderTerms t = new LeaderTerms();
    t.promoted(3, 42L);
    assertEquals(t.termOf(3), 42L);
    assertTrue(t.isLeader(3));
    assertEquals(t.termOf(2), -1L);
    assertFalse(t.isLeader(2));
    t.promoted(0, 1L);
    assertEquals(t.termOf(0), 1L);
    t.promoted(3, 43L);
    assertEquals(t.termOf(3), 43L, "a new promotion replaces the term");
  }

  @Test
  public void demotedReturnsTheHeldTermAndClearsIt() {
    LeaderTerms t = new LeaderTerms();
    t.promoted(5, Long.MAX_VALUE);
    t.promoted(6, 7L);
    assertEquals(t.demoted(5), Long.MAX_VALUE);
    assertEquals(t.termOf(5), -1L);
    assertFalse(t.isLeader(5));
    assertEquals(t.termOf(6), 7L, "other partitions keep their term");
    assertEquals(t.demoted(5), -1L, "a second demotion finds nothing");
  }

  @Test
  public void demotedOnANonLeaderReturnsMinusOne() {
    LeaderTerms t = new LeaderTerms();
    assertEquals(t.demoted(0), -1L);
    assertEquals(t.demoted(9), -1L);
    assertFalse(t.isLeader(9));
  }

  @DataProvider
  public Object[][] badTerms() {
    return new Object[][] {{0L}, {-1L}, {Long.MIN_VALUE}};
  }

  @Test(dataProvider = "badTerms")
  public void promotedRejectsTermsBelowOne(long term) {
    LeaderTerms t = new LeaderTerms();
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> t.promoted(4, term));
    assertEquals(e.getMessage(), "term must be > 0, got " + term + " for partition 4");
    assertEquals(t.termOf(4), -1L);
    assertFalse(t.isLeader(4));
  }

  @Test
  public void negativePartitionIsRejected() {
    LeaderTerms t = new LeaderTerms();
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> t.promoted(-1, 5L));
    assertEquals(e.getMessage(), "partition must be >= 0, got -1");
    IllegalArgumentException d = expectThrows(IllegalArgumentException.class, () -> t.demoted(-3));
    assertEquals(d.getMessage(), "partition must be >= 0, got -3");
  }

  @Test(timeOut = 120_000)
  public void concurrentPromotionsAndDemotionsOfDistinctPartitionsStayConsistent() throws Exception {
    final int threads = 8;
    final int opsPerThread = 10_000;
    final int partitionsPerThread = 16;
    LeaderTerms terms = new LeaderTerms();
    AtomicInteger mismatches = new AtomicInteger();
    long[][] expected = new long[threads][partitionsPerThread];
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        final int thread = i;
        futures.add(pool.submit(() -> {
          long[] mine = expected[thread];
          java.util.Arrays.fill(mine, -1L);
          SplittableRandom random = new SplittableRandom(thread);
          start.await();
          for (int op = 0; op < opsPerThread; op++) {
            int slot = random.nextInt(partitionsPerThread);
            int partition = slot * threads + thread; // partitions are disjoint between threads
            if (random.nextBoolean()) {
              long term = 1 + random.nextInt(1_000_000);
              terms.promoted(partition, term);
              mine[slot] = term;
            } else {
              long got = terms.demoted(partition);
              if (got != mine[slot]) {
                mismatches.incrementAndGet();
              }
              mine[slot] = -1L;
            }
            if (terms.termOf(partition) != mine[slot]) {
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
    assertEquals(mismatches.get(), 0);
    for (int thread = 0; thread < threads; thread++) {
      for (int slot = 0; slot < partitionsPerThread; slot++) {
        int partition = slot * threads + thread;
        assertEquals(terms.termOf(partition), expected[thread][slot], "partition " + partition);
        assertEquals(terms.isLeader(partition), expected[thread][slot] != -1L, "partition " + partition);
      }
    }
  }

  @Test(timeOut = 120_000)
  public void aTermIsHandedOutByExactlyOneOfConcurrentDemotions() throws Exception {
    final int threads = 8;
    final int rounds = 2_000;
    LeaderTerms terms = new LeaderTerms();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 1; round <= rounds; round++) {
        terms.promoted(0, round);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Long>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          futures.add(pool.submit(() -> {
            start.await();
            return terms.demoted(0);
          }));
        }
        start.countDown();
        int holders = 0;
        for (Future<Long> f : futures) {
          long got = f.get(10, TimeUnit.SECONDS);
          if (got == round) {
            holders++;
          } else {
            assertEquals(got, -1L);
          }
        }
        assertEquals(holders, 1, "round " + round);
        assertEquals(terms.termOf(0), -1L);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
