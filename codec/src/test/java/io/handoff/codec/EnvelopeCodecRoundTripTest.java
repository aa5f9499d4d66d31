package io.handoff.codec;

import static io.handoff.codec.AvroSupport.bytes;
import static io.handoff.codec.AvroSupport.readWithAvro;
import static io.handoff.codec.AvroSupport.resourceSchema;
import static io.handoff.codec.HandWriter.hex;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

public class EnvelopeCodecRoundTripTest {

  private static final byte[] GUID = hex("00112233445566778899aabbccddeeff");
  private Schema schema;

  @BeforeClass
  public void loadSchema() throws IOException {
    schema = resourceSchema();
  }

  private static Envelope decode(byte[] value) {
    Envelope d = EnvelopeCodec.decode(value);
    assertEquals(EnvelopeCodec.summarize(value), d.summary(), "the summary reads the same");
    return d;
  }

  @Test
  public void putWithFooterRoundTrips() throws IOException {
    byte[] payload = "hello value".getBytes(StandardCharsets.UTF_8);
    byte[] value = Values.put(GUID, 4, 99, 1234L, payload, 17, 5L, "writer-1");
    Envelope d = decode(value);
    assertEquals(d.messageType(), MessageType.PUT.wireNumber());
    assertEquals(d.producerMetadata().producerGuid(), GUID);
    assertEquals(d.producerMetadata().segmentNumber(), 4);
    assertEquals(d.producerMetadata().messageSequenceNumber(), 99);
    assertEquals(d.producerMetadata().messageTimestamp(), 1234L);
    assertEquals(d.producerMetadata().logicalTimestamp(), -1L);
    Put put = (Put) d.payload();
    assertEquals(put.branch(), PayloadBranch.PUT);
    assertEquals(put.putValue(), payload);
    assertEquals(put.schemaId(), 17);
    assertEquals(put.replicationMetadataVersionId(), -1);
    assertEquals(put.replicationMetadataPayload(), new byte[0]);
    assertEquals(d.summary().controlMessageType(), EnvelopeSummary.NOT_A_CONTROL_MESSAGE);
    assertFalse(d.summary().isControlMessage());
    assertTrue(d.hasLeaderMetadata());
    assertEquals(d.leaderMetadata().hostName(), "writer-1");
    assertEquals(d.leaderMetadata().upstreamOffset(), -1L);
    assertEquals(d.leaderMetadata().upstreamKafkaClusterId(), -1);
    assertEquals(d.leaderMetadata().upstreamPubSubPosition(), new byte[0]);
    assertEquals(d.leaderMetadata().termId(), 5L);
    assertEquals(d.term(), 5L);
    assertEquals(d.leaderMetadata().upstreamMessageTimestamp(), -1L);
    assertEquals(EnvelopeCodec.readTerm(value), 5L);

    GenericRecord r = readWithAvro(schema, value);
    GenericRecord avroPut = (GenericRecord) r.get("payloadUnion");
    assertEquals(avroPut.getSchema().getName(), "Put");
    assertEquals(bytes((ByteBuffer) avroPut.get("putValue")), payload);
    assertEquals(avroPut.get("schemaId"), 17);
    assertEquals(((GenericRecord) r.get("leaderMetadataFooter")).get("termId"), 5L);
  }

  @Test
  public void putWithoutFooterHasTermMinusOne() throws IOException {
    byte[] value = Values.put(GUID, 0, 0, 1L, new byte[0], 1, -1L, null);
    Envelope d = decode(value);
    assertFalse(d.hasLeaderMetadata());
    assertNull(d.leaderMetadata());
    assertEquals(d.term(), -1L);
    assertNull(d.writerId());
    assertFalse(d.summary().hasLeaderMetadata());
    assertNull(d.summary().writerId());
    assertEquals(d.summary().term(), -1L);
    assertEquals(((Put) d.payload()).putValue().length, 0);
    assertEquals(EnvelopeCodec.readTerm(value), -1L);
    // The footer union's null branch is the last byte.
    assertEquals(value[value.length - 1], (byte) 0);
    assertNull(readWithAvro(schema, value).get("leaderMetadataFooter"));
  }

  @Test
  public void termZeroStillWritesAFooter() {
    Envelope d = decode(Values.put(GUID, 0, 1, 1L, new byte[] {1}, 1, 0L, "w"));
    assertTrue(d.hasLeaderMetadata());
    assertEquals(d.term(), 0L);
  }

  /**
   * Venice's leaders write their data with their host name and no term: such a record carries a
   * leader metadata footer whose termId is -1, so that the observer learns its writer id.
   */
  @Test
  public void aWriterWithoutATermWritesAFooterWithTermMinusOne() throws IOException {
    byte[] put = Values.put(GUID, 2, 3, 4L, new byte[] {7}, 1, -1L, "venice-leader-1");
    Envelope d = decode(put);
    assertTrue(d.hasLeaderMetadata(), "a writer id always gets a footer");
    assertEquals(d.writerId(), "venice-leader-1");
    assertEquals(d.leaderMetadata().termId(), -1L);
    assertEquals(d.term(), -1L);
    assertEquals(d.leaderMetadata(), LeaderMetadata.of("venice-leader-1", -1L));
    GenericRecord footer = (GenericRecord) readWithAvro(schema, put).get("leaderMetadataFooter");
    assertEquals(
        footer.get("hostName").toString(), "venice-leader-1", "Avro reads the same footer");
    assertEquals(footer.get("termId"), -1L);
    EnvelopeSummary record = EnvelopeCodec.summarize(put);
    assertEquals(record.writerId(), "venice-leader-1", "the writer id the observer is given");
    assertEquals(record.term(), -1L, "the term the observer is given");

    byte[] control = Values.control(GUID, 0, 1, 4L, 1, new EndOfPush(), -1L, "venice-leader-1");
    d = decode(control);
    assertTrue(d.hasLeaderMetadata(), "a control message with a writer id gets a footer too");
    assertEquals(d.writerId(), "venice-leader-1");
    assertEquals(d.term(), -1L);
    assertEquals(
        ((GenericRecord) readWithAvro(schema, control).get("leaderMetadataFooter")).get("termId"),
        -1L);

    // Only a missing writer id leaves the footer out: the two shapes differ in exactly that.
    byte[] anonymous = Values.put(GUID, 2, 3, 4L, new byte[] {7}, 1, -1L, null);
    assertFalse(decode(anonymous).hasLeaderMetadata());
    assertNull(decode(anonymous).writerId());
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
    byte[] value = Values.put(GUID, 1, 2, 3L, payload, 4, 6L, "w");
    assertEquals(((Put) decode(value).payload()).putValue(), payload);
    // the per-thread buffer is not kept at this size, and small values still encode correctly
    byte[] small = Values.put(GUID, 1, 2, 3L, new byte[] {9}, 4, 6L, "w");
    assertEquals(((Put) decode(small).payload()).putValue(), new byte[] {9});
  }

  @Test
  public void endOfPushControlMessageRoundTrips() throws IOException {
    byte[] value =
        Values.control(
            GUID,
            3,
            1000,
            42L,
            ControlMessageType.END_OF_PUSH.wireNumber(),
            new EndOfPush(),
            11L,
            "w2");
    Envelope d = decode(value);
    assertEquals(d.messageType(), MessageType.CONTROL_MESSAGE.wireNumber());
    ControlMessage cm = (ControlMessage) d.payload();
    assertEquals(cm.controlMessageType(), 1);
    assertEquals(cm.body().type().wireNumber(), 1);
    assertEquals(cm.body(), new EndOfPush());
    assertEquals(d.producerMetadata().segmentNumber(), 3);
    assertEquals(d.producerMetadata().messageSequenceNumber(), 1000);
    assertEquals(d.term(), 11L);
    assertEquals(d.writerId(), "w2");
    assertTrue(d.summary().isControlMessageOf(ControlMessageType.END_OF_PUSH));
    assertFalse(d.summary().isControlMessageOf(ControlMessageType.START_OF_SEGMENT));

    GenericRecord avro = (GenericRecord) readWithAvro(schema, value).get("payloadUnion");
    assertEquals(avro.get("controlMessageType"), 1);
    assertEquals(
        ((GenericRecord) avro.get("controlMessageUnion")).getSchema().getName(), "EndOfPush");
  }

  @Test
  public void startOfPushAndStartOfSegmentControlMessagesRoundTrip() throws IOException {
    byte[] sop = Values.control(GUID, 0, 0, 1L, 0, StartOfPush.defaults(), -1L, null);
    Envelope d = decode(sop);
    ControlMessage cm = (ControlMessage) d.payload();
    assertEquals(cm.controlMessageType(), 0);
    assertEquals(cm.body(), StartOfPush.defaults());
    assertEquals(d.term(), -1L);
    GenericRecord sopRecord =
        (GenericRecord)
            ((GenericRecord) readWithAvro(schema, sop).get("payloadUnion"))
                .get("controlMessageUnion");
    assertEquals(sopRecord.getSchema().getName(), "StartOfPush");
    assertEquals(sopRecord.get("sorted"), false);
    assertNull(sopRecord.get("compressionDictionary"));

    byte[] sos = Values.control(GUID, 1, 0, 1L, 2, StartOfSegment.of(ChecksumType.MD5), 3L, "w");
    d = decode(sos);
    cm = (ControlMessage) d.payload();
    assertEquals(cm.body().type(), ControlMessageType.START_OF_SEGMENT);
    assertEquals(((StartOfSegment) cm.body()).checksumType(), ChecksumType.MD5.wireNumber());
    assertEquals(d.term(), 3L);
    assertEquals(d.leaderMetadata().upstreamKafkaClusterId(), -1);
    assertEquals(d.leaderMetadata().upstreamPubSubPosition(), new byte[0]);
    readWithAvro(schema, sos);
  }

  @Test
  public void encodeArgumentsAreChecked() {
    EnvelopeCodecException e =
        expectThrows(
            EnvelopeCodecException.class,
            () -> Values.put(new byte[15], 0, 0, 0L, new byte[0], 1, -1L, null));
    assertEquals(e.reason(), EnvelopeCodecException.Reason.INVALID_GUID_LENGTH);
    assertTrue(
        e.getMessage().contains("invalid GUID length: 15 bytes, expected 16"), e.getMessage());
    assertEquals(e.offset(), -1);
    assertEquals(e.field(), "producerMetadata.producerGUID");
    e =
        expectThrows(
            EnvelopeCodecException.class,
            () -> Values.control(new byte[17], 0, 0, 0L, 1, new EndOfPush(), -1L, null));
    assertEquals(e.reason(), EnvelopeCodecException.Reason.INVALID_GUID_LENGTH);
    e =
        expectThrows(
            EnvelopeCodecException.class,
            () -> Values.put(null, 0, 0, 0L, new byte[0], 1, -1L, null));
    assertEquals(e.reason(), EnvelopeCodecException.Reason.INVALID_GUID_LENGTH);
    assertTrue(e.getMessage().contains("the producer GUID is null"), e.getMessage());

    // A term without a writer id would be a footer nobody can attribute.
    NullPointerException npe =
        expectThrows(NullPointerException.class, () -> LeaderMetadata.of(null, 5L));
    assertEquals(npe.getMessage(), "hostName is null");
    expectThrows(NullPointerException.class, () -> EnvelopeCodec.encode(null));
  }

  @Test
  public void decodedValuesReturnCopies() {
    Envelope d = decode(Values.put(GUID, 0, 0, 0L, new byte[] {1, 2}, 1, 1L, "w"));
    d.producerMetadata().producerGuid()[0] = 9;
    ((Put) d.payload()).putValue()[0] = 9;
    assertEquals(d.producerMetadata().producerGuid(), GUID);
    assertEquals(((Put) d.payload()).putValue(), new byte[] {1, 2});
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
                    byte[] v =
                        EnvelopeCodec.encode(
                            Values.stamp(
                                "b203f86bede03a879b4067e1141f2ee4", term, thread, writer, i, 0));
                    Envelope d = EnvelopeCodec.decode(v);
                    if (d.term() != term
                        || !d.writerId().equals(writer)
                        || d.producerMetadata().messageTimestamp() != i) {
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
    Envelope d = decode(value);
    assertEquals(((ControlMessage) d.payload()).debugInfo(), Map.of("k", "v"));
    GenericRecord cm = (GenericRecord) readWithAvro(schema, value).get("payloadUnion");
    assertEquals(((Map<?, ?>) cm.get("debugInfo")).size(), 1);
  }

  @Test
  public void everyStampGuidIsCheckedAgainstAvrosFixed() throws IOException {
    for (String guid :
        new String[] {"4a5ead6ef3a932f0864e3b7c324c9275", "81545f3cbd093909a467a583ef39e468"}) {
      byte[] value = EnvelopeCodec.encode(Values.stamp(guid, 42L, 2, "leader-" + guid, 555L, 0));
      Envelope d = decode(value);
      assertEquals(d.producerMetadata().producerGuid(), hex(guid));
      assertEquals(d.term(), 42L);
      assertEquals(d.writerId(), "leader-" + guid);
      assertEquals(d.leaderMetadata().upstreamKafkaClusterId(), 2);
      assertEquals(d.producerMetadata().messageTimestamp(), 555L);
      assertEquals(d.producerMetadata().logicalTimestamp(), -1L);
      assertEquals(d.leaderMetadata().upstreamMessageTimestamp(), -1L);
      assertEquals(((ControlMessage) d.payload()).controlMessageType(), 2);
      assertEquals(d.leaderMetadata().upstreamPubSubPosition(), hex("22010300"));
      GenericRecord pm = (GenericRecord) readWithAvro(schema, value).get("producerMetadata");
      assertEquals(((GenericData.Fixed) pm.get("producerGUID")).bytes(), hex(guid));
    }
  }

  static byte[] prefix(byte[] value, int len) {
    return Arrays.copyOf(value, len);
  }
}
