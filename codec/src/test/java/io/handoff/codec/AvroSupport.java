package io.handoff.codec;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/** Avro's own reader and writer, the independent implementation the codec is held to. */
final class AvroSupport {

  private AvroSupport() {}

  /** The human-readable schema file, a test resource. */
  static Schema resourceSchema() throws IOException {
    try (InputStream in =
        AvroSupport.class.getResourceAsStream("/io/handoff/codec/KafkaMessageEnvelope-v14.avsc")) {
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
    ByteArrayOutputStream out = new ByteArrayOutputStream();
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
