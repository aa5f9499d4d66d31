package io.handoff.spi;

import static org.testng.Assert.assertEquals;

import io.handoff.spi.HandoverExplanation.Record;
import io.handoff.spi.HandoverExplanation.Tenure;
import org.testng.annotations.Test;

/**
 * The words an explanation uses for a record and a tenure, which an operator reads in {@link
 * HandoverExplanation#describe()}: offset and term 0 are real values and are named, -1 means not
 * known and is left out.
 */
public class HandoverExplanationTest {

  @Test
  public void aRecordIsNamedByWhatIsKnownOfIt() {
    assertEquals(
        new Record(0, "host-a", 0, false).toString(),
        "the record at offset 0 of host-a with term 0");
    assertEquals(new Record(-1, null, -1, false).toString(), "a record without writer id");
    assertEquals(
        new Record(12, null, -1, true).toString(),
        "the record at offset 12 that could not be decoded");
    assertEquals(new Record(-1, "host-b", 3, false).toString(), "a record of host-b with term 3");
  }

  @Test
  public void aTenureIsNamedByWhatIsKnownOfIt() {
    assertEquals(
        new Tenure("host-a", 0, 0, true, true).toString(), "host-a (term 0, declared at offset 0)");
    assertEquals(
        new Tenure("host-a", -1, 7, false, true).toString(), "host-a (declared at offset 7)");
    assertEquals(new Tenure("host-a", 5, -1, false, false).toString(), "host-a (term 5)");
    assertEquals(new Tenure(null, -1, -1, false, false).toString(), "an unknown writer");
  }
}
