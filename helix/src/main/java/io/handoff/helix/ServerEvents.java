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

/**
 * The {@link HandoverLog} lines of every server, read back from their files: what an orchestrator
 * of server processes (a test, the cluster command) knows of their handovers. Immutable.
 */
public final class ServerEvents {

  /** One event: its fields as text, strings unescaped. */
  public record Event(Map<String, String> fields) {
    /** The field's text, or null. */
    public String get(String name) {
      return fields.get(name);
    }

    /** A number field in milliseconds ({@code atMs}, {@code writableAtMs}, ...). */
    public double millis(String name) {
      String v = get(name);
      if (v == null) {
        throw new IllegalArgumentException("event " + fields + " has no field " + name);
      }
      return Double.parseDouble(v);
    }

    public String kind() {
      return get("event");
    }

    public String instance() {
      return get("instance");
    }

    public int partition() {
      return Integer.parseInt(get("partition"));
    }

    public long term() {
      return Long.parseLong(get("term"));
    }

    public boolean is(String kind, int partition) {
      return kind.equals(kind()) && fields.containsKey("partition") && partition() == partition;
    }
  }

  private static final Pattern FIELD =
      Pattern.compile("\"(\\w+)\":(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,}]*))");

  private final List<Event> all;

  private ServerEvents(List<Event> all) {
    this.all = all;
  }

  /** Every line of {@code files} that is a JSON object; files that do not exist are skipped. */
  public static ServerEvents read(List<Path> files) {
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

  /** Every event, in file order. */
  public List<Event> all() {
    return all;
  }

  /** The events of {@code kind}. */
  public List<Event> of(String kind) {
    return all.stream().filter(e -> kind.equals(e.kind())).toList();
  }

  /** How many events of {@code kind} {@code instance} printed with {@code state}. */
  public long count(String kind, String instance, String state) {
    return of(kind).stream()
        .filter(e -> instance.equals(e.get("instance")) && state.equals(e.get("state")))
        .count();
  }

  /** The promotion of {@code partition} with the highest term, or null. */
  public Event latestPromotion(int partition) {
    Event latest = null;
    for (Event e : of("promoting")) {
      if (e.partition() == partition && (latest == null || e.term() > latest.term())) {
        latest = e;
      }
    }
    return latest;
  }

  /** The first event of {@code kind} on {@code partition} with {@code term}, or null. */
  public Event find(String kind, int partition, long term) {
    return all.stream()
        .filter(e -> e.is(kind, partition) && e.term() == term)
        .findFirst()
        .orElse(null);
  }

  /**
   * Whether every partition has a leader that may write: its latest promotion made it writable and
   * it has not stepped down since.
   */
  public boolean allWritable(int partitions) {
    return allWritable(partitions, instance -> true);
  }

  /**
   * Whether every partition has a leader that may write and that is {@code serving}: a server that
   * was killed or paused prints nothing more, so its last leaderships look writable.
   */
  public boolean allWritable(int partitions, java.util.function.Predicate<String> serving) {
    for (int p = 0; p < partitions; p++) {
      Event latest = latestPromotion(p);
      if (latest == null
          || !serving.test(latest.instance())
          || find("leader", p, latest.term()) == null
          || find("stepdown", p, latest.term()) != null) {
        return false;
      }
    }
    return true;
  }
}
