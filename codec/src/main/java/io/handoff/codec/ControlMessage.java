package io.handoff.codec;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A control message. Immutable.
 *
 * @param controlMessageType the type as written: see {@link ControlMessageType#fromWireNumber}. A
 *     writer gives it the wire number of {@code body}'s type, but nothing checks that on the wire
 * @param debugInfo free-form strings, kept in their order on the wire (unmodifiable)
 * @param body the {@code controlMessageUnion}
 */
public record ControlMessage(
    int controlMessageType, Map<String, String> debugInfo, ControlPayload body) implements Payload {

  public ControlMessage {
    requireNonNull(debugInfo, "debugInfo is null");
    requireNonNull(body, "body is null");
    debugInfo.forEach(
        (k, v) -> {
          requireNonNull(k, "debugInfo key is null");
          requireNonNull(v, "debugInfo value of " + k + " is null");
        });
    debugInfo =
        debugInfo.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(debugInfo));
  }

  /** A control message of {@code body}'s own type with empty debug info, as writers write it. */
  public static ControlMessage of(ControlPayload body) {
    requireNonNull(body, "body is null");
    return new ControlMessage(body.type().wireNumber(), Map.of(), body);
  }

  @Override
  public PayloadBranch branch() {
    return PayloadBranch.CONTROL_MESSAGE;
  }
}
