package io.handoff.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.Put;
import io.handoff.codec.RecordKeys;
import io.handoff.stamp.StampKind;
import io.handoff.stamp.Stamps;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testng.annotations.Test;

/** {@code handoff stamp encode|decode}. */
public class StampCommandTest {

  private static final String STEP_DOWN_KEY_HEX =
      "02b203f86bede03a879b4067e1141f2ee40000000000000000";

  record Result(int code, String out, String err) {
    /** The {@code name: value} lines as a map. */
    Map<String, String> fields() {
      Map<String, String> m = new LinkedHashMap<>();
      out.lines()
          .forEach(
              l -> {
                int colon = l.indexOf(": ");
                assertTrue(colon > 0, "not a 'name: value' line: " + l);
                m.put(l.substring(0, colon), l.substring(colon + 2));
              });
      return m;
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = HandoffCli.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  private static void assertOneLineError(Result r, String... fragments) {
    assertEquals(r.code(), 1, r.err());
    assertEquals(r.err().strip().lines().count(), 1L, r.err());
    assertTrue(r.err().startsWith("handoff: error: "), r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), f + " in " + r.err());
    }
    assertEquals(r.out(), "");
  }

  @Test
  public void encodePrintsKeyValueAndVtp() {
    Result r =
        run(
            "stamp",
            "encode",
            "--term",
            "5",
            "--cluster-id",
            "0",
            "--writer-id",
            "w",
            "--timestamp",
            "0");
    assertEquals(r.code(), 0, r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(lines.size(), 3, r.out());
    assertEquals(lines.get(0), "key: " + STEP_DOWN_KEY_HEX);
    assertTrue(lines.get(1).matches("value: [0-9a-f]+"), lines.get(1));
    assertTrue(lines.get(2).matches("vtp: [0-9a-f]+"), lines.get(2));
    String vtp =
        new String(HexFormat.of().parseHex(lines.get(2).substring(5)), StandardCharsets.UTF_8);
    assertTrue(vtp.startsWith("{") && vtp.contains("\"KafkaMessageEnvelope\""), vtp);
    byte[] value = HexFormat.of().parseHex(lines.get(1).substring(7));
    assertEquals(value, new Stamps().encode(StampKind.STEP_DOWN, 5, 0, "w", 0));
  }

  @Test
  public void encodedStampDecodesThroughTheDecodeCommand() {
    Map<String, String> encoded =
        run(
                "stamp",
                "encode",
                "--term",
                "5",
                "--cluster-id",
                "0",
                "--writer-id",
                "w",
                "--timestamp",
                "0")
            .fields();
    Result r = run("stamp", "decode", "--key", encoded.get("key"), "--value", encoded.get("value"));
    assertEquals(r.code(), 0, r.err());
    Map<String, String> f = r.fields();
    assertEquals(f.get("kind"), "STEP_DOWN_STAMP");
    assertEquals(f.get("messageType"), "2 (CONTROL_MESSAGE)");
    assertEquals(f.get("producerGuid"), "b203f86bede03a879b4067e1141f2ee4");
    assertEquals(f.get("segmentNumber"), "0");
    assertEquals(f.get("messageSequenceNumber"), "0");
    assertEquals(f.get("messageTimestamp"), "0 (1970-01-01T00:00:00.000Z)");
    assertEquals(f.get("logicalTimestamp"), "-1");
    assertEquals(f.get("payload"), "CONTROL_MESSAGE");
    assertEquals(f.get("controlMessageType"), "2 (START_OF_SEGMENT)");
    assertEquals(f.get("debugInfo"), "{}");
    assertEquals(f.get("checksumType"), "0 (NONE)");
    assertEquals(f.get("hostName"), "w");
    assertEquals(f.get("upstreamOffset"), "-1");
    assertEquals(f.get("upstreamKafkaClusterId"), "0");
    assertEquals(f.get("upstreamPubSubPosition"), "22010300");
    assertEquals(f.get("termId"), "5");
    assertEquals(f.get("upstreamMessageTimestamp"), "-1");
  }

  @Test
  public void encodeDefaultsTheTimestampToNow() {
    long before = System.currentTimeMillis();
    Map<String, String> encoded =
        run("stamp", "encode", "--term", "7", "--cluster-id", "3", "--writer-id", "host-1")
            .fields();
    long after = System.currentTimeMillis();
    long ts =
        EnvelopeCodec.decode(HexFormat.of().parseHex(encoded.get("value")))
            .producerMetadata()
            .messageTimestamp();
    assertTrue(ts >= before && ts <= after, ts + " not in [" + before + ", " + after + "]");
  }

  @Test
  public void encodeRejectsANonPositiveTerm() {
    assertOneLineError(
        run("stamp", "encode", "--term", "0", "--cluster-id", "0", "--writer-id", "w"),
        "--term must be > 0",
        "got 0");
    assertOneLineError(
        run("stamp", "encode", "--term", "-3", "--cluster-id", "0", "--writer-id", "w"),
        "--term must be > 0",
        "got -3");
  }

  @Test
  public void decodeNamesOtherKindsByKeyAndPayload() {
    Stamps codec = new Stamps();
    HexFormat hex = HexFormat.of();
    Map<String, String> dol =
        run(
                "stamp",
                "decode",
                "--key",
                hex.formatHex(StampKind.DECLARATION_OF_LEADERSHIP.key()),
                "--value",
                hex.formatHex(codec.encode(StampKind.DECLARATION_OF_LEADERSHIP, 9, 1, "b", 5)))
            .fields();
    assertEquals(dol.get("kind"), "DOL");
    assertEquals(dol.get("termId"), "9");

    byte[] guid = new byte[16];
    guid[0] = 1;
    Result put =
        run(
            "stamp",
            "decode",
            "--key",
            hex.formatHex(RecordKeys.dataKey(new byte[] {7})),
            "--value",
            hex.formatHex(
                EnvelopeCodec.encode(
                    Envelope.of(
                        ProducerMetadata.of(guid, 2, 3, 4),
                        Put.of(new byte[] {(byte) 0xab}, 12),
                        null))));
    assertEquals(put.code(), 0, put.err());
    Map<String, String> f = put.fields();
    assertEquals(f.get("kind"), "DATA");
    assertEquals(f.get("payload"), "PUT");
    assertEquals(f.get("putValue"), "ab");
    assertEquals(f.get("schemaId"), "12");
    assertEquals(f.get("segmentNumber"), "2");
    assertEquals(f.get("messageSequenceNumber"), "3");
    assertEquals(f.get("leaderMetadataFooter"), "null");
    assertFalse(f.containsKey("termId"));

    // Upper case, 0x prefix and separators are accepted.
    Result upper =
        run(
            "stamp",
            "decode",
            "--key",
            "0x" + STEP_DOWN_KEY_HEX.toUpperCase(),
            "--value",
            hex.formatHex(codec.encode(StampKind.HEARTBEAT, 1, 0, "h", 0)));
    assertEquals(upper.fields().get("kind"), "STEP_DOWN_STAMP", "the key decides, not the payload");
  }

  @Test
  public void decodeRejectsBadHexAndBadBytes() {
    assertOneLineError(
        run("stamp", "decode", "--key", STEP_DOWN_KEY_HEX, "--value", "17zz"),
        "Invalid hex for --value",
        "'z'");
    assertOneLineError(
        run("stamp", "decode", "--key", "abc", "--value", "170e"),
        "Invalid hex for --key",
        "odd number of hex digits");
    assertOneLineError(
        run("stamp", "decode", "--key", STEP_DOWN_KEY_HEX, "--value", "ff0e00"),
        "WRONG_MAGIC_BYTE",
        "wrong magic byte: found 255, expected 23");
    assertOneLineError(
        run("stamp", "decode", "--key", STEP_DOWN_KEY_HEX, "--value", "170e04"), "TRUNCATED");
    assertOneLineError(
        run("stamp", "decode", "--key", STEP_DOWN_KEY_HEX, "--value", ""), "NULL_OR_EMPTY");
  }

  @Test
  public void stampWithoutSubcommandIsAUsageError() {
    Result r = run("stamp");
    assertEquals(r.code(), 2, r.err());
    assertTrue(r.err().contains("encode or decode"), r.err());
  }
}
