package io.handoff.codec;

import io.handoff.codec.EnvelopeCodecException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounds-checked reader of Avro binary encoding over one byte array.
 *
 * <p>It reads the primitives exactly as Avro's {@code BinaryDecoder} does (zig-zag varints of at
 * most 5 bytes for an int and 10 for a long, length-prefixed bytes and strings, union indexes as
 * ints, array and map blocks, negative block counts followed by a block size), but it knows its
 * position: every length is checked against the bytes left before anything is allocated, and a
 * caller can tell whether the input was consumed exactly. Every failure is an {@link
 * EnvelopeCodecException} naming the field and the offset. Not thread-safe; one per decode.
 */
final class BodyCursor {

  private final byte[] buf;
  private final int limit;
  private int pos;

  BodyCursor(byte[] buf, int start) {
    this.buf = buf;
    this.limit = buf.length;
    this.pos = start;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return limit - pos;
  }

  private EnvelopeCodecException truncated(String field, String part, long needed) {
    return new EnvelopeCodecException(
        Reason.TRUNCATED,
        "truncated body: "
            + field
            + part
            + " needs "
            + needed
            + " byte(s) at offset "
            + pos
            + " but only "
            + (limit - pos)
            + " remain (value length "
            + limit
            + ")",
        pos,
        field);
  }

  private static EnvelopeCodecException malformed(String message, int at, String field) {
    return new EnvelopeCodecException(Reason.MALFORMED, message, at, field);
  }

  private byte next(String field, String part) {
    if (pos >= limit) {
      throw truncated(field, part, 1);
    }
    return buf[pos++];
  }

  int readInt(String field) {
    return readInt(field, "");
  }

  // The part strings are constants: nothing is concatenated unless a read fails.
  private int readInt(String field, String part) {
    int start = pos;
    int n = 0;
    for (int shift = 0; shift <= 28; shift += 7) {
      int b = next(field, part) & 0xff;
      n |= (b & 0x7f) << shift;
      if (b < 0x80) {
        return (n >>> 1) ^ -(n & 1);
      }
    }
    throw malformed(
        "malformed int varint for " + field + part + " at offset " + start, start, field);
  }

  long readLong(String field) {
    return readLong(field, "");
  }

  private long readLong(String field, String part) {
    int start = pos;
    long n = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      int b = next(field, part) & 0xff;
      n |= (long) (b & 0x7f) << shift;
      if (b < 0x80) {
        return (n >>> 1) ^ -(n & 1);
      }
    }
    throw malformed(
        "malformed long varint for " + field + part + " at offset " + start, start, field);
  }

  boolean readBoolean(String field) {
    int at = pos;
    byte b = next(field, "");
    if (b == 0) {
      return false;
    }
    if (b == 1) {
      return true;
    }
    throw malformed(
        "malformed boolean for " + field + " at offset " + at + ": byte " + (b & 0xff), at, field);
  }

  /** Reads a union branch index and checks it against the union's {@code branches}. */
  int readIndex(String union, int branches) {
    int at = pos;
    int index = readInt(union, " branch index");
    if (index < 0 || index >= branches) {
      throw new EnvelopeCodecException(
          Reason.UNKNOWN_UNION_BRANCH,
          "unknown union branch "
              + index
              + " of "
              + union
              + " at offset "
              + at
              + " (known branches 0.."
              + (branches - 1)
              + ")",
          at,
          union);
    }
    return index;
  }

  /** Reads the length of a bytes or string value and checks that many bytes remain. */
  private int readLength(String field) {
    int at = pos;
    long length = readLong(field, " length");
    if (length < 0) {
      throw malformed(
          "negative length " + length + " for " + field + " at offset " + at, at, field);
    }
    if (length > remaining()) {
      throw truncated(field, "", length);
    }
    return (int) length;
  }

  byte[] readBytes(String field) {
    int length = readLength(field);
    byte[] out = new byte[length];
    System.arraycopy(buf, pos, out, 0, length);
    pos += length;
    return out;
  }

  /** Reads past a bytes or string value, checked as {@link #readBytes} checks it. */
  void skipBytes(String field) {
    int length = readLength(field); // not "pos += readLength(..)": that adds to the old pos
    pos += length;
  }

  String readString(String field) {
    int length = readLength(field);
    String s = new String(buf, pos, length, StandardCharsets.UTF_8);
    pos += length;
    return s;
  }

  byte[] readFixed(String field, int size) {
    skipFixed(field, size);
    byte[] out = new byte[size];
    System.arraycopy(buf, pos - size, out, 0, size);
    return out;
  }

  void skipFixed(String field, int size) {
    if (size > remaining()) {
      throw truncated(field, " (fixed)", size);
    }
    pos += size;
  }

  /**
   * Reads the item count of the next array or map block: 0 ends the array or map. A negative count
   * is followed by the block's size in bytes, which is read and checked. Every item of the
   * envelope's arrays and maps takes at least one byte, so a count larger than the bytes left is
   * reported as truncation before anything is allocated for it.
   */
  long readBlockCount(String field) {
    int at = pos;
    long count = readLong(field, " block count");
    if (count < 0) {
      if (count == Long.MIN_VALUE) {
        throw malformed("malformed block count for " + field + " at offset " + at, at, field);
      }
      count = -count;
      long size = readLong(field, " block size");
      if (size < 0) {
        throw malformed(
            "negative block size " + size + " for " + field + " at offset " + at, at, field);
      }
    }
    if (count > remaining()) {
      throw truncated(field, " (items of a block)", count);
    }
    return count;
  }

  // ------------------------------------------------------------------- arrays and maps

  /** A map of strings, in its order on the wire; {@code Map.of()} when empty. */
  Map<String, String> readStringMap(String field) {
    Map<String, String> map = null;
    for (long n = readBlockCount(field); n != 0; n = readBlockCount(field)) {
      if (map == null) {
        map = new LinkedHashMap<>();
      }
      for (long i = 0; i < n; i++) {
        String key = readString(field);
        map.put(key, readString(field));
      }
    }
    return map == null ? Map.of() : map;
  }

  List<String> readStringArray(String field) {
    List<String> list = new ArrayList<>();
    for (long n = readBlockCount(field); n != 0; n = readBlockCount(field)) {
      for (long i = 0; i < n; i++) {
        list.add(readString(field));
      }
    }
    return list;
  }

  List<Long> readLongArray(String field) {
    List<Long> list = new ArrayList<>();
    for (long n = readBlockCount(field); n != 0; n = readBlockCount(field)) {
      for (long i = 0; i < n; i++) {
        list.add(readLong(field));
      }
    }
    return list;
  }

  List<byte[]> readBytesArray(String field) {
    List<byte[]> list = new ArrayList<>();
    for (long n = readBlockCount(field); n != 0; n = readBlockCount(field)) {
      for (long i = 0; i < n; i++) {
        list.add(readBytes(field));
      }
    }
    return list;
  }
}
