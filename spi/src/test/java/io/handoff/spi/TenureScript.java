package io.handoff.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * A partition's records written as a short script, for the tenure rule tests: records separated
 * by spaces, each {@code KIND:WRITER:TERM} with KIND {@code D} (declaration of leadership), {@code S}
 * (step-down stamp) or {@code O} (any other record), or {@code U} alone (a record that cannot be
 * decoded). WRITER is {@code A}, {@code B}, {@code C}, {@code Z} or {@code ME} (the hosts
 * {@code host-a} ... {@code host-me}) or {@code -} for a record without writer id; TERM is the
 * record's term, {@code -1} for none. Example: {@code "D:A:5 O:A:-1 S:A:5 D:ME:7"}.
 */
final class TenureScript {

  /** The writer id of the reader in the scripts. */
  static final String ME = "host-me";

  /** One record of a script. */
  record Event(char kind, String writer, long term) {

    /** Hands the record at {@code offset} to {@code tracker}. */
    void applyTo(TenureTracker tracker, int partition, long offset) {
      switch (kind) {
        case 'D' -> tracker.declaration(partition, offset, writer, term);
        case 'S' -> tracker.stepDown(partition, offset, writer, term);
        case 'O' -> tracker.other(partition, offset, writer, term);
        case 'U' -> tracker.undecodable(partition, offset);
        default -> throw new IllegalStateException("kind " + kind);
      }
    }

    @Override
    public String toString() {
      return kind == 'U' ? "U" : kind + ":" + writer + ":" + term;
    }
  }

  private TenureScript() {
  }

  /** The records of {@code script}. */
  static List<Event> parse(String script) {
    List<Event> events = new ArrayList<>();
    for (String token : script.trim().split("\\s+")) {
      if (token.isEmpty()) {
        continue;
      }
      if (token.equals("U")) {
        events.add(new Event('U', null, TenureTracker.NO_TERM));
        continue;
      }
      String[] parts = token.split(":");
      if (parts.length != 3 || parts[0].length() != 1 || "DSO".indexOf(parts[0].charAt(0)) < 0) {
        throw new IllegalArgumentException("bad record '" + token + "' in script '" + script + "'");
      }
      events.add(new Event(parts[0].charAt(0), writer(parts[1]), Long.parseLong(parts[2])));
    }
    return events;
  }

  /** The writer id a script letter names, or null for {@code -}. */
  static String writer(String letter) {
    return switch (letter) {
      case "-" -> null;
      case "ME" -> ME;
      case "A", "B", "C", "Z" -> "host-" + letter.toLowerCase(java.util.Locale.ROOT);
      default -> throw new IllegalArgumentException("unknown writer '" + letter + "'");
    };
  }

  /** Feeds {@code events} to {@code partition} of {@code tracker} from {@code firstOffset}; returns the next offset. */
  static long feed(TenureTracker tracker, int partition, long firstOffset, List<Event> events) {
    long offset = firstOffset;
    for (Event e : events) {
      e.applyTo(tracker, partition, offset++);
    }
    return offset;
  }
}
