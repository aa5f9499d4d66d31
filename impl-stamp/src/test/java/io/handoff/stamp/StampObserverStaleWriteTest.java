package io.handoff.stamp;

import static io.handoff.stamp.StampObserverFixtures.ctl;
import static io.handoff.stamp.StampObserverFixtures.data;
import static io.handoff.stamp.StampObserverFixtures.dol;
import static io.handoff.stamp.StampObserverFixtures.feed;
import static io.handoff.stamp.StampObserverFixtures.hb;
import static io.handoff.stamp.StampObserverFixtures.observer;
import static io.handoff.stamp.StampObserverFixtures.stamp;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoverPath;
import io.handoff.stamp.StampObserverFixtures.Kind;
import io.handoff.stamp.StampObserverFixtures.LogCapture;
import io.handoff.stamp.StampObserverFixtures.Rec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.testng.annotations.Test;

/** Zombie detection: records of a term below a step-down stamp's term ({@code leader_handover_stale_term_write}). */
public class StampObserverStaleWriteTest {

  private static final int P = 7;

  @Test
  public void eachDataRecordOfAnOlderTermAfterTheStampCountsOnce() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    StampObserver o = observer(true, m);
    feed(o, P, data(5), stamp(5));
    assertTrue(o.canSkipInactivityWait(P, 6), "precondition");
    assertEquals(m.staleTermWrite(), 0);
    for (int i = 1; i <= 3; i++) {
      feed(o, P, data(3));
      assertEquals(m.staleTermWrite(), i, "one count per stale record");
      assertFalse(o.canSkipInactivityWait(P, 6), "a stale write must forbid the cut");
      assertEquals(o.decideHandover(P, 6, false), HandoverPath.WAIT);
    }
    assertEquals(m.snapshot().get(HandoffMetrics.STALE_TERM_WRITE), Long.valueOf(3));
    assertEquals(o.decideHandover(P, 6, true), HandoverPath.LEGACY_WAIT);
    assertEquals(m.fastPath(), 0, "a stale write never leads to the fast path");
    assertEquals(m.legacyWait(), 1);
  }

  @Test
  public void staleRecordsOfEveryKindCount() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    StampObserver o = observer(true, m);
    feed(o, P, stamp(5));
    feed(o, P, dol(4), hb(3), ctl(2), data(1), stamp(4));
    assertEquals(m.staleTermWrite(), 5, "DoL, heartbeat, control, data and a late stamp of older terms");
    assertFalse(o.canSkipInactivityWait(P, 6), "the late stamp T4 does not count after T5");
  }

  @Test
  public void ownTermHigherTermAndNoTermAreNotCounted() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    StampObserver o = observer(true, m);
    feed(o, P, data(5), stamp(5));
    feed(o, P, dol(6).seenBy(6), data(6).seenBy(6), hb(6).seenBy(6));
    assertEquals(m.staleTermWrite(), 0, "the reader's own records are not stale");
    assertTrue(o.canSkipInactivityWait(P, 6), "and they are ignored");
    feed(o, P, data(-1), ctl(-1), hb(-1));
    assertEquals(m.staleTermWrite(), 0, "records without a term are not counted");
    feed(o, P, data(7), dol(8), stamp(8));
    assertEquals(m.staleTermWrite(), 0, "records of higher terms are not counted");
    feed(o, P, data(5));
    assertEquals(m.staleTermWrite(), 1, "5 < 8: now it is stale");
  }

  /**
   * StampObserver's javadoc: after a stamp of term t, a non-stamp record of term t itself is a stale
   * write too (the leader of t stepped down); a repeated stamp of t is not a write.
   */
  @Test
  public void aNonStampRecordOfTheStampsOwnTermCountsARepeatedStampDoesNot() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    StampObserver o = observer(true, m);
    feed(o, P, data(5), hb(5), stamp(5));
    assertEquals(m.staleTermWrite(), 0, "records of term 5 before its stamp are not stale");
    feed(o, P, data(5));
    assertEquals(m.staleTermWrite(), 1);
    assertFalse(o.canSkipInactivityWait(P, 6), "forbids the cut by rule 3");
    feed(o, P, hb(5));
    assertEquals(m.staleTermWrite(), 2);
    feed(o, P, stamp(5));
    assertEquals(m.staleTermWrite(), 2, "a repeated stamp is not a write");
    assertTrue(o.canSkipInactivityWait(P, 6), "the repeated stamp counts again");
    feed(o, P, dol(5));
    assertEquals(m.staleTermWrite(), 3);
    assertFalse(o.canSkipInactivityWait(P, 6));
  }

  @Test
  public void theReadersOwnTermIsNotCountedEvenBelowTheStamp() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    StampObserver o = observer(true, m);
    feed(o, P, stamp(5), data(3).seenBy(3), hb(3).seenBy(3));
    assertEquals(m.staleTermWrite(), 0);
    feed(o, P, data(3));
    assertEquals(m.staleTermWrite(), 1, "the same term seen as follower is another writer's");
  }

  @Test
  public void nothingIsStaleBeforeAnyStamp() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    StampObserver o = observer(true, m);
    feed(o, P, data(5), dol(6), data(3), hb(1), data(2));
    assertEquals(m.staleTermWrite(), 0);
  }

  @Test
  public void stalenessIsPerPartitionAndForgotten() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    StampObserver o = observer(true, m);
    feed(o, 1, stamp(5));
    feed(o, 2, data(3));
    assertEquals(m.staleTermWrite(), 0, "the stamp is on partition 1 only");
    feed(o, 1, data(3));
    assertEquals(m.staleTermWrite(), 1);
    o.forget(1);
    feed(o, 1, data(3));
    assertEquals(m.staleTermWrite(), 1, "forget drops the stamp term too");
  }

  @Test
  public void staleTermWriteIsReportedWithPartitionRecordTermAndStampTerm() {
    List<String> reported = new ArrayList<>();
    HandoffMetrics recording = new HandoffMetrics() {
      @Override
      public void staleTermWrite(int partition, long recordTerm, long stampTerm) {
        reported.add(partition + ":" + recordTerm + "<" + stampTerm);
      }
    };
    StampObserver o = observer(true, recording);
    feed(o, 1000, stamp(5), data(3), stamp(8), data(3), data(6), stamp(2));
    assertEquals(reported, List.of("1000:3<5", "1000:3<8", "1000:6<8", "1000:2<8"));
  }

  @Test
  public void aStaleWriteIsWarnedOncePerPartitionAndStampTerm() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    StampObserver o = observer(true, m);
    try (LogCapture log = new LogCapture()) {
      feed(o, P, stamp(5), data(3), data(3), data(4));
      assertEquals(log.observerWarnings().size(), 1, "warned once for stamp term 5: " + log.text());
      feed(o, P + 1, stamp(5), data(3));
      assertEquals(log.observerWarnings().size(), 2, "once more for another partition: " + log.text());
      feed(o, P, stamp(8), data(3), data(7));
      assertEquals(log.observerWarnings().size(), 3, "once more for a new stamp term: " + log.text());
    }
    assertEquals(m.staleTermWrite(), 6, "every stale record is counted, warned or not");
  }

  @Test
  public void theRawRecordHelperCountsAndWarnsWithTopicPartitionAndOffset() {
    StampCodec codec = new StampCodec();
    byte[] guid = new byte[16];
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    StampObserver o = observer(true, m);
    String topic = "store_v3";
    assertTrue(o.observe(new ConsumerRecord<>(topic, 4, 100L, StampKeys.stepDownKey(),
        codec.encodeStamp(StampKind.STEP_DOWN, 5, 0, "old-leader", 1L)), -1));
    try (LogCapture log = new LogCapture()) {
      assertTrue(o.observe(new ConsumerRecord<>(topic, 4, 101L, StampObserverFixtures.DATA_KEY.clone(),
          codec.encodePut(guid, 0, 1, 2L, "x".getBytes(UTF_8), 1, 3, "zombie")), -1));
      List<String> w = log.observerWarnings();
      assertEquals(w.size(), 1, log.text());
      assertTrue(w.get(0).contains(topic + "-4") && w.get(0).contains("101"), "topic-partition and offset: " + w);
    }
    assertEquals(m.staleTermWrite(), 1);
    assertFalse(o.canSkipInactivityWait(4, 6));
  }

  /**
   * Inserting a stale record (a term below a stamp's term, after that stamp) anywhere into a
   * sequence never turns a "wait" into a "cut".
   */
  @Test
  public void aStaleRecordNeverMakesTheDecisionFaster() {
    long seed = 0x57A1EL;
    Random rnd = new Random(seed);
    Kind[] kinds = Kind.values();
    int inserted = 0;
    for (int index = 0; index < 5_000; index++) {
      long readerTerm = 1 + rnd.nextInt(8);
      List<Rec> base = new ArrayList<>();
      int length = 1 + rnd.nextInt(10);
      for (int k = 0; k < length; k++) {
        long term = rnd.nextInt(8) - 1;
        Rec r = new Rec(rnd.nextInt(3) == 0 ? Kind.STEP_DOWN : kinds[rnd.nextInt(kinds.length)], term, -1);
        base.add(term == readerTerm && rnd.nextBoolean() ? r.seenBy(readerTerm) : r);
      }
      // a stamp of term s >= 2 somewhere, a zombie of a term in 1..s-1 after it
      int stampAt = rnd.nextInt(base.size() + 1);
      long s = 2 + rnd.nextInt(6);
      base.add(stampAt, stamp(s));
      int zombieAt = stampAt + 1 + rnd.nextInt(base.size() - stampAt);
      long z = 1 + rnd.nextInt((int) s - 1);
      if (z == readerTerm) {
        continue; // that would be the reader's own record
      }
      List<Rec> withZombie = new ArrayList<>(base);
      withZombie.add(zombieAt, new Rec(kinds[rnd.nextInt(kinds.length)], z, -1));

      CountingHandoffMetrics mBase = new CountingHandoffMetrics();
      StampObserver oBase = observer(true, mBase);
      feed(oBase, 0, base);
      CountingHandoffMetrics mZombie = new CountingHandoffMetrics();
      StampObserver oZombie = observer(true, mZombie);
      feed(oZombie, 0, withZombie);
      boolean cutWithout = oBase.canSkipInactivityWait(0, readerTerm);
      boolean cutWith = oZombie.canSkipInactivityWait(0, readerTerm);
      if (cutWith && !cutWithout) {
        fail("a stale record made the decision faster: seed " + seed + ", case " + index + ", reader term "
            + readerTerm + ", without " + base + ", with " + withZombie);
      }
      if (zombieAt == withZombie.size() - 1 && cutWith) {
        fail("a stale record as the last word must forbid the cut: " + withZombie);
      }
      if (mZombie.staleTermWrite() != mBase.staleTermWrite() + 1) {
        fail("the inserted stale record must be counted exactly once: seed " + seed + ", case " + index + ", without "
            + base + " (" + mBase.staleTermWrite() + "), with " + withZombie + " (" + mZombie.staleTermWrite() + ")");
      }
      inserted++;
    }
    assertTrue(inserted > 3_000, "inserted " + inserted);
  }
}
