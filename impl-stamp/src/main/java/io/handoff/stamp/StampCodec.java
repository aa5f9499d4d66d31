package io.handoff.stamp;

import io.handoff.stamp.StampCodecException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Encodes and decodes Kafka record values in the version-topic envelope format, protocol version
 * 14: {@code [magic byte 23][protocol version 14][Avro binary body]}, the body written with the
 * envelope schema {@code KafkaMessageEnvelope-v14.avsc} (on the class path next to this class).
 *
 * <p><b>Threading.</b> An instance is immutable, thread-safe and meant to be shared and reused:
 * create one and call it from any number of threads. Encoding reuses one Avro {@link BinaryEncoder}
 * and output buffer per thread (a {@link ThreadLocal}); decoding allocates only the decoded view.
 * No method blocks.
 *
 * <p><b>How it encodes.</b> The schema is loaded and checked with Avro's {@link Schema.Parser}; the
 * body is written field by field in the schema's order with Avro's {@link BinaryEncoder} primitives
 * (no generic records are built, which keeps a stamp's encode and decode well under two
 * microseconds). Decoding reads the same primitives with bounds checks before every allocation,
 * validates every union index against the parsed schema's unions, and requires the body to end
 * exactly at the end of the value. Tests prove both directions equivalent to Avro's {@code
 * GenericDatumWriter} and {@code GenericDatumReader}.
 *
 * <p><b>Errors.</b> Bytes that are not a complete envelope of version 14 throw {@link
 * StampCodecException}, never a half-decoded view. Invalid non-byte arguments (a null writer id, a
 * term of zero) throw {@link IllegalArgumentException} or {@link NullPointerException}.
 */
public final class StampCodec {

  /** The Kafka record header that carries the writer's envelope schema. */
  public static final String VTP_HEADER = "vtp";

  /** First byte of every envelope value. */
  public static final byte MAGIC_BYTE = 23;

  /** Second byte of every value this codec writes and the only one it reads. */
  public static final byte PROTOCOL_VERSION = 14;

  /** Key header byte of a data put or delete key. */
  public static final byte DATA_KEY_HEADER = 0;

  /** messageType values. */
  public static final int MESSAGE_TYPE_PUT = 0;

  public static final int MESSAGE_TYPE_DELETE = 1;
  public static final int MESSAGE_TYPE_CONTROL_MESSAGE = 2;
  public static final int MESSAGE_TYPE_UPDATE = 3;

  /** payloadUnion branch indexes (note: not the same numbering as messageType). */
  public static final int PAYLOAD_PUT = 0;

  public static final int PAYLOAD_UPDATE = 1;
  public static final int PAYLOAD_DELETE = 2;
  public static final int PAYLOAD_CONTROL_MESSAGE = 3;

  /**
   * Control message types. Each is also the index of its payload's branch in controlMessageUnion.
   */
  public static final int CONTROL_START_OF_PUSH = 0;

  public static final int CONTROL_END_OF_PUSH = 1;
  public static final int CONTROL_START_OF_SEGMENT = 2;
  public static final int CONTROL_END_OF_SEGMENT = 3;
  public static final int CONTROL_START_OF_BUFFER_REPLAY = 4;
  public static final int CONTROL_START_OF_INCREMENTAL_PUSH = 5;
  public static final int CONTROL_END_OF_INCREMENTAL_PUSH = 6;
  public static final int CONTROL_TOPIC_SWITCH = 7;
  public static final int CONTROL_VERSION_SWAP = 8;

  /** StartOfSegment checksum type codes. */
  public static final int CHECKSUM_NONE = 0;

  public static final int CHECKSUM_MD5 = 1;
  public static final int CHECKSUM_ADLER32 = 2;
  public static final int CHECKSUM_CRC32 = 3;
  public static final int CHECKSUM_ADHASH = 4;

  /**
   * The symbolic "earliest" pub-sub position in position wire format: magic 34, version 1, then the
   * Avro record {type: -2, rawBytes: empty}.
   */
  private static final byte[] EARLIEST_POSITION = {0x22, 0x01, 0x03, 0x00};

  private static final byte[] EMPTY = new byte[0];
  private static final int PAYLOAD_BRANCH_COUNT = EnvelopeSchemaV14.PAYLOAD_BRANCHES.size();
  private static final int CONTROL_BRANCH_COUNT = EnvelopeSchemaV14.CONTROL_BRANCHES.size();
  private static final int FOOTER_BRANCH_COUNT = 2;

  /** A scratch buffer kept per thread stops being reused once it grew beyond this. */
  private static final int MAX_RETAINED_BUFFER = 64 * 1024;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private final int checksumType;

  /** A codec whose stamps carry checksum type {@link #CHECKSUM_NONE}. */
  public StampCodec() {
    this(CHECKSUM_NONE);
  }

  /**
   * A codec whose stamps (and StartOfSegment control messages) carry {@code checksumType}, the
   * writer's checksum type: one of {@link #CHECKSUM_NONE} .. {@link #CHECKSUM_ADHASH}.
   */
  public StampCodec(int checksumType) {
    if (checksumType < CHECKSUM_NONE || checksumType > CHECKSUM_ADHASH) {
      throw new IllegalArgumentException("unknown checksum type " + checksumType);
    }
    this.checksumType = checksumType;
  }

  /** The checksum type this codec writes into StartOfSegment payloads. */
  public int checksumType() {
    return checksumType;
  }

  // ------------------------------------------------------------------------------------ keys

  /** A copy of the 25-byte Kafka record key of a stamp of {@code kind}. */
  public byte[] key(StampKind kind) {
    return Objects.requireNonNull(kind, "kind").key();
  }

  /** The Kafka record key of a data put or delete: header byte 0, then the user's key. */
  public static byte[] dataKey(byte[] userKey) {
    Objects.requireNonNull(userKey, "userKey");
    byte[] key = new byte[userKey.length + 1];
    key[0] = DATA_KEY_HEADER;
    System.arraycopy(userKey, 0, key, 1, userKey.length);
    return key;
  }

  // ----------------------------------------------------------------------------------- schema

  /**
   * The value of the {@code vtp} header every stamp carries: the UTF-8 JSON of the envelope schema
   * this codec writes with. A fresh copy on every call.
   */
  public byte[] vtpHeaderValue() {
    return EnvelopeSchemaV14.JSON_UTF8.clone();
  }

  /** A freshly parsed copy of the envelope schema (version 14) this codec writes and reads. */
  public static Schema envelopeSchema() {
    return new Schema.Parser().parse(EnvelopeSchemaV14.SCHEMA.toString());
  }

  /** A copy of the "earliest" pub-sub position bytes written into every stamp: 22 01 03 00. */
  public static byte[] earliestPubSubPosition() {
    return EARLIEST_POSITION.clone();
  }

  // --------------------------------------------------------------------------------- encoding

  /**
   * Encodes the value of a self-contained stamp of {@code kind}: a control message of type
   * StartOfSegment (checksum type of this codec, no upcoming aggregates, empty debugInfo) from the
   * kind's GUID with segment 0 and sequence 0, logical timestamp -1, and a leader metadata footer
   * with host name {@code writerId}, upstream offset -1, upstream cluster id {@code
   * localClusterId}, the "earliest" upstream position, term id {@code term} and upstream message
   * timestamp -1.
   *
   * @param term the writer's leadership term; must be positive
   * @param timestampMs the writer's wall clock at send time
   * @throws IllegalArgumentException when {@code term <= 0}
   */
  public byte[] encodeStamp(
      StampKind kind, long term, int localClusterId, String writerId, long timestampMs) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(writerId, "writerId");
    if (term <= 0) {
      throw new IllegalArgumentException("a " + kind + " stamp needs a term > 0, got " + term);
    }
    Scratch s = SCRATCH.get();
    try {
      BinaryEncoder e = s.start();
      e.writeInt(MESSAGE_TYPE_CONTROL_MESSAGE);
      writeProducerMetadata(e, kind.guidRef(), 0, 0, timestampMs);
      e.writeIndex(PAYLOAD_CONTROL_MESSAGE);
      e.writeInt(CONTROL_START_OF_SEGMENT);
      writeEmptyMap(e); // debugInfo
      e.writeIndex(CONTROL_START_OF_SEGMENT);
      e.writeInt(checksumType);
      writeEmptyArray(e); // upcomingAggregates
      writeFooter(e, writerId, localClusterId, EARLIEST_POSITION, term);
      return s.finish();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /**
   * Encodes the value of a data put (messageType 0, payload Put with replication metadata version
   * -1 and empty replication metadata).
   *
   * @param producerGuid16 the producer's 16-byte GUID
   * @param term the writer's term, or -1 for none (how Venice's leaders write their data)
   * @param writerId the writer's host name: when present a leader metadata footer is written with
   *     it, term id {@code term}, and -1 / empty for the upstream fields; when null the footer is
   *     absent, which requires {@code term < 0}
   * @throws StampCodecException with {@link Reason#INVALID_GUID_LENGTH} for a GUID that is not 16
   *     bytes
   */
  public byte[] encodePut(
      byte[] producerGuid16,
      int segment,
      int sequence,
      long timestampMs,
      byte[] putValue,
      int schemaId,
      long term,
      String writerId) {
    checkGuid(producerGuid16);
    Objects.requireNonNull(putValue, "putValue");
    if (term >= 0) {
      Objects.requireNonNull(writerId, "writerId");
    }
    Scratch s = SCRATCH.get();
    try {
      BinaryEncoder e = s.start();
      e.writeInt(MESSAGE_TYPE_PUT);
      writeProducerMetadata(e, producerGuid16, segment, sequence, timestampMs);
      e.writeIndex(PAYLOAD_PUT);
      e.writeBytes(putValue);
      e.writeInt(schemaId);
      e.writeInt(-1); // replicationMetadataVersionId
      e.writeBytes(EMPTY); // replicationMetadataPayload
      writeOptionalFooter(e, term, writerId);
      return s.finish();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /**
   * Encodes the value of a control message (messageType 2) of type {@code controlMessageType} whose
   * controlMessageUnion holds branch {@code controlUnionBranch}, with empty debugInfo. Supported
   * branches, written with their default or empty contents: {@link #CONTROL_START_OF_PUSH} (all
   * defaults), {@link #CONTROL_END_OF_PUSH} (no fields) and {@link #CONTROL_START_OF_SEGMENT} (this
   * codec's checksum type, no aggregates). Type and branch are written as given, even if they
   * disagree.
   *
   * @param term as in {@link #encodePut}
   * @param writerId as in {@link #encodePut}: a footer when present, none when null
   * @throws IllegalArgumentException for an unsupported branch
   * @throws StampCodecException with {@link Reason#INVALID_GUID_LENGTH} for a GUID that is not 16
   *     bytes
   */
  public byte[] encodeControl(
      byte[] producerGuid16,
      int segment,
      int sequence,
      long timestampMs,
      int controlMessageType,
      int controlUnionBranch,
      long term,
      String writerId) {
    checkGuid(producerGuid16);
    if (controlUnionBranch < CONTROL_START_OF_PUSH
        || controlUnionBranch > CONTROL_START_OF_SEGMENT) {
      throw new IllegalArgumentException(
          "encodeControl writes controlMessageUnion branches 0..2, not " + controlUnionBranch);
    }
    if (term >= 0) {
      Objects.requireNonNull(writerId, "writerId");
    }
    Scratch s = SCRATCH.get();
    try {
      BinaryEncoder e = s.start();
      e.writeInt(MESSAGE_TYPE_CONTROL_MESSAGE);
      writeProducerMetadata(e, producerGuid16, segment, sequence, timestampMs);
      e.writeIndex(PAYLOAD_CONTROL_MESSAGE);
      e.writeInt(controlMessageType);
      writeEmptyMap(e); // debugInfo
      e.writeIndex(controlUnionBranch);
      if (controlUnionBranch == CONTROL_START_OF_PUSH) {
        e.writeBoolean(false); // sorted
        e.writeBoolean(false); // chunked
        e.writeInt(0); // compressionStrategy
        e.writeIndex(0); // compressionDictionary: null
        e.writeInt(0); // timestampPolicy
      } else if (controlUnionBranch == CONTROL_START_OF_SEGMENT) {
        e.writeInt(checksumType);
        writeEmptyArray(e);
      } // EndOfPush has no fields
      writeOptionalFooter(e, term, writerId);
      return s.finish();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  private static void checkGuid(byte[] guid) {
    if (guid == null) {
      throw new StampCodecException(
          Reason.INVALID_GUID_LENGTH, "invalid GUID length: the producer GUID is null");
    }
    if (guid.length != StampKind.GUID_LENGTH) {
      throw new StampCodecException(
          Reason.INVALID_GUID_LENGTH,
          "invalid GUID length: " + guid.length + " bytes, expected " + StampKind.GUID_LENGTH);
    }
  }

  private static void writeProducerMetadata(
      BinaryEncoder e, byte[] guid, int segment, int sequence, long timestampMs)
      throws IOException {
    e.writeFixed(guid);
    e.writeInt(segment);
    e.writeInt(sequence);
    e.writeLong(timestampMs);
    e.writeLong(-1L); // logicalTimestamp
  }

  private static void writeEmptyMap(BinaryEncoder e) throws IOException {
    e.writeMapStart();
    e.setItemCount(0);
    e.writeMapEnd();
  }

  private static void writeEmptyArray(BinaryEncoder e) throws IOException {
    e.writeArrayStart();
    e.setItemCount(0);
    e.writeArrayEnd();
  }

  private static void writeOptionalFooter(BinaryEncoder e, long term, String writerId)
      throws IOException {
    if (writerId == null) {
      e.writeIndex(0); // leaderMetadataFooter: null
    } else {
      writeFooter(e, writerId, -1, EMPTY, term);
    }
  }

  private static void writeFooter(
      BinaryEncoder e, String hostName, int upstreamClusterId, byte[] position, long term)
      throws IOException {
    e.writeIndex(1); // leaderMetadataFooter: LeaderMetadata
    e.writeString(hostName);
    e.writeLong(-1L); // upstreamOffset
    e.writeInt(upstreamClusterId);
    e.writeBytes(position);
    e.writeLong(term);
    e.writeLong(-1L); // upstreamMessageTimestamp: no upstream message
  }

  // --------------------------------------------------------------------------------- decoding

  /**
   * Decodes a whole record value. Either every byte is read and checked and the view returned, or a
   * {@link StampCodecException} names what was wrong: a null or empty value, a wrong magic byte, an
   * unknown protocol version, a truncated body, an unknown union branch, malformed encoding, or
   * bytes left over after the body.
   */
  public DecodedEnvelope decode(byte[] value) {
    checkPrefix(value);
    try {
      return decodeBody(value);
    } catch (StampCodecException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StampCodecException(Reason.MALFORMED, "cannot decode the envelope body: " + e, e);
    }
  }

  /**
   * Decodes a consumed record for the observer rules: the whole value, as by {@link #decode}, and
   * beyond that a check that the record has a key and that a self-contained stamp key sits on a
   * value shaped like a stamp: a stamp key on anything else is forged or corrupt and must not be
   * observed as a stamp. Its {@link DecodedEnvelope#hostName()} and {@link DecodedEnvelope#term()}
   * are the writer id and term the observer takes.
   *
   * @throws StampCodecException naming what was wrong
   */
  public DecodedEnvelope decodeRecord(byte[] key, byte[] value) {
    if (key == null) {
      throw new StampCodecException(Reason.MALFORMED, "the record has no key");
    }
    DecodedEnvelope envelope = decode(value);
    if (StampKeys.isSelfContainedStamp(key) && !envelope.hasStampShape()) {
      throw new StampCodecException(
          Reason.MALFORMED,
          "the key is a "
              + StampKeys.kindOf(key)
              + " stamp key but the value is not a stamp (message type "
              + envelope.messageType()
              + ", control type "
              + envelope.controlMessageType()
              + ")");
    }
    return envelope;
  }

  /**
   * The leadership term of a record value: its footer's termId, or -1 when it has no footer. The
   * whole value is decoded and checked, as by {@link #decode(byte[])}.
   */
  public long readTerm(byte[] value) {
    return decode(value).term();
  }

  private static void checkPrefix(byte[] value) {
    if (value == null) {
      throw new StampCodecException(Reason.NULL_OR_EMPTY, "the record value is null");
    }
    if (value.length == 0) {
      throw new StampCodecException(Reason.NULL_OR_EMPTY, "the record value is empty (0 bytes)");
    }
    if (value[0] != MAGIC_BYTE) {
      throw new StampCodecException(
          Reason.WRONG_MAGIC_BYTE,
          "wrong magic byte: found " + (value[0] & 0xff) + ", expected " + MAGIC_BYTE);
    }
    if (value.length < 2) {
      throw new StampCodecException(
          Reason.TRUNCATED, "truncated value: 1 byte, the protocol version byte is missing");
    }
    if (value[1] != PROTOCOL_VERSION) {
      throw new StampCodecException(
          Reason.UNKNOWN_PROTOCOL_VERSION,
          "unknown protocol version: found "
              + (value[1] & 0xff)
              + ", expected "
              + PROTOCOL_VERSION);
    }
  }

  private static DecodedEnvelope decodeBody(byte[] value) {
    BodyCursor c = new BodyCursor(value, 2);
    DecodedEnvelope.Fields f = new DecodedEnvelope.Fields();

    f.messageType = c.readInt("messageType");
    f.producerGuid = c.readFixed("producerMetadata.producerGUID", StampKind.GUID_LENGTH);
    f.segmentNumber = c.readInt("producerMetadata.segmentNumber");
    f.messageSequenceNumber = c.readInt("producerMetadata.messageSequenceNumber");
    f.messageTimestamp = c.readLong("producerMetadata.messageTimestamp");
    f.logicalTimestamp = c.readLong("producerMetadata.logicalTimestamp");

    f.payloadUnionBranch = c.readIndex("payloadUnion", PAYLOAD_BRANCH_COUNT);
    switch (f.payloadUnionBranch) {
      case PAYLOAD_PUT:
        f.value = c.readBytes("Put.putValue");
        f.schemaId = c.readInt("Put.schemaId");
        f.replicationMetadataVersionId = c.readInt("Put.replicationMetadataVersionId");
        f.replicationMetadataPayload = c.readBytes("Put.replicationMetadataPayload");
        break;
      case PAYLOAD_UPDATE:
        f.schemaId = c.readInt("Update.schemaId");
        f.updateSchemaId = c.readInt("Update.updateSchemaId");
        f.value = c.readBytes("Update.updateValue");
        break;
      case PAYLOAD_DELETE:
        f.schemaId = c.readInt("Delete.schemaId");
        f.replicationMetadataVersionId = c.readInt("Delete.replicationMetadataVersionId");
        f.replicationMetadataPayload = c.readBytes("Delete.replicationMetadataPayload");
        break;
      default: // PAYLOAD_CONTROL_MESSAGE: readIndex allows nothing else
        readControlMessage(c, f);
        break;
    }

    int footer = c.readIndex("leaderMetadataFooter", FOOTER_BRANCH_COUNT);
    if (footer == 1) {
      f.footerPresent = true;
      f.hostName = c.readString("LeaderMetadata.hostName");
      f.upstreamOffset = c.readLong("LeaderMetadata.upstreamOffset");
      f.upstreamKafkaClusterId = c.readInt("LeaderMetadata.upstreamKafkaClusterId");
      f.upstreamPubSubPosition = c.readBytes("LeaderMetadata.upstreamPubSubPosition");
      f.termId = c.readLong("LeaderMetadata.termId");
      f.upstreamMessageTimestamp = c.readLong("LeaderMetadata.upstreamMessageTimestamp");
    }

    if (c.remaining() != 0) {
      throw new StampCodecException(
          Reason.TRAILING_BYTES,
          "trailing bytes: "
              + c.remaining()
              + " byte(s) after the end of the envelope body at offset "
              + c.position()
              + " (value length "
              + value.length
              + ")");
    }
    return new DecodedEnvelope(f);
  }

  private static void readControlMessage(BodyCursor c, DecodedEnvelope.Fields f) {
    f.controlMessageType = c.readInt("ControlMessage.controlMessageType");
    f.debugInfo = readStringMap(c, "ControlMessage.debugInfo");
    int branch = c.readIndex("ControlMessage.controlMessageUnion", CONTROL_BRANCH_COUNT);
    f.controlMessageUnionBranch = branch;
    if (branch == CONTROL_START_OF_SEGMENT) {
      f.checksumType = c.readInt("StartOfSegment.checksumType");
      f.upcomingAggregates = readStringArray(c, "StartOfSegment.upcomingAggregates");
    } else if (branch != CONTROL_END_OF_PUSH) { // EndOfPush has no fields
      Schema schema = EnvelopeSchemaV14.CONTROL_BRANCHES.get(branch);
      c.skip(schema, schema.getName());
    }
  }

  private static Map<String, String> readStringMap(BodyCursor c, String field) {
    Map<String, String> map = null;
    for (long n = c.readBlockCount(field); n != 0; n = c.readBlockCount(field)) {
      if (map == null) {
        map = new LinkedHashMap<>();
      }
      for (long i = 0; i < n; i++) {
        String key = c.readString(field);
        map.put(key, c.readString(field));
      }
    }
    return map == null ? Map.of() : Collections.unmodifiableMap(map);
  }

  private static List<String> readStringArray(BodyCursor c, String field) {
    List<String> list = null;
    for (long n = c.readBlockCount(field); n != 0; n = c.readBlockCount(field)) {
      if (list == null) {
        list = new ArrayList<>();
      }
      for (long i = 0; i < n; i++) {
        list.add(c.readString(field));
      }
    }
    return list == null ? List.of() : Collections.unmodifiableList(list);
  }

  // ---------------------------------------------------------------------------- per thread

  /** One thread's output buffer and Avro encoder, reset for every value. */
  private static final class Scratch {
    private ByteSink out = new ByteSink(256);
    private BinaryEncoder encoder;

    BinaryEncoder start() {
      if (out.capacity() > MAX_RETAINED_BUFFER) {
        out = new ByteSink(256);
      }
      out.reset();
      out.write(MAGIC_BYTE);
      out.write(PROTOCOL_VERSION);
      encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
      return encoder;
    }

    byte[] finish() throws IOException {
      encoder.flush();
      return out.toByteArray();
    }
  }

  /** An unsynchronised, growable byte array output stream. */
  private static final class ByteSink extends OutputStream {
    private byte[] buf;
    private int count;

    ByteSink(int initialCapacity) {
      buf = new byte[initialCapacity];
    }

    int capacity() {
      return buf.length;
    }

    void reset() {
      count = 0;
    }

    private void ensure(int extra) {
      int needed = count + extra;
      if (needed < 0) {
        throw new OutOfMemoryError("record value larger than 2 GiB");
      }
      if (needed > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
      }
    }

    @Override
    public void write(int b) {
      ensure(1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      Objects.checkFromIndexSize(off, len, b.length);
      ensure(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    byte[] toByteArray() {
      return java.util.Arrays.copyOf(buf, count);
    }
  }
}
