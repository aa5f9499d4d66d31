package io.handoff.stamp;

import static io.handoff.stamp.HandWriter.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/** The step-down stamp's exact bytes, and its agreement with Avro's own reader and writer. */
public class StampCodecWireTest {

  private static final long TS = 1_700_000_000_000L;
  private static final String STEP_DOWN_GUID = "b203f86bede03a879b4067e1141f2ee4";
  private static final String DOL_GUID = "4a5ead6ef3a932f0864e3b7c324c9275";
  private static final String HEARTBEAT_GUID = "81545f3cbd093909a467a583ef39e468";

  private final StampCodec codec = new StampCodec();

  /** Step-down, term 7, cluster 3, writer "host-a:1234", timestamp 1700000000000: every byte. */
  private static final String STEP_DOWN_VALUE_HEX =
      "17" // magic byte 23
          + "0e" // protocol version 14
          + "04" // messageType 2 (zig-zag)
          + STEP_DOWN_GUID // producerGUID
          + "00" // segmentNumber 0
          + "00" // messageSequenceNumber 0
          + "80a0abfef962" // messageTimestamp 1700000000000
          + "01" // logicalTimestamp -1
          + "06" // payloadUnion branch 3: ControlMessage
          + "04" // controlMessageType 2: StartOfSegment
          + "00" // debugInfo: empty map
          + "04" // controlMessageUnion branch 2: StartOfSegment
          + "00" // checksumType 0
          + "00" // upcomingAggregates: empty array
          + "02" // leaderMetadataFooter branch 1: LeaderMetadata
          + "16" // hostName length 11
          + hex("host-a:1234".getBytes(StandardCharsets.US_ASCII))
          + "01" // upstreamOffset -1
          + "06" // upstreamKafkaClusterId 3
          + "08" // upstreamPubSubPosition length 4
          + "22010300" // "earliest": magic 34, version 1, type -2, rawBytes empty
          + "0e" // termId 7
          + "01"; // upstreamMessageTimestamp -1

  @Test
  public void stepDownValueIsByteForByteTheSpecifiedLayout() {
    byte[] value = codec.encodeStamp(StampKind.STEP_DOWN, 7, 3, "host-a:1234", TS);
    assertEquals(hex(value), STEP_DOWN_VALUE_HEX);
    assertEquals(value, HandWriter.stamp(STEP_DOWN_GUID, TS, 0, "host-a:1234", 3, 7));
  }

  @DataProvider
  public Object[][] stamps() {
    return new Object[][] {
      {StampKind.STEP_DOWN, STEP_DOWN_GUID, 1L, 0, "h", 0L, 0},
      {StampKind.STEP_DOWN, STEP_DOWN_GUID, 123_456_789_012L, 70_000, "host-b.example:9000", TS, 0},
      {StampKind.STEP_DOWN, STEP_DOWN_GUID, Long.MAX_VALUE, -5, "", Long.MIN_VALUE, 3},
      {StampKind.STEP_DOWN, STEP_DOWN_GUID, 64L, Integer.MIN_VALUE, "hôte-é-\u65e5", -1L, 4},
      {StampKind.DECLARATION_OF_LEADERSHIP, DOL_GUID, 8L, 1, "new-leader", TS + 1, 0},
      {StampKind.HEARTBEAT, HEARTBEAT_GUID, 9L, Integer.MAX_VALUE, "leader", TS + 2, 1},
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
      int checksum) {
    StampCodec c = new StampCodec(checksum);
    byte[] value = c.encodeStamp(kind, term, cluster, writer, ts);
    assertEquals(hex(value), hex(HandWriter.stamp(guidHex, ts, checksum, writer, cluster, term)));

    DecodedEnvelope d = c.decode(value);
    assertEquals(d.messageType(), 2);
    assertEquals(hex(d.producerGuid()), guidHex);
    assertTrue(d.producerGuidEquals(kind.guid()));
    assertEquals(d.segmentNumber(), 0);
    assertEquals(d.messageSequenceNumber(), 0);
    assertEquals(d.messageTimestamp(), ts);
    assertEquals(d.logicalTimestamp(), -1L);
    assertTrue(d.isControlMessage());
    assertEquals(d.payloadUnionBranch(), 3);
    assertEquals(d.controlMessageType(), 2);
    assertEquals(d.controlMessageUnionBranch(), 2);
    assertEquals(d.debugInfo(), Map.of());
    assertEquals(d.checksumType(), checksum);
    assertEquals(d.upcomingAggregates(), List.of());
    assertTrue(d.hasLeaderMetadataFooter());
    assertEquals(d.hostName(), writer);
    assertEquals(d.upstreamOffset(), -1L);
    assertEquals(d.upstreamKafkaClusterId(), cluster);
    assertEquals(hex(d.upstreamPubSubPosition()), "22010300");
    assertEquals(d.termId(), term);
    assertEquals(d.term(), term);
    assertEquals(c.readTerm(value), term);
    assertEquals(d.upstreamMessageTimestamp(), -1L);
  }

  @Test
  public void stepDownDecodesToSectionThreeValues() {
    DecodedEnvelope d = codec.decode(hex(STEP_DOWN_VALUE_HEX));
    assertEquals(d.messageType(), StampCodec.MESSAGE_TYPE_CONTROL_MESSAGE);
    assertEquals(hex(d.producerGuid()), STEP_DOWN_GUID);
    assertEquals(d.segmentNumber(), 0);
    assertEquals(d.messageSequenceNumber(), 0);
    assertEquals(d.messageTimestamp(), TS);
    assertEquals(d.logicalTimestamp(), -1L, "logicalTimestamp must be -1");
    assertEquals(d.payloadUnionBranch(), StampCodec.PAYLOAD_CONTROL_MESSAGE);
    assertFalse(d.isPut());
    assertEquals(d.schemaId(), -1);
    assertEquals(d.valueLength(), -1);
    assertEquals(d.value(), null);
    assertEquals(d.controlMessageType(), StampCodec.CONTROL_START_OF_SEGMENT);
    assertEquals(d.controlMessageUnionBranch(), StampCodec.CONTROL_START_OF_SEGMENT);
    assertTrue(d.debugInfo().isEmpty());
    assertEquals(d.checksumType(), StampCodec.CHECKSUM_NONE);
    assertTrue(d.upcomingAggregates().isEmpty());
    assertTrue(d.hasLeaderMetadataFooter());
    assertEquals(d.hostName(), "host-a:1234");
    assertEquals(d.upstreamOffset(), -1L);
    assertEquals(d.upstreamKafkaClusterId(), 3);
    assertEquals(d.upstreamPubSubPosition(), new byte[] {0x22, 0x01, 0x03, 0x00});
    assertEquals(d.termId(), 7L);
    assertEquals(d.term(), 7L);
    assertEquals(d.upstreamMessageTimestamp(), -1L, "upstreamMessageTimestamp must be -1, not 0");
  }

  @Test
  public void vtpHeaderIsTheEnvelopeSchemaAndReadsTheStampWithAvro() throws IOException {
    assertEquals(StampCodec.VTP_HEADER, "vtp");
    byte[] header = codec.vtpHeaderValue();
    Schema writerSchema = new Schema.Parser().parse(new String(header, StandardCharsets.UTF_8));
    assertEquals(
        writerSchema.getFullName(), "com.linkedin.venice.kafka.protocol.KafkaMessageEnvelope");
    assertEquals(writerSchema, resourceSchema(), "vtp header must be the v14 schema file");
    assertEquals(writerSchema, StampCodec.envelopeSchema());

    byte[] value = codec.encodeStamp(StampKind.STEP_DOWN, 7, 3, "host-a:1234", TS);
    GenericRecord r = readWithAvro(writerSchema, value);

    assertEquals(r.get("messageType"), 2);
    GenericRecord pm = (GenericRecord) r.get("producerMetadata");
    assertEquals(hex(((GenericData.Fixed) pm.get("producerGUID")).bytes()), STEP_DOWN_GUID);
    assertEquals(pm.get("segmentNumber"), 0);
    assertEquals(pm.get("messageSequenceNumber"), 0);
    assertEquals(pm.get("messageTimestamp"), TS);
    assertEquals(pm.get("logicalTimestamp"), -1L);

    GenericRecord cm = (GenericRecord) r.get("payloadUnion");
    assertEquals(cm.getSchema().getName(), "ControlMessage");
    assertEquals(cm.get("controlMessageType"), 2);
    assertEquals(((Map<?, ?>) cm.get("debugInfo")).size(), 0);
    GenericRecord sos = (GenericRecord) cm.get("controlMessageUnion");
    assertEquals(sos.getSchema().getName(), "StartOfSegment");
    assertEquals(sos.get("checksumType"), 0);
    assertEquals(((List<?>) sos.get("upcomingAggregates")).size(), 0);

    GenericRecord lm = (GenericRecord) r.get("leaderMetadataFooter");
    assertEquals(lm.getSchema().getName(), "LeaderMetadata");
    assertEquals(lm.get("hostName").toString(), "host-a:1234");
    assertEquals(lm.get("upstreamOffset"), -1L);
    assertEquals(lm.get("upstreamKafkaClusterId"), 3);
    assertEquals(bytes((ByteBuffer) lm.get("upstreamPubSubPosition")), hex("22010300"));
    assertEquals(lm.get("termId"), 7L);
    assertEquals(lm.get("upstreamMessageTimestamp"), -1L);
  }

  @Test
  public void avroGenericWriterProducesTheSameStepDownBytes() throws IOException {
    Schema s = resourceSchema();
    Schema pmS = s.getField("producerMetadata").schema();
    Schema cmS = s.getField("payloadUnion").schema().getTypes().get(3);
    Schema sosS = cmS.getField("controlMessageUnion").schema().getTypes().get(2);
    Schema lmS = s.getField("leaderMetadataFooter").schema().getTypes().get(1);

    GenericRecord pm = new GenericData.Record(pmS);
    pm.put(
        "producerGUID",
        new GenericData.Fixed(pmS.getField("producerGUID").schema(), hex(STEP_DOWN_GUID)));
    pm.put("segmentNumber", 0);
    pm.put("messageSequenceNumber", 0);
    pm.put("messageTimestamp", TS);
    pm.put("logicalTimestamp", -1L);
    GenericRecord sos = new GenericData.Record(sosS);
    sos.put("checksumType", 0);
    sos.put("upcomingAggregates", List.of());
    GenericRecord cm = new GenericData.Record(cmS);
    cm.put("controlMessageType", 2);
    cm.put("debugInfo", Map.of());
    cm.put("controlMessageUnion", sos);
    GenericRecord lm = new GenericData.Record(lmS);
    lm.put("hostName", "host-a:1234");
    lm.put("upstreamOffset", -1L);
    lm.put("upstreamKafkaClusterId", 3);
    lm.put("upstreamPubSubPosition", ByteBuffer.wrap(hex("22010300")));
    lm.put("termId", 7L);
    lm.put("upstreamMessageTimestamp", -1L);
    GenericRecord env = new GenericData.Record(s);
    env.put("messageType", 2);
    env.put("producerMetadata", pm);
    env.put("payloadUnion", cm);
    env.put("leaderMetadataFooter", lm);

    assertEquals(hex(writeWithAvro(s, env)), STEP_DOWN_VALUE_HEX);
  }

  // -------------------------------------------------------------------------------- helpers

  static Schema resourceSchema() throws IOException {
    try (InputStream in =
        StampCodecWireTest.class.getResourceAsStream(
            "/io/handoff/stamp/KafkaMessageEnvelope-v14.avsc")) {
      return new Schema.Parser().parse(in);
    }
  }

  /** Reads value[2..] with Avro's GenericDatumReader and checks it consumed every byte. */
  static GenericRecord readWithAvro(Schema schema, byte[] value) throws IOException {
    assertEquals(value[0], (byte) 23);
    assertEquals(value[1], (byte) 14);
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, 2, value.length - 2, null);
    GenericRecord r = new GenericDatumReader<GenericRecord>(schema).read(null, decoder);
    assertTrue(decoder.isEnd(), "Avro must consume the whole value");
    return r;
  }

  /** [23][14] + the Avro binary of {@code record} written by Avro's GenericDatumWriter. */
  static byte[] writeWithAvro(Schema schema, GenericRecord record) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(23);
    out.write(14);
    BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, e);
    e.flush();
    return out.toByteArray();
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
