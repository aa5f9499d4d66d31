package io.handoff.stamp;

import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.TenureListener;
import io.handoff.spi.TenureObserver;

/**
 * The stamp strategy's evidence: the tenure rules of {@code docs/ARCHITECTURE.md} applied to
 * Venice-style records, where a declaration of leadership and a step-down stamp are recognised by
 * their 25-byte keys alone ({@link StampKeys}). Hosts that hold raw Kafka records feed them through
 * {@link StampRecords#observe}, which applies the rule for undecodable records.
 *
 * <p>Hosts never call it directly: the engine wraps it in the observer they get from {@code
 * LeadershipHandoffs.observers} (or {@code HandoffEngine.observer}, for a tool that passes a {@link
 * TenureListener}). {@link #observe} allocates nothing once a partition has been seen, except on a
 * declaration of leadership; see {@link io.handoff.spi.HandoverEvidence} for the threading rules.
 */
public final class StampObserver extends TenureObserver {

  /**
   * @param metrics where tenures that turn unclean are counted
   * @throws IllegalArgumentException if {@code versionTopic} or {@code localWriterId} is blank
   */
  public StampObserver(HandoffMetrics metrics, String versionTopic, String localWriterId) {
    super(metrics, versionTopic, localWriterId);
  }

  /**
   * As {@link #StampObserver(HandoffMetrics, String, String)}, telling {@code listener} (which may
   * be null) whenever a tenure begins, turns unclean or is closed: for tools that show an operator
   * the tenures of a partition. A server has no use for it.
   */
  public StampObserver(
      HandoffMetrics metrics, String versionTopic, String localWriterId, TenureListener listener) {
    super(metrics, versionTopic, localWriterId, listener);
  }

  @Override
  protected Role roleOf(byte[] recordKey) {
    StampKind kind = StampKeys.kindOf(recordKey);
    if (kind == StampKind.STEP_DOWN) {
      return Role.STEP_DOWN;
    }
    return kind == StampKind.DECLARATION_OF_LEADERSHIP ? Role.DECLARATION : Role.OTHER;
  }
}
