package io.handoff.spi;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The leadership term a replica currently holds, per partition: {@value #NOT_LEADER} unless it is
 * leader.
 *
 * <p>The host sets the term on STANDBY -> LEADER ({@link #promoted}) and clears it on every exit
 * from its LEADER -> STANDBY handler ({@link #demoted}), including the early return for a
 * partition that was already standby: call {@code demoted} in a {@code finally} block. A stale term
 * left behind would make the replica treat a later leader's records as its own.
 *
 * <p>Thread-safe: different partitions may be promoted and demoted from different threads at
 * once. Nothing blocks.
 */
public final class LeaderTerms {

  /** The term of a partition this replica does not lead. */
  public static final long NOT_LEADER = -1L;

  private final ConcurrentHashMap<Integer, Long> terms = new ConcurrentHashMap<>();

  /**
   * The term held for {@code partition}, or {@value #NOT_LEADER}.
   */
  public long termOf(int partition) {
    Long t = terms.get(partition);
    return t == null ? NOT_LEADER : t;
  }

  /** Whether this replica currently leads {@code partition}. */
  public boolean isLeader(int partition) {
    return terms.containsKey(partition);
  }

  /**
   * Records that this replica became leader of {@code partition} with {@code term}.
   *
   * @throws IllegalArgumentException if {@code partition < 0} or {@code term <= 0}
   */
  public void promoted(int partition, long term) {
    checkPartition(partition);
    if (term <= 0) {
      throw new IllegalArgumentException("term must be > 0, got " + term + " for partition " + partition);
    }
    terms.put(partition, term);
  }

  /**
   * Clears the term of {@code partition} and returns the term that was held, or
   * {@value #NOT_LEADER} if none was: the value a step-down stamp carries.
   */
  public long demoted(int partition) {
    checkPartition(partition);
    Long t = terms.remove(partition);
    return t == null ? NOT_LEADER : t;
  }

  private static void checkPartition(int partition) {
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, got " + partition);
    }
  }

  @Override
  public String toString() {
    return "LeaderTerms" + terms;
  }
}
