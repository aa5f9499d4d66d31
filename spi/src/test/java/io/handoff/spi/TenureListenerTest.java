package io.handoff.spi;

import static io.handoff.spi.TenureScript.ME;
import static org.testng.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * A {@link TenureListener} hears exactly the transitions of a partition's tenures, with their
 * offsets: a declaration begins a tenure ({@code began}, with its writer id and term, every time,
 * even a repeat), the first record of a partition that is not a declaration starts reading inside a
 * tenure ({@code startedInside}), the tenure's own stamp closes it ({@code closed}, once: a repeat
 * says nothing), and the first record that does not belong makes it unclean ({@code unclean}, once
 * per tenure, with the record's writer id, term, whether it could be decoded and whether it
 * followed the stamp). Ordinary records of a tenure, and a restore, say nothing; the listener given
 * to a {@link TenureObserver} hears the same, per partition.
 */
public class TenureListenerTest {

  private static final String TOPIC = "store_v1";
  private static final int P = 3;
  private static final long FIRST = 100;

  /** Writes down every call, one string each. */
  static final class RecordingListener implements TenureListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void began(int partition, long offset, String writerId, long term) {
      events.add(partition + "@" + offset + " began " + writerId + " " + term);
    }

    @Override
    public void startedInside(int partition, long offset) {
      events.add(partition + "@" + offset + " startedInside");
    }

    @Override
    public void closed(int partition, long offset) {
      events.add(partition + "@" + offset + " closed");
    }

    @Override
    public void unclean(
        int partition,
        long offset,
        String writerId,
        long term,
        boolean undecodable,
        boolean afterStamp) {
      events.add(
          partition
              + "@"
              + offset
              + " unclean "
              + writerId
              + " "
              + term
              + (undecodable ? " undecodable" : "")
              + (afterStamp ? " afterStamp" : ""));
    }
  }

  /**
   * A script fed to partition 3 from offset 100, and every call the listener must hear, in order.
   */
  @DataProvider
  public Object[][] transitions() {
    return new Object[][] {
      {
        "a clean tenure, its records, its stamp and a repeat of it, then the reader's",
        "D:A:5 O:A:-1 O:A:5 S:A:5" + " S:A:5 D:ME:7 O:ME:-1 O:ME:7",
        List.of("3@100 began host-a 5", "3@103 closed", "3@105 began host-me 7")
      },
      {
        "a repeated declaration begins a tenure again",
        "D:A:5 O:A:-1 D:A:5 S:A:5",
        List.of("3@100 began host-a 5", "3@102 began host-a 5", "3@103 closed")
      },
      {
        "a zombie inside A's tenure: only its first record is heard",
        "D:A:5 O:Z:-1 O:Z:-1 O:B:3 U S:A:5 O:A:-1",
        List.of("3@100 began host-a 5", "3@101 unclean host-z -1", "3@105 closed")
      },
      {
        "a record of the tenure's writer with another term",
        "D:A:5 O:A:4",
        List.of("3@100 began host-a 5", "3@101 unclean host-a 4")
      },
      {
        "a record without writer id",
        "D:A:5 O:-:-1",
        List.of("3@100 began host-a 5", "3@101 unclean null -1")
      },
      {
        "an undecodable record",
        "D:A:5 O:A:-1 U",
        List.of("3@100 began host-a 5", "3@102 unclean null -1 undecodable")
      },
      {
        "another writer's stamp, and A's stamp of another term",
        "D:A:5 S:B:5 S:A:4",
        List.of("3@100 began host-a 5", "3@101 unclean host-b 5")
      },
      {
        "A's stamp of another term first",
        "D:A:5 S:A:4 S:A:5",
        List.of("3@100 began host-a 5", "3@101 unclean host-a 4", "3@102 closed")
      },
      {
        "A writes after its stamp",
        "D:A:5 S:A:5 O:A:-1 O:A:-1",
        List.of("3@100 began host-a 5", "3@101 closed", "3@102 unclean host-a -1 afterStamp")
      },
      {
        "an undecodable record after A's stamp",
        "D:A:5 S:A:5 S:A:5 U",
        List.of(
            "3@100 began host-a 5", "3@101 closed", "3@103 unclean null -1 undecodable afterStamp")
      },
      {
        "each tenure turns unclean on its own",
        "D:A:5 O:Z:-1 D:B:6 O:Z:-1 O:Z:-1",
        List.of(
            "3@100 began host-a 5",
            "3@101 unclean host-z -1",
            "3@102 began host-b 6",
            "3@103 unclean host-z -1")
      },
      {
        "reading begins inside a tenure: nothing more until a declaration",
        "O:A:-1 O:Z:-1 S:A:5 U D:ME:7",
        List.of("3@100 startedInside", "3@104 began host-me 7")
      },
      {
        "reading begins at a stamp",
        "S:A:5 D:ME:7",
        List.of("3@100 startedInside", "3@101 began host-me 7")
      },
      {
        "reading begins at an undecodable record",
        "U D:ME:7",
        List.of("3@100 startedInside", "3@101 began host-me 7")
      },
      {
        "a declaration without term begins a tenure that is never clean: nothing more to hear",
        "D:A:-1 O:Z:-1 S:A:-1",
        List.of("3@100 began host-a -1", "3@102 closed")
      },
      {"a declaration without writer id", "D:-:5 O:Z:-1 S:-:5", List.of("3@100 began null 5")},
    };
  }

  @Test(dataProvider = "transitions")
  public void theTrackerTellsEveryTransitionAndNothingElse(
      String name, String script, List<String> expected) {
    RecordingListener listener = new RecordingListener();
    TenureTracker tracker = new TenureTracker(TOPIC, HandoffMetrics.NOOP, listener);
    TenureScript.feed(tracker, P, FIRST, TenureScript.parse(script));
    assertEquals(listener.events, expected, name + " [" + script + "]");
  }

  @Test(dataProvider = "transitions")
  public void anObserverPassesItsListenerOn(String name, String script, List<String> expected) {
    RecordingListener listener = new RecordingListener();
    LeadershipHandoffObserver observer =
        TenureScript.observer(true, HandoffMetrics.NOOP, TOPIC, ME, listener);
    TenureScript.feed(observer, P, FIRST, TenureScript.parse(script));
    assertEquals(listener.events, expected, name + " [" + script + "]");
  }

  @Test
  public void theListenerIsToldThePartition() {
    RecordingListener listener = new RecordingListener();
    TenureTracker tracker = new TenureTracker(TOPIC, HandoffMetrics.NOOP, listener);
    tracker.declaration(0, 10, "host-a", 5);
    tracker.other(7, 20, "host-a", -1);
    tracker.other(0, 11, "host-z", -1);
    tracker.stepDown(0, 12, "host-a", 5);
    tracker.undecodable(TenureTracker.MAX_PARTITION, 30);
    assertEquals(
        listener.events,
        List.of(
            "0@10 began host-a 5",
            "7@20 startedInside",
            "0@11 unclean host-z -1",
            "0@12 closed",
            TenureTracker.MAX_PARTITION + "@30 startedInside"),
        "each call names its own partition");
  }

  @Test
  public void uncleanNamesTheWriterEvenWhenItComesInAReusedBuffer() {
    RecordingListener listener = new RecordingListener();
    TenureTracker tracker = new TenureTracker(TOPIC, HandoffMetrics.NOOP, listener);
    StringBuilder buffer = new StringBuilder();
    tracker.declaration(P, 100, buffer.append("host-a"), 5);
    buffer.setLength(0);
    tracker.other(P, 101, buffer.append("host-z"), -1);
    buffer.setLength(0);
    buffer.append("host-q");
    assertEquals(
        listener.events,
        List.of("3@100 began host-a 5", "3@101 unclean host-z -1"),
        "copied, not kept");
    HandoverExplanation e = tracker.explain(P, "host-a", 5, true);
    assertEquals(
        e.culprit(),
        new HandoverExplanation.Record(101, "host-z", -1, false),
        "the culprit, copied too");
    assertEquals(e.current().writerId(), "host-a", "the tenure's writer, copied");
  }

  @Test
  public void forgettingAPartitionMakesTheNextRecordStartInsideATenure() {
    RecordingListener listener = new RecordingListener();
    TenureTracker tracker = new TenureTracker(TOPIC, HandoffMetrics.NOOP, listener);
    TenureScript.feed(tracker, P, FIRST, TenureScript.parse("D:A:5 O:A:-1"));
    tracker.forget(P);
    TenureScript.feed(tracker, P, 102, TenureScript.parse("O:A:-1 S:A:5"));
    assertEquals(
        listener.events, List.of("3@100 began host-a 5", "3@102 startedInside"), "after forget");
  }

  @Test
  public void aRestoreSaysNothingAndTheRestoredTenureGoesOnAsBefore() {
    TenureTracker first = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    long next = TenureScript.feed(first, P, FIRST, TenureScript.parse("D:A:5 O:A:-1"));
    RecordingListener listener = new RecordingListener();
    TenureTracker restored = new TenureTracker(TOPIC, HandoffMetrics.NOOP, listener);
    restored.restore(P, next, first.export(P));
    assertEquals(listener.events, List.of(), "a restore is no transition");
    TenureScript.feed(restored, P, next, TenureScript.parse("O:A:-1 O:Z:-1 S:A:5 O:A:-1 D:ME:7"));
    assertEquals(
        listener.events,
        List.of("3@103 unclean host-z -1", "3@104 closed", "3@106 began host-me 7"),
        "the restored tenure turns unclean, is closed, and ends");

    TenureTracker empty = new TenureTracker(TOPIC, HandoffMetrics.NOOP);
    RecordingListener fresh = new RecordingListener();
    TenureTracker restoredEmpty = new TenureTracker(TOPIC, HandoffMetrics.NOOP, fresh);
    restoredEmpty.restore(P, 500, empty.export(P));
    TenureScript.feed(restoredEmpty, P, 500, TenureScript.parse("O:A:-1 O:A:-1"));
    assertEquals(fresh.events, List.of("3@500 startedInside"), "restored before anything was seen");
  }
}
