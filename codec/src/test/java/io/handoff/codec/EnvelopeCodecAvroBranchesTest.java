package io.handoff.codec;

import static io.handoff.codec.AvroSupport.resourceSchema;
import static io.handoff.codec.AvroSupport.writeWithAvro;
import static io.handoff.codec.HandWriter.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.codec.EnvelopeCodecException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Every branch of every union, written by Avro's GenericDatumWriter: the codec decodes each to the
 * record the test built alongside, and encodes that record to Avro's very bytes.
 */
public class EnvelopeCodecAvroBranchesTest {

  private static final byte[] GUID = hex("00112233445566778899aabbccddeeff");
  private static final ProducerMetadata PRODUCER =
      new ProducerMetadata(GUID, 12, -3, 987_654_321L, 55L);

  private Schema schema;

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

  private static Map<String, String> debug() {
    Map<String, String> debug = new LinkedHashMap<>();
    debug.put("host", "h1");
    debug.put("why", "test");
    return debug;
  }

  private GenericRecord controlMessage(int type, GenericRecord body) {
    return new GenericRecordBuilder(payload("ControlMessage"))
        .set("controlMessageType", type)
        .set("debugInfo", debug())
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

  private static LeaderMetadata leader(long term) {
    return new LeaderMetadata("avro-host", 1234L, 6, new byte[] {5, 6, 7}, term, 777L);
  }

  private static ByteBuffer buf(String s) {
    return ByteBuffer.wrap(utf8(s));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {name, Avro-written value, the envelope it holds}. */
  @DataProvider
  public Object[][] avroWritten() throws IOException {
    schema = resourceSchema();
    List<Object[]> rows = new ArrayList<>();
    GenericRecord put =
        new GenericRecordBuilder(payload("Put"))
            .set("putValue", buf("put-value"))
            .set("schemaId", 12)
            .set("replicationMetadataVersionId", 3)
            .set("replicationMetadataPayload", buf("rm"))
            .build();
    Put ourPut = new Put(utf8("put-value"), 12, 3, utf8("rm"));
    rows.add(row("put", envelope(0, put, footer(9)), new Envelope(0, PRODUCER, ourPut, leader(9))));
    rows.add(
        row("put, no footer", envelope(0, put, null), new Envelope(0, PRODUCER, ourPut, null)));
    GenericRecord update =
        new GenericRecordBuilder(payload("Update"))
            .set("schemaId", 5)
            .set("updateSchemaId", 2)
            .set("updateValue", buf("upd"))
            .build();
    rows.add(
        row(
            "update",
            envelope(3, update, footer(9)),
            new Envelope(3, PRODUCER, new Update(5, 2, utf8("upd")), leader(9))));
    GenericRecord delete =
        new GenericRecordBuilder(payload("Delete"))
            .set("schemaId", 8)
            .set("replicationMetadataVersionId", 1)
            .set("replicationMetadataPayload", buf("del"))
            .build();
    rows.add(
        row(
            "delete",
            envelope(1, delete, footer(10)),
            new Envelope(1, PRODUCER, new Delete(8, 1, utf8("del")), leader(10))));

    List<GenericRecord> bodies = new ArrayList<>();
    List<ControlPayload> ours = new ArrayList<>();
    bodies.add(
        new GenericRecordBuilder(control(0))
            .set("sorted", true)
            .set("chunked", true)
            .set("compressionStrategy", 2)
            .set("compressionDictionary", buf("dictionary"))
            .set("timestampPolicy", 1)
            .build());
    ours.add(new StartOfPush(true, true, 2, utf8("dictionary"), 1));
    bodies.add(new GenericRecordBuilder(control(1)).build());
    ours.add(new EndOfPush());
    bodies.add(
        new GenericRecordBuilder(control(2))
            .set("checksumType", 3)
            .set("upcomingAggregates", List.of("a", "bb"))
            .build());
    ours.add(new StartOfSegment(3, List.of("a", "bb")));
    bodies.add(
        new GenericRecordBuilder(control(3))
            .set("checksumValue", buf("crc!"))
            .set("computedAggregates", List.of(1L, -2L, 300L))
            .set("finalSegment", true)
            .build());
    ours.add(new EndOfSegment(utf8("crc!"), List.of(1L, -2L, 300L), true));
    bodies.add(
        new GenericRecordBuilder(control(4))
            .set("sourceOffsets", List.of(10L, 20L))
            .set("sourceKafkaCluster", "cluster")
            .set("sourceTopicName", "topic")
            .build());
    ours.add(new StartOfBufferReplay(List.of(10L, 20L), "cluster", "topic"));
    bodies.add(new GenericRecordBuilder(control(5)).set("version", "v1").build());
    ours.add(new StartOfIncrementalPush("v1"));
    bodies.add(new GenericRecordBuilder(control(6)).set("version", "v2").build());
    ours.add(new EndOfIncrementalPush("v2"));
    bodies.add(
        new GenericRecordBuilder(control(7))
            .set("sourceKafkaServers", List.of("k1:9092", "k2:9092"))
            .set("sourceTopicName", "store_rt")
            .set("rewindStartTimestamp", 12345L)
            .build());
    ours.add(new TopicSwitch(List.of("k1:9092", "k2:9092"), "store_rt", 12345L));
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
    ours.add(
        new VersionSwap(
            "store_v1",
            "store_v2",
            List.of(1L, 2L),
            List.of(utf8("p1"), utf8("p22")),
            true,
            true,
            "east",
            "west",
            77L));
    bodies.add(
        new GenericRecordBuilder(control(8))
            .set("oldServingVersionTopic", "store_v2")
            .set("newServingVersionTopic", "store_v3")
            .build()); // every default: localHighWatermarks null, positions []
    ours.add(new VersionSwap("store_v2", "store_v3", null, List.of(), false, false, "", "", -1L));
    bodies.add(
        new GenericRecordBuilder(control(0))
            .set("compressionDictionary", null)
            .build()); // every default: no dictionary
    ours.add(StartOfPush.defaults());
    int[] branches = {0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 0};
    for (int i = 0; i < bodies.size(); i++) {
      int branch = branches[i];
      boolean withFooter = i % 2 == 0;
      rows.add(
          row(
              "control branch " + branch + " (" + bodies.get(i).getSchema().getName() + ")",
              envelope(
                  2, controlMessage(branch, bodies.get(i)), withFooter ? footer(20 + i) : null),
              new Envelope(
                  2,
                  PRODUCER,
                  new ControlMessage(branch, debug(), ours.get(i)),
                  withFooter ? leader(20 + i) : null)));
    }
    return rows.toArray(new Object[0][]);
  }

  private Object[] row(String name, GenericRecord written, Envelope expected) throws IOException {
    return new Object[] {name, writeWithAvro(schema, written), expected};
  }

  @Test(dataProvider = "avroWritten")
  public void decodesWhatAvroWritesAndWritesTheSameBytes(
      String what, byte[] value, Envelope expected) {
    Envelope d = EnvelopeCodec.decode(value);
    assertEquals(d, expected, what);
    assertEquals(d.hashCode(), expected.hashCode(), what);
    assertEquals(d.toString(), expected.toString(), what);
    assertEquals(EnvelopeCodec.summarize(value), expected.summary(), what);
    assertEquals(EnvelopeCodec.readTerm(value), expected.term(), what);
    assertEquals(hex(EnvelopeCodec.encode(expected)), hex(value), what);
  }

  @Test(dataProvider = "avroWritten")
  public void everyPrefixOfAnAvroWrittenValueIsRejected(
      String what, byte[] value, Envelope expected) {
    for (int len = 0; len < value.length; len++) {
      byte[] prefix = Arrays.copyOf(value, len);
      EnvelopeCodecException e =
          expectThrows(EnvelopeCodecException.class, () -> EnvelopeCodec.decode(prefix));
      EnvelopeCodecException s =
          expectThrows(EnvelopeCodecException.class, () -> EnvelopeCodec.summarize(prefix));
      assertEquals(s.getMessage(), e.getMessage(), what + " prefix " + len);
      if (len >= 1) {
        assertEquals(e.reason(), Reason.TRUNCATED, what + " prefix " + len);
        assertTrue(e.offset() >= 1 && e.offset() <= len, what + " prefix " + len + ": " + e);
      }
    }
    byte[] longer = Arrays.copyOf(value, value.length + 1);
    EnvelopeCodecException e =
        expectThrows(EnvelopeCodecException.class, () -> EnvelopeCodec.decode(longer));
    assertEquals(e.reason(), Reason.TRAILING_BYTES, what);
    assertEquals(e.offset(), value.length, what);
    assertEquals(
        expectThrows(EnvelopeCodecException.class, () -> EnvelopeCodec.summarize(longer)).reason(),
        Reason.TRAILING_BYTES,
        what);
  }
}
