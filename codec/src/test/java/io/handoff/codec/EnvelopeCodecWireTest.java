package io.handoff.codec;

import static io.handoff.codec.AvroSupport.bytes;
import static io.handoff.codec.AvroSupport.readWithAvro;
import static io.handoff.codec.AvroSupport.resourceSchema;
import static io.handoff.codec.AvroSupport.writeWithAvro;
import static io.handoff.codec.HandWriter.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/** A stamp's exact bytes, the schema the codec follows, and agreement with Avro. */
public class EnvelopeCodecWireTest {

  private static final long TS = 1_700_000_000_000L;
  private static final String STEP_DOWN_GUID = "b203f86bede03a879b4067e1141f2ee4";
  private static final String DOL_GUID = "4a5ead6ef3a932f0864e3b7c324c9275";
  private static final String HEARTBEAT_GUID = "81545f3cbd093909a467a583ef39e468";

  /** Step-down, term 7, cluster 3, writer "host-a:1234", timestamp 1700000000000: every byte. */
  static final String STEP_DOWN_VALUE_HEX =
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

  private static byte[] stepDown() {
    return EnvelopeCodec.encode(Values.stamp(STEP_DOWN_GUID, 7, 3, "host-a:1234", TS, 0));
  }

  @Test
  public void stepDownValueIsByteForByteTheSpecifiedLayout() {
    byte[] value = stepDown();
    assertEquals(hex(value), STEP_DOWN_VALUE_HEX);
    assertEquals(value, HandWriter.stamp(STEP_DOWN_GUID, TS, 0, "host-a:1234", 3, 7));
  }

  @DataProvider
  public Object[][] stamps() {
    return new Object[][] {
      {STEP_DOWN_GUID, 1L, 0, "h", 0L, 0},
      {STEP_DOWN_GUID, 123_456_789_012L, 70_000, "host-b.example:9000", TS, 0},
      {STEP_DOWN_GUID, Long.MAX_VALUE, -5, "", Long.MIN_VALUE, 3},
      {STEP_DOWN_GUID, 64L, Integer.MIN_VALUE, "hôte-é-\u65e5", -1L, 4},
      {DOL_GUID, 8L, 1, "new-leader", TS + 1, 0},
      {HEARTBEAT_GUID, 9L, Integer.MAX_VALUE, "leader", TS + 2, 1},
    };
  }

  @Test(dataProvider = "stamps")
  public void stampsMatchHandBuiltValues(
      String guidHex, long term, int cluster, String writer, long ts, int checksum) {
    Envelope stamp = Values.stamp(guidHex, term, cluster, writer, ts, checksum);
    byte[] value = EnvelopeCodec.encode(stamp);
    assertEquals(hex(value), hex(HandWriter.stamp(guidHex, ts, checksum, writer, cluster, term)));

    Envelope d = EnvelopeCodec.decode(value);
    assertEquals(d, stamp);
    assertEquals(d.messageType(), 2);
    assertEquals(hex(d.producerMetadata().producerGuid()), guidHex);
    assertTrue(d.producerMetadata().producerGuidEquals(HandWriter.hex(guidHex)));
    assertEquals(d.producerMetadata().segmentNumber(), 0);
    assertEquals(d.producerMetadata().messageSequenceNumber(), 0);
    assertEquals(d.producerMetadata().messageTimestamp(), ts);
    assertEquals(d.producerMetadata().logicalTimestamp(), -1L);
    ControlMessage cm = (ControlMessage) d.payload();
    assertEquals(cm.branch(), PayloadBranch.CONTROL_MESSAGE);
    assertEquals(cm.branch().unionIndex(), 3);
    assertEquals(cm.controlMessageType(), 2);
    assertEquals(cm.body().type().wireNumber(), 2);
    assertEquals(cm.debugInfo(), Map.of());
    StartOfSegment sos = (StartOfSegment) cm.body();
    assertEquals(sos.checksumType(), checksum);
    assertEquals(sos.upcomingAggregates(), List.of());
    assertTrue(d.hasLeaderMetadata());
    LeaderMetadata m = d.leaderMetadata();
    assertEquals(m.hostName(), writer);
    assertEquals(d.writerId(), writer);
    assertEquals(m.upstreamOffset(), -1L);
    assertEquals(m.upstreamKafkaClusterId(), cluster);
    assertEquals(hex(m.upstreamPubSubPosition()), "22010300");
    assertEquals(m.termId(), term);
    assertEquals(d.term(), term);
    assertEquals(EnvelopeCodec.readTerm(value), term);
    assertEquals(m.upstreamMessageTimestamp(), -1L);
    assertEquals(EnvelopeCodec.summarize(value), d.summary());
    assertTrue(
        EnvelopeCodec.summarize(value).isControlMessageOf(ControlMessageType.START_OF_SEGMENT));
  }

  @Test
  public void stepDownDecodesToSectionThreeValues() {
    Envelope d = EnvelopeCodec.decode(hex(STEP_DOWN_VALUE_HEX));
    assertEquals(d.messageType(), MessageType.CONTROL_MESSAGE.wireNumber());
    assertEquals(hex(d.producerMetadata().producerGuid()), STEP_DOWN_GUID);
    assertEquals(d.producerMetadata().segmentNumber(), 0);
    assertEquals(d.producerMetadata().messageSequenceNumber(), 0);
    assertEquals(d.producerMetadata().messageTimestamp(), TS);
    assertEquals(d.producerMetadata().logicalTimestamp(), -1L, "logicalTimestamp must be -1");
    assertEquals(d.payload().branch(), PayloadBranch.CONTROL_MESSAGE);
    assertFalse(d.payload() instanceof Put);
    ControlMessage cm = (ControlMessage) d.payload();
    assertEquals(cm.controlMessageType(), ControlMessageType.START_OF_SEGMENT.wireNumber());
    assertEquals(cm.body().type(), ControlMessageType.START_OF_SEGMENT);
    assertTrue(cm.debugInfo().isEmpty());
    StartOfSegment sos = (StartOfSegment) cm.body();
    assertEquals(sos.checksumType(), ChecksumType.NONE.wireNumber());
    assertTrue(sos.upcomingAggregates().isEmpty());
    assertTrue(d.hasLeaderMetadata());
    LeaderMetadata m = d.leaderMetadata();
    assertEquals(m.hostName(), "host-a:1234");
    assertEquals(m.upstreamOffset(), -1L);
    assertEquals(m.upstreamKafkaClusterId(), 3);
    assertEquals(m.upstreamPubSubPosition(), new byte[] {0x22, 0x01, 0x03, 0x00});
    assertEquals(m.termId(), 7L);
    assertEquals(d.term(), 7L);
    assertEquals(m.upstreamMessageTimestamp(), -1L, "upstreamMessageTimestamp must be -1, not 0");
    EnvelopeSummary s = EnvelopeCodec.summarize(hex(STEP_DOWN_VALUE_HEX));
    assertEquals(s.messageType(), 2);
    assertEquals(s.payloadBranch(), PayloadBranch.CONTROL_MESSAGE);
    assertEquals(s.controlMessageType(), 2);
    assertEquals(s.writerId(), "host-a:1234");
    assertEquals(s.term(), 7L);
  }

  @Test
  public void vtpHeaderIsTheEnvelopeSchemaAndReadsTheStampWithAvro() throws IOException {
    assertEquals(EnvelopeCodec.VTP_HEADER, "vtp");
    byte[] header = EnvelopeCodec.vtpHeaderValue();
    String json = new String(header, StandardCharsets.UTF_8);
    Schema writerSchema = new Schema.Parser().parse(json);
    assertEquals(
        writerSchema.getFullName(), "com.linkedin.venice.kafka.protocol.KafkaMessageEnvelope");
    assertEquals(writerSchema, resourceSchema(), "vtp header must be the v14 schema file");
    assertEquals(json, resourceSchema().toString(), "in Avro's compact form, byte for byte");

    GenericRecord r = readWithAvro(writerSchema, stepDown());

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
  public void vtpHeaderValueIsACopy() {
    byte[] a = EnvelopeCodec.vtpHeaderValue();
    java.util.Arrays.fill(a, (byte) 'x');
    assertTrue(new String(EnvelopeCodec.vtpHeaderValue(), StandardCharsets.UTF_8).startsWith("{"));
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

  /**
   * The codec is written by hand in the schema's field and branch order: the schema file must have
   * exactly that order, and the enums the branch order of its unions.
   */
  @Test
  public void theSchemaHasTheLayoutTheCodecFollows() throws IOException {
    Schema envelope = resourceSchema();
    assertEquals(envelope.getFullName(), "com.linkedin.venice.kafka.protocol.KafkaMessageEnvelope");
    assertFields(
        envelope, "messageType", "producerMetadata", "payloadUnion", "leaderMetadataFooter");
    Schema producer = envelope.getField("producerMetadata").schema();
    assertFields(
        producer,
        "producerGUID",
        "segmentNumber",
        "messageSequenceNumber",
        "messageTimestamp",
        "logicalTimestamp");
    Schema guid = producer.getField("producerGUID").schema();
    assertEquals(guid.getType(), Schema.Type.FIXED);
    assertEquals(guid.getFixedSize(), ProducerMetadata.GUID_LENGTH);
    List<Schema> payload = envelope.getField("payloadUnion").schema().getTypes();
    assertBranches(payload, "Put", "Update", "Delete", "ControlMessage");
    for (PayloadBranch b : PayloadBranch.values()) {
      assertEquals(
          payload.get(b.unionIndex()).getName().toUpperCase(),
          b.name().replace("_", ""),
          "branch " + b);
    }
    assertFields(
        payload.get(0),
        "putValue",
        "schemaId",
        "replicationMetadataVersionId",
        "replicationMetadataPayload");
    assertFields(payload.get(1), "schemaId", "updateSchemaId", "updateValue");
    assertFields(
        payload.get(2), "schemaId", "replicationMetadataVersionId", "replicationMetadataPayload");
    assertFields(payload.get(3), "controlMessageType", "debugInfo", "controlMessageUnion");
    List<Schema> control = payload.get(3).getField("controlMessageUnion").schema().getTypes();
    assertBranches(
        control,
        "StartOfPush",
        "EndOfPush",
        "StartOfSegment",
        "EndOfSegment",
        "StartOfBufferReplay",
        "StartOfIncrementalPush",
        "EndOfIncrementalPush",
        "TopicSwitch",
        "VersionSwap");
    for (ControlMessageType t : ControlMessageType.values()) {
      assertEquals(
          control.get(t.wireNumber()).getName().toUpperCase(), t.name().replace("_", ""), t.name());
    }
    assertFields(
        control.get(0),
        "sorted",
        "chunked",
        "compressionStrategy",
        "compressionDictionary",
        "timestampPolicy");
    assertFields(control.get(1));
    assertFields(control.get(2), "checksumType", "upcomingAggregates");
    assertFields(control.get(3), "checksumValue", "computedAggregates", "finalSegment");
    assertFields(control.get(4), "sourceOffsets", "sourceKafkaCluster", "sourceTopicName");
    assertFields(control.get(5), "version");
    assertFields(control.get(6), "version");
    assertFields(control.get(7), "sourceKafkaServers", "sourceTopicName", "rewindStartTimestamp");
    assertFields(
        control.get(8),
        "oldServingVersionTopic",
        "newServingVersionTopic",
        "localHighWatermarks",
        "localHighWatermarkPubSubPositions",
        "isRepush",
        "isLastVersionSwapMessageFromRealTimeTopic",
        "sourceRegion",
        "destinationRegion",
        "generationId");
    List<Schema> footer = envelope.getField("leaderMetadataFooter").schema().getTypes();
    assertBranches(footer, "null", "LeaderMetadata");
    assertFields(
        footer.get(1),
        "hostName",
        "upstreamOffset",
        "upstreamKafkaClusterId",
        "upstreamPubSubPosition",
        "termId",
        "upstreamMessageTimestamp");
  }

  private static void assertFields(Schema record, String... names) {
    List<String> actual = new ArrayList<>();
    for (Schema.Field f : record.getFields()) {
      actual.add(f.name());
    }
    assertEquals(actual, List.of(names), record.getName() + " fields");
  }

  private static void assertBranches(List<Schema> branches, String... names) {
    List<String> actual = new ArrayList<>();
    for (Schema s : branches) {
      actual.add(s.getName());
    }
    assertEquals(actual, List.of(names), "union branches");
  }
}
