package io.handoff.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes Avro binary encoding into a growable byte array: zig-zag varints for int and long,
 * length-prefixed bytes and strings, union indexes as ints, arrays and maps as one block and the
 * end marker 0, the very bytes Avro's {@code BinaryEncoder} writes. One per thread, reused.
 */
final class BodyWriter {

  /** A buffer that grew beyond this is dropped after use instead of being kept for the thread. */
  static final int MAX_RETAINED_BUFFER = 64 * 1024;

  private static final int INITIAL_CAPACITY = 256;

  private byte[] buf = new byte[INITIAL_CAPACITY];
  private int count;

  /** Starts a new value with the two prefix bytes. */
  BodyWriter start(byte magic, byte version) {
    if (buf.length > MAX_RETAINED_BUFFER) {
      buf = new byte[INITIAL_CAPACITY];
    }
    count = 0;
    writeByte(magic);
    writeByte(version);
    return this;
  }

  int capacity() {
    return buf.length;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, count);
  }

  private void ensure(int extra) {
    int needed = count + extra;
    if (needed < 0) {
      throw new OutOfMemoryError("record value larger than 2 GiB");
    }
    if (needed > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
    }
  }

  private void writeByte(int b) {
    ensure(1);
    buf[count++] = (byte) b;
  }

  void writeInt(int n) {
    writeLong(n);
  }

  void writeLong(long n) {
    ensure(10);
    long v = (n << 1) ^ (n >> 63);
    while ((v & ~0x7FL) != 0) {
      buf[count++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[count++] = (byte) v;
  }

  void writeBoolean(boolean b) {
    writeByte(b ? 1 : 0);
  }

  void writeFixed(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, count, bytes.length);
    count += bytes.length;
  }

  void writeBytes(byte[] bytes) {
    writeLong(bytes.length);
    writeFixed(bytes);
  }

  void writeString(String s) {
    writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  private void writeBlockCount(int size) {
    if (size > 0) {
      writeLong(size);
    }
  }

  void writeStringMap(Map<String, String> map) {
    writeBlockCount(map.size());
    for (Map.Entry<String, String> e : map.entrySet()) {
      writeString(e.getKey());
      writeString(e.getValue());
    }
    writeLong(0);
  }

  void writeStringArray(List<String> list) {
    writeBlockCount(list.size());
    for (String s : list) {
      writeString(s);
    }
    writeLong(0);
  }

  void writeLongArray(List<Long> list) {
    writeBlockCount(list.size());
    for (long n : list) {
      writeLong(n);
    }
    writeLong(0);
  }

  void writeBytesArray(List<byte[]> list) {
    writeBlockCount(list.size());
    for (byte[] b : list) {
      writeBytes(b);
    }
    writeLong(0);
  }
}
