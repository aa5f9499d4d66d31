package io.handoff.codec;

import static io.handoff.codec.HandWriter.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.expectThrows;

import org.testng.annotations.Test;

public class RecordKeysTest {

  @Test
  public void aDataKeyIsHeaderByteZeroThenTheUsersKey() {
    assertEquals(hex(RecordKeys.dataKey(hex("0102ff"))), "000102ff");
    assertEquals(hex(RecordKeys.dataKey(new byte[0])), "00");
    assertEquals(RecordKeys.DATA_KEY_HEADER, 0);
    assertEquals(RecordKeys.CONTROL_MESSAGE_KEY_HEADER, 2);
    assertEquals(RecordKeys.UPDATE_KEY_HEADER, 4);
    assertEquals(
        expectThrows(NullPointerException.class, () -> RecordKeys.dataKey(null)).getMessage(),
        "userKey is null");
  }
}
