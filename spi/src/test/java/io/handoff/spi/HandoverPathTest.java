package io.handoff.spi;

import static org.testng.Assert.assertEquals;

import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/** {@link HandoverPath#choose} prefers the fast path, then the elapsed legacy wait, else waits. */
public class HandoverPathTest {

  @DataProvider
  public Object[][] truthTable() {
    return new Object[][] {
      {true, true, HandoverPath.FAST_PATH},
      {true, false, HandoverPath.FAST_PATH},
      {false, true, HandoverPath.LEGACY_WAIT},
      {false, false, HandoverPath.WAIT},
    };
  }

  @Test(dataProvider = "truthTable")
  public void choose(boolean canSkip, boolean windowElapsed, HandoverPath expected) {
    assertEquals(
        HandoverPath.choose(canSkip, windowElapsed),
        expected,
        "canSkip " + canSkip + ", window elapsed " + windowElapsed);
  }
}
