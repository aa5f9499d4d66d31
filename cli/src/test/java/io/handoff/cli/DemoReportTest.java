package io.handoff.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.handoff.spi.StepDown;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testng.annotations.Test;

/** The report's timelines, from made-up handovers: no broker needed. */
public class DemoReportTest {

  private static final long MS = 1_000_000;

  private static HandoverStory story(String strategy, int round, int partition, long offsetMs) {
    boolean stamp = strategy.equals("stamp");
    StepDown stepDown = StepDown.established("vt", partition, 100 + round, 0, "host-a");
    EmitOutcome outcome =
        stamp
            ? EmitOutcome.acked(stepDown, (4 + offsetMs) * MS, 10 + round)
            : EmitOutcome.skipped(stepDown, EmitStatus.SKIPPED_DISABLED);
    long wait = stamp ? 0 : 10_000 * MS;
    return new HandoverStory(
        round,
        partition,
        "host-a",
        "host-b",
        101 + round,
        outcome,
        -3 * MS,
        stamp ? outcome.elapsedNanos() : null,
        (5 + offsetMs) * MS,
        (8 + offsetMs) * MS,
        (9 + offsetMs) * MS,
        (9 + offsetMs) * MS + wait,
        stamp ? HandoverPath.FAST_PATH : HandoverPath.LEGACY_WAIT,
        stamp ? HandoverReason.CLEAN_STEP_DOWN : HandoverReason.CONSUMING_OFF,
        (14 + offsetMs) * MS + wait);
  }

  private static StrategyResult result(String strategy, int rounds, int partitions) {
    List<HandoverStory> stories = new ArrayList<>();
    List<Long> gaps = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      for (int p = 0; p < partitions; p++) {
        HandoverStory st = story(strategy, round, p, 3L * p);
        stories.add(st);
        gaps.add(st.writable());
      }
    }
    boolean stamp = strategy.equals("stamp");
    return new StrategyResult(
        strategy,
        gaps,
        stamp ? gaps.size() : 0,
        stamp ? gaps.size() : 0,
        stamp ? 0 : gaps.size(),
        stories);
  }

  @Test
  public void everyHandoverIsOneTimelineRowWithItsMoments() {
    String html =
        DemoReport.html(
            List.of(result("noop", 2, 3), result("stamp", 2, 3)), 3, 2, Duration.ofSeconds(10));
    Matcher row =
        Pattern.compile("<g class=\"timeline\" id=\"timeline-(\\w+)-r(\\d)-p(\\d)\"").matcher(html);
    int rows = 0;
    while (row.find()) {
      rows++;
    }
    assertEquals(rows, 12, "2 strategies x 2 rounds x 3 partitions");
    assertTrue(
        html.contains(
            "id=\"timeline-stamp-r2-p1\" data-strategy=\"stamp\" data-round=\"2\" data-partition=\"1\""
                + " data-path=\"FAST_PATH\" data-reason=\"clean_step_down\""),
        "the row's data attributes");
    assertTrue(
        html.contains("data-path=\"LEGACY_WAIT\" data-reason=\"consuming_off\""),
        "the no-op's reason");
    for (TimelineMark m : TimelineMark.values()) {
      assertTrue(html.contains("class=\"mark " + m.cssClass + "\""), m + " drawn");
      assertTrue(html.contains("legend-item " + m.cssClass), m + " in the legend");
    }
    assertTrue(
        html.contains("acknowledged at offset 11 after"), "the stamp's offset in its tooltip");
    assertTrue(html.contains("fast path (clean_step_down) at 9.0 ms"), "the decision in words");
    assertFalse(
        html.contains("<script") || html.contains("<link ") || html.contains("src="),
        "self-contained");
  }

  @Test
  public void theNoopsSilentWindowIsSkippedAndTheStampsAxisIsOnePiece() {
    TimelineAxis noop = TimelineAxis.of(result("noop", 1, 3).stories(), 100, 900);
    assertEquals(noop.lo.length, 2, "two pieces around the silent window");
    assertTrue(
        noop.right[0] - noop.left[0] >= (900 - 100) / 4, "the moments before the window keep room");
    TimelineAxis stamp = TimelineAxis.of(result("stamp", 1, 3).stories(), 100, 900);
    assertEquals(stamp.lo.length, 1, "nothing to skip");
    assertTrue(stamp.lo[0] < -3, "a write acked before the step-down is in sight: " + stamp.lo[0]);
  }

  @Test
  public void momentsInOrderAreDrawnLeftToRightInsideThePlot() {
    for (String strategy : new String[] {"noop", "stamp"}) {
      StrategyResult r = result(strategy, 2, 4);
      TimelineAxis axis = TimelineAxis.of(r.stories(), 100, 900);
      for (HandoverStory st : r.stories()) {
        long[] moments = {
          st.lastWriteAcked(),
          0,
          st.promoted(),
          st.declarationAcked(),
          st.declarationRead(),
          st.writable(),
          st.firstWriteAcked()
        };
        int previous = Integer.MIN_VALUE;
        for (long n : moments) {
          int x = axis.x(n);
          assertTrue(
              x >= 100 && x <= 900, strategy + ": " + n + " ns at x " + x + " is inside the plot");
          assertTrue(
              x >= previous,
              strategy + ": " + n + " ns at x " + x + " is not left of the moment before");
          previous = x;
        }
      }
    }
  }
}
