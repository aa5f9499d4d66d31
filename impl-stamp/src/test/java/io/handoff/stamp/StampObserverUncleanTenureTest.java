package io.handoff.stamp;

import static io.handoff.stamp.StampObserverFixtures.TOPIC;
import static io.handoff.stamp.StampObserverFixtures.observer;
import static io.handoff.tck.RuleRecords.A;
import static io.handoff.tck.RuleRecords.B;
import static io.handoff.tck.RuleRecords.NO_TERM;
import static io.handoff.tck.RuleRecords.READER;
import static io.handoff.tck.RuleRecords.Z;
import static io.handoff.tck.RuleRecords.cleanTenure;
import static io.handoff.tck.RuleRecords.ctl;
import static io.handoff.tck.RuleRecords.data;
import static io.handoff.tck.RuleRecords.dol;
import static io.handoff.tck.RuleRecords.hb;
import static io.handoff.tck.RuleRecords.seq;
import static io.handoff.tck.RuleRecords.stamp;
import static io.handoff.tck.RuleRecords.undecodable;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.TenureTracker;
import io.handoff.tck.RuleFeed;
import io.handoff.tck.RuleRecords.Rec;
import io.handoff.testsupport.LogCapture;
import java.util.ArrayList;
import java.util.List;
import org.testng.annotations.Test;

/**
 * Zombie detection ({@code leader_handover_unclean_tenure}): a tenure that a record of another
 * writer, an undecodable record, or a record after its own stamp turns unclean is counted once,
 * with the version topic and partition, and warned about once, naming the topic-partition, the
 * offset and the writer of the record that did it. Clean tenures, and tenures that never could be
 * clean, are not counted.
 */
public class StampObserverUncleanTenureTest {

  private static final int P = 4;

  @Test
  public void aTenureIsCountedOnceHoweverManyForeignRecordsItHolds() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    RuleFeed f = StampObserverFixtures.feed(observer(m)).add(P, dol(A, 1), data(A));
    assertEquals(m.uncleanTenure(), 0, "A's own records");
    f.add(P, data(Z));
    assertEquals(m.uncleanTenure(), 1, "Z's write inside A's tenure");
    f.add(
        P,
        data(Z),
        hb(B, 1),
        undecodable(),
        data(null, NO_TERM),
        data(A, 7),
        stamp(B, 1),
        stamp(A, 1),
        data(A));
    assertEquals(m.uncleanTenure(), 1, "the same tenure again: counted once");
    f.add(P, dol(B, 2), data(B));
    assertEquals(m.uncleanTenure(), 1, "B's new tenure starts clean");
    f.add(P, data(Z));
    assertEquals(m.uncleanTenure(), 2, "a new tenure turning unclean counts again");
  }

  @Test
  public void everyKindOfForeignRecordCounts() {
    List<List<Rec>> intruders =
        List.of(
            seq(data(Z)),
            seq(hb(Z, 1)),
            seq(ctl(Z, NO_TERM)),
            seq(stamp(Z, 1)),
            seq(stamp(A, 2)),
            seq(data(A, 2)),
            seq(data(null, NO_TERM)),
            seq(undecodable()),
            seq(stamp(A, 1), data(A)),
            seq(stamp(A, 1), hb(A, 1)),
            seq(stamp(A, 1), undecodable()));
    for (List<Rec> intruder : intruders) {
      CountingHandoffMetrics m = new CountingHandoffMetrics();
      LeadershipHandoffObserver o = observer(m);
      StampObserverFixtures.feed(o).add(P, seq(dol(A, 1), data(A), intruder, dol(READER, 3)));
      assertEquals(m.uncleanTenure(), 1, "A's tenure of 1, then " + intruder);
      assertFalse(o.canSkipInactivityWait(P, 3), "and it keeps the wait: " + intruder);
    }
  }

  @Test
  public void cleanTenuresAndTenuresThatCannotBeCleanAreNotCounted() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    RuleFeed f = StampObserverFixtures.feed(observer(m));
    f.add(
        P,
        seq(
            cleanTenure(A, 1),
            stamp(A, 1),
            cleanTenure(B, 2),
            dol(READER, 3),
            data(READER),
            data(READER, 3)));
    assertEquals(
        m.uncleanTenure(), 0, "healthy handovers, repeated stamps and the reader's own records");
    // R5: records before the first DoL belong to a tenure whose beginning was never seen
    f.add(P + 1, data(Z), undecodable(), stamp(A, 1), data(null, NO_TERM));
    assertEquals(
        m.uncleanTenure(),
        0,
        "a tenure seen from its middle was never clean, so never turned unclean");
    // a DoL that can never make a clean tenure
    f.add(P + 2, dol(null, 1), data(Z), dol(A, 0), data(Z), dol(A, NO_TERM), data(Z));
    assertEquals(m.uncleanTenure(), 0, "DoLs without writer id or with a term <= 0");
  }

  @Test
  public void theReadersOwnTenureIsCountedToo() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = observer(m);
    StampObserverFixtures.feed(o).add(P, seq(cleanTenure(A, 1), dol(READER, 2), data(A)));
    assertEquals(m.uncleanTenure(), 1, "the old leader wrote after the new leader's DoL");
    assertFalse(o.canSkipInactivityWait(P, 2));
  }

  @Test
  public void theWarningNamesTopicPartitionOffsetAndWriter() {
    LeadershipHandoffObserver o = observer(HandoffMetrics.NOOP);
    try (LogCapture log = LogCapture.debug(TenureTracker.class)) {
      RuleFeed f = StampObserverFixtures.feed(o).add(P, dol(A, 200), data(A)); // offsets 100, 101
      f.add(P, data(Z, 100)); // offset 102
      f.add(P, data(Z, 100)); // the same tenure: not warned again
      List<String> w = log.warnings();
      assertEquals(w.size(), 1, log.text());
      String warning = w.get(0);
      assertTrue(warning.contains(TOPIC + "-" + P), "topic-partition: " + warning);
      assertTrue(warning.contains("offset 102"), "offset: " + warning);
      assertTrue(warning.contains(Z), "the writer of the foreign record: " + warning);
      assertTrue(
          warning.contains(A) && warning.contains("200"), "the tenure it broke into: " + warning);

      f.add(P, dol(B, 300), stamp(B, 300), data(B)); // offsets 104..106
      w = log.warnings();
      assertEquals(w.size(), 2, log.text());
      assertTrue(w.get(1).contains("offset 106") && w.get(1).contains(B), w.get(1));
      assertTrue(
          w.get(1).contains("follows the step-down stamp"),
          "a write after the writer's own stamp: " + w.get(1));
    }
  }

  @Test
  public void theMetricNamesTheVersionTopicAndPartition() {
    List<String> reported = new ArrayList<>();
    HandoffMetrics recording =
        new HandoffMetrics() {
          @Override
          public void uncleanTenure(String versionTopic, int partition) {
            reported.add(versionTopic + "-" + partition);
          }
        };
    RuleFeed x =
        StampObserverFixtures.feed(
            StampObserverFixtures.open(true, recording, "storeX_v1", READER));
    RuleFeed y =
        StampObserverFixtures.feed(
            StampObserverFixtures.open(true, recording, "storeY_v2", READER));
    x.add(3, dol(A, 1), data(Z));
    y.add(3, dol(A, 1), data(A));
    y.add(1000, dol(B, 1), undecodable());
    assertEquals(reported, List.of("storeX_v1-3", "storeY_v2-1000"));
  }

  @Test
  public void forgettingAPartitionStartsItsCountingAfresh() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = observer(m);
    RuleFeed f = StampObserverFixtures.feed(o).add(P, dol(A, 1), data(Z));
    f.add(P + 1, dol(A, 1), data(A));
    assertEquals(m.uncleanTenure(), 1);
    o.forget(P);
    f.add(P, data(Z));
    assertEquals(
        m.uncleanTenure(), 1, "after forget the partition is seen from the middle of a tenure");
    f.add(P, dol(B, 2), data(Z));
    assertEquals(m.uncleanTenure(), 2, "a tenure begun after forget counts");
    f.add(P + 1, data(A));
    assertEquals(m.uncleanTenure(), 2, "the other partition is untouched");
  }

  /**
   * The exported state carries the tenure's cleanliness: a restore does not count a tenure twice.
   */
  @Test
  public void aRestoredUncleanTenureIsNotCountedAgain() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver before = observer(m);
    RuleFeed f = StampObserverFixtures.feed(before).add(P, dol(A, 1), data(Z));
    byte[] state = before.exportState(P);
    LeadershipHandoffObserver after = observer(m);
    after.restoreState(P, f.nextOffset(P), state);
    StampObserverFixtures.feed(after)
        .resumeAt(P, f.nextOffset(P))
        .add(P, data(Z), stamp(A, 1), dol(READER, 2));
    assertEquals(m.uncleanTenure(), 1, "counted before the checkpoint, not again after it");
    assertFalse(after.canSkipInactivityWait(P, 2), "and still unclean after the restore");
  }
}
