package io.handoff.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * Copies, compares and prints the byte arrays the envelope's records hold. A record compares arrays
 * by reference unless told otherwise, so every record with a byte array uses these in its {@code
 * equals}, {@code hashCode} and {@code toString}.
 */
final class Bytes {

  static final byte[] EMPTY = new byte[0];

  private static final HexFormat HEX = HexFormat.of();

  private Bytes() {}

  static byte[] copy(byte[] bytes, String name) {
    if (bytes == null) {
      throw new NullPointerException(name + " is null");
    }
    return bytes.clone();
  }

  static byte[] copyOrNull(byte[] bytes) {
    return bytes == null ? null : bytes.clone();
  }

  /** An unmodifiable list of copies; rejects a null list or element. */
  static List<byte[]> copyAll(List<byte[]> list, String name) {
    if (list == null) {
      throw new NullPointerException(name + " is null");
    }
    List<byte[]> out = new ArrayList<>(list.size());
    for (byte[] b : list) {
      out.add(copy(b, name + " element"));
    }
    return Collections.unmodifiableList(out);
  }

  static boolean equalAll(List<byte[]> a, List<byte[]> b) {
    return Arrays.deepEquals(a.toArray(), b.toArray());
  }

  static int hashAll(List<byte[]> list) {
    return Arrays.deepHashCode(list.toArray());
  }

  /** Lower-case hex, {@code null} for null. */
  static String hex(byte[] bytes) {
    return bytes == null ? "null" : HEX.formatHex(bytes);
  }

  static String hexAll(List<byte[]> list) {
    StringBuilder sb = new StringBuilder().append('[');
    for (int i = 0; i < list.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(hex(list.get(i)));
    }
    return sb.append(']').toString();
  }
}
