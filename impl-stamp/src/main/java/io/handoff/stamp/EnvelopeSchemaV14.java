package io.handoff.stamp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The envelope schema of protocol version 14, loaded once from the class path with Avro's parser,
 * and checked against the field order and union branch order the codec's hand-written encoding
 * follows. A schema file that drifted from the code fails class initialisation loudly instead of
 * producing records no reader can parse.
 */
final class EnvelopeSchemaV14 {

  static final String RESOURCE = "/io/handoff/stamp/KafkaMessageEnvelope-v14.avsc";

  static final Schema SCHEMA;

  /** The schema as compact JSON, UTF-8: the value of the {@code vtp} header. */
  static final byte[] JSON_UTF8;

  /** The payloadUnion branches, in branch order. */
  static final List<Schema> PAYLOAD_BRANCHES;

  /** The ControlMessage.controlMessageUnion branches, in branch order. */
  static final List<Schema> CONTROL_BRANCHES;

  static {
    Schema schema;
    try (InputStream in = EnvelopeSchemaV14.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("class path resource " + RESOURCE + " is missing");
      }
      schema = new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    check(schema);
    SCHEMA = schema;
    JSON_UTF8 = schema.toString().getBytes(StandardCharsets.UTF_8);
    PAYLOAD_BRANCHES = schema.getField("payloadUnion").schema().getTypes();
    CONTROL_BRANCHES = PAYLOAD_BRANCHES.get(3).getField("controlMessageUnion").schema().getTypes();
  }

  private EnvelopeSchemaV14() {}

  private static void check(Schema envelope) {
    expect(
        "com.linkedin.venice.kafka.protocol.KafkaMessageEnvelope".equals(envelope.getFullName()),
        "envelope full name is " + envelope.getFullName());
    expectFields(
        envelope, "messageType", "producerMetadata", "payloadUnion", "leaderMetadataFooter");
    Schema producer = envelope.getField("producerMetadata").schema();
    expectFields(
        producer,
        "producerGUID",
        "segmentNumber",
        "messageSequenceNumber",
        "messageTimestamp",
        "logicalTimestamp");
    Schema guid = producer.getField("producerGUID").schema();
    expect(
        guid.getType() == Schema.Type.FIXED && guid.getFixedSize() == StampKind.GUID_LENGTH,
        "producerGUID is not fixed(16)");
    List<Schema> payload = envelope.getField("payloadUnion").schema().getTypes();
    expectBranches(payload, "Put", "Update", "Delete", "ControlMessage");
    expectFields(
        payload.get(0),
        "putValue",
        "schemaId",
        "replicationMetadataVersionId",
        "replicationMetadataPayload");
    expectFields(payload.get(1), "schemaId", "updateSchemaId", "updateValue");
    expectFields(
        payload.get(2), "schemaId", "replicationMetadataVersionId", "replicationMetadataPayload");
    expectFields(payload.get(3), "controlMessageType", "debugInfo", "controlMessageUnion");
    List<Schema> control = payload.get(3).getField("controlMessageUnion").schema().getTypes();
    expectBranches(
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
    expectFields(
        control.get(0),
        "sorted",
        "chunked",
        "compressionStrategy",
        "compressionDictionary",
        "timestampPolicy");
    expectFields(control.get(1));
    expectFields(control.get(2), "checksumType", "upcomingAggregates");
    List<Schema> footer = envelope.getField("leaderMetadataFooter").schema().getTypes();
    expectBranches(footer, "null", "LeaderMetadata");
    expectFields(
        footer.get(1),
        "hostName",
        "upstreamOffset",
        "upstreamKafkaClusterId",
        "upstreamPubSubPosition",
        "termId",
        "upstreamMessageTimestamp");
  }

  private static void expectFields(Schema record, String... names) {
    List<String> actual = new ArrayList<>();
    for (Schema.Field f : record.getFields()) {
      actual.add(f.name());
    }
    expect(
        actual.equals(List.of(names)),
        record.getName() + " fields are " + actual + ", expected " + List.of(names));
  }

  private static void expectBranches(List<Schema> branches, String... names) {
    List<String> actual = new ArrayList<>();
    for (Schema s : branches) {
      actual.add(s.getName());
    }
    expect(actual.equals(List.of(names)), "union branches are " + actual);
  }

  private static void expect(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(RESOURCE + " does not match the codec: " + what);
    }
  }
}
