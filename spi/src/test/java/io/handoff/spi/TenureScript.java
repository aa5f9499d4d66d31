package io.handoff.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * A partition's records written as a short script, for the tenure rule tests: records separated by
 * spaces, each {@code KIND:WRITER:TERM} with KIND {@code D} (declaration of leadership), {@code S}
 * (step-down stamp) or {@code O} (any other record), or {@code U} alone (a record that cannot be
 * decoded). WRITER is {@code A}, {@code B}, {@code C}, {@code Z} or {@code ME} (the hosts {@code
 * host-a} ... {@code host-me}) or {@code -} for a record without writer id; TERM is the record's
 * term, {@code -1} for none. Example: {@code "D:A:5 O:A:-1 S:A:5 D:ME:7"}. A script can be fed to a
 * {@link TenureTracker} or, with one key per kind, to any {@link LeadershipHandoffObserver} such as
 * the {@link ScriptObserver}.
 */
final class TenureScript {

  /** The writer id of the reader in the scripts. */
  static final String ME = "host-me";

  /** The key of a declaration of leadership for a {@link ScriptObserver}. */
  static final byte[] DOL_KEY = {'D'};

  /** The key of a step-down stamp for a {@link ScriptObserver}. */
  static final byte[] STAMP_KEY = {'S'};

  /** The key of any other record for a {@link ScriptObserver}. */
  static final byte[] OTHER_KEY = {'O'};

  /**
   * An observer that tells a record's role by the first byte of its key, as the script's keys give
   * it.
   */
  static final class ScriptObserver extends TenureObserver {
    ScriptObserver(
        HandoffMetrics metrics,
        String versionTopic,
        String localWriterId,
        TenureListener listener) {
      super(metrics, versionTopic, localWriterId, listener);
    }

    @Override
    protected Role roleOf(byte[] recordKey) {
      if (recordKey == null || recordKey.length == 0) {
        return Role.OTHER;
      }
      return recordKey[0] == 'D'
          ? Role.DECLARATION
          : recordKey[0] == 'S' ? Role.STEP_DOWN : Role.OTHER;
    }
  }

  /**
   * The engine's observer around a {@link ScriptObserver}, as a host gets it, with consuming
   * switched on or off.
   */
  static LeadershipHandoffObserver observer(
      boolean consume,
      HandoffMetrics metrics,
      String versionTopic,
      String localWriterId,
      TenureListener listener) {
    return HandoffEngine.observer(
        HandoffSettings.from(
            java.util.Map.of(HandoffSettings.CONSUME_STEPDOWN_STAMP, String.valueOf(consume))),
        metrics,
        versionTopic,
        localWriterId,
        new ScriptObserver(metrics, versionTopic, localWriterId, listener));
  }

  /**
   * The engine's observer around {@link LegacyWaitObserver}, consuming switched on: whatever the
   * switch, the no-op strategy's evidence never cuts.
   */
  static LeadershipHandoffObserver legacyWait(
      HandoffMetrics metrics, String versionTopic, String localWriterId) {
    return HandoffEngine.observer(
        HandoffSettings.from(java.util.Map.of(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true")),
        metrics,
        versionTopic,
        localWriterId,
        new LegacyWaitObserver(versionTopic, localWriterId));
  }

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

    /** Hands the record at {@code offset} to {@code observer}, with the key of its kind. */
    void applyTo(LeadershipHandoffObserver observer, int partition, long offset) {
      switch (kind) {
        case 'D' -> observer.observe(partition, offset, DOL_KEY, writer, term);
        case 'S' -> observer.observe(partition, offset, STAMP_KEY, writer, term);
        case 'O' -> observer.observe(partition, offset, OTHER_KEY, writer, term);
        case 'U' -> observer.observeUndecodable(partition, offset);
        default -> throw new IllegalStateException("kind " + kind);
      }
    }

    @Override
    public String toString() {
      return kind == 'U' ? "U" : kind + ":" + writer + ":" + term;
    }
  }

  private TenureScript() {}

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

  /**
   * Feeds {@code events} to {@code partition} of {@code tracker} from {@code firstOffset}; returns
   * the next offset.
   */
  static long feed(TenureTracker tracker, int partition, long firstOffset, List<Event> events) {
    long offset = firstOffset;
    for (Event e : events) {
      e.applyTo(tracker, partition, offset++);
    }
    return offset;
  }

  /**
   * Feeds {@code events} to {@code partition} of {@code observer} from {@code firstOffset}; returns
   * the next one.
   */
  static long feed(
      LeadershipHandoffObserver observer, int partition, long firstOffset, List<Event> events) {
    long offset = firstOffset;
    for (Event e : events) {
      e.applyTo(observer, partition, offset++);
    }
    return offset;
  }
}
