package io.handoff.stamp;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.LeadershipHandoffObserver;
import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stamp strategy's observer: the five observer rules of the architecture guide, per partition
 * of one version topic.
 *
 * <ol>
 *   <li>a record of the reader's own term ({@code myTerm > 0}) is ignored;</li>
 *   <li>a step-down stamp of another term is remembered as the latest stamp;</li>
 *   <li>any other record of another writer forgets it;</li>
 *   <li>the highest term of any other writer's record is kept, and a stamp counts only if its term
 *       is at least that high;</li>
 *   <li>the wait may be skipped only with consuming on, a counting stamp, and
 *       {@code 0 < stampTerm < myTerm}.</li>
 * </ol>
 *
 * <p>A record of a lower term arriving after a stamp, or a non-stamp record of the stamp's own
 * term, means a leader that stepped down is still writing: it is counted ({@code leader_handover_stale_term_write}) and logged at
 * WARN once per partition and stamp term. The rules above already make it forbid the fast path.
 *
 * <p>{@link #observe(int, byte[], long, long)} allocates nothing once a partition has been seen
 * and compares the key with the step-down key only. Partition state lives in an array indexed by
 * partition; see {@link LeadershipHandoffObserver} for the threading rules.
 */
public final class StampObserver implements LeadershipHandoffObserver {

  private static final Logger LOG = LoggerFactory.getLogger(StampObserver.class);

  private static final long NO_STAMP = Long.MIN_VALUE;

  /**
   * Highest partition number accepted. State is an array indexed by partition, so an absurd
   * partition number must not size it; no real version topic comes near this.
   */
  public static final int MAX_PARTITION = (1 << 20) - 1;

  private final boolean consume;
  private final HandoffMetrics metrics;
  private final StampCodec codec = new StampCodec();
  private final Object growLock = new Object();
  private volatile PartitionState[] states = new PartitionState[16];

  /** What one partition has shown so far. Fields are confined to the partition's observing thread. */
  private static final class PartitionState {
    long stampTerm = NO_STAMP;
    long highestOtherTerm = Long.MIN_VALUE;
    long highestStampTerm = Long.MIN_VALUE;
    long warnedForStampTerm = Long.MIN_VALUE;
  }

  public StampObserver(HandoffSettings settings, HandoffMetrics metrics) {
    requireNonNull(settings, "settings is null");
    this.consume = settings.consumeStepDownStamp();
    this.metrics = requireNonNull(metrics, "metrics is null");
  }

  @Override
  public void observe(int partition, byte[] recordKey, long recordTermId, long myTerm) {
    observe(partition, recordKey, recordTermId, myTerm, null, -1L);
  }

  private void observe(int partition, byte[] key, long term, long myTerm, String topic, long offset) {
    if (partition < 0 || partition > MAX_PARTITION) {
      throw new IllegalArgumentException("partition must be between 0 and " + MAX_PARTITION + ", got " + partition);
    }
    if (myTerm > 0 && term == myTerm) {
      return;
    }
    PartitionState st = stateFor(partition);
    boolean stamp = StampKeys.isStepDownKey(key);
    // After a stamp of term t, a record of a lower term, or another record of term t itself, can
    // only come from a leader that stepped down and is still writing. (A repeated stamp is not a write.)
    if (term > 0 && (term < st.highestStampTerm || (term == st.highestStampTerm && !stamp))) {
      staleWrite(st, partition, term, topic, offset);
    }
    if (term > st.highestOtherTerm) {
      st.highestOtherTerm = term;
    }
    if (stamp) {
      st.stampTerm = term;
      if (term > st.highestStampTerm) {
        st.highestStampTerm = term;
      }
    } else {
      st.stampTerm = NO_STAMP;
    }
  }

  private void staleWrite(PartitionState st, int partition, long term, String topic, long offset) {
    metrics.staleTermWrite(partition, term, st.highestStampTerm);
    if (st.warnedForStampTerm != st.highestStampTerm) {
      st.warnedForStampTerm = st.highestStampTerm;
      LOG.warn("Stale leader still writing: {} offset {} carries term {}, after a step-down stamp of term {};"
              + " the fast path stays closed (further such records are only counted)",
          topic == null ? "partition " + partition : topic + "-" + partition,
          offset < 0 ? "unknown" : Long.toString(offset), term, st.highestStampTerm);
    }
  }

  @Override
  public boolean canSkipInactivityWait(int partition, long myTerm) {
    if (!consume || myTerm <= 0) {
      return false;
    }
    PartitionState st = existing(partition);
    if (st == null) {
      return false;
    }
    long stamp = st.stampTerm;
    return stamp != NO_STAMP && stamp > 0 && stamp >= st.highestOtherTerm && stamp < myTerm;
  }

  @Override
  public HandoverPath decideHandover(int partition, long myTerm, boolean inactivityWindowElapsed) {
    HandoverPath path = HandoverPath.choose(canSkipInactivityWait(partition, myTerm), inactivityWindowElapsed);
    if (path != HandoverPath.WAIT) {
      metrics.handover(partition, path);
    }
    return path;
  }

  @Override
  public void forget(int partition) {
    synchronized (growLock) {
      PartitionState[] a = states;
      if (partition >= 0 && partition < a.length) {
        a[partition] = null;
      }
    }
  }

  /**
   * For hosts that hold plain Kafka records of the local version topic: decodes the record's term
   * with the codec and observes it. A record that cannot be decoded (or a step-down key on a value
   * that is not a stamp) is reported at WARN with its topic-partition and offset and leaves the
   * state unchanged; the host goes on with the next record.
   *
   * @return true if the record was observed, false if it was rejected
   */
  public boolean observe(ConsumerRecord<byte[], byte[]> record, long myTerm) {
    requireNonNull(record, "record is null");
    byte[] key = record.key();
    long term;
    try {
      term = codec.recordTerm(key, record.value());
    } catch (StampCodecException e) {
      LOG.warn("Ignoring undecodable record at {}-{} offset {}: {}", record.topic(), record.partition(),
          record.offset(), e.getMessage());
      return false;
    }
    observe(record.partition(), key, term, myTerm, record.topic(), record.offset());
    return true;
  }

  private PartitionState existing(int partition) {
    PartitionState[] a = states;
    return partition >= 0 && partition < a.length ? a[partition] : null;
  }

  private PartitionState stateFor(int partition) {
    PartitionState[] a = states;
    if (partition >= 0 && partition < a.length) {
      PartitionState st = a[partition];
      if (st != null) {
        return st;
      }
    }
    return create(partition);
  }

  private PartitionState create(int partition) {
    synchronized (growLock) {
      PartitionState[] a = states;
      if (partition >= a.length) {
        a = Arrays.copyOf(a, Math.min(MAX_PARTITION + 1, Math.max(partition + 1, a.length * 2)));
      }
      PartitionState st = a[partition];
      if (st == null) {
        st = new PartitionState();
        a[partition] = st;
      }
      states = a;
      return st;
    }
  }

  @Override
  public String toString() {
    return "StampObserver{consume=" + consume + "}";
  }
}
