package io.handoff.spi;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observer hosts call, around a strategy's {@link HandoverEvidence}: what every strategy shares
 * lives here once. It checks arguments, applies the consume switch, decides with {@link
 * HandoverPath#choose} and reports each decision's metric with its reason, and keeps the guarantee
 * that a strategy that throws never yields a fast path and never throws to the host.
 *
 * <p>A partition whose evidence threw is <em>untrusted</em>: it never cuts the wait and explains
 * {@link HandoverReason#STRATEGY_FAILED} until {@link #forget} or a successful {@link
 * #restoreState}. The records keep going to the evidence meanwhile, so that a transient failure
 * costs the next handover its fast path and nothing more.
 *
 * <p><b>Cost.</b> {@link #observe} adds two comparisons and a call to the evidence's own cost; the
 * guard is a try block, free until something throws. The untrusted partitions are looked up only
 * when deciding, explaining or exporting.
 */
final class EngineObserver implements LeadershipHandoffObserver {

  private static final Logger LOG = LoggerFactory.getLogger(EngineObserver.class);

  private static final byte[] NO_STATE = new byte[0];

  /** The highest partition accepted, the same for every strategy. */
  private static final int MAX_PARTITION = TenureTracker.MAX_PARTITION;

  private final HandoffMetrics metrics;
  private final String versionTopic;
  private final String localWriterId;
  private final boolean consume;
  private final HandoverEvidence evidence;

  /** The first failure of each untrusted partition; written from any partition's thread. */
  private final Map<Integer, RuntimeException> untrusted = new ConcurrentHashMap<>();

  EngineObserver(
      HandoffSettings settings,
      HandoffMetrics metrics,
      String versionTopic,
      String localWriterId,
      HandoverEvidence evidence) {
    this.consume = settings.consumeStepDownStamp();
    this.metrics = metrics;
    this.versionTopic = versionTopic;
    this.localWriterId = localWriterId;
    this.evidence = evidence;
  }

  HandoverEvidence evidence() {
    return evidence;
  }

  @Override
  public String versionTopic() {
    return versionTopic;
  }

  @Override
  public String localWriterId() {
    return localWriterId;
  }

  @Override
  public void observe(
      int partition, long offset, byte[] recordKey, CharSequence writerId, long termId) {
    if (partition < 0 || partition > MAX_PARTITION || offset < 0) {
      throw badRecord(partition, offset);
    }
    try {
      evidence.observe(partition, offset, recordKey, writerId, termId);
    } catch (RuntimeException e) {
      failed(partition, offset, "observe", e);
    }
  }

  @Override
  public void observeUndecodable(int partition, long offset) {
    if (partition < 0 || partition > MAX_PARTITION || offset < 0) {
      throw badRecord(partition, offset);
    }
    try {
      evidence.observeUndecodable(partition, offset);
    } catch (RuntimeException e) {
      failed(partition, offset, "observeUndecodable", e);
    }
  }

  @Override
  public boolean canSkipInactivityWait(int partition, long myTerm) {
    // A pure query: an impossible partition is simply no.
    // A term <= 0 never cuts, whatever the strategy says (the SPI's rule, enforced here once).
    if (!consume
        || myTerm <= 0
        || partition < 0
        || partition > MAX_PARTITION
        || isUntrusted(partition)) {
      return false;
    }
    try {
      return evidence.mayCut(partition, myTerm);
    } catch (RuntimeException e) {
      failed(partition, -1, "mayCut", e);
      return false;
    }
  }

  @Override
  public HandoverPath decideHandover(int partition, long myTerm, boolean inactivityWindowElapsed) {
    checkPartition(partition);
    boolean cut = canSkipInactivityWait(partition, myTerm);
    HandoverPath path = HandoverPath.choose(cut, inactivityWindowElapsed);
    if (path == HandoverPath.WAIT) {
      return path;
    }
    // Once per promotion: the explanation's allocation is no concern here.
    HandoverReason reason = explain(partition, myTerm).reason();
    if (reason.cuts() != cut) {
      // A strategy whose explanation contradicts its answer is not believed either way.
      failed(
          partition,
          -1,
          "explain",
          new IllegalStateException(
              "mayCut answered " + cut + " for term " + myTerm + " but explain " + reason));
      reason = HandoverReason.STRATEGY_FAILED;
      path = HandoverPath.choose(false, inactivityWindowElapsed);
      if (path == HandoverPath.WAIT) {
        return path;
      }
    }
    metrics.handover(versionTopic, partition, path, reason);
    return path;
  }

  @Override
  public HandoverExplanation explain(int partition, long myTerm) {
    checkPartition(partition);
    if (consume && isUntrusted(partition)) {
      return explanation(partition, myTerm, HandoverReason.STRATEGY_FAILED, null);
    }
    HandoverExplanation e;
    try {
      e = requireNonNull(evidence.explain(partition, myTerm), "explain returned null");
    } catch (RuntimeException x) {
      failed(partition, -1, "explain", x);
      return explanation(
          partition,
          myTerm,
          consume ? HandoverReason.STRATEGY_FAILED : HandoverReason.CONSUMING_OFF,
          null);
    }
    if (!consume) {
      // The tenures still tell an operator what switching consuming on would find.
      return explanation(partition, myTerm, HandoverReason.CONSUMING_OFF, e);
    }
    return explanation(partition, myTerm, e.reason(), e);
  }

  private HandoverExplanation explanation(
      int partition, long myTerm, HandoverReason reason, HandoverExplanation from) {
    return new HandoverExplanation(
        versionTopic,
        partition,
        localWriterId,
        myTerm,
        reason,
        from == null || reason != from.reason() ? null : from.culprit(),
        from == null ? null : from.earlier(),
        from == null ? null : from.current());
  }

  @Override
  public byte[] exportState(int partition) {
    checkPartition(partition);
    if (isUntrusted(partition)) {
      // The strategy failed on this partition: its state may have missed a record, so it must not
      // be trusted again after a restart. An empty export is refused by the restore.
      return NO_STATE.clone();
    }
    try {
      return requireNonNull(evidence.exportState(partition), "exportState returned null");
    } catch (RuntimeException e) {
      // An empty export is refused by a restore that expects one: the safe default after a restart.
      failed(partition, -1, "exportState", e);
      return NO_STATE.clone();
    }
  }

  @Override
  public void restoreState(int partition, long resumeOffset, byte[] state) {
    checkPartition(partition);
    if (resumeOffset < 0) {
      throw new IllegalArgumentException(
          "resumeOffset must be >= 0, got " + resumeOffset + " for " + where(partition));
    }
    requireNonNull(state, "state is null");
    try {
      evidence.restoreState(partition, resumeOffset, state);
    } catch (IllegalArgumentException e) {
      throw e; // a documented refusal: the evidence reset the partition itself
    } catch (RuntimeException e) {
      failed(partition, resumeOffset, "restoreState", e);
      return;
    }
    untrusted.remove(partition);
  }

  @Override
  public void forget(int partition) {
    checkPartition(partition);
    try {
      evidence.forget(partition);
    } catch (RuntimeException e) {
      failed(partition, -1, "forget", e);
      return;
    }
    untrusted.remove(partition);
  }

  private boolean isUntrusted(int partition) {
    return !untrusted.isEmpty() && untrusted.containsKey(partition);
  }

  private void failed(int partition, long offset, String method, RuntimeException e) {
    String at = offset < 0 ? where(partition) : where(partition) + " offset " + offset;
    if (untrusted.putIfAbsent(partition, e) == null) {
      LOG.error(
          "{}: the strategy's {} failed in {}; the partition takes the legacy wait until it is"
              + " forgotten or its state restored",
          at,
          evidence.getClass().getName(),
          method,
          e);
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("{}: the strategy failed again in {}: {}", at, method, e.toString());
    }
  }

  private String where(int partition) {
    return versionTopic + "-" + partition;
  }

  private void checkPartition(int partition) {
    if (partition < 0 || partition > MAX_PARTITION) {
      throw new IllegalArgumentException(badPartition(partition));
    }
  }

  private String badPartition(int partition) {
    return "partition must be between 0 and "
        + MAX_PARTITION
        + ", got "
        + partition
        + " for topic "
        + versionTopic;
  }

  private IllegalArgumentException badRecord(int partition, long offset) {
    return partition < 0 || partition > MAX_PARTITION
        ? new IllegalArgumentException(
            badPartition(partition) + " (record at offset " + offset + ")")
        : new IllegalArgumentException(
            "offset must be >= 0, got " + offset + " for " + where(partition));
  }

  @Override
  public String toString() {
    return "LeadershipHandoffObserver{"
        + versionTopic
        + ", reader="
        + localWriterId
        + ", consume="
        + consume
        + ", "
        + evidence
        + "}";
  }
}
