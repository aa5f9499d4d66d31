package io.handoff.helix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@link HandoverLog} lines of every server, read back from their files. */
final class ServerEvents {

  /** One event: its fields as text, strings unescaped. */
  record Event(Map<String, String> fields) {
    String get(String name) {
      return fields.get(name);
    }

    String kind() {
      return get("event");
    }

    int partition() {
      return Integer.parseInt(get("partition"));
    }

    long term() {
      return Long.parseLong(get("term"));
    }

    boolean is(String kind, int partition) {
      return kind.equals(kind()) && fields.containsKey("partition") && partition() == partition;
    }
  }

  private static final Pattern FIELD =
      Pattern.compile("\"(\\w+)\":(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,}]*))");

  final List<Event> all;

  private ServerEvents(List<Event> all) {
    this.all = all;
  }

  static ServerEvents read(List<Path> files) {
    List<Event> all = new ArrayList<>();
    for (Path f : files) {
      if (!Files.exists(f)) {
        continue;
      }
      try {
        for (String line : Files.readAllLines(f)) {
          if (line.startsWith("{") && line.endsWith("}")) {
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
              fields.put(
                  m.group(1), m.group(2) != null ? m.group(2).replace("\\\"", "\"") : m.group(3));
            }
            all.add(new Event(fields));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new ServerEvents(all);
  }

  List<Event> of(String kind) {
    return all.stream().filter(e -> kind.equals(e.kind())).toList();
  }

  long count(String kind, String instance, String state) {
    return of(kind).stream()
        .filter(e -> instance.equals(e.get("instance")) && state.equals(e.get("state")))
        .count();
  }

  /** The promotion of {@code partition} with the highest term, or null. */
  Event latestPromotion(int partition) {
    Event latest = null;
    for (Event e : of("promoting")) {
      if (e.partition() == partition && (latest == null || e.term() > latest.term())) {
        latest = e;
      }
    }
    return latest;
  }

  /** The first event of {@code kind} on {@code partition} with {@code term}, or null. */
  Event find(String kind, int partition, long term) {
    return all.stream()
        .filter(e -> e.is(kind, partition) && e.term() == term)
        .findFirst()
        .orElse(null);
  }

  /**
   * Whether every partition has a leader that may write: its latest promotion made it writable and
   * it has not stepped down since.
   */
  boolean allWritable(int partitions) {
    for (int p = 0; p < partitions; p++) {
      Event latest = latestPromotion(p);
      if (latest == null
          || find("leader", p, latest.term()) == null
          || find("stepdown", p, latest.term()) != null) {
        return false;
      }
    }
    return true;
  }
}
