package io.handoff.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * The StartOfPush control payload. Immutable: the dictionary is copied in and out.
 *
 * @param compressionDictionary null when there is none (the union's null branch)
 */
public record StartOfPush(
    boolean sorted,
    boolean chunked,
    int compressionStrategy,
    byte[] compressionDictionary,
    int timestampPolicy)
    implements ControlPayload {

  public StartOfPush {
    compressionDictionary = Bytes.copyOrNull(compressionDictionary);
  }

  /**
   * Every field at its schema default: unsorted, unchunked, strategy 0, no dictionary, policy 0.
   */
  public static StartOfPush defaults() {
    return new StartOfPush(false, false, 0, null, 0);
  }

  @Override
  public ControlMessageType type() {
    return ControlMessageType.START_OF_PUSH;
  }

  /** A copy of the dictionary, or null when there is none. */
  @Override
  public byte[] compressionDictionary() {
    return Bytes.copyOrNull(compressionDictionary);
  }

  byte[] dictionaryRef() {
    return compressionDictionary;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StartOfPush s
        && sorted == s.sorted
        && chunked == s.chunked
        && compressionStrategy == s.compressionStrategy
        && Arrays.equals(compressionDictionary, s.compressionDictionary)
        && timestampPolicy == s.timestampPolicy;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        sorted,
        chunked,
        compressionStrategy,
        Arrays.hashCode(compressionDictionary),
        timestampPolicy);
  }

  @Override
  public String toString() {
    return "StartOfPush[sorted="
        + sorted
        + ", chunked="
        + chunked
        + ", compressionStrategy="
        + compressionStrategy
        + ", compressionDictionary="
        + Bytes.hex(compressionDictionary)
        + ", timestampPolicy="
        + timestampPolicy
        + "]";
  }
}
