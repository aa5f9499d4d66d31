package io.handoff.tck.vendor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The "backend" of the example vendor strategy: an append-only log per topic-partition, in memory.
 */
public final class MemoryLog {

  /** One appended record. */
  public record Entry(byte[] key, long term, String writerId) {}

  private static final Map<String, List<Entry>> LOGS = new ConcurrentHashMap<>();

  private MemoryLog() {}

  static long append(String topic, int partition, Entry entry) {
    List<Entry> log = LOGS.computeIfAbsent(topic + "-" + partition, k -> new ArrayList<>());
    synchronized (log) {
      log.add(entry);
      return log.size() - 1;
    }
  }

  public static List<Entry> read(String topic, int partition) {
    List<Entry> log = LOGS.getOrDefault(topic + "-" + partition, List.of());
    synchronized (log) {
      return List.copyOf(log);
    }
  }
}
