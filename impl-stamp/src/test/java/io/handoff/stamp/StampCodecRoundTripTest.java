package io.handoff.stamp;

import static io.handoff.stamp.HandWriter.hex;
import static io.handoff.stamp.StampCodecWireTest.bytes;
import static io.handoff.stamp.StampCodecWireTest.readWithAvro;
import static io.handoff.stamp.StampCodecWireTest.resourceSchema;
import static io.handoff.stamp.StampCodecWireTest.writeWithAvro;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class StampCodecRoundTripTest {

  private static final byte[] GUID = hex("00112233445566778899aabbccddeeff");
  private final StampCodec codec = new StampCodec();
  private Schema schema;

  @BeforeClass
  public void loadSchema() throws IOException {
    schema = resourceSchema();
  }

  // ------------------------------------------------------------------------------ codec-written

  @Test
  public void putWithFooterRoundTrips() throws IOException {
    byte[] payload = "hello value".getBytes(StandardCharsets.UTF_8);
    byte[] value = codec.encodePut(GUID, 4, 99, 1234L, payload, 17, 5L, "writer-1");
    DecodedEnvelope d = codec.decode(value);
    assertEquals(d.messageType(), StampCodec.MESSAGE_TYPE_PUT);
    assertEquals(d.producerGuid(), GUID);
    assertEquals(d.segmentNumber(), 4);
    assertEquals(d.messageSequenceNumber(), 99);
    assertEquals(d.messageTimestamp(), 1234L);
    assertEquals(d.logicalTimestamp(), -1L);
    assertTrue(d.isPut());
    assertEquals(d.payloadUnionBranch(), StampCodec.PAYLOAD_PUT);
    assertEquals(d.value(), payload);
    assertEquals(d.valueLength(), payload.length);
    assertEquals(d.schemaId(), 17);
    assertEquals(d.replicationMetadataVersionId(), -1);
    assertEquals(d.replicationMetadataPayload(), new byte[0]);
    assertEquals(d.controlMessageType(), -1);
    assertEquals(d.controlMessageUnionBranch(), -1);
    assertEquals(d.checksumType(), -1);
    assertTrue(d.hasLeaderMetadataFooter());
    assertEquals(d.hostName(), "writer-1");
    assertEquals(d.upstreamOffset(), -1L);
    assertEquals(d.upstreamKafkaClusterId(), -1);
    assertEquals(d.upstreamPubSubPosition(), new byte[0]);
    assertEquals(d.termId(), 5L);
    assertEquals(d.term(), 5L);
    assertEquals(d.upstreamMessageTimestamp(), -1L);
    assertEquals(codec.readTerm(value), 5L);

    GenericRecord r = readWithAvro(schema, value);
    GenericRecord put = (GenericRecord) r.get("payloadUnion");
    assertEquals(put.getSchema().getName(), "Put");
    assertEquals(bytes((ByteBuffer) put.get("putValue")), payload);
    assertEquals(put.get("schemaId"), 17);
    assertEquals(((GenericRecord) r.get("leaderMetadataFooter")).get("termId"), 5L);
  }

  @Test
  public void putWithoutFooterHasTermMinusOne() throws IOException {
    byte[] value = codec.encodePut(GUID, 0, 0, 1L, new byte[0], 1, -1L, null);
    DecodedEnvelope d = codec.decode(value);
    assertFalse(d.hasLeaderMetadataFooter());
    assertEquals(d.term(), -1L);
    assertEquals(d.termId(), -1L);
    assertNull(d.hostName());
    assertNull(d.upstreamPubSubPosition());
    assertEquals(d.upstreamOffset(), -1L);
    assertEquals(d.upstreamKafkaClusterId(), -1);
    assertEquals(d.upstreamMessageTimestamp(), -1L);
    assertEquals(d.valueLength(), 0);
    assertEquals(codec.readTerm(value), -1L);
    // The footer union's null branch is the last byte.
    assertEquals(value[value.length - 1], (byte) 0);
    assertNull(readWithAvro(schema, value).get("leaderMetadataFooter"));
  }

  @Test
  public void termZeroStillWritesAFooter() {
    DecodedEnvelope d = codec.decode(codec.encodePut(GUID, 0, 1, 1L, new byte[] {1}, 1, 0L, "w"));
    assertTrue(d.hasLeaderMetadataFooter());
    assertEquals(d.term(), 0L);
  }

  /**
   * Venice's leaders write their data with their host name and no term: such a record carries a
   * leader metadata footer whose termId is -1, so that the observer learns its writer id.
   */
  @Test
  public void aWriterWithoutATermWritesAFooterWithTermMinusOne() throws IOException {
    byte[] put = codec.encodePut(GUID, 2, 3, 4L, new byte[] {7}, 1, -1L, "venice-leader-1");
    DecodedEnvelope d = codec.decode(put);
    assertTrue(d.hasLeaderMetadataFooter(), "a writer id always gets a footer");
    assertEquals(d.hostName(), "venice-leader-1");
    assertEquals(d.termId(), -1L);
    assertEquals(d.term(), -1L);
    assertEquals(d.upstreamOffset(), -1L);
    assertEquals(d.upstreamKafkaClusterId(), -1);
    assertEquals(d.upstreamPubSubPosition(), new byte[0]);
    assertEquals(d.upstreamMessageTimestamp(), -1L);
    GenericRecord footer = (GenericRecord) readWithAvro(schema, put).get("leaderMetadataFooter");
    assertEquals(
        footer.get("hostName").toString(), "venice-leader-1", "Avro reads the same footer");
    assertEquals(footer.get("termId"), -1L);
    DecodedEnvelope record = codec.decodeRecord(StampCodec.dataKey(new byte[] {1}), put);
    assertEquals(record.hostName(), "venice-leader-1", "the writer id the observer is given");
    assertEquals(record.term(), -1L, "the term the observer is given");

    byte[] control =
        codec.encodeControl(
            GUID,
            0,
            1,
            4L,
            StampCodec.CONTROL_END_OF_PUSH,
            StampCodec.CONTROL_END_OF_PUSH,
            -1L,
            "venice-leader-1");
    d = codec.decode(control);
    assertTrue(d.hasLeaderMetadataFooter(), "a control message with a writer id gets a footer too");
    assertEquals(d.hostName(), "venice-leader-1");
    assertEquals(d.term(), -1L);
    assertEquals(
        ((GenericRecord) readWithAvro(schema, control).get("leaderMetadataFooter")).get("termId"),
        -1L);

    // Only a missing writer id leaves the footer out: the two shapes differ in exactly that.
    byte[] anonymous = codec.encodePut(GUID, 2, 3, 4L, new byte[] {7}, 1, -1L, null);
    assertFalse(codec.decode(anonymous).hasLeaderMetadataFooter());
    assertNull(codec.decode(anonymous).hostName());
    assertTrue(
        put.length > anonymous.length,
        "the footer takes bytes: " + put.length + " vs " + anonymous.length);
  }

  @Test
  public void largePutRoundTrips() {
    byte[] payload = new byte[300_000];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 31);
    }
    byte[] value = codec.encodePut(GUID, 1, 2, 3L, payload, 4, 6L, "w");
    assertEquals(codec.decode(value).value(), payload);
    // the per-thread buffer is not kept at this size, and small values still encode correctly
    byte[] small = codec.encodePut(GUID, 1, 2, 3L, new byte[] {9}, 4, 6L, "w");
    assertEquals(codec.decode(small).value(), new byte[] {9});
  }

  @Test
  public void endOfPushControlMessageRoundTrips() throws IOException {
    byte[] value =
        codec.encodeControl(
            GUID,
            3,
            1000,
            42L,
            StampCodec.CONTROL_END_OF_PUSH,
            StampCodec.CONTROL_END_OF_PUSH,
            11L,
            "w2");
    DecodedEnvelope d = codec.decode(value);
    assertEquals(d.messageType(), StampCodec.MESSAGE_TYPE_CONTROL_MESSAGE);
    assertTrue(d.isControlMessage());
    assertEquals(d.controlMessageType(), 1);
    assertEquals(d.controlMessageUnionBranch(), 1);
    assertEquals(d.checksumType(), -1);
    assertEquals(d.segmentNumber(), 3);
    assertEquals(d.messageSequenceNumber(), 1000);
    assertEquals(d.term(), 11L);
    assertEquals(d.hostName(), "w2");

    GenericRecord cm = (GenericRecord) readWithAvro(schema, value).get("payloadUnion");
    assertEquals(cm.get("controlMessageType"), 1);
    assertEquals(
        ((GenericRecord) cm.get("controlMessageUnion")).getSchema().getName(), "EndOfPush");
  }

  @Test
  public void startOfPushAndStartOfSegmentControlMessagesRoundTrip() throws IOException {
    byte[] sop = codec.encodeControl(GUID, 0, 0, 1L, 0, 0, -1L, null);
    DecodedEnvelope d = codec.decode(sop);
    assertEquals(d.controlMessageType(), 0);
    assertEquals(d.controlMessageUnionBranch(), 0);
    assertEquals(d.term(), -1L);
    GenericRecord sopRecord =
        (GenericRecord)
            ((GenericRecord) readWithAvro(schema, sop).get("payloadUnion"))
                .get("controlMessageUnion");
    assertEquals(sopRecord.getSchema().getName(), "StartOfPush");
    assertEquals(sopRecord.get("sorted"), false);
    assertNull(sopRecord.get("compressionDictionary"));

    byte[] sos =
        new StampCodec(StampCodec.CHECKSUM_MD5).encodeControl(GUID, 1, 0, 1L, 2, 2, 3L, "w");
    d = codec.decode(sos);
    assertEquals(d.controlMessageUnionBranch(), 2);
    assertEquals(d.checksumType(), StampCodec.CHECKSUM_MD5);
    assertEquals(d.term(), 3L);
    assertEquals(d.upstreamKafkaClusterId(), -1);
    assertEquals(d.upstreamPubSubPosition(), new byte[0]);
    readWithAvro(schema, sos);
  }

  @Test
  public void declarationOfLeadershipAndHeartbeatRoundTrip() throws IOException {
    for (StampKind kind :
        new StampKind[] {StampKind.DECLARATION_OF_LEADERSHIP, StampKind.HEARTBEAT}) {
      byte[] value = codec.encodeStamp(kind, 42L, 2, "leader-" + kind, 555L);
      DecodedEnvelope d = codec.decode(value);
      assertEquals(d.producerGuid(), kind.guid(), kind.name());
      assertEquals(d.term(), 42L);
      assertEquals(d.hostName(), "leader-" + kind);
      assertEquals(d.upstreamKafkaClusterId(), 2);
      assertEquals(d.messageTimestamp(), 555L);
      assertEquals(d.logicalTimestamp(), -1L);
      assertEquals(d.upstreamMessageTimestamp(), -1L);
      assertEquals(d.controlMessageType(), 2);
      assertEquals(d.upstreamPubSubPosition(), hex("22010300"));
      GenericRecord pm = (GenericRecord) readWithAvro(schema, value).get("producerMetadata");
      assertEquals(((GenericData.Fixed) pm.get("producerGUID")).bytes(), kind.guid());
    }
  }

  @Test
  public void encodeArgumentsAreChecked() {
    StampCodecException e =
        expectThrows(
            StampCodecException.class,
            () -> codec.encodePut(new byte[15], 0, 0, 0L, new byte[0], 1, -1L, null));
    assertEquals(e.reason(), StampCodecException.Reason.INVALID_GUID_LENGTH);
    assertTrue(
        e.getMessage().contains("invalid GUID length: 15 bytes, expected 16"), e.getMessage());
    e =
        expectThrows(
            StampCodecException.class,
            () -> codec.encodeControl(new byte[17], 0, 0, 0L, 1, 1, -1L, null));
    assertEquals(e.reason(), StampCodecException.Reason.INVALID_GUID_LENGTH);
    e =
        expectThrows(
            StampCodecException.class,
            () -> codec.encodePut(null, 0, 0, 0L, new byte[0], 1, -1L, null));
    assertEquals(e.reason(), StampCodecException.Reason.INVALID_GUID_LENGTH);

    expectThrows(
        IllegalArgumentException.class,
        () -> codec.encodeStamp(StampKind.STEP_DOWN, 0L, 1, "w", 1L));
    expectThrows(
        IllegalArgumentException.class,
        () -> codec.encodeStamp(StampKind.HEARTBEAT, -1L, 1, "w", 1L));
    expectThrows(
        NullPointerException.class, () -> codec.encodeStamp(StampKind.STEP_DOWN, 1L, 1, null, 1L));
    expectThrows(NullPointerException.class, () -> codec.encodeStamp(null, 1L, 1, "w", 1L));
    expectThrows(
        IllegalArgumentException.class, () -> codec.encodeControl(GUID, 0, 0, 0L, 3, 3, -1L, null));
    // A term without a writer id would be a footer nobody can attribute.
    expectThrows(
        NullPointerException.class,
        () -> codec.encodePut(GUID, 0, 0, 0L, new byte[0], 1, 5L, null));
    expectThrows(
        NullPointerException.class, () -> codec.encodeControl(GUID, 0, 0, 0L, 1, 1, 0L, null));
    expectThrows(IllegalArgumentException.class, () -> new StampCodec(5));
  }

  @Test
  public void vtpHeaderValueIsACopy() {
    byte[] a = codec.vtpHeaderValue();
    Arrays.fill(a, (byte) 'x');
    assertTrue(new String(codec.vtpHeaderValue(), StandardCharsets.UTF_8).startsWith("{"));
  }

  @Test
  public void decodedViewReturnsCopies() {
    DecodedEnvelope d =
        codec.decode(codec.encodePut(GUID, 0, 0, 0L, new byte[] {1, 2}, 1, 1L, "w"));
    d.producerGuid()[0] = 9;
    d.value()[0] = 9;
    assertEquals(d.producerGuid(), GUID);
    assertEquals(d.value(), new byte[] {1, 2});
  }

  @Test
  public void codecIsSafeAcrossThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        final int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 20_000; i++) {
                    long term = thread * 1_000_000L + i + 1;
                    String writer = "w" + thread + "-" + i;
                    byte[] v = codec.encodeStamp(StampKind.STEP_DOWN, term, thread, writer, i);
                    DecodedEnvelope d = codec.decode(v);
                    if (d.term() != term
                        || !d.hostName().equals(writer)
                        || d.messageTimestamp() != i) {
                      throw new AssertionError("mixed-up value on thread " + thread + ": " + d);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ Avro-written, all branches

  private GenericRecord envelope(int messageType, GenericRecord payload, GenericRecord footer) {
    Schema pmS = schema.getField("producerMetadata").schema();
    GenericRecord pm =
        new GenericRecordBuilder(pmS)
            .set("producerGUID", new GenericData.Fixed(pmS.getField("producerGUID").schema(), GUID))
            .set("segmentNumber", 12)
            .set("messageSequenceNumber", -3)
            .set("messageTimestamp", 987_654_321L)
            .set("logicalTimestamp", 55L)
            .build();
    return new GenericRecordBuilder(schema)
        .set("messageType", messageType)
        .set("producerMetadata", pm)
        .set("payloadUnion", payload)
        .set("leaderMetadataFooter", footer)
        .build();
  }

  private Schema payload(String name) {
    for (Schema s : schema.getField("payloadUnion").schema().getTypes()) {
      if (s.getName().equals(name)) {
        return s;
      }
    }
    throw new AssertionError(name);
  }

  private Schema control(int branch) {
    return payload("ControlMessage")
        .getField("controlMessageUnion")
        .schema()
        .getTypes()
        .get(branch);
  }

  private GenericRecord controlMessage(int type, GenericRecord body) {
    Map<String, String> debug = new LinkedHashMap<>();
    debug.put("host", "h1");
    debug.put("why", "test");
    return new GenericRecordBuilder(payload("ControlMessage"))
        .set("controlMessageType", type)
        .set("debugInfo", debug)
        .set("controlMessageUnion", body)
        .build();
  }

  private GenericRecord footer(long term) {
    return new GenericRecordBuilder(
            schema.getField("leaderMetadataFooter").schema().getTypes().get(1))
        .set("hostName", "avro-host")
        .set("upstreamOffset", 1234L)
        .set("upstreamKafkaClusterId", 6)
        .set("upstreamPubSubPosition", ByteBuffer.wrap(new byte[] {5, 6, 7}))
        .set("termId", term)
        .set("upstreamMessageTimestamp", 777L)
        .build();
  }

  private static ByteBuffer buf(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  /** {name, Avro-written value, expected payload branch, expected control branch (-1 if none)}. */
  @DataProvider
  public Object[][] avroWritten() throws IOException {
    if (schema == null) {
      loadSchema();
    }
    List<Object[]> rows = new ArrayList<>();
    GenericRecord put =
        new GenericRecordBuilder(payload("Put"))
            .set("putValue", buf("put-value"))
            .set("schemaId", 12)
            .set("replicationMetadataVersionId", 3)
            .set("replicationMetadataPayload", buf("rm"))
            .build();
    rows.add(new Object[] {"put", envelope(0, put, footer(9)), 0, -1});
    rows.add(new Object[] {"put, no footer", envelope(0, put, null), 0, -1});
    GenericRecord update =
        new GenericRecordBuilder(payload("Update"))
            .set("schemaId", 5)
            .set("updateSchemaId", 2)
            .set("updateValue", buf("upd"))
            .build();
    rows.add(new Object[] {"update", envelope(3, update, footer(9)), 1, -1});
    GenericRecord delete =
        new GenericRecordBuilder(payload("Delete"))
            .set("schemaId", 8)
            .set("replicationMetadataVersionId", 1)
            .set("replicationMetadataPayload", buf("del"))
            .build();
    rows.add(new Object[] {"delete", envelope(1, delete, footer(10)), 2, -1});

    List<GenericRecord> bodies = new ArrayList<>();
    bodies.add(
        new GenericRecordBuilder(control(0))
            .set("sorted", true)
            .set("chunked", true)
            .set("compressionStrategy", 2)
            .set("compressionDictionary", buf("dictionary"))
            .set("timestampPolicy", 1)
            .build());
    bodies.add(new GenericRecordBuilder(control(1)).build());
    bodies.add(
        new GenericRecordBuilder(control(2))
            .set("checksumType", 3)
            .set("upcomingAggregates", List.of("a", "bb"))
            .build());
    bodies.add(
        new GenericRecordBuilder(control(3))
            .set("checksumValue", buf("crc!"))
            .set("computedAggregates", List.of(1L, -2L, 300L))
            .set("finalSegment", true)
            .build());
    bodies.add(
        new GenericRecordBuilder(control(4))
            .set("sourceOffsets", List.of(10L, 20L))
            .set("sourceKafkaCluster", "cluster")
            .set("sourceTopicName", "topic")
            .build());
    bodies.add(new GenericRecordBuilder(control(5)).set("version", "v1").build());
    bodies.add(new GenericRecordBuilder(control(6)).set("version", "v2").build());
    bodies.add(
        new GenericRecordBuilder(control(7))
            .set("sourceKafkaServers", List.of("k1:9092", "k2:9092"))
            .set("sourceTopicName", "store_rt")
            .set("rewindStartTimestamp", 12345L)
            .build());
    bodies.add(
        new GenericRecordBuilder(control(8))
            .set("oldServingVersionTopic", "store_v1")
            .set("newServingVersionTopic", "store_v2")
            .set("localHighWatermarks", List.of(1L, 2L))
            .set("localHighWatermarkPubSubPositions", List.of(buf("p1"), buf("p22")))
            .set("isRepush", true)
            .set("isLastVersionSwapMessageFromRealTimeTopic", true)
            .set("sourceRegion", "east")
            .set("destinationRegion", "west")
            .set("generationId", 77L)
            .build());
    bodies.add(
        new GenericRecordBuilder(control(8))
            .set("oldServingVersionTopic", "store_v2")
            .set("newServingVersionTopic", "store_v3")
            .build()); // every default: localHighWatermarks null, positions []
    for (int i = 0; i < bodies.size(); i++) {
      int branch = Math.min(i, 8);
      rows.add(
          new Object[] {
            "control branch " + branch + " (" + bodies.get(i).getSchema().getName() + ")",
            envelope(2, controlMessage(branch, bodies.get(i)), i % 2 == 0 ? footer(20 + i) : null),
            3,
            branch
          });
    }
    Object[][] out = new Object[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      Object[] r = rows.get(i);
      out[i] = new Object[] {r[0], writeWithAvro(schema, (GenericRecord) r[1]), r[1], r[2], r[3]};
    }
    return out;
  }

  @Test(dataProvider = "avroWritten")
  public void decodesWhatAvroWrites(
      String what, byte[] value, GenericRecord written, int payloadBranch, int controlBranch) {
    DecodedEnvelope d = codec.decode(value);
    assertEquals(d.messageType(), written.get("messageType"), what);
    assertEquals(d.producerGuid(), GUID, what);
    assertEquals(d.segmentNumber(), 12, what);
    assertEquals(d.messageSequenceNumber(), -3, what);
    assertEquals(d.messageTimestamp(), 987_654_321L, what);
    assertEquals(d.logicalTimestamp(), 55L, what);
    assertEquals(d.payloadUnionBranch(), payloadBranch, what);
    assertEquals(d.controlMessageUnionBranch(), controlBranch, what);
    GenericRecord p = (GenericRecord) written.get("payloadUnion");
    switch (payloadBranch) {
      case 0:
        assertEquals(d.value(), bytes((ByteBuffer) p.get("putValue")), what);
        assertEquals(d.schemaId(), 12);
        assertEquals(d.replicationMetadataVersionId(), 3);
        assertEquals(d.replicationMetadataPayload(), "rm".getBytes(StandardCharsets.UTF_8));
        break;
      case 1:
        assertEquals(d.schemaId(), 5);
        assertEquals(d.updateSchemaId(), 2);
        assertEquals(d.value(), "upd".getBytes(StandardCharsets.UTF_8));
        break;
      case 2:
        assertEquals(d.schemaId(), 8);
        assertEquals(d.replicationMetadataVersionId(), 1);
        assertEquals(d.replicationMetadataPayload(), "del".getBytes(StandardCharsets.UTF_8));
        assertEquals(d.valueLength(), -1);
        break;
      default:
        assertEquals(d.controlMessageType(), controlBranch, what);
        assertEquals(d.debugInfo(), Map.of("host", "h1", "why", "test"), what);
        assertEquals(d.checksumType(), controlBranch == 2 ? 3 : -1, what);
        assertEquals(
            d.upcomingAggregates(), controlBranch == 2 ? List.of("a", "bb") : List.of(), what);
        assertEquals(d.schemaId(), -1, what);
    }
    GenericRecord footer = (GenericRecord) written.get("leaderMetadataFooter");
    assertEquals(d.hasLeaderMetadataFooter(), footer != null, what);
    if (footer != null) {
      assertEquals(d.hostName(), "avro-host");
      assertEquals(d.upstreamOffset(), 1234L);
      assertEquals(d.upstreamKafkaClusterId(), 6);
      assertEquals(d.upstreamPubSubPosition(), new byte[] {5, 6, 7});
      assertEquals(d.termId(), footer.get("termId"));
      assertEquals(d.term(), footer.get("termId"));
      assertEquals(d.upstreamMessageTimestamp(), 777L);
    } else {
      assertEquals(d.term(), -1L, what);
    }
  }

  @Test(dataProvider = "avroWritten")
  public void everyPrefixOfAnAvroWrittenValueIsRejected(
      String what, byte[] value, GenericRecord written, int payloadBranch, int controlBranch) {
    for (int len = 0; len < value.length; len++) {
      byte[] prefix = Arrays.copyOf(value, len);
      StampCodecException e = expectThrows(StampCodecException.class, () -> codec.decode(prefix));
      if (len >= 1) {
        assertEquals(e.reason(), StampCodecException.Reason.TRUNCATED, what + " prefix " + len);
      }
    }
    byte[] longer = Arrays.copyOf(value, value.length + 1);
    assertEquals(
        expectThrows(StampCodecException.class, () -> codec.decode(longer)).reason(),
        StampCodecException.Reason.TRAILING_BYTES,
        what);
  }

  @Test
  public void negativeBlockCountsAreReadLikeAvro() throws IOException {
    // debugInfo written as one block with a negative count (-1) followed by its size in bytes.
    byte[] value =
        new HandWriter()
            .raw(23, 14)
            .varint(2)
            .raw(GUID)
            .varint(0)
            .varint(0)
            .varint(1L)
            .varint(-1L)
            .varint(3) // ControlMessage
            .varint(1) // EndOfPush type
            .varint(-1) // block of one entry, given with its byte size
            .varint(4) // block size: "k" and "v" with their lengths
            .string("k")
            .string("v")
            .varint(0) // end of map
            .varint(1) // EndOfPush
            .varint(0) // no footer
            .toByteArray();
    DecodedEnvelope d = codec.decode(value);
    assertEquals(d.debugInfo(), Map.of("k", "v"));
    GenericRecord cm = (GenericRecord) readWithAvro(schema, value).get("payloadUnion");
    assertEquals(((Map<?, ?>) cm.get("debugInfo")).size(), 1);
  }
}
