package io.handoff.codec;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/** The records' value semantics: equality by content, copies in and out, checked arguments. */
public class EnvelopeRecordsTest {

  private static byte[] b(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static final byte[] G = new byte[16];
  private static final byte[] G2 = b(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** {name, a supplier of one value, values that differ from it in exactly one field each}. */
  @DataProvider
  public Object[][] values() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(
        row(
            "ProducerMetadata",
            () -> new ProducerMetadata(G.clone(), 1, 2, 3L, 4L),
            new ProducerMetadata(G2, 1, 2, 3L, 4L),
            new ProducerMetadata(G, 9, 2, 3L, 4L),
            new ProducerMetadata(G, 1, 9, 3L, 4L),
            new ProducerMetadata(G, 1, 2, 9L, 4L),
            new ProducerMetadata(G, 1, 2, 3L, 9L)));
    rows.add(
        row(
            "LeaderMetadata",
            () -> new LeaderMetadata("h", 1L, 2, b(3), 4L, 5L),
            new LeaderMetadata("x", 1L, 2, b(3), 4L, 5L),
            new LeaderMetadata("h", 9L, 2, b(3), 4L, 5L),
            new LeaderMetadata("h", 1L, 9, b(3), 4L, 5L),
            new LeaderMetadata("h", 1L, 2, b(9), 4L, 5L),
            new LeaderMetadata("h", 1L, 2, b(3), 9L, 5L),
            new LeaderMetadata("h", 1L, 2, b(3), 4L, 9L)));
    rows.add(
        row(
            "Put",
            () -> new Put(b(1), 2, 3, b(4)),
            new Put(b(9), 2, 3, b(4)),
            new Put(b(1), 9, 3, b(4)),
            new Put(b(1), 2, 9, b(4)),
            new Put(b(1), 2, 3, b(9))));
    rows.add(
        row(
            "Update",
            () -> new Update(1, 2, b(3)),
            new Update(9, 2, b(3)),
            new Update(1, 9, b(3)),
            new Update(1, 2, b(9))));
    rows.add(
        row(
            "Delete",
            () -> new Delete(1, 2, b(3)),
            new Delete(9, 2, b(3)),
            new Delete(1, 9, b(3)),
            new Delete(1, 2, b(9))));
    rows.add(
        row(
            "StartOfPush",
            () -> new StartOfPush(true, false, 1, b(2), 3),
            new StartOfPush(false, false, 1, b(2), 3),
            new StartOfPush(true, true, 1, b(2), 3),
            new StartOfPush(true, false, 9, b(2), 3),
            new StartOfPush(true, false, 1, b(9), 3),
            new StartOfPush(true, false, 1, null, 3),
            new StartOfPush(true, false, 1, b(2), 9)));
    rows.add(
        row(
            "EndOfSegment",
            () -> new EndOfSegment(b(1), List.of(2L), true),
            new EndOfSegment(b(9), List.of(2L), true),
            new EndOfSegment(b(1), List.of(9L), true),
            new EndOfSegment(b(1), List.of(2L), false)));
    Supplier<VersionSwap> swap =
        () -> new VersionSwap("o", "n", List.of(1L), List.of(b(2)), true, false, "s", "d", 3L);
    rows.add(
        row(
            "VersionSwap",
            swap::get,
            new VersionSwap("x", "n", List.of(1L), List.of(b(2)), true, false, "s", "d", 3L),
            new VersionSwap("o", "x", List.of(1L), List.of(b(2)), true, false, "s", "d", 3L),
            new VersionSwap("o", "n", null, List.of(b(2)), true, false, "s", "d", 3L),
            new VersionSwap("o", "n", List.of(1L), List.of(b(9)), true, false, "s", "d", 3L),
            new VersionSwap("o", "n", List.of(1L), List.of(b(2), b(2)), true, false, "s", "d", 3L),
            new VersionSwap("o", "n", List.of(1L), List.of(), true, false, "s", "d", 3L),
            new VersionSwap("o", "n", List.of(1L), List.of(b(2)), false, false, "s", "d", 3L),
            new VersionSwap("o", "n", List.of(1L), List.of(b(2)), true, true, "s", "d", 3L),
            new VersionSwap("o", "n", List.of(1L), List.of(b(2)), true, false, "x", "d", 3L),
            new VersionSwap("o", "n", List.of(1L), List.of(b(2)), true, false, "s", "x", 3L),
            new VersionSwap("o", "n", List.of(1L), List.of(b(2)), true, false, "s", "d", 9L)));
    return rows.toArray(new Object[0][]);
  }

  private static Object[] row(String name, Supplier<Object> value, Object... variants) {
    return new Object[] {name, value, variants};
  }

  @Test(dataProvider = "values")
  public void equalByContentAndDifferentInEveryField(
      String name, Supplier<Object> value, Object[] variants) {
    Object a = value.get();
    Object same = value.get();
    assertTrue(a.equals(same), name);
    assertEquals(a.hashCode(), same.hashCode(), name);
    assertEquals(a.toString(), same.toString(), name);
    assertTrue(a.toString().startsWith(name + "["), a.toString());
    assertFalse(a.equals(null), name);
    assertFalse(a.equals(name), name);
    for (Object v : variants) {
      assertFalse(a.equals(v), name + " vs " + v);
      assertNotEquals(a.hashCode(), v.hashCode(), name + " vs " + v);
      assertNotEquals(a.toString(), v.toString(), name + " vs " + v);
    }
  }

  @Test
  public void toStringShowsBytesInHex() {
    assertEquals(
        new ProducerMetadata(G2, 1, 2, 3L, 4L).toString(),
        "ProducerMetadata[producerGuid=01000000000000000000000000000000, segmentNumber=1,"
            + " messageSequenceNumber=2, messageTimestamp=3, logicalTimestamp=4]");
    assertEquals(
        new LeaderMetadata("h", 1L, 2, b(0xab), 4L, 5L).toString(),
        "LeaderMetadata[hostName=h, upstreamOffset=1, upstreamKafkaClusterId=2,"
            + " upstreamPubSubPosition=ab, termId=4, upstreamMessageTimestamp=5]");
    assertEquals(
        new Put(b(1), 2, 3, b()).toString(),
        "Put[putValue=01, schemaId=2, replicationMetadataVersionId=3,"
            + " replicationMetadataPayload=]");
    assertEquals(
        new Update(1, 2, b(0xff)).toString(),
        "Update[schemaId=1, updateSchemaId=2, updateValue=ff]");
    assertEquals(
        new Delete(1, 2, b(3)).toString(),
        "Delete[schemaId=1, replicationMetadataVersionId=2, replicationMetadataPayload=03]");
    assertEquals(
        StartOfPush.defaults().toString(),
        "StartOfPush[sorted=false, chunked=false, compressionStrategy=0,"
            + " compressionDictionary=null, timestampPolicy=0]");
    assertEquals(
        new EndOfSegment(b(1), List.of(2L), true).toString(),
        "EndOfSegment[checksumValue=01, computedAggregates=[2], finalSegment=true]");
    assertEquals(
        new VersionSwap("o", "n", null, List.of(b(1), b(2)), true, false, "s", "d", 3L).toString(),
        "VersionSwap[oldServingVersionTopic=o, newServingVersionTopic=n, localHighWatermarks=null,"
            + " localHighWatermarkPubSubPositions=[01, 02], isRepush=true,"
            + " isLastVersionSwapMessageFromRealTimeTopic=false, sourceRegion=s,"
            + " destinationRegion=d, generationId=3]");
  }

  @Test
  public void bytesAreCopiedInAndOut() {
    byte[] in = b(1, 2);
    Put put = new Put(in, 1, -1, in);
    Update update = new Update(1, 2, in);
    Delete delete = new Delete(1, 2, in);
    StartOfPush sop = new StartOfPush(false, false, 0, in, 0);
    EndOfSegment eos = new EndOfSegment(in, List.of(), false);
    LeaderMetadata m = new LeaderMetadata("h", -1L, -1, in, 1L, -1L);
    List<byte[]> positions = new ArrayList<>(List.of(in));
    VersionSwap swap = new VersionSwap("o", "n", null, positions, false, false, "", "", -1L);
    byte[] guid = new byte[16];
    ProducerMetadata p = ProducerMetadata.of(guid, 0, 0, 0L);
    in[0] = 9;
    guid[0] = 9;
    positions.clear();
    for (byte[] out :
        List.of(
            put.putValue(),
            put.replicationMetadataPayload(),
            update.updateValue(),
            delete.replicationMetadataPayload(),
            sop.compressionDictionary(),
            eos.checksumValue(),
            m.upstreamPubSubPosition(),
            swap.localHighWatermarkPubSubPositions().get(0))) {
      assertEquals(out, b(1, 2), "copied in");
      out[1] = 9;
    }
    assertEquals(p.producerGuid(), new byte[16]);
    p.producerGuid()[0] = 9;
    assertEquals(p.producerGuid(), new byte[16], "copied out");
    assertTrue(p.producerGuidEquals(new byte[16]));
    assertFalse(p.producerGuidEquals(G2));
    assertFalse(p.producerGuidEquals(null));
    assertEquals(put, new Put(b(1, 2), 1, -1, b(1, 2)), "copied out");
    assertEquals(update.updateValue(), b(1, 2));
    assertEquals(delete.replicationMetadataPayload(), b(1, 2));
    assertEquals(sop.compressionDictionary(), b(1, 2));
    assertEquals(eos.checksumValue(), b(1, 2));
    assertEquals(m.upstreamPubSubPosition(), b(1, 2));
    assertEquals(swap.localHighWatermarkPubSubPositions().get(0), b(1, 2));
    assertEquals(swap.localHighWatermarkPubSubPositions().size(), 1);
    expectThrows(
        UnsupportedOperationException.class,
        () -> swap.localHighWatermarkPubSubPositions().add(b()));
    assertNull(StartOfPush.defaults().compressionDictionary());
  }

  @Test
  public void collectionsAreCopiedAndKeepTheirOrder() {
    Map<String, String> debug = new LinkedHashMap<>();
    debug.put("z", "1");
    debug.put("a", "2");
    ControlMessage cm = new ControlMessage(1, debug, new EndOfPush());
    debug.put("m", "3");
    assertEquals(List.copyOf(cm.debugInfo().keySet()), List.of("z", "a"));
    expectThrows(UnsupportedOperationException.class, () -> cm.debugInfo().put("k", "v"));
    assertSame(new ControlMessage(1, new LinkedHashMap<>(), new EndOfPush()).debugInfo(), Map.of());
    List<String> aggregates = new ArrayList<>(List.of("a"));
    StartOfSegment sos = new StartOfSegment(0, aggregates);
    aggregates.add("b");
    assertEquals(sos.upcomingAggregates(), List.of("a"));
  }

  @Test
  public void argumentsAreChecked() {
    assertNpe(() -> new LeaderMetadata(null, 0, 0, b(), 0, 0), "hostName is null");
    assertNpe(() -> new LeaderMetadata("h", 0, 0, null, 0, 0), "upstreamPubSubPosition is null");
    assertNpe(() -> new Put(null, 0, 0, b()), "putValue is null");
    assertNpe(() -> new Put(b(), 0, 0, null), "replicationMetadataPayload is null");
    assertNpe(() -> new Update(0, 0, null), "updateValue is null");
    assertNpe(() -> new Delete(0, 0, null), "replicationMetadataPayload is null");
    assertNpe(() -> new EndOfSegment(null, List.of(), false), "checksumValue is null");
    assertNpe(() -> new ControlMessage(0, null, new EndOfPush()), "debugInfo is null");
    assertNpe(() -> new ControlMessage(0, Map.of(), null), "body is null");
    assertNpe(() -> ControlMessage.of(null), "body is null");
    Map<String, String> nullValue = new LinkedHashMap<>();
    nullValue.put("k", null);
    assertNpe(
        () -> new ControlMessage(0, nullValue, new EndOfPush()), "debugInfo value of k is null");
    Map<String, String> nullKey = new LinkedHashMap<>();
    nullKey.put(null, "v");
    assertNpe(() -> new ControlMessage(0, nullKey, new EndOfPush()), "debugInfo key is null");
    assertNpe(() -> new StartOfBufferReplay(List.of(), null, "t"), "sourceKafkaCluster is null");
    assertNpe(() -> new StartOfBufferReplay(List.of(), "c", null), "sourceTopicName is null");
    assertNpe(() -> new StartOfIncrementalPush(null), "version is null");
    assertNpe(() -> new EndOfIncrementalPush(null), "version is null");
    assertNpe(() -> new TopicSwitch(List.of(), null, 0L), "sourceTopicName is null");
    assertNpe(() -> swap(null, "n", "s", "d", List.of()), "oldServingVersionTopic is null");
    assertNpe(() -> swap("o", null, "s", "d", List.of()), "newServingVersionTopic is null");
    assertNpe(() -> swap("o", "n", null, "d", List.of()), "sourceRegion is null");
    assertNpe(() -> swap("o", "n", "s", null, List.of()), "destinationRegion is null");
    assertNpe(() -> swap("o", "n", "s", "d", null), "localHighWatermarkPubSubPositions is null");
    List<byte[]> withNull = new ArrayList<>();
    withNull.add(null);
    assertNpe(
        () -> swap("o", "n", "s", "d", withNull),
        "localHighWatermarkPubSubPositions element is null");
    ProducerMetadata p = ProducerMetadata.of(G, 0, 0, 0L);
    assertNpe(() -> new Envelope(0, null, Put.of(b(), 0), null), "producerMetadata is null");
    assertNpe(() -> new Envelope(0, p, null, null), "payload is null");
    assertNpe(() -> Envelope.of(p, null, null), "payload is null");
    assertNpe(() -> new EnvelopeSummary(0, null, -1, null, -1L), "payloadBranch is null");
  }

  private static VersionSwap swap(String o, String n, String s, String d, List<byte[]> positions) {
    return new VersionSwap(o, n, null, positions, false, false, s, d, -1L);
  }

  private static void assertNpe(Runnable r, String message) {
    assertEquals(expectThrows(NullPointerException.class, r::run).getMessage(), message);
  }

  @Test
  public void envelopesOfWritersTakeTheirPayloadsMessageType() {
    ProducerMetadata p = ProducerMetadata.of(G, 0, 0, 0L);
    assertEquals(Envelope.of(p, Put.of(b(), 1), null).messageType(), 0);
    assertEquals(Envelope.of(p, new Delete(1, -1, b()), null).messageType(), 1);
    assertEquals(Envelope.of(p, ControlMessage.of(new EndOfPush()), null).messageType(), 2);
    assertEquals(Envelope.of(p, new Update(1, 2, b()), null).messageType(), 3);
    assertEquals(ControlMessage.of(new TopicSwitch(List.of(), "t", 0L)).controlMessageType(), 7);
    assertEquals(Put.of(b(5), 3), new Put(b(5), 3, -1, b()));
    assertEquals(LeaderMetadata.of("h", 7L), new LeaderMetadata("h", -1L, -1, b(), 7L, -1L));
    assertEquals(p, new ProducerMetadata(G, 0, 0, 0L, -1L));
    assertEquals(StartOfSegment.of(ChecksumType.ADHASH), new StartOfSegment(4, List.of()));
    assertEquals(StartOfPush.defaults(), new StartOfPush(false, false, 0, null, 0));
  }

  @Test
  public void summaries() {
    ProducerMetadata p = ProducerMetadata.of(G, 0, 0, 0L);
    EnvelopeSummary data = Envelope.of(p, Put.of(b(), 1), LeaderMetadata.of("w", 3L)).summary();
    assertEquals(data, new EnvelopeSummary(0, PayloadBranch.PUT, -1, "w", 3L));
    assertTrue(data.hasLeaderMetadata());
    assertFalse(data.isControlMessage());
    assertFalse(data.isControlMessageOf(ControlMessageType.START_OF_PUSH));
    EnvelopeSummary control = Envelope.of(p, ControlMessage.of(new EndOfPush()), null).summary();
    assertEquals(control, new EnvelopeSummary(2, PayloadBranch.CONTROL_MESSAGE, 1, null, -1L));
    assertFalse(control.hasLeaderMetadata());
    assertTrue(control.isControlMessage());
    assertTrue(control.isControlMessageOf(ControlMessageType.END_OF_PUSH));
    assertFalse(control.isControlMessageOf(ControlMessageType.START_OF_PUSH));
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class,
            () -> new EnvelopeSummary(0, PayloadBranch.PUT, 2, "w", 1L));
    assertEquals(e.getMessage(), "a PUT payload has no control message type, got 2");
    assertTrue(
        new EnvelopeSummary(2, PayloadBranch.CONTROL_MESSAGE, -1, null, -1L).isControlMessage());
  }

  @Test
  public void enumsHaveTheirWireNumbers() {
    assertEquals(MessageType.PUT.wireNumber(), 0);
    assertEquals(MessageType.DELETE.wireNumber(), 1);
    assertEquals(MessageType.CONTROL_MESSAGE.wireNumber(), 2);
    assertEquals(MessageType.UPDATE.wireNumber(), 3);
    for (MessageType t : MessageType.values()) {
      assertSame(MessageType.fromWireNumber(t.wireNumber()), t);
      assertEquals(MessageType.nameOf(t.wireNumber()), t.name());
    }
    assertNull(MessageType.fromWireNumber(-1));
    assertNull(MessageType.fromWireNumber(4));
    assertEquals(MessageType.nameOf(4), "TYPE_4");
    assertEquals(MessageType.nameOf(-1), "TYPE_-1");
    for (ControlMessageType t : ControlMessageType.values()) {
      assertEquals(t.wireNumber(), t.ordinal());
      assertSame(ControlMessageType.fromWireNumber(t.wireNumber()), t);
      assertEquals(ControlMessageType.nameOf(t.wireNumber()), t.name());
    }
    assertEquals(ControlMessageType.VERSION_SWAP.wireNumber(), 8);
    assertNull(ControlMessageType.fromWireNumber(-1));
    assertNull(ControlMessageType.fromWireNumber(9));
    assertEquals(ControlMessageType.nameOf(9), "TYPE_9");
    for (ChecksumType t : ChecksumType.values()) {
      assertSame(ChecksumType.fromWireNumber(t.wireNumber()), t);
      assertEquals(ChecksumType.nameOf(t.wireNumber()), t.name());
    }
    assertEquals(ChecksumType.ADHASH.wireNumber(), 4);
    assertNull(ChecksumType.fromWireNumber(-1));
    assertNull(ChecksumType.fromWireNumber(5));
    assertEquals(ChecksumType.nameOf(5), "TYPE_5");
    assertEquals(PayloadBranch.UPDATE.unionIndex(), 1);
    assertEquals(PayloadBranch.UPDATE.messageType(), MessageType.UPDATE);
    assertEquals(PayloadBranch.DELETE.unionIndex(), 2);
    assertEquals(PayloadBranch.DELETE.messageType(), MessageType.DELETE);
    assertEquals(new EndOfPush().type(), ControlMessageType.END_OF_PUSH);
    assertEquals(StartOfPush.defaults().type(), ControlMessageType.START_OF_PUSH);
    assertEquals(StartOfSegment.of(ChecksumType.NONE).type(), ControlMessageType.START_OF_SEGMENT);
    assertEquals(new EndOfSegment(b(), List.of(), false).type(), ControlMessageType.END_OF_SEGMENT);
    assertEquals(new TopicSwitch(List.of(), "t", 0L).type(), ControlMessageType.TOPIC_SWITCH);
    assertEquals(
        new VersionSwap("o", "n", null, List.of(), false, false, "", "", -1L).type(),
        ControlMessageType.VERSION_SWAP);
    assertEquals(
        new StartOfIncrementalPush("v").type(), ControlMessageType.START_OF_INCREMENTAL_PUSH);
    assertEquals(new EndOfIncrementalPush("v").type(), ControlMessageType.END_OF_INCREMENTAL_PUSH);
    assertEquals(
        new StartOfBufferReplay(List.of(), "c", "t").type(),
        ControlMessageType.START_OF_BUFFER_REPLAY);
  }

  @Test
  public void theWriteBufferGrowsOnlyWhenFull() {
    BodyWriter w = new BodyWriter().start((byte) 23, (byte) 14);
    w.writeFixed(new byte[254]);
    assertEquals(w.capacity(), 256, "exactly full");
    w.writeBoolean(true);
    assertEquals(w.capacity(), 512);
    byte[] out = w.toByteArray();
    assertEquals(out.length, 257);
    assertEquals(out[256], 1);
  }

  @Test
  public void theWriteBufferIsKeptUpToItsLimitAndDroppedBeyond() {
    BodyWriter w = new BodyWriter();
    w.start((byte) 23, (byte) 14).writeFixed(new byte[BodyWriter.MAX_RETAINED_BUFFER - 2]);
    assertEquals(w.capacity(), BodyWriter.MAX_RETAINED_BUFFER);
    assertEquals(w.start((byte) 23, (byte) 14).capacity(), BodyWriter.MAX_RETAINED_BUFFER, "kept");
    w.writeFixed(new byte[BodyWriter.MAX_RETAINED_BUFFER]);
    assertEquals(w.capacity(), 2 * BodyWriter.MAX_RETAINED_BUFFER);
    assertEquals(w.toByteArray().length, BodyWriter.MAX_RETAINED_BUFFER + 2);
    assertEquals(w.start((byte) 23, (byte) 14).capacity(), 256, "dropped");
    assertEquals(w.toByteArray(), b(23, 14));
  }
}
