package io.handoff.cli;

/**
 * Just enough JSON writing for the {@code --json} of {@code inspect}, {@code explain} and {@code
 * bench}: RFC 8259 string literals.
 */
final class Json {

  private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

  private Json() {}

  /** {@code s} as a JSON string literal, quotes included; {@code null} for null. */
  static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          // Control characters must be escaped; U+2028/U+2029 too, for JavaScript consumers.
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            sb.append("\\u")
                .append(HEX_DIGITS[(c >> 12) & 0xf])
                .append(HEX_DIGITS[(c >> 8) & 0xf])
                .append(HEX_DIGITS[(c >> 4) & 0xf])
                .append(HEX_DIGITS[c & 0xf]);
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
