package io.handoff.stamp;

import static io.handoff.stamp.HandWriter.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;
import static org.testng.Assert.fail;

import io.handoff.stamp.StampCodecException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class StampCodecBadBytesTest {

  private static final String STEP_DOWN_GUID = "b203f86bede03a879b4067e1141f2ee4";
  private final StampCodec codec = new StampCodec();

  private StampCodecException rejects(byte[] value, Reason reason, String... messageParts) {
    StampCodecException e = expectThrows(StampCodecException.class, () -> codec.decode(value));
    assertEquals(e.reason(), reason, e.getMessage());
    for (String part : messageParts) {
      assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' lacks '" + part + "'");
    }
    StampCodecException t = expectThrows(StampCodecException.class, () -> codec.readTerm(value));
    assertEquals(t.reason(), reason);
    return e;
  }

  private byte[] stepDown() {
    return codec.encodeStamp(StampKind.STEP_DOWN, 7, 3, "host-a:1234", 1_700_000_000_000L);
  }

  @Test
  public void nullAndEmptyValues() {
    rejects(null, Reason.NULL_OR_EMPTY, "null");
    rejects(new byte[0], Reason.NULL_OR_EMPTY, "empty");
  }

  @Test
  public void wrongMagicByte() {
    byte[] v = stepDown();
    v[0] = 22;
    rejects(v, Reason.WRONG_MAGIC_BYTE, "wrong magic byte", "found 22", "expected 23");
    rejects(new byte[] {0}, Reason.WRONG_MAGIC_BYTE, "found 0", "expected 23");
  }

  @Test
  public void unknownProtocolVersion() {
    byte[] v = stepDown();
    v[1] = 13;
    rejects(
        v, Reason.UNKNOWN_PROTOCOL_VERSION, "unknown protocol version", "found 13", "expected 14");
    v[1] = 15;
    rejects(v, Reason.UNKNOWN_PROTOCOL_VERSION, "found 15", "expected 14");
  }

  @Test
  public void everyPrefixOfAStampIsTruncated() {
    byte[] v = stepDown();
    rejects(Arrays.copyOf(v, 0), Reason.NULL_OR_EMPTY);
    rejects(Arrays.copyOf(v, 1), Reason.TRUNCATED, "truncated", "protocol version");
    for (int len = 2; len < v.length; len++) {
      rejects(Arrays.copyOf(v, len), Reason.TRUNCATED, "truncated body");
    }
    codec.decode(v); // the whole value is fine
  }

  @Test
  public void truncationNamesTheFieldItCutThrough() {
    byte[] v = stepDown();
    rejects(Arrays.copyOf(v, 2), Reason.TRUNCATED, "messageType");
    rejects(Arrays.copyOf(v, 3 + 10), Reason.TRUNCATED, "producerGUID");
    // Cut inside the hostName's bytes: the length says 11, fewer remain.
    int hostStart = hex(v).indexOf(hex("host-a:1234".getBytes())) / 2;
    rejects(Arrays.copyOf(v, hostStart + 5), Reason.TRUNCATED, "LeaderMetadata.hostName");
    // Cut after the footer's branch index: nothing of LeaderMetadata left.
    rejects(Arrays.copyOf(v, hostStart - 1), Reason.TRUNCATED, "hostName");
    // Cut before the footer's branch index.
    rejects(Arrays.copyOf(v, hostStart - 2), Reason.TRUNCATED, "leaderMetadataFooter");
    // Cut in the middle of the multi-byte timestamp varint.
    rejects(Arrays.copyOf(v, 2 + 1 + 16 + 2 + 3), Reason.TRUNCATED, "messageTimestamp");
    // Last byte missing: upstreamMessageTimestamp.
    rejects(Arrays.copyOf(v, v.length - 1), Reason.TRUNCATED, "upstreamMessageTimestamp");
  }

  @Test
  public void everyPrefixOfOtherRecordsIsTruncated() {
    byte[] guid = hex("00112233445566778899aabbccddeeff");
    byte[][] values = {
      codec.encodePut(guid, 300, 70_000, 5L, new byte[200], 99, 12L, "w"),
      codec.encodePut(guid, 1, 2, 5L, new byte[] {1}, 1, -1L, null),
      codec.encodePut(guid, 1, 2, 5L, new byte[] {1}, 1, -1L, "venice-leader"),
      codec.encodeControl(guid, 1, 2, 5L, 1, 1, 3L, "w"),
      codec.encodeControl(guid, 1, 2, 5L, 0, 0, -1L, null),
      codec.encodeStamp(StampKind.DECLARATION_OF_LEADERSHIP, 1L << 40, -1, "dol", 9L),
      codec.encodeStamp(StampKind.HEARTBEAT, 2, 0, "", 0L),
    };
    for (byte[] v : values) {
      codec.decode(v);
      for (int len = 1; len < v.length; len++) {
        rejects(Arrays.copyOf(v, len), Reason.TRUNCATED, "truncated");
      }
    }
  }

  @Test
  public void unknownPayloadUnionBranch() {
    byte[] v = HandWriter.stamp(STEP_DOWN_GUID, 1L, 0, "h", 0, 1L, 4, 2, 1);
    rejects(v, Reason.UNKNOWN_UNION_BRANCH, "unknown union branch 4", "payloadUnion", "0..3");
    v = HandWriter.stamp(STEP_DOWN_GUID, 1L, 0, "h", 0, 1L, -1, 2, 1);
    rejects(v, Reason.UNKNOWN_UNION_BRANCH, "unknown union branch -1", "payloadUnion");
    v = HandWriter.stamp(STEP_DOWN_GUID, 1L, 0, "h", 0, 1L, 1000, 2, 1);
    rejects(v, Reason.UNKNOWN_UNION_BRANCH, "unknown union branch 1000", "payloadUnion");
  }

  @Test
  public void unknownControlMessageUnionBranch() {
    byte[] v = HandWriter.stamp(STEP_DOWN_GUID, 1L, 0, "h", 0, 1L, 3, 9, 1);
    rejects(
        v, Reason.UNKNOWN_UNION_BRANCH, "unknown union branch 9", "controlMessageUnion", "0..8");
  }

  @Test
  public void unknownFooterUnionBranch() {
    byte[] v = HandWriter.stamp(STEP_DOWN_GUID, 1L, 0, "h", 0, 1L, 3, 2, 2);
    rejects(
        v, Reason.UNKNOWN_UNION_BRANCH, "unknown union branch 2", "leaderMetadataFooter", "0..1");
    v = HandWriter.stamp(STEP_DOWN_GUID, 1L, 0, "h", 0, 1L, 3, 2, -1);
    rejects(v, Reason.UNKNOWN_UNION_BRANCH, "unknown union branch -1", "leaderMetadataFooter");
  }

  @Test
  public void unknownNestedUnionBranchInASkippedPayload() throws IOException {
    // StartOfPush.compressionDictionary is union[null, bytes]: branch 2 does not exist.
    byte[] v =
        new HandWriter()
            .raw(23, 14)
            .varint(2)
            .raw(hex(STEP_DOWN_GUID))
            .varint(0)
            .varint(0)
            .varint(1L)
            .varint(-1L)
            .varint(3)
            .varint(0)
            .varint(0) // debugInfo
            .varint(0) // StartOfPush
            .raw(0, 0) // sorted, chunked
            .varint(0) // compressionStrategy
            .varint(2) // compressionDictionary: no such branch
            .varint(0)
            .varint(0)
            .toByteArray();
    rejects(v, Reason.UNKNOWN_UNION_BRANCH, "compressionDictionary", "unknown union branch 2");
  }

  @Test
  public void trailingBytes() {
    byte[] v = stepDown();
    rejects(Arrays.copyOf(v, v.length + 1), Reason.TRAILING_BYTES, "trailing bytes", "1 byte(s)");
    byte[] five = Arrays.copyOf(v, v.length + 5);
    Arrays.fill(five, v.length, five.length, (byte) 0x55);
    rejects(five, Reason.TRAILING_BYTES, "5 byte(s)", "offset " + v.length);
    byte[] put = codec.encodePut(new byte[16], 0, 0, 0L, new byte[0], 1, -1L, null);
    rejects(Arrays.copyOf(put, put.length + 2), Reason.TRAILING_BYTES, "2 byte(s)");
  }

  @Test
  public void malformedEncodings() {
    // messageType as an int varint of six bytes
    byte[] overlong =
        new HandWriter().raw(23, 14).raw(0xff, 0xff, 0xff, 0xff, 0xff, 0x01).toByteArray();
    rejects(overlong, Reason.MALFORMED, "malformed int varint", "messageType");

    // negative hostName length
    byte[] v = stepDown();
    int hostLenAt = hex(v).indexOf(hex("host-a:1234".getBytes())) / 2 - 1;
    assertEquals(v[hostLenAt], (byte) 0x16);
    v[hostLenAt] = 0x03; // zig-zag -2
    rejects(v, Reason.MALFORMED, "negative length -2", "hostName");

    // a huge length is reported as truncation before anything is allocated
    byte[] huge =
        new HandWriter()
            .raw(23, 14)
            .varint(0)
            .raw(new byte[16])
            .varint(0)
            .varint(0)
            .varint(0)
            .varint(-1)
            .varint(0) // Put
            .varint(Long.MAX_VALUE / 2) // putValue length
            .toByteArray();
    rejects(huge, Reason.TRUNCATED, "Put.putValue");

    // a boolean that is neither 0 nor 1
    byte[] sop = codec.encodeControl(new byte[16], 0, 0, 0L, 0, 0, -1L, null);
    int sortedAt = sop.length - 1 - 5; // sorted, chunked, strategy, dict index, policy, footer
    assertEquals(sop[sortedAt], 0);
    sop[sortedAt] = 2;
    rejects(sop, Reason.MALFORMED, "malformed boolean", "StartOfPush.sorted");
  }

  @Test
  public void invalidGuidLengthOnEncode() {
    StampCodecException e =
        expectThrows(
            StampCodecException.class,
            () -> codec.encodePut(new byte[8], 0, 0, 0L, new byte[0], 1, -1L, null));
    assertEquals(e.reason(), Reason.INVALID_GUID_LENGTH);
    assertTrue(e.getMessage().contains("invalid GUID length"), e.getMessage());
  }

  @DataProvider
  public Object[][] fuzzSeeds() {
    return new Object[][] {{1L}, {2L}, {3L}};
  }

  /**
   * Random corruptions of valid values: decoding either succeeds or throws StampCodecException,
   * never anything else; and whatever it accepts, Avro's reader accepts too, with every byte
   * consumed and the same term.
   */
  @Test(dataProvider = "fuzzSeeds")
  public void corruptedValuesEitherDecodeLikeAvroOrThrowTheCodecException(long seed)
      throws IOException {
    Schema schema = StampCodecWireTest.resourceSchema();
    Random random = new Random(seed);
    byte[][] bases = {
      stepDown(),
      codec.encodePut(
          hex("00112233445566778899aabbccddeeff"), 3, 4, 5L, new byte[] {1, 2, 3}, 6, 7L, "w"),
      codec.encodeControl(new byte[16], 1, 1, 1L, 0, 0, 2L, "x"),
      codec.encodeControl(new byte[16], 1, 1, 1L, 1, 1, -1L, null),
      codec.encodePut(
          hex("00112233445566778899aabbccddeeff"),
          3,
          4,
          5L,
          new byte[] {4},
          6,
          -1L,
          "venice-leader"),
    };
    int accepted = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] base = bases[i % bases.length];
      byte[] v = base.clone();
      int flips = 1 + random.nextInt(3);
      for (int f = 0; f < flips; f++) {
        v[2 + random.nextInt(v.length - 2)] = (byte) random.nextInt(256);
      }
      if (random.nextInt(4) == 0) {
        v = Arrays.copyOf(v, 2 + random.nextInt(v.length + 3));
      }
      DecodedEnvelope d;
      try {
        d = codec.decode(v);
      } catch (StampCodecException expected) {
        continue;
      } catch (RuntimeException other) {
        fail("not a StampCodecException for " + hex(v), other);
        return;
      }
      accepted++;
      GenericRecord r = StampCodecWireTest.readWithAvro(schema, v);
      GenericRecord footer = (GenericRecord) r.get("leaderMetadataFooter");
      assertEquals(d.term(), footer == null ? -1L : (long) (Long) footer.get("termId"), hex(v));
      assertEquals(d.messageType(), r.get("messageType"), hex(v));
      GenericRecord pm = (GenericRecord) r.get("producerMetadata");
      assertEquals(d.producerGuid(), ((GenericData.Fixed) pm.get("producerGUID")).bytes());
      assertEquals(d.messageTimestamp(), pm.get("messageTimestamp"));
      if (footer != null) {
        assertEquals(d.hostName(), footer.get("hostName").toString());
        assertEquals(
            d.upstreamPubSubPosition(),
            StampCodecWireTest.bytes((ByteBuffer) footer.get("upstreamPubSubPosition")));
      }
    }
    assertTrue(accepted > 100, "the fuzzer should also produce valid values, got " + accepted);
  }
}
