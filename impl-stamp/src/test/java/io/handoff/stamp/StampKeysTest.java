package io.handoff.stamp;

import static io.handoff.codec.HandWriter.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotSame;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;

import io.handoff.codec.RecordKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class StampKeysTest {

  // Golden values from the wire spec, written out here rather than computed by the code under test.
  private static final String STEP_DOWN_KEY_HEX =
      "02b203f86bede03a879b4067e1141f2ee40000000000000000";
  private static final String STEP_DOWN_GUID_HEX = "b203f86bede03a879b4067e1141f2ee4";
  private static final String DOL_GUID_HEX = "4a5ead6ef3a932f0864e3b7c324c9275";
  private static final String HEARTBEAT_GUID_HEX = "81545f3cbd093909a467a583ef39e468";

  @Test
  public void stepDownKeyIsTheGoldenKey() {
    assertEquals(hex(StampKind.STEP_DOWN.key()), STEP_DOWN_KEY_HEX);
    assertEquals(hex(StampKeys.stepDownKey()), STEP_DOWN_KEY_HEX);
    assertEquals(hex(StampKind.STEP_DOWN.guid()), STEP_DOWN_GUID_HEX);
  }

  @Test
  public void declarationOfLeadershipKeyHasTheGoldenGuid() {
    assertEquals(hex(StampKind.DECLARATION_OF_LEADERSHIP.guid()), DOL_GUID_HEX);
    assertEquals(
        hex(StampKind.DECLARATION_OF_LEADERSHIP.key()), "02" + DOL_GUID_HEX + "0000000000000000");
    assertEquals(
        hex(StampKeys.declarationOfLeadershipKey()), "02" + DOL_GUID_HEX + "0000000000000000");
  }

  @Test
  public void heartbeatKeyHasTheGoldenGuid() {
    assertEquals(hex(StampKind.HEARTBEAT.guid()), HEARTBEAT_GUID_HEX);
    assertEquals(hex(StampKind.HEARTBEAT.key()), "02" + HEARTBEAT_GUID_HEX + "0000000000000000");
    assertEquals(hex(StampKeys.heartbeatKey()), "02" + HEARTBEAT_GUID_HEX + "0000000000000000");
  }

  @Test
  public void namesAndUuidsMatchTheSpec() {
    assertEquals(StampKind.STEP_DOWN.uuidName(), "leaderStepDownStampControlMessage");
    assertEquals(
        StampKind.DECLARATION_OF_LEADERSHIP.uuidName(), "declarationOfLeadershipControlMessage");
    assertEquals(StampKind.HEARTBEAT.uuidName(), "heartbeatControlMessage");
    for (StampKind kind : StampKind.values()) {
      UUID uuid = UUID.nameUUIDFromBytes(kind.uuidName().getBytes(StandardCharsets.UTF_8));
      assertEquals(kind.uuid(), uuid);
      byte[] expected =
          ByteBuffer.allocate(16)
              .putLong(uuid.getMostSignificantBits())
              .putLong(uuid.getLeastSignificantBits())
              .array();
      assertEquals(kind.guid(), expected);
      assertEquals(kind.uuid().version(), 3, "name-based MD5 UUID");
    }
  }

  @Test
  public void accessorsReturnCopies() {
    for (StampKind kind : StampKind.values()) {
      byte[] key = kind.key();
      assertNotSame(key, kind.key());
      Arrays.fill(key, (byte) 0x7f);
      byte[] guid = kind.guid();
      Arrays.fill(guid, (byte) 0x7f);
      assertEquals(kind.key().length, 25);
      assertEquals(kind.key()[0], (byte) 2);
      assertTrue(StampKeys.isSelfContainedStamp(kind.key()));
    }
    byte[] k = StampKeys.stepDownKey();
    k[3] ^= 1;
    assertEquals(hex(StampKeys.stepDownKey()), STEP_DOWN_KEY_HEX);
    assertTrue(StampKeys.isStepDownKey(hex(STEP_DOWN_KEY_HEX)));
  }

  @Test
  public void predicatesRecogniseEachKindAndOnlyIt() {
    byte[] stepDown = hex(STEP_DOWN_KEY_HEX);
    byte[] dol = hex("02" + DOL_GUID_HEX + "0000000000000000");
    byte[] heartbeat = hex("02" + HEARTBEAT_GUID_HEX + "0000000000000000");

    assertTrue(StampKeys.isStepDownKey(stepDown));
    assertFalse(StampKeys.isDeclarationOfLeadershipKey(stepDown));
    assertFalse(StampKeys.isHeartbeatKey(stepDown));
    assertTrue(StampKeys.isSelfContainedStamp(stepDown));
    assertSame(StampKeys.kindOf(stepDown), StampKind.STEP_DOWN);

    assertFalse(StampKeys.isStepDownKey(dol));
    assertTrue(StampKeys.isDeclarationOfLeadershipKey(dol));
    assertFalse(StampKeys.isHeartbeatKey(dol));
    assertTrue(StampKeys.isSelfContainedStamp(dol));
    assertSame(StampKeys.kindOf(dol), StampKind.DECLARATION_OF_LEADERSHIP);

    assertFalse(StampKeys.isStepDownKey(heartbeat));
    assertFalse(StampKeys.isDeclarationOfLeadershipKey(heartbeat));
    assertTrue(StampKeys.isHeartbeatKey(heartbeat));
    assertTrue(StampKeys.isSelfContainedStamp(heartbeat));
    assertSame(StampKeys.kindOf(heartbeat), StampKind.HEARTBEAT);
  }

  @DataProvider
  public Object[][] notStampKeys() {
    byte[] stepDown = hex(STEP_DOWN_KEY_HEX);
    return new Object[][] {
      {"null", null},
      {"empty", new byte[0]},
      {
        "data key of the user key 'abc'", RecordKeys.dataKey("abc".getBytes(StandardCharsets.UTF_8))
      },
      {
        "data key of the step-down GUID",
        RecordKeys.dataKey(hex(STEP_DOWN_GUID_HEX + "0000000000000000"))
      },
      {"24-byte prefix of the step-down key", Arrays.copyOf(stepDown, 24)},
      {"step-down key without its header byte", Arrays.copyOfRange(stepDown, 1, 25)},
      {"26 bytes: step-down key plus a zero", Arrays.copyOf(stepDown, 26)},
      {"update header byte 4", hex("04b203f86bede03a879b4067e1141f2ee40000000000000000")},
      {"segment 1", hex("02b203f86bede03a879b4067e1141f2ee40000000100000000")},
      {"sequence 1", hex("02b203f86bede03a879b4067e1141f2ee40000000000000001")},
      {"all zero, 25 bytes", new byte[25]},
    };
  }

  @Test(dataProvider = "notStampKeys")
  public void otherKeysAreNoStamp(String what, byte[] key) {
    assertFalse(StampKeys.isStepDownKey(key), what);
    assertFalse(StampKeys.isDeclarationOfLeadershipKey(key), what);
    assertFalse(StampKeys.isHeartbeatKey(key), what);
    assertFalse(StampKeys.isSelfContainedStamp(key), what);
    assertNull(StampKeys.kindOf(key), what);
  }

  @Test
  public void everySingleByteChangeIsANearMiss() {
    for (StampKind kind : StampKind.values()) {
      for (int i = 0; i < 25; i++) {
        for (int bit = 0; bit < 8; bit++) {
          byte[] key = kind.key();
          key[i] ^= (byte) (1 << bit);
          String what = kind + " byte " + i + " bit " + bit;
          assertFalse(StampKeys.isSelfContainedStamp(key), what);
          assertFalse(StampKeys.isStepDownKey(key), what);
          assertFalse(StampKeys.isDeclarationOfLeadershipKey(key), what);
          assertFalse(StampKeys.isHeartbeatKey(key), what);
          assertNull(StampKeys.kindOf(key), what);
        }
      }
    }
  }

  @Test
  public void dataKeyPrependsHeaderZero() {
    assertEquals(hex(RecordKeys.dataKey(hex("0102ff"))), "000102ff");
    assertEquals(hex(RecordKeys.dataKey(new byte[0])), "00");
  }
}
