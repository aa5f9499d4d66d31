package io.handoff.codec;

import static io.handoff.codec.HandWriter.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;
import static org.testng.Assert.fail;

import io.handoff.codec.EnvelopeCodecException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class EnvelopeCodecBadBytesTest {

  private static final String STEP_DOWN_GUID = "b203f86bede03a879b4067e1141f2ee4";
  private static final byte[] GUID = hex("00112233445566778899aabbccddeeff");

  /** Decode, summarize and readTerm all reject {@code value} for {@code reason}, alike. */
  private static EnvelopeCodecException rejects(
      byte[] value, Reason reason, String... messageParts) {
    EnvelopeCodecException e =
        expectThrows(EnvelopeCodecException.class, () -> EnvelopeCodec.decode(value));
    assertEquals(e.reason(), reason, e.getMessage());
    for (String part : messageParts) {
      assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' lacks '" + part + "'");
    }
    EnvelopeCodecException s =
        expectThrows(EnvelopeCodecException.class, () -> EnvelopeCodec.summarize(value));
    assertEquals(s.reason(), reason);
    assertEquals(s.getMessage(), e.getMessage());
    assertEquals(s.offset(), e.offset());
    assertEquals(s.field(), e.field());
    EnvelopeCodecException t =
        expectThrows(EnvelopeCodecException.class, () -> EnvelopeCodec.readTerm(value));
    assertEquals(t.reason(), reason);
    return e;
  }

  private static byte[] stepDown() {
    return EnvelopeCodec.encode(
        Values.stamp(STEP_DOWN_GUID, 7, 3, "host-a:1234", 1_700_000_000_000L, 0));
  }

  @Test
  public void nullAndEmptyValues() {
    EnvelopeCodecException e = rejects(null, Reason.NULL_OR_EMPTY, "null");
    assertEquals(e.offset(), -1);
    assertNull(e.field());
    e = rejects(new byte[0], Reason.NULL_OR_EMPTY, "empty");
    assertEquals(e.offset(), 0);
  }

  @Test
  public void wrongMagicByte() {
    byte[] v = stepDown();
    v[0] = 22;
    EnvelopeCodecException e =
        rejects(v, Reason.WRONG_MAGIC_BYTE, "wrong magic byte", "found 22", "expected 23");
    assertEquals(e.offset(), 0);
    assertEquals(e.field(), "magic byte");
    rejects(new byte[] {0}, Reason.WRONG_MAGIC_BYTE, "found 0", "expected 23");
    v[0] = (byte) 0x97; // 23 with the high bit set: the byte is compared whole
    rejects(v, Reason.WRONG_MAGIC_BYTE, "found 151");
  }

  @Test
  public void unknownProtocolVersion() {
    byte[] v = stepDown();
    v[1] = 13;
    EnvelopeCodecException e =
        rejects(
            v,
            Reason.UNKNOWN_PROTOCOL_VERSION,
            "unknown protocol version",
            "found 13",
            "expected 14");
    assertEquals(e.offset(), 1);
    assertEquals(e.field(), "protocol version");
    v[1] = 15;
    rejects(v, Reason.UNKNOWN_PROTOCOL_VERSION, "found 15", "expected 14");
    v[1] = (byte) 0x8e;
    rejects(v, Reason.UNKNOWN_PROTOCOL_VERSION, "found 142");
  }

  @Test
  public void everyPrefixOfAStampIsTruncated() {
    byte[] v = stepDown();
    rejects(Arrays.copyOf(v, 0), Reason.NULL_OR_EMPTY);
    EnvelopeCodecException e =
        rejects(Arrays.copyOf(v, 1), Reason.TRUNCATED, "truncated", "protocol version");
    assertEquals(e.offset(), 1);
    for (int len = 2; len < v.length; len++) {
      rejects(Arrays.copyOf(v, len), Reason.TRUNCATED, "truncated body");
    }
    EnvelopeCodec.decode(v); // the whole value is fine
  }

  @Test
  public void truncationNamesTheFieldItCutThrough() {
    byte[] v = stepDown();
    EnvelopeCodecException e = rejects(Arrays.copyOf(v, 2), Reason.TRUNCATED, "messageType");
    assertEquals(e.field(), "messageType");
    assertEquals(e.offset(), 2);
    assertTrue(
        e.getMessage().contains("needs 1 byte(s) at offset 2 but only 0 remain"), e.toString());
    assertTrue(e.getMessage().contains("(value length 2)"), e.toString());
    e = rejects(Arrays.copyOf(v, 3 + 10), Reason.TRUNCATED, "producerGUID");
    assertTrue(
        e.getMessage().contains("needs 16 byte(s) at offset 3 but only 10 remain"), e.toString());
    // Cut inside the hostName's bytes: the length says 11, fewer remain.
    int hostStart = hex(v).indexOf(hex("host-a:1234".getBytes())) / 2;
    e = rejects(Arrays.copyOf(v, hostStart + 5), Reason.TRUNCATED, "LeaderMetadata.hostName");
    assertEquals(e.field(), "LeaderMetadata.hostName");
    assertTrue(e.getMessage().contains("needs 11 byte(s) at offset " + hostStart), e.toString());
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
  public void truncationRightAfterAFieldNamesTheNextField() {
    byte[] v = stepDown();
    rejects(Arrays.copyOf(v, 2 + 1 + 16), Reason.TRUNCATED, "producerMetadata.segmentNumber");
    int hostStart = hex(v).indexOf(hex("host-a:1234".getBytes())) / 2;
    rejects(Arrays.copyOf(v, hostStart + 11), Reason.TRUNCATED, "LeaderMetadata.upstreamOffset");
  }

  /** A control message of type EndOfPush up to its debugInfo, then {@code debugInfo}. */
  private static byte[] withDebugInfo(HandWriter debugInfo) {
    return new HandWriter()
        .raw(23, 14)
        .varint(2)
        .raw(GUID)
        .varint(0)
        .varint(0)
        .varint(1L)
        .varint(-1L)
        .varint(3) // ControlMessage
        .varint(1) // EndOfPush type
        .raw(debugInfo.toByteArray())
        .varint(1) // EndOfPush
        .varint(0) // no footer
        .toByteArray();
  }

  @Test
  public void malformedBlocks() {
    EnvelopeCodecException e =
        rejects(
            withDebugInfo(new HandWriter().varint(Long.MIN_VALUE)),
            Reason.MALFORMED,
            "malformed block count for ControlMessage.debugInfo");
    assertEquals(e.offset(), 2 + 1 + 16 + 1 + 1 + 1 + 1 + 1 + 1);
    rejects(
        withDebugInfo(new HandWriter().varint(-1).varint(-5)),
        Reason.MALFORMED,
        "negative block size -5 for ControlMessage.debugInfo");
    // A block size of 0 is not checked against the items, as Avro does not check it either.
    byte[] sizeZero =
        withDebugInfo(new HandWriter().varint(-1).varint(0).string("k").string("v").varint(0));
    assertEquals(
        ((ControlMessage) EnvelopeCodec.decode(sizeZero).payload()).debugInfo(), Map.of("k", "v"));
    rejects(
        withDebugInfo(new HandWriter().varint(100)),
        Reason.TRUNCATED,
        "ControlMessage.debugInfo (items of a block) needs 100 byte(s)");
  }

  @Test
  public void aMapInSeveralBlocksKeepsEveryEntry() {
    byte[] twoBlocks =
        withDebugInfo(
            new HandWriter()
                .varint(1)
                .string("a")
                .string("1")
                .varint(1)
                .string("b")
                .string("2")
                .varint(0));
    assertEquals(
        ((ControlMessage) EnvelopeCodec.decode(twoBlocks).payload()).debugInfo(),
        Map.of("a", "1", "b", "2"));
  }

  @Test
  public void everyPrefixOfOtherRecordsIsTruncated() {
    byte[][] values = {
      Values.put(GUID, 300, 70_000, 5L, new byte[200], 99, 12L, "w"),
      Values.put(GUID, 1, 2, 5L, new byte[] {1}, 1, -1L, null),
      Values.put(GUID, 1, 2, 5L, new byte[] {1}, 1, -1L, "venice-leader"),
      Values.control(GUID, 1, 2, 5L, 1, new EndOfPush(), 3L, "w"),
      Values.control(GUID, 1, 2, 5L, 0, StartOfPush.defaults(), -1L, null),
      EnvelopeCodec.encode(
          Values.stamp("4a5ead6ef3a932f0864e3b7c324c9275", 1L << 40, -1, "dol", 9L, 0)),
      EnvelopeCodec.encode(Values.stamp("81545f3cbd093909a467a583ef39e468", 2, 0, "", 0L, 0)),
    };
    for (byte[] v : values) {
      EnvelopeCodec.decode(v);
      for (int len = 1; len < v.length; len++) {
        rejects(Arrays.copyOf(v, len), Reason.TRUNCATED, "truncated");
      }
    }
  }

  @Test
  public void unknownPayloadUnionBranch() {
    byte[] v = HandWriter.stamp(STEP_DOWN_GUID, 1L, 0, "h", 0, 1L, 4, 2, 1);
    EnvelopeCodecException e =
        rejects(v, Reason.UNKNOWN_UNION_BRANCH, "unknown union branch 4", "payloadUnion", "0..3");
    assertEquals(e.field(), "payloadUnion");
    assertEquals(e.offset(), 2 + 1 + 16 + 1 + 1 + 1 + 1);
    assertTrue(e.getMessage().contains("at offset " + e.offset()), e.getMessage());
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
  public void unknownNestedUnionBranchInAControlPayload() {
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
    EnvelopeCodecException e =
        rejects(
            Arrays.copyOf(v, v.length + 1), Reason.TRAILING_BYTES, "trailing bytes", "1 byte(s)");
    assertEquals(e.offset(), v.length);
    assertNull(e.field());
    assertTrue(e.getMessage().contains("(value length " + (v.length + 1) + ")"), e.getMessage());
    byte[] five = Arrays.copyOf(v, v.length + 5);
    Arrays.fill(five, v.length, five.length, (byte) 0x55);
    rejects(five, Reason.TRAILING_BYTES, "5 byte(s)", "offset " + v.length);
    byte[] put = Values.put(new byte[16], 0, 0, 0L, new byte[0], 1, -1L, null);
    rejects(Arrays.copyOf(put, put.length + 2), Reason.TRAILING_BYTES, "2 byte(s)");
  }

  @Test
  public void malformedEncodings() {
    // messageType as an int varint of six bytes
    byte[] overlong =
        new HandWriter().raw(23, 14).raw(0xff, 0xff, 0xff, 0xff, 0xff, 0x01).toByteArray();
    EnvelopeCodecException e =
        rejects(overlong, Reason.MALFORMED, "malformed int varint", "messageType", "offset 2");
    assertEquals(e.offset(), 2);
    assertEquals(e.field(), "messageType");

    // messageTimestamp as a long varint of eleven bytes
    byte[] overlongLong =
        new HandWriter()
            .raw(23, 14)
            .varint(0)
            .raw(new byte[16])
            .varint(0)
            .varint(0)
            .raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)
            .raw(new byte[20])
            .toByteArray();
    e =
        rejects(
            overlongLong,
            Reason.MALFORMED,
            "malformed long varint for producerMetadata.messageTimestamp at offset 21");
    assertEquals(e.offset(), 21);

    // negative hostName length
    byte[] v = stepDown();
    int hostLenAt = hex(v).indexOf(hex("host-a:1234".getBytes())) / 2 - 1;
    assertEquals(v[hostLenAt], (byte) 0x16);
    v[hostLenAt] = 0x03; // zig-zag -2
    e = rejects(v, Reason.MALFORMED, "negative length -2", "hostName", "offset " + hostLenAt);
    assertEquals(e.offset(), hostLenAt);

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
    byte[] sop = Values.control(new byte[16], 0, 0, 0L, 0, StartOfPush.defaults(), -1L, null);
    int sortedAt = sop.length - 1 - 5; // sorted, chunked, strategy, dict index, policy, footer
    assertEquals(sop[sortedAt], 0);
    sop[sortedAt] = 2;
    e = rejects(sop, Reason.MALFORMED, "malformed boolean", "StartOfPush.sorted");
    assertTrue(e.getMessage().endsWith(": byte 2"), e.getMessage());
    assertEquals(e.offset(), sortedAt);
    assertTrue(e.getMessage().contains("at offset " + sortedAt), e.getMessage());
  }

  @Test
  public void invalidGuidLengthOnEncode() {
    EnvelopeCodecException e =
        expectThrows(
            EnvelopeCodecException.class,
            () -> Values.put(new byte[8], 0, 0, 0L, new byte[0], 1, -1L, null));
    assertEquals(e.reason(), Reason.INVALID_GUID_LENGTH);
    assertTrue(e.getMessage().contains("invalid GUID length"), e.getMessage());
  }

  @DataProvider
  public Object[][] fuzzSeeds() {
    return new Object[][] {{1L}, {2L}, {3L}};
  }

  /**
   * Random corruptions of valid values: decoding either succeeds or throws EnvelopeCodecException,
   * never anything else; and whatever it accepts, Avro's reader accepts too, with every byte
   * consumed and the same term.
   */
  @Test(dataProvider = "fuzzSeeds")
  public void corruptedValuesEitherDecodeLikeAvroOrThrowTheCodecException(long seed)
      throws IOException {
    Schema schema = AvroSupport.resourceSchema();
    Random random = new Random(seed);
    byte[][] bases = {
      stepDown(),
      Values.put(GUID, 3, 4, 5L, new byte[] {1, 2, 3}, 6, 7L, "w"),
      Values.control(new byte[16], 1, 1, 1L, 0, StartOfPush.defaults(), 2L, "x"),
      Values.control(new byte[16], 1, 1, 1L, 1, new EndOfPush(), -1L, null),
      Values.put(GUID, 3, 4, 5L, new byte[] {4}, 6, -1L, "venice-leader"),
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
      Envelope d;
      try {
        d = EnvelopeCodec.decode(v);
      } catch (EnvelopeCodecException expected) {
        byte[] rejected = v;
        expectThrows(EnvelopeCodecException.class, () -> EnvelopeCodec.summarize(rejected));
        continue;
      } catch (RuntimeException other) {
        fail("not an EnvelopeCodecException for " + hex(v), other);
        return;
      }
      accepted++;
      assertEquals(EnvelopeCodec.summarize(v), d.summary(), hex(v));
      assertEquals(EnvelopeCodec.decode(EnvelopeCodec.encode(d)), d, "round-trips: " + hex(v));
      GenericRecord r = AvroSupport.readWithAvro(schema, v);
      GenericRecord footer = (GenericRecord) r.get("leaderMetadataFooter");
      assertEquals(d.term(), footer == null ? -1L : (long) (Long) footer.get("termId"), hex(v));
      assertEquals(d.messageType(), r.get("messageType"), hex(v));
      GenericRecord pm = (GenericRecord) r.get("producerMetadata");
      assertEquals(
          d.producerMetadata().producerGuid(),
          ((GenericData.Fixed) pm.get("producerGUID")).bytes());
      assertEquals(d.producerMetadata().messageTimestamp(), pm.get("messageTimestamp"));
      if (footer != null) {
        assertEquals(d.writerId(), footer.get("hostName").toString());
        assertEquals(
            d.leaderMetadata().upstreamPubSubPosition(),
            AvroSupport.bytes((ByteBuffer) footer.get("upstreamPubSubPosition")));
      }
    }
    assertTrue(accepted > 100, "the fuzzer should also produce valid values, got " + accepted);
  }
}
