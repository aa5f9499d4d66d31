package io.handoff.stamp;

import static io.handoff.codec.HandWriter.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.codec.ChecksumType;
import io.handoff.codec.ControlMessage;
import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.EnvelopeCodecException;
import io.handoff.codec.EnvelopeSummary;
import io.handoff.codec.HandWriter;
import io.handoff.codec.RecordKeys;
import io.handoff.codec.StartOfSegment;
import io.handoff.codec.Values;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/** The stamps' values on the envelope codec, and the decode policy of the observer's records. */
public class StampsTest {

  private static final long TS = 1_700_000_000_000L;
  private static final String STEP_DOWN_GUID = "b203f86bede03a879b4067e1141f2ee4";
  private static final String DOL_GUID = "4a5ead6ef3a932f0864e3b7c324c9275";
  private static final String HEARTBEAT_GUID = "81545f3cbd093909a467a583ef39e468";

  /** Step-down, term 7, cluster 3, writer "host-a:1234", timestamp 1700000000000: every byte. */
  private static final String STEP_DOWN_VALUE_HEX =
      "170e04"
          + STEP_DOWN_GUID
          + "000080a0abfef9620106040004000002"
          + "16"
          + hex("host-a:1234".getBytes(StandardCharsets.US_ASCII))
          + "0106082201030"
          + "00e01";

  private final Stamps stamps = new Stamps();

  @Test
  public void stepDownValueIsByteForByteTheSpecifiedLayout() {
    byte[] value = stamps.encode(StampKind.STEP_DOWN, 7, 3, "host-a:1234", TS);
    assertEquals(hex(value), STEP_DOWN_VALUE_HEX);
    assertEquals(value, HandWriter.stamp(STEP_DOWN_GUID, TS, 0, "host-a:1234", 3, 7));
  }

  @DataProvider
  public Object[][] stamps() {
    return new Object[][] {
      {StampKind.STEP_DOWN, STEP_DOWN_GUID, 1L, 0, "h", 0L, ChecksumType.NONE},
      {
        StampKind.STEP_DOWN,
        STEP_DOWN_GUID,
        Long.MAX_VALUE,
        -5,
        "",
        Long.MIN_VALUE,
        ChecksumType.CRC32
      },
      {
        StampKind.STEP_DOWN,
        STEP_DOWN_GUID,
        64L,
        Integer.MIN_VALUE,
        "hôte-\u65e5",
        -1L,
        ChecksumType.ADHASH
      },
      {
        StampKind.DECLARATION_OF_LEADERSHIP,
        DOL_GUID,
        8L,
        1,
        "new-leader",
        TS + 1,
        ChecksumType.NONE
      },
      {
        StampKind.HEARTBEAT,
        HEARTBEAT_GUID,
        9L,
        Integer.MAX_VALUE,
        "leader",
        TS + 2,
        ChecksumType.MD5
      },
    };
  }

  @Test(dataProvider = "stamps")
  public void stampsMatchHandBuiltValues(
      StampKind kind,
      String guidHex,
      long term,
      int cluster,
      String writer,
      long ts,
      ChecksumType checksum) {
    Stamps s = new Stamps(checksum);
    assertEquals(s.checksumType(), checksum);
    byte[] value = s.encode(kind, term, cluster, writer, ts);
    assertEquals(
        hex(value),
        hex(HandWriter.stamp(guidHex, ts, checksum.wireNumber(), writer, cluster, term)));
    Envelope d = EnvelopeCodec.decode(value);
    assertEquals(d, s.envelope(kind, term, cluster, writer, ts));
    assertEquals(d.messageType(), 2);
    assertTrue(d.producerMetadata().producerGuidEquals(kind.guid()));
    assertEquals(d.producerMetadata().segmentNumber(), 0);
    assertEquals(d.producerMetadata().messageSequenceNumber(), 0);
    assertEquals(d.producerMetadata().messageTimestamp(), ts);
    assertEquals(d.producerMetadata().logicalTimestamp(), -1L);
    ControlMessage cm = (ControlMessage) d.payload();
    assertEquals(cm.controlMessageType(), 2);
    assertEquals(cm.debugInfo(), Map.of());
    assertEquals(cm.body(), new StartOfSegment(checksum.wireNumber(), List.of()));
    assertEquals(d.writerId(), writer);
    assertEquals(d.leaderMetadata().upstreamOffset(), -1L);
    assertEquals(d.leaderMetadata().upstreamKafkaClusterId(), cluster);
    assertEquals(d.leaderMetadata().upstreamPubSubPosition(), Stamps.earliestPubSubPosition());
    assertEquals(d.term(), term);
    assertEquals(d.leaderMetadata().upstreamMessageTimestamp(), -1L);
    assertTrue(Stamps.hasStampShape(EnvelopeCodec.summarize(value)));
    assertEquals(StampRecords.decodeRecord(kind.key(), value), d.summary());
  }

  @Test
  public void earliestPositionIsACopy() {
    byte[] a = Stamps.earliestPubSubPosition();
    assertEquals(hex(a), "22010300");
    a[0] = 9;
    assertEquals(hex(Stamps.earliestPubSubPosition()), "22010300");
  }

  @Test
  public void argumentsAreChecked() {
    expectThrows(
        IllegalArgumentException.class, () -> stamps.encode(StampKind.STEP_DOWN, 0L, 1, "w", 1L));
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class,
            () -> stamps.encode(StampKind.HEARTBEAT, -1L, 1, "w", 1L));
    assertEquals(e.getMessage(), "a HEARTBEAT stamp needs a term > 0, got -1");
    NullPointerException npe =
        expectThrows(
            NullPointerException.class, () -> stamps.encode(StampKind.STEP_DOWN, 1L, 1, null, 1L));
    assertEquals(npe.getMessage(), "writerId is null");
    npe = expectThrows(NullPointerException.class, () -> stamps.encode(null, 1L, 1, "w", 1L));
    assertEquals(npe.getMessage(), "kind is null");
    npe = expectThrows(NullPointerException.class, () -> new Stamps(null));
    assertEquals(npe.getMessage(), "checksumType is null");
  }

  /** Only a StartOfSegment control message with a footer has the shape of a stamp. */
  @Test
  public void stampShape() {
    assertTrue(Stamps.hasStampShape(summary(2, 2, "w")));
    assertFalse(Stamps.hasStampShape(summary(2, 2, null)), "no footer");
    assertFalse(Stamps.hasStampShape(summary(1, 1, "w")), "EndOfPush");
    assertTrue(Stamps.hasStampShape(summary(2, 1, "w")), "the type is checked, not the branch");
    byte[] put = Values.put(new byte[16], 0, 0, 0L, new byte[0], 1, 5L, "w");
    assertFalse(Stamps.hasStampShape(EnvelopeCodec.summarize(put)), "a put");
  }

  private static EnvelopeSummary summary(int type, int branch, String writer) {
    return EnvelopeCodec.summarize(
        EnvelopeValues.encodeControl(new byte[16], 0, 0, 0L, type, branch, 5L, writer));
  }

  @Test
  public void decodeRecordAttributesDataToItsWriter() {
    byte[] put = Values.put(new byte[16], 2, 3, 4L, new byte[] {7}, 1, -1L, "venice-leader-1");
    EnvelopeSummary record = StampRecords.decodeRecord(RecordKeys.dataKey(new byte[] {1}), put);
    assertEquals(record.writerId(), "venice-leader-1", "the writer id the observer is given");
    assertEquals(record.term(), -1L, "the term the observer is given");
    byte[] anonymous = Values.put(new byte[16], 2, 3, 4L, new byte[] {7}, 1, -1L, null);
    assertNull(StampRecords.decodeRecord(new byte[] {0}, anonymous).writerId());
  }

  @Test
  public void decodeRecordRejectsAMissingKeyAndAStampKeyOnAnotherShape() {
    byte[] stamp = stamps.encode(StampKind.STEP_DOWN, 7, 3, "host-a:1234", TS);
    EnvelopeCodecException e =
        expectThrows(EnvelopeCodecException.class, () -> StampRecords.decodeRecord(null, stamp));
    assertEquals(e.reason(), EnvelopeCodecException.Reason.MALFORMED);
    assertEquals(e.getMessage(), "the record has no key");

    byte[] endOfPush = EnvelopeValues.encodeControl(new byte[16], 0, 0, 0L, 1, 1, 7L, "host-a");
    e =
        expectThrows(
            EnvelopeCodecException.class,
            () -> StampRecords.decodeRecord(StampKind.STEP_DOWN.key(), endOfPush));
    assertEquals(e.reason(), EnvelopeCodecException.Reason.MALFORMED);
    assertEquals(
        e.getMessage(),
        "the key is a STEP_DOWN stamp key but the value is not a stamp (message type 2, control"
            + " type 1)");
    // The same value under a data key is an ordinary control message.
    assertEquals(StampRecords.decodeRecord(new byte[] {0}, endOfPush).writerId(), "host-a");
    // A bad value is rejected for what is wrong with it, whatever the key.
    byte[] bad = stamp.clone();
    bad[1] = 13;
    assertEquals(
        expectThrows(
                EnvelopeCodecException.class,
                () -> StampRecords.decodeRecord(StampKind.STEP_DOWN.key(), bad))
            .reason(),
        EnvelopeCodecException.Reason.UNKNOWN_PROTOCOL_VERSION);
  }
}
