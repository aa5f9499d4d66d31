package io.handoff.spi;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * {@link StepDown} keeps its fields including whether the term was established, validates the
 * topic, partition and writer id naming the field, accepts terms below one, builds established
 * step-downs with {@link StepDown#established}, and answers {@link StepDown#skipStatus()} with
 * {@link EmitStatus#SKIPPED_NO_TERM} for a term {@code <= 0} before {@link
 * EmitStatus#SKIPPED_UNESTABLISHED} for a term that was not established (rule E1).
 */
public class StepDownTest {

  @Test
  public void validStepDownKeepsItsFields() {
    StepDown s = new StepDown("store_v3", 7, 42L, true, 1, "host-a");
    assertEquals(s.versionTopic(), "store_v3", "versionTopic");
    assertEquals(s.partition(), 7, "partition");
    assertEquals(s.leaderTerm(), 42L, "leaderTerm");
    assertTrue(s.established(), "established");
    assertEquals(s.localClusterId(), 1, "localClusterId");
    assertEquals(s.writerId(), "host-a", "writerId");
    assertEquals(s.topicPartition(), "store_v3-7", "topicPartition");
    assertEquals(
        s.toString(), "StepDown{store_v3-7, term=42, cluster=1, writer=host-a}", "toString");
    assertEquals(s, new StepDown("store_v3", 7, 42L, true, 1, "host-a"), "equal fields");
    assertEquals(
        s.hashCode(), new StepDown("store_v3", 7, 42L, true, 1, "host-a").hashCode(), "hashCode");
    assertNotEquals(s, new StepDown("store_v3", 7, 43L, true, 1, "host-a"), "another term");
    assertNotEquals(s, new StepDown("store_v3", 7, 42L, false, 1, "host-a"), "not established");
  }

  @Test
  public void unestablishedStepDownSaysSo() {
    StepDown s = new StepDown("store_v3", 7, 42L, false, 1, "host-a");
    assertFalse(s.established(), "established");
    assertEquals(
        s.toString(),
        "StepDown{store_v3-7, term=42 (not established), cluster=1, writer=host-a}",
        "toString");
  }

  @Test
  public void establishedFactoryMarksTheTermEstablished() {
    StepDown s = StepDown.established("store_v3", 7, 42L, 1, "host-a");
    assertEquals(s, new StepDown("store_v3", 7, 42L, true, 1, "host-a"), "the factory's step-down");
    assertTrue(s.established(), "established");
    assertNull(s.skipStatus(), "an established term may be stamped");
    assertEquals(
        expectThrows(
                IllegalArgumentException.class,
                () -> StepDown.established("store_v3", -1, 42L, 1, "host-a"))
            .getMessage(),
        "partition must be >= 0, got -1 for topic store_v3",
        "the factory validates too");
  }

  @DataProvider
  public Object[][] skipStatuses() {
    return new Object[][] {
      {1L, true, null},
      {Long.MAX_VALUE, true, null},
      {1L, false, EmitStatus.SKIPPED_UNESTABLISHED},
      {42L, false, EmitStatus.SKIPPED_UNESTABLISHED},
      {0L, true, EmitStatus.SKIPPED_NO_TERM},
      {-1L, true, EmitStatus.SKIPPED_NO_TERM},
      {Long.MIN_VALUE, true, EmitStatus.SKIPPED_NO_TERM},
      {0L, false, EmitStatus.SKIPPED_NO_TERM},
      {-1L, false, EmitStatus.SKIPPED_NO_TERM},
    };
  }

  @Test(dataProvider = "skipStatuses")
  public void skipStatusPutsAMissingTermBeforeAnUnestablishedOne(
      long term, boolean established, EmitStatus expected) {
    StepDown s = new StepDown("store_v3", 7, term, established, 1, "host-a");
    assertEquals(s.skipStatus(), expected, "term " + term + ", established " + established);
  }

  @Test
  public void partitionZeroAndTermsBelowOneAreAccepted() {
    assertEquals(new StepDown("t", 0, 0L, true, 0, "w").partition(), 0, "partition 0");
    assertEquals(new StepDown("t", 0, -1L, false, 0, "w").leaderTerm(), -1L, "term -1");
    assertEquals(
        new StepDown("t", 0, Long.MIN_VALUE, true, -5, "w").localClusterId(), -5, "any cluster id");
  }

  @Test
  public void nullTopic() {
    NullPointerException e =
        expectThrows(NullPointerException.class, () -> new StepDown(null, 0, 1L, true, 0, "w"));
    assertEquals(e.getMessage(), "versionTopic is null", "message");
  }

  @Test
  public void nullWriter() {
    NullPointerException e =
        expectThrows(NullPointerException.class, () -> new StepDown("t", 0, 1L, true, 0, null));
    assertEquals(e.getMessage(), "writerId is null", "message");
  }

  @DataProvider
  public Object[][] blanks() {
    return new Object[][] {{""}, {" "}, {"\t\n"}};
  }

  @Test(dataProvider = "blanks")
  public void blankTopic(String blank) {
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> new StepDown(blank, 0, 1L, true, 0, "w"));
    assertEquals(e.getMessage(), "versionTopic is blank", "message");
  }

  @Test(dataProvider = "blanks")
  public void blankWriter(String blank) {
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> new StepDown("t", 0, 1L, true, 0, blank));
    assertEquals(e.getMessage(), "writerId is blank", "message");
  }

  @Test
  public void negativePartitionNamesTheValueAndTopic() {
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> new StepDown("store_v3", -2, 1L, true, 0, "w"));
    assertEquals(e.getMessage(), "partition must be >= 0, got -2 for topic store_v3", "message");
    IllegalArgumentException one =
        expectThrows(
            IllegalArgumentException.class, () -> new StepDown("store_v3", -1, 1L, false, 0, "w"));
    assertEquals(one.getMessage(), "partition must be >= 0, got -1 for topic store_v3", "message");
    IllegalArgumentException min =
        expectThrows(
            IllegalArgumentException.class,
            () -> new StepDown("other_v1", Integer.MIN_VALUE, 1L, true, 0, "w"));
    assertEquals(
        min.getMessage(),
        "partition must be >= 0, got " + Integer.MIN_VALUE + " for topic other_v1",
        "message");
  }
}
