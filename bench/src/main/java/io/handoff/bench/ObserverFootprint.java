package io.handoff.bench;

import io.handoff.codec.RecordKeys;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffObserverFactory;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.stamp.StampKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The stamp observers of a server that hosts {@code topics} version topics of {@code partitions}
 * partitions each, opened the way a host opens them, fed what a partition's log holds: each cycle
 * is a declaration of leadership, data records and the leader's step-down stamp. Writer ids arrive
 * as new strings on every record, as they do from a host that decodes each record's envelope.
 */
final class ObserverFootprint {

  static final int DATA_PER_CYCLE = 8;
  private static final String[] HOSTS = {"host-a.example.com", "host-b.example.com"};

  private final HandoffSettings settings;
  private final HandoffMetrics metrics = HandoffMetrics.NOOP;
  private final int partitions;
  private final List<LeadershipHandoffObserver> observers = new ArrayList<>();
  private final byte[] declarationKey = StampKeys.declarationOfLeadershipKey();
  private final byte[] stepDownKey = StampKeys.stepDownKey();
  private final byte[][] dataKeys = new byte[DATA_PER_CYCLE][];
  private int cycles;

  ObserverFootprint(int topics, int partitions) {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true");
    this.settings = HandoffSettings.from(p);
    this.partitions = partitions;
    HandoffObserverFactory factory = LeadershipHandoffs.observers(settings, metrics);
    for (int t = 0; t < topics; t++) {
      observers.add(factory.open("store" + t + "_v1", "host-c.example.com"));
    }
    for (int i = 0; i < DATA_PER_CYCLE; i++) {
      dataKeys[i] = RecordKeys.dataKey(("user-key-" + i).getBytes(StandardCharsets.UTF_8));
    }
  }

  int partitionCount() {
    return observers.size() * partitions;
  }

  int cycles() {
    return cycles;
  }

  /** Bytes held by the observers, the settings and metrics every observer shares left out. */
  long retainedBytes() {
    return RetainedSize.of(observers, settings, metrics);
  }

  /** One more cycle on every partition: declaration, data, stamp, each at the next offset. */
  void observeCycle() {
    long term = 1_000L + cycles;
    String host = HOSTS[cycles % HOSTS.length];
    long base = (long) cycles * (DATA_PER_CYCLE + 2);
    for (LeadershipHandoffObserver o : observers) {
      for (int p = 0; p < partitions; p++) {
        long offset = base;
        o.observe(p, offset++, declarationKey, new String(host), term);
        for (byte[] key : dataKeys) {
          o.observe(p, offset++, key, new String(host), -1);
        }
        o.observe(p, offset, stepDownKey, new String(host), term);
      }
    }
    cycles++;
  }

  /** What a host does when a partition moves away from it. */
  void forgetAll() {
    for (LeadershipHandoffObserver o : observers) {
      for (int p = 0; p < partitions; p++) {
        o.forget(p);
      }
    }
  }
}
