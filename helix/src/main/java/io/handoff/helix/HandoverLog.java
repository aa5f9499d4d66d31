package io.handoff.helix;

import static java.util.Objects.requireNonNull;

import io.handoff.host.Handover;
import io.handoff.spi.EmitOutcome;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * What a server's transitions did, one JSON object per line, for an orchestrator to read back:
 * every object has {@code event}, {@code instance} and {@code atMs} (wall-clock milliseconds since
 * the epoch, with microseconds, comparable between processes of one machine), and the events of a
 * partition have {@code topic}, {@code partition} and {@code term}:
 *
 * <ul>
 *   <li>{@code promoting}: STANDBY -> LEADER was handed to the replica;
 *   <li>{@code leader}: the replica may write; {@code path} (FAST_PATH or LEGACY_WAIT), {@code
 *       reason} (the observer's, lower case), and {@code promotedAtMs}, {@code
 *       declarationAckedAtMs}, {@code declarationReadAtMs}, {@code writableAtMs};
 *   <li>{@code promotion_ended}: a promotion that ended without leadership, with {@code why};
 *   <li>{@code stepdown}: {@code cause} (standby, offline, reset, shutdown), {@code status} (the
 *       emitter's: ACKED, SKIPPED_UNESTABLISHED, ...), {@code offset} of the stamp or -1, {@code
 *       startedAtMs}, {@code endedAtMs}, and {@code error} when there is one;
 *   <li>{@code server}: the server's life, with {@code state} (started, stopping, stopped).
 * </ul>
 *
 * Strings are escaped; numbers are plain. Thread-safe: one line is written at a time.
 */
public final class HandoverLog implements LeadershipTransitions.Listener<Handover> {

  private final PrintStream out;
  private final String instance;
  private final String topic;
  private final long baseMillis = System.currentTimeMillis();
  private final long baseNanos = System.nanoTime();

  /**
   * @param out where lines go
   * @param instance the server's instance name
   * @param topic the version topic of the transitions this listens to, or null for server events
   */
  public HandoverLog(PrintStream out, String instance, String topic) {
    this.out = requireNonNull(out, "out is null");
    this.instance = requireNonNull(instance, "instance is null");
    this.topic = topic;
  }

  /** A log of the same output for the transitions of another version topic. */
  public HandoverLog forTopic(String versionTopic) {
    return new HandoverLog(out, instance, requireNonNull(versionTopic, "versionTopic is null"));
  }

  /** A {@code server} event with {@code state}. */
  public void server(String state) {
    Map<String, Object> e = event("server");
    e.put("state", state);
    write(e);
  }

  @Override
  public void promoting(int partition, long term) {
    write(partitionEvent("promoting", partition, term));
  }

  @Override
  public void writable(int partition, long term, Handover h) {
    Map<String, Object> e = partitionEvent("leader", partition, term);
    e.put("path", h.path().name());
    e.put(
        "reason", h.reason() == null ? null : h.reason().name().toLowerCase(java.util.Locale.ROOT));
    e.put("promotedAtMs", millis(h.promotedAtNanos()));
    e.put("declarationAckedAtMs", millis(h.declarationAckedAtNanos()));
    e.put("declarationReadAtMs", millis(h.declarationReadAtNanos()));
    e.put("writableAtMs", millis(h.writableAtNanos()));
    write(e);
  }

  @Override
  public void promotionEnded(int partition, long term, Throwable cause) {
    Map<String, Object> e = partitionEvent("promotion_ended", partition, term);
    Throwable c =
        cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
    e.put("why", c instanceof CancellationException ? "stepped down first" : String.valueOf(c));
    write(e);
  }

  @Override
  public void steppedDown(
      int partition,
      LeadershipTransitions.Cause cause,
      EmitOutcome outcome,
      long startedAtNanos,
      long endedAtNanos) {
    Map<String, Object> e = partitionEvent("stepdown", partition, outcome.stepDown().leaderTerm());
    e.put("cause", cause.name().toLowerCase(java.util.Locale.ROOT));
    e.put("status", outcome.status().name());
    e.put("established", outcome.stepDown().established());
    e.put("offset", outcome.offset());
    e.put("startedAtMs", millis(startedAtNanos));
    e.put("endedAtMs", millis(endedAtNanos));
    if (outcome.cause() != null) {
      e.put("error", outcome.cause().toString());
    }
    write(e);
  }

  private Map<String, Object> event(String name) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("event", name);
    e.put("instance", instance);
    e.put("atMs", millis(System.nanoTime()));
    return e;
  }

  private Map<String, Object> partitionEvent(String name, int partition, long term) {
    Map<String, Object> e = event(name);
    e.put("topic", topic);
    e.put("partition", partition);
    e.put("term", term);
    return e;
  }

  private double millis(long nanos) {
    return baseMillis + Math.round((nanos - baseNanos) / 1_000.0) / 1_000.0;
  }

  private void write(Map<String, Object> event) {
    StringBuilder sb = new StringBuilder("{");
    event.forEach(
        (k, v) -> {
          if (sb.length() > 1) {
            sb.append(',');
          }
          quote(sb, k).append(':');
          if (v == null) {
            sb.append("null");
          } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.3f", d) : v);
          } else {
            quote(sb, v.toString());
          }
        });
    String line = sb.append('}').toString();
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  private static StringBuilder quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }
}
