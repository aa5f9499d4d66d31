package io.handoff.spi;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.concurrent.TimeoutException;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * {@link EmitOutcome}'s factories accept exactly their statuses ({@link
 * EmitStatus#SKIPPED_UNESTABLISHED} is a skip), keep their fields and print them; {@link
 * EmitStatus}'s predicates split the statuses into acknowledged, skipped and failed, with no status
 * in two groups.
 */
public class EmitOutcomeTest {

  private static final StepDown SD = StepDown.established("store_v3", 7, 42L, 1, "host-a");

  @Test
  public void acked() {
    EmitOutcome o = EmitOutcome.acked(SD, 5_000_000L, 123L);
    assertSame(o.stepDown(), SD, "stepDown");
    assertEquals(o.status(), EmitStatus.ACKED, "status");
    assertEquals(o.elapsedNanos(), 5_000_000L, "elapsedNanos");
    assertEquals(o.offset(), 123L, "offset");
    assertNull(o.cause(), "cause");
    assertTrue(o.isAcked(), "isAcked");
    assertTrue(o.failure().isEmpty(), "failure");
    assertEquals(
        o.toString(), "EmitOutcome{store_v3-7, term=42, ACKED, 5000 µs, offset=123}", "toString");
    assertEquals(
        EmitOutcome.acked(SD, 2_000L, 0L).toString(),
        "EmitOutcome{store_v3-7, term=42, ACKED, 2 µs, offset=0}",
        "the first offset of a partition is an offset");
  }

  @DataProvider
  public Object[][] skipStatuses() {
    return new Object[][] {
      {EmitStatus.SKIPPED_DISABLED},
      {EmitStatus.SKIPPED_NO_TERM},
      {EmitStatus.SKIPPED_UNESTABLISHED}
    };
  }

  @Test(dataProvider = "skipStatuses")
  public void skipped(EmitStatus status) {
    EmitOutcome o = EmitOutcome.skipped(SD, status);
    assertEquals(o.status(), status, "status");
    assertSame(o.stepDown(), SD, "stepDown");
    assertEquals(o.elapsedNanos(), 0L, "elapsedNanos");
    assertEquals(o.offset(), -1L, "offset");
    assertNull(o.cause(), "cause");
    assertFalse(o.isAcked(), "isAcked");
    assertTrue(o.failure().isEmpty(), "failure");
    String text = o.toString();
    assertTrue(text.contains("store_v3-7"), text);
    assertTrue(text.contains("term=42"), text);
    assertTrue(text.contains(status.name()), text);
    assertFalse(text.contains("offset="), text);
  }

  @DataProvider
  public Object[][] notSkipStatuses() {
    return new Object[][] {
      {EmitStatus.ACKED}, {EmitStatus.TIMED_OUT}, {EmitStatus.FAILED}, {EmitStatus.INTERRUPTED}
    };
  }

  @Test(dataProvider = "notSkipStatuses")
  public void skippedRejectsOtherStatuses(EmitStatus status) {
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> EmitOutcome.skipped(SD, status));
    assertEquals(e.getMessage(), "not a skip status: " + status, "message");
  }

  @DataProvider
  public Object[][] failureStatuses() {
    return new Object[][] {{EmitStatus.TIMED_OUT}, {EmitStatus.FAILED}, {EmitStatus.INTERRUPTED}};
  }

  @Test(dataProvider = "failureStatuses")
  public void failed(EmitStatus status) {
    Throwable cause = new TimeoutException("no ack within 1000 ms");
    EmitOutcome o = EmitOutcome.failed(SD, status, 2_000L, cause);
    assertEquals(o.status(), status, "status");
    assertEquals(o.elapsedNanos(), 2_000L, "elapsedNanos");
    assertEquals(o.offset(), -1L, "offset");
    assertSame(o.cause(), cause, "cause");
    assertSame(o.failure().orElseThrow(), cause, "failure");
    assertFalse(o.isAcked(), "isAcked");
    assertEquals(
        o.toString(),
        "EmitOutcome{store_v3-7, term=42, "
            + status
            + ", 2 µs, cause=java.util.concurrent.TimeoutException: no ack within 1000 ms}",
        "toString");

    EmitOutcome withoutCause = EmitOutcome.failed(SD, status, 0L, null);
    assertTrue(withoutCause.failure().isEmpty(), "no cause");
    assertFalse(withoutCause.toString().contains("cause="), withoutCause.toString());
  }

  @DataProvider
  public Object[][] notFailureStatuses() {
    return new Object[][] {
      {EmitStatus.ACKED},
      {EmitStatus.SKIPPED_DISABLED},
      {EmitStatus.SKIPPED_NO_TERM},
      {EmitStatus.SKIPPED_UNESTABLISHED}
    };
  }

  @Test(dataProvider = "notFailureStatuses")
  public void failedRejectsOtherStatuses(EmitStatus status) {
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class,
            () -> EmitOutcome.failed(SD, status, 1L, new RuntimeException("x")));
    assertEquals(e.getMessage(), "not a failure status: " + status, "message");
  }

  @Test
  public void constructorRejectsNulls() {
    assertEquals(
        expectThrows(
                NullPointerException.class,
                () -> new EmitOutcome(null, EmitStatus.ACKED, 0L, 0L, null))
            .getMessage(),
        "stepDown is null",
        "message");
    assertEquals(
        expectThrows(NullPointerException.class, () -> new EmitOutcome(SD, null, 0L, 0L, null))
            .getMessage(),
        "status is null",
        "message");
    assertEquals(
        expectThrows(NullPointerException.class, () -> EmitOutcome.acked(null, 0L, 0L))
            .getMessage(),
        "stepDown is null",
        "message");
    assertEquals(
        expectThrows(NullPointerException.class, () -> EmitOutcome.skipped(SD, null)).getMessage(),
        "status is null",
        "message");
    assertEquals(
        expectThrows(NullPointerException.class, () -> EmitOutcome.failed(SD, null, 0L, null))
            .getMessage(),
        "status is null",
        "message");
  }

  @Test
  public void statusPredicates() {
    for (EmitStatus s : EmitStatus.values()) {
      assertEquals(s.isAcked(), s == EmitStatus.ACKED, s.name());
      boolean skipped =
          s == EmitStatus.SKIPPED_DISABLED
              || s == EmitStatus.SKIPPED_NO_TERM
              || s == EmitStatus.SKIPPED_UNESTABLISHED;
      assertEquals(s.isSkipped(), skipped, s.name());
      boolean failure =
          s == EmitStatus.TIMED_OUT || s == EmitStatus.FAILED || s == EmitStatus.INTERRUPTED;
      assertEquals(s.isFailure(), failure, s.name());
      int groups = (s.isAcked() ? 1 : 0) + (s.isSkipped() ? 1 : 0) + (s.isFailure() ? 1 : 0);
      assertEquals(groups, 1, s.name() + " is in exactly one group");
    }
    assertEquals(EmitStatus.values().length, 7, "the statuses");
  }

  @Test
  public void unestablishedIsASkipNotAFailure() {
    assertTrue(EmitStatus.SKIPPED_UNESTABLISHED.isSkipped(), "SKIPPED_UNESTABLISHED is a skip");
    assertFalse(
        EmitStatus.SKIPPED_UNESTABLISHED.isFailure(), "SKIPPED_UNESTABLISHED is no failure");
    StepDown unestablished = new StepDown("store_v3", 7, 42L, false, 1, "host-a");
    EmitOutcome o = EmitOutcome.skipped(unestablished, unestablished.skipStatus());
    assertEquals(o.status(), EmitStatus.SKIPPED_UNESTABLISHED, "the step-down's own skip status");
    assertEquals(
        o.toString(), "EmitOutcome{store_v3-7, term=42, SKIPPED_UNESTABLISHED, 0 µs}", "toString");
  }
}
