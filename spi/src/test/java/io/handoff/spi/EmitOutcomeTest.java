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

public class EmitOutcomeTest {

  private static final StepDown SD = StepDown.established("store_v3", 7, 42L, 1, "host-a");

  @Test
  public void acked() {
    EmitOutcome o = EmitOutcome.acked(SD, 5_000_000L, 123L);
    assertSame(o.stepDown(), SD);
    assertEquals(o.status(), EmitStatus.ACKED);
    assertEquals(o.elapsedNanos(), 5_000_000L);
    assertEquals(o.offset(), 123L);
    assertNull(o.cause());
    assertTrue(o.isAcked());
    assertTrue(o.failure().isEmpty());
    assertEquals(o.toString(), "EmitOutcome{store_v3-7, term=42, ACKED, 5000 µs, offset=123}");
  }

  @DataProvider
  public Object[][] skipStatuses() {
    return new Object[][] {{EmitStatus.SKIPPED_DISABLED}, {EmitStatus.SKIPPED_NO_TERM}};
  }

  @Test(dataProvider = "skipStatuses")
  public void skipped(EmitStatus status) {
    EmitOutcome o = EmitOutcome.skipped(SD, status);
    assertEquals(o.status(), status);
    assertEquals(o.elapsedNanos(), 0L);
    assertEquals(o.offset(), -1L);
    assertNull(o.cause());
    assertFalse(o.isAcked());
    String text = o.toString();
    assertTrue(text.contains("store_v3-7"), text);
    assertTrue(text.contains("term=42"), text);
    assertTrue(text.contains(status.name()), text);
    assertFalse(text.contains("offset="), text);
  }

  @DataProvider
  public Object[][] notSkipStatuses() {
    return new Object[][] {{EmitStatus.ACKED}, {EmitStatus.TIMED_OUT}, {EmitStatus.FAILED}, {EmitStatus.INTERRUPTED}};
  }

  @Test(dataProvider = "notSkipStatuses")
  public void skippedRejectsOtherStatuses(EmitStatus status) {
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> EmitOutcome.skipped(SD, status));
    assertEquals(e.getMessage(), "not a skip status: " + status);
  }

  @DataProvider
  public Object[][] failureStatuses() {
    return new Object[][] {{EmitStatus.TIMED_OUT}, {EmitStatus.FAILED}, {EmitStatus.INTERRUPTED}};
  }

  @Test(dataProvider = "failureStatuses")
  public void failed(EmitStatus status) {
    Throwable cause = new TimeoutException("no ack within 1000 ms");
    EmitOutcome o = EmitOutcome.failed(SD, status, 2_000L, cause);
    assertEquals(o.status(), status);
    assertEquals(o.elapsedNanos(), 2_000L);
    assertEquals(o.offset(), -1L);
    assertSame(o.cause(), cause);
    assertSame(o.failure().orElseThrow(), cause);
    assertFalse(o.isAcked());
    assertEquals(o.toString(), "EmitOutcome{store_v3-7, term=42, " + status
        + ", 2 µs, cause=java.util.concurrent.TimeoutException: no ack within 1000 ms}");

    EmitOutcome withoutCause = EmitOutcome.failed(SD, status, 0L, null);
    assertTrue(withoutCause.failure().isEmpty());
    assertFalse(withoutCause.toString().contains("cause="));
  }

  @DataProvider
  public Object[][] notFailureStatuses() {
    return new Object[][] {{EmitStatus.ACKED}, {EmitStatus.SKIPPED_DISABLED}, {EmitStatus.SKIPPED_NO_TERM}};
  }

  @Test(dataProvider = "notFailureStatuses")
  public void failedRejectsOtherStatuses(EmitStatus status) {
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
        () -> EmitOutcome.failed(SD, status, 1L, new RuntimeException("x")));
    assertEquals(e.getMessage(), "not a failure status: " + status);
  }

  @Test
  public void constructorRejectsNulls() {
    assertEquals(expectThrows(NullPointerException.class,
        () -> new EmitOutcome(null, EmitStatus.ACKED, 0L, 0L, null)).getMessage(), "stepDown is null");
    assertEquals(expectThrows(NullPointerException.class,
        () -> new EmitOutcome(SD, null, 0L, 0L, null)).getMessage(), "status is null");
    assertEquals(expectThrows(NullPointerException.class,
        () -> EmitOutcome.acked(null, 0L, 0L)).getMessage(), "stepDown is null");
  }

  @Test
  public void statusPredicates() {
    for (EmitStatus s : EmitStatus.values()) {
      assertEquals(s.isAcked(), s == EmitStatus.ACKED, s.name());
      boolean failure = s == EmitStatus.TIMED_OUT || s == EmitStatus.FAILED || s == EmitStatus.INTERRUPTED;
      assertEquals(s.isFailure(), failure, s.name());
    }
    assertEquals(EmitStatus.values().length, 6);
  }
}
