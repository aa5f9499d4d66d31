package io.handoff.cli;

import java.util.HexFormat;

/** Hex for the command line: lower-case output, and parsing that says exactly what is wrong. */
final class HexArgs {

  private static final HexFormat HEX = HexFormat.of();

  private HexArgs() {}

  /** Lower-case hex, two digits per byte, no separators; {@code ""} for null. */
  static String format(byte[] bytes) {
    return bytes == null ? "" : HEX.formatHex(bytes);
  }

  /**
   * Parses the hex given to {@code flag}. Accepts upper or lower case, an optional {@code 0x}
   * prefix, and whitespace or {@code :} between digits.
   *
   * @throws CliException naming the flag and the problem
   */
  static byte[] parse(String flag, String text) {
    if (text == null) {
      throw new CliException("Invalid hex for " + flag + ": no value");
    }
    String s = text.strip();
    if (s.startsWith("0x") || s.startsWith("0X")) {
      s = s.substring(2);
    }
    StringBuilder digits = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c) || c == ':') {
        continue;
      }
      if (Character.digit(c, 16) < 0) {
        throw new CliException(
            "Invalid hex for "
                + flag
                + ": '"
                + printable(c)
                + "' at position "
                + i
                + " is not a hex digit");
      }
      digits.append(c);
    }
    if (digits.length() % 2 != 0) {
      throw new CliException(
          "Invalid hex for "
              + flag
              + ": odd number of hex digits ("
              + digits.length()
              + "); every byte needs two");
    }
    return HEX.parseHex(digits);
  }

  private static String printable(char c) {
    return Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
