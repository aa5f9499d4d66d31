package io.handoff.spi;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.expectThrows;

import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class StepDownTest {

  @Test
  public void validStepDownKeepsItsFields() {
    StepDown s = new StepDown("store_v3", 7, 42L, 1, "host-a");
    assertEquals(s.versionTopic(), "store_v3");
    assertEquals(s.partition(), 7);
    assertEquals(s.leaderTerm(), 42L);
    assertEquals(s.localClusterId(), 1);
    assertEquals(s.writerId(), "host-a");
    assertEquals(s.topicPartition(), "store_v3-7");
    assertEquals(s.toString(), "StepDown{store_v3-7, term=42, cluster=1, writer=host-a}");
    assertEquals(s, new StepDown("store_v3", 7, 42L, 1, "host-a"));
    assertEquals(s.hashCode(), new StepDown("store_v3", 7, 42L, 1, "host-a").hashCode());
    assertNotEquals(s, new StepDown("store_v3", 7, 43L, 1, "host-a"));
  }

  @Test
  public void partitionZeroAndTermsBelowOneAreAccepted() {
    assertEquals(new StepDown("t", 0, 0L, 0, "w").partition(), 0);
    assertEquals(new StepDown("t", 0, -1L, 0, "w").leaderTerm(), -1L);
    assertEquals(new StepDown("t", 0, Long.MIN_VALUE, -5, "w").localClusterId(), -5);
  }

  @Test
  public void nullTopic() {
    NullPointerException e = expectThrows(NullPointerException.class, () -> new StepDown(null, 0, 1L, 0, "w"));
    assertEquals(e.getMessage(), "versionTopic is null");
  }

  @Test
  public void nullWriter() {
    NullPointerException e = expectThrows(NullPointerException.class, () -> new StepDown("t", 0, 1L, 0, null));
    assertEquals(e.getMessage(), "writerId is null");
  }

  @DataProvider
  public Object[][] blanks() {
    return new Object[][] {{""}, {" "}, {"\t\n"}};
  }

  @Test(dataProvider = "blanks")
  public void blankTopic(String blank) {
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
        () -> new StepDown(blank, 0, 1L, 0, "w"));
    assertEquals(e.getMessage(), "versionTopic is blank");
  }

  @Test(dataProvider = "blanks")
  public void blankWriter(String blank) {
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
        () -> new StepDown("t", 0, 1L, 0, blank));
    assertEquals(e.getMessage(), "writerId is blank");
  }

  @Test
  public void negativePartitionNamesTheValueAndTopic() {
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
        () -> new StepDown("store_v3", -2, 1L, 0, "w"));
    assertEquals(e.getMessage(), "partition must be >= 0, got -2 for topic store_v3");
    IllegalArgumentException one = expectThrows(IllegalArgumentException.class,
        () -> new StepDown("store_v3", -1, 1L, 0, "w"));
    assertEquals(one.getMessage(), "partition must be >= 0, got -1 for topic store_v3");
    IllegalArgumentException min = expectThrows(IllegalArgumentException.class,
        () -> new StepDown("other_v1", Integer.MIN_VALUE, 1L, 0, "w"));
    assertEquals(min.getMessage(), "partition must be >= 0, got " + Integer.MIN_VALUE + " for topic other_v1");
  }
}
