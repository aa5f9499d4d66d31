package io.handoff.helix;

import static java.util.Objects.requireNonNull;

import io.handoff.host.ReferenceReplica.StampWiring;
import io.handoff.spi.HandoffConfigException;
import io.handoff.spi.HandoffSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * The server process's own settings ({@value #PREFIX}*), read from the same properties file as the
 * handoff settings ({@code server.leader.handover.*}). Every invalid value is reported together,
 * each naming its key.
 *
 * @param handoff the handoff settings of the file
 * @param inactivityWindow how long a partition must be silent before a leader writes without a
 *     stamp ({@value #INACTIVITY_WINDOW_MS}, default 300000)
 * @param clusterId the local pub-sub cluster id written into stamps ({@value #CLUSTER_ID}, default
 *     0)
 * @param writeInterval how often a leader hands a batch of records to its producer ({@value
 *     #WRITE_INTERVAL_MS}, default 20)
 * @param writeBatch records per partition led and per interval ({@value #WRITE_BATCH}, default 5)
 * @param stampWiring how stamps are ordered after the server's writes ({@value #STAMP_WIRING},
 *     host_producer or after_host_writes)
 * @param exitOnStdinEof stop gracefully when standard input closes ({@value #EXIT_ON_STDIN_EOF},
 *     default false): an orchestrator's children then never outlive it
 */
public record ServerSettings(
    HandoffSettings handoff,
    Duration inactivityWindow,
    int clusterId,
    Duration writeInterval,
    int writeBatch,
    StampWiring stampWiring,
    boolean exitOnStdinEof) {

  public static final String PREFIX = "handoff.server.";
  public static final String INACTIVITY_WINDOW_MS = PREFIX + "inactivity.window.ms";
  public static final String CLUSTER_ID = PREFIX + "cluster.id";
  public static final String WRITE_INTERVAL_MS = PREFIX + "write.interval.ms";
  public static final String WRITE_BATCH = PREFIX + "write.batch";
  public static final String STAMP_WIRING = PREFIX + "stamp.wiring";
  public static final String EXIT_ON_STDIN_EOF = PREFIX + "exit.on.stdin.eof";

  private static final Set<String> KEYS =
      Set.of(
          INACTIVITY_WINDOW_MS,
          CLUSTER_ID,
          WRITE_INTERVAL_MS,
          WRITE_BATCH,
          STAMP_WIRING,
          EXIT_ON_STDIN_EOF);

  public ServerSettings {
    requireNonNull(handoff, "handoff is null");
    requireNonNull(inactivityWindow, "inactivityWindow is null");
    requireNonNull(writeInterval, "writeInterval is null");
    requireNonNull(stampWiring, "stampWiring is null");
  }

  /**
   * Parses the server's and the handoff's keys of {@code properties}.
   *
   * @throws HandoffConfigException listing every invalid value and unknown {@value #PREFIX} key
   */
  public static ServerSettings from(Properties properties) {
    requireNonNull(properties, "properties is null");
    List<String> errors = new ArrayList<>();
    for (String key : properties.stringPropertyNames()) {
      if (key.startsWith(PREFIX) && !KEYS.contains(key)) {
        errors.add(
            "Unknown configuration " + key + ": known are " + KEYS.stream().sorted().toList());
      }
    }
    long window = number(properties, INACTIVITY_WINDOW_MS, 300_000, 0, Long.MAX_VALUE, errors);
    long cluster = number(properties, CLUSTER_ID, 0, 0, Integer.MAX_VALUE, errors);
    long interval = number(properties, WRITE_INTERVAL_MS, 20, 1, 60_000, errors);
    long batch = number(properties, WRITE_BATCH, 5, 0, 10_000, errors);
    StampWiring wiring = StampWiring.HOST_PRODUCER;
    String w = properties.getProperty(STAMP_WIRING);
    if (w != null) {
      try {
        wiring = StampWiring.valueOf(w.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        errors.add(invalid(w, STAMP_WIRING, "must be host_producer or after_host_writes"));
      }
    }
    String eof = properties.getProperty(EXIT_ON_STDIN_EOF, "false").trim();
    if (!eof.equals("true") && !eof.equals("false")) {
      errors.add(invalid(eof, EXIT_ON_STDIN_EOF, "must be true or false"));
    }
    HandoffSettings handoff = null;
    try {
      handoff = HandoffSettings.from(properties);
    } catch (HandoffConfigException e) {
      errors.addAll(e.errors());
    }
    if (!errors.isEmpty()) {
      throw new HandoffConfigException(errors);
    }
    return new ServerSettings(
        handoff,
        Duration.ofMillis(window),
        (int) cluster,
        Duration.ofMillis(interval),
        (int) batch,
        wiring,
        eof.equals("true"));
  }

  private static long number(
      Properties properties, String key, long dflt, long min, long max, List<String> errors) {
    String v = properties.getProperty(key);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(invalid(v, key, "must be a whole number from " + min + " to " + max));
    return dflt;
  }

  private static String invalid(String value, String key, String why) {
    return "Invalid value '" + value + "' for configuration " + key + ": " + why;
  }
}
