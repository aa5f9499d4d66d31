package io.handoff.spi;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The fields of a {@link TenureTracker#export} in format version 2, decoded and encoded
 * independently of the tracker: magic {@code "HT"}, version byte, topic (unsigned 16-bit length
 * then UTF-8, {@code 0xFFFF} for none), partition, next offset, phase byte (0 nothing seen, 1 open,
 * 2 closed), clean byte, term, previous stamp term, writer id (as the topic), earlier status byte,
 * flags byte, then the CRC-32 of everything before it, all big-endian. Tests read exports with it
 * and forge bytes the tracker must reject or accept.
 */
final class ExportLayout {

  static final byte NOTHING_SEEN = 0;
  static final byte OPEN = 1;
  static final byte CLOSED = 2;

  short magic = 0x4854;
  byte version = 2;
  String topic;
  int partition;
  long nextOffset = -1;
  byte phase = NOTHING_SEEN;
  byte clean;
  long term = -1;
  long previousStampTerm;
  String writer;

  /**
   * Why the tenure before the current one does or does not count: 0 none seen, 1 its beginning not
   * seen, 2 unclean, 3 unclean after its stamp, 4 not closed, 5 closed cleanly. When not set, what
   * the other fields imply: cleanly closed (5) with a previous stamp term, none (0) when nothing
   * was seen, else not closed (4).
   */
  Byte earlier;

  /** Bit 0: the current tenure began in sight; bit 1: it turned unclean after its stamp. */
  byte flags;

  /** Bytes between the flags and the checksum; an export has none. */
  byte[] trailing = new byte[0];

  ExportLayout(String topic, int partition) {
    this.topic = topic;
    this.partition = partition;
  }

  /** Decodes an export, failing the test if its checksum or length is wrong. */
  static ExportLayout of(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    ExportLayout e = new ExportLayout(null, 0);
    e.magic = b.getShort();
    e.version = b.get();
    e.topic = string(b);
    e.partition = b.getInt();
    e.nextOffset = b.getLong();
    e.phase = b.get();
    e.clean = b.get();
    e.term = b.getLong();
    e.previousStampTerm = b.getLong();
    e.writer = string(b);
    e.earlier = b.get();
    e.flags = b.get();
    if (b.remaining() != 4) {
      throw new AssertionError(
          "expected only the checksum after the flags, found " + b.remaining() + " bytes");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != b.getInt()) {
      throw new AssertionError("the export's checksum does not match its bytes");
    }
    return e;
  }

  /** The bytes of these fields, with a correct checksum. */
  byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataOutputStream d = new DataOutputStream(out)) {
      d.writeShort(magic);
      d.writeByte(version);
      string(d, topic);
      d.writeInt(partition);
      d.writeLong(nextOffset);
      d.writeByte(phase);
      d.writeByte(clean);
      d.writeLong(term);
      d.writeLong(previousStampTerm);
      string(d, writer);
      d.writeByte(
          earlier != null ? earlier : previousStampTerm > 0 ? 5 : phase == NOTHING_SEEN ? 0 : 4);
      d.writeByte(flags);
      d.write(trailing);
      CRC32 crc = new CRC32();
      crc.update(out.toByteArray());
      d.writeInt((int) crc.getValue());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String string(ByteBuffer b) {
    int length = b.getShort() & 0xFFFF;
    if (length == 0xFFFF) {
      return null;
    }
    byte[] bytes = new byte[length];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void string(DataOutputStream d, String s) throws IOException {
    if (s == null) {
      d.writeShort(0xFFFF);
    } else {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      d.writeShort(utf8.length);
      d.write(utf8);
    }
  }

  @Override
  public String toString() {
    return "ExportLayout{"
        + topic
        + "-"
        + partition
        + ", next="
        + nextOffset
        + ", phase="
        + phase
        + ", clean="
        + clean
        + ", term="
        + term
        + ", previousStampTerm="
        + previousStampTerm
        + ", writer="
        + writer
        + "}";
  }
}
