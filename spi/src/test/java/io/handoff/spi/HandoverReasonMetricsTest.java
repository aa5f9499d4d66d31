package io.handoff.spi;

import static io.handoff.spi.TenureScript.ME;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.expectThrows;

import io.handoff.spi.TenureExplanationTest.Row;
import java.util.ArrayList;
import java.util.List;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * {@code decideHandover} counts every handover with the reason of its decision: a fast path as
 * {@link HandoverReason#CLEAN_STEP_DOWN}, a legacy wait with the reason the fast path was refused
 * at that moment (for every reason, from the records that produce it), the {@link
 * LegacyWaitObserver}'s legacy waits as {@link HandoverReason#CONSUMING_OFF}; a turn of the wait
 * loop that answers {@link HandoverPath#WAIT} counts nothing at all; the reason reaches a sink with
 * the topic, partition and path; and a sink that only knows the reason-less {@code handover} still
 * counts the path.
 */
public class HandoverReasonMetricsTest {

  private static final String TOPIC = "store_v1";
  private static final int P = 3;
  private static final long FIRST = 100;

  /** Writes down every handover with its reason. */
  private static final class RecordingMetrics implements HandoffMetrics {
    final List<String> events = new ArrayList<>();

    @Override
    public void handover(
        String versionTopic, int partition, HandoverPath path, HandoverReason reason) {
      events.add(path + " " + versionTopic + "-" + partition + " " + reason);
    }
  }

  @DataProvider
  public Object[][] reasons() {
    return TenureExplanationTest.rows().stream()
        .map(r -> new Object[] {r})
        .toArray(Object[][]::new);
  }

  private static void assertCounted(
      CountingHandoffMetrics m,
      long fast,
      long legacy,
      HandoverReason reason,
      long times,
      String what) {
    assertEquals(m.fastPath(), fast, what + ": fast paths");
    assertEquals(m.legacyWait(), legacy, what + ": legacy waits");
    for (HandoverReason r : HandoverReason.values()) {
      assertEquals(m.handovers(r), r == reason ? times : 0L, what + ": handovers for " + r);
    }
  }

  @Test(dataProvider = "reasons")
  public void eachHandoverIsCountedWithTheReasonOfItsDecision(Row row) {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = TenureScript.observer(row.consume(), m, TOPIC, ME, null);
    TenureScript.feed(o, P, FIRST, row.events());
    boolean cuts = row.reason().cuts();

    HandoverPath first = o.decideHandover(P, row.myTerm(), false);
    assertEquals(first, cuts ? HandoverPath.FAST_PATH : HandoverPath.WAIT, row + ": window open");
    if (cuts) {
      assertCounted(m, 1, 0, HandoverReason.CLEAN_STEP_DOWN, 1, row + ", the fast path");
    } else {
      assertCounted(m, 0, 0, null, 0, row + ", a wait counts nothing");
    }

    HandoverPath second = o.decideHandover(P, row.myTerm(), true);
    assertEquals(
        second, cuts ? HandoverPath.FAST_PATH : HandoverPath.LEGACY_WAIT, row + ": window elapsed");
    if (cuts) {
      assertCounted(m, 2, 0, HandoverReason.CLEAN_STEP_DOWN, 2, row + ", the fast path twice");
    } else {
      assertCounted(m, 0, 1, row.reason(), 1, row + ", a legacy wait with the refusal's reason");
    }
  }

  @Test
  public void theReasonReachesTheSinkWithTopicPartitionAndPath() {
    RecordingMetrics m = new RecordingMetrics();
    LeadershipHandoffObserver o = TenureScript.observer(true, m, TOPIC, ME, null);
    TenureScript.feed(o, P, FIRST, TenureScript.parse("D:A:5 O:A:-1 D:ME:7"));
    TenureScript.feed(o, 8, FIRST, TenureScript.parse("D:A:5 S:A:5 D:ME:7"));
    assertEquals(o.decideHandover(P, 7, false), HandoverPath.WAIT, "partition 3 waits");
    assertEquals(
        o.decideHandover(P, 7, true),
        HandoverPath.LEGACY_WAIT,
        "partition 3 takes the legacy wait");
    assertEquals(o.decideHandover(8, 7, false), HandoverPath.FAST_PATH, "partition 8 cuts");
    assertEquals(o.decideHandover(P, 0, true), HandoverPath.LEGACY_WAIT, "a reader without term");
    assertEquals(
        m.events,
        List.of(
            "LEGACY_WAIT store_v1-3 NO_STAMP",
            "FAST_PATH store_v1-8 CLEAN_STEP_DOWN",
            "LEGACY_WAIT store_v1-3 NOT_LEADER"),
        "each handover, once, with its reason");

    RecordingMetrics off = new RecordingMetrics();
    LeadershipHandoffObserver switchedOff = TenureScript.observer(false, off, TOPIC, ME, null);
    TenureScript.feed(switchedOff, 8, FIRST, TenureScript.parse("D:A:5 S:A:5 D:ME:7"));
    assertEquals(
        switchedOff.decideHandover(8, 7, false), HandoverPath.WAIT, "consuming off: no cut");
    assertEquals(
        switchedOff.decideHandover(8, 7, true),
        HandoverPath.LEGACY_WAIT,
        "consuming off: legacy wait");
    assertEquals(
        off.events, List.of("LEGACY_WAIT store_v1-8 CONSUMING_OFF"), "consuming off is the reason");
  }

  @Test
  public void theLegacyWaitObserverCountsItsLegacyWaitsAsConsumingOff() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = TenureScript.legacyWait(m, TOPIC, ME);
    TenureScript.feed(o, P, FIRST, TenureScript.parse("D:A:5 S:A:5 D:ME:7"));
    assertEquals(o.decideHandover(P, 7, false), HandoverPath.WAIT, "window open");
    assertCounted(m, 0, 0, null, 0, "a wait counts nothing");
    assertEquals(o.decideHandover(P, 7, true), HandoverPath.LEGACY_WAIT, "window elapsed");
    assertCounted(m, 0, 1, HandoverReason.CONSUMING_OFF, 1, "the legacy wait");

    RecordingMetrics recording = new RecordingMetrics();
    LeadershipHandoffObserver r = TenureScript.legacyWait(recording, TOPIC, ME);
    r.decideHandover(5, 0, true);
    assertEquals(
        recording.events,
        List.of("LEGACY_WAIT store_v1-5 CONSUMING_OFF"),
        "topic, partition, path, reason");
  }

  @Test
  public void aSinkThatKnowsNoReasonStillCountsThePath() {
    List<String> paths = new ArrayList<>();
    HandoffMetrics reasonless =
        new HandoffMetrics() {
          @Override
          public void handover(String versionTopic, int partition, HandoverPath path) {
            paths.add(path + " " + versionTopic + "-" + partition);
          }
        };
    LeadershipHandoffObserver o = TenureScript.observer(true, reasonless, TOPIC, ME, null);
    TenureScript.feed(o, P, FIRST, TenureScript.parse("D:A:5 S:A:5 D:ME:7"));
    o.decideHandover(P, 7, true);
    o.decideHandover(P, 8, false);
    o.decideHandover(P, 8, true);
    assertEquals(
        paths,
        List.of("FAST_PATH store_v1-3", "LEGACY_WAIT store_v1-3"),
        "the default passes the path on");
  }

  @Test
  public void countingMetricsRejectAWaitAndCountNoReasonForIt() {
    CountingHandoffMetrics m = new CountingHandoffMetrics();
    expectThrows(
        IllegalArgumentException.class,
        () -> m.handover(TOPIC, P, HandoverPath.WAIT, HandoverReason.NO_STAMP));
    assertCounted(
        m, 0, 0, null, 0, "a WAIT handed to the sink is a caller's bug and counts nothing");
    m.handover(TOPIC, P, HandoverPath.LEGACY_WAIT, HandoverReason.NO_STAMP);
    m.handover(TOPIC, P, HandoverPath.LEGACY_WAIT, HandoverReason.NO_STAMP);
    assertCounted(m, 0, 2, HandoverReason.NO_STAMP, 2, "two legacy waits for want of a stamp");
    assertEquals(
        HandoverReason.STARTED_INSIDE_A_TENURE.tag(), "started_inside_a_tenure", "the tag");
  }
}
