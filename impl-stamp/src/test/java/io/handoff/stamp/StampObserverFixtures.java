package io.handoff.stamp;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.RecordKeys;
import io.handoff.spi.HandoffEngine;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.TenureTracker;
import io.handoff.tck.ObserverRules;
import io.handoff.tck.RuleFeed;
import io.handoff.tck.RuleKeys;
import io.handoff.tck.RuleRecords.Kind;
import io.handoff.testsupport.LogCapture;
import java.util.Map;
import java.util.Random;

/**
 * Shared fixtures of the observer tests: the stamp strategy's keys for the record kinds of the
 * contract kit's rules table ({@link ObserverRules}, whose vocabulary of record sequences and
 * hand-worked rule cases these tests use), a feed of records to an observer, and a logback capture.
 * Holds no tests itself.
 */
final class StampObserverFixtures {

  private StampObserverFixtures() {}

  static final String TOPIC = "store_v7";

  /** A data key: header byte 0, then a user key. */
  static final byte[] DATA_KEY = RecordKeys.dataKey("user-key-42".getBytes(UTF_8));

  /** A control key of no stamp kind: header byte 2, a random (but fixed) GUID, 8 zero bytes. */
  static final byte[] OTHER_CONTROL_KEY = controlKey(new Random(0x5EED_C0DEL));

  static byte[] controlKey(Random random) {
    byte[] key = new byte[StampKind.KEY_LENGTH];
    key[0] = RecordKeys.CONTROL_MESSAGE_KEY_HEADER;
    byte[] guid = new byte[ProducerMetadata.GUID_LENGTH];
    random.nextBytes(guid);
    System.arraycopy(guid, 0, key, 1, guid.length);
    // bytes 17..24 (segment and sequence) stay zero
    return key;
  }

  /**
   * The stamp strategy's key of each kind of record of the rules table ({@link ObserverRules}): its
   * declaration and stamp, a data key, its heartbeat and another control message.
   */
  static final RuleKeys STAMP_KEYS =
      RuleKeys.of(StampKeys.declarationOfLeadershipKey(), StampKeys.stepDownKey())
          .withData(DATA_KEY)
          .withHeartbeat(StampKeys.heartbeatKey())
          .withOtherControl(OTHER_CONTROL_KEY);

  /**
   * A fresh copy of the stamp strategy's key of {@code kind}; null for a record without key (and
   * for an undecodable record).
   */
  static byte[] key(Kind kind) {
    return STAMP_KEYS.key(kind);
  }

  /** A feed of records to {@code observer}, with the stamp strategy's keys. */
  static RuleFeed feed(LeadershipHandoffObserver observer) {
    return new RuleFeed(observer, STAMP_KEYS);
  }

  static HandoffSettings settings(boolean consume) {
    return HandoffSettings.from(
        Map.of(HandoffSettings.CONSUME_STEPDOWN_STAMP, Boolean.toString(consume)));
  }

  /**
   * The engine's observer around a {@link StampObserver} of {@link #TOPIC} for {@link
   * ObserverRules#READER}.
   */
  static LeadershipHandoffObserver observer(boolean consume, HandoffMetrics metrics) {
    return open(consume, metrics, TOPIC, ObserverRules.READER);
  }

  /**
   * The engine's observer around a {@link StampObserver}, as a host gets it with the stamp strategy
   * selected; with consuming off too (the selection would give the no-op strategy then), so that a
   * test can see the stamp evidence kept while the engine never cuts.
   */
  static LeadershipHandoffObserver open(
      boolean consume, HandoffMetrics metrics, String versionTopic, String reader) {
    return HandoffEngine.observer(
        settings(consume),
        metrics,
        versionTopic,
        reader,
        new StampObserver(metrics, versionTopic, reader));
  }

  static LeadershipHandoffObserver observer(HandoffMetrics metrics) {
    return observer(true, metrics);
  }

  /**
   * Captures, at DEBUG, what the tenure rules and the raw-record helper log, for the duration of a
   * try-with-resources block.
   */
  static LogCapture ruleLogs() {
    return LogCapture.debug(TenureTracker.class, StampRecords.class);
  }
}
