package io.handoff.spi;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The leadership a replica holds on the partitions of one version topic: per partition the term
 * ({@value #NOT_LEADER} unless leader) and whether it is established (rule E1 of {@code
 * docs/ARCHITECTURE.md}). A host keeps one per version topic it hosts, next to that topic's
 * observer; the topic is fixed at construction, so two version topics can never share a term.
 *
 * <p>The life of a term: {@link #promoted} on STANDBY -> LEADER; {@link #established} once the
 * handover finished (the observer answered the fast path or the legacy wait, or the replica is the
 * first leader of a new partition); {@link #demoted} on every exit from LEADER -> STANDBY or
 * OFFLINE, including the early return of a partition that was already standby: call it in a {@code
 * finally} block. {@code demoted} returns the {@link StepDown} to hand to the emitter, which stamps
 * only an established term: a leader demoted while still waiting never checked that its
 * predecessors stopped, so its stamp would vouch for writers it never saw.
 *
 * <p>Thread-safe: different partitions may be promoted and demoted from different threads at once,
 * and a term may be established on another thread than the one that promoted it. Nothing blocks.
 */
public final class LeaderTerms {

  /** The term of a partition this replica does not lead. */
  public static final long NOT_LEADER = -1L;

  /**
   * @param stampable false for a term not above the last one this replica held on the partition:
   *     the log cannot tell two tenures of one host with one term apart, so a late stamp of the
   *     earlier one could close the later one; such a term is never stamped
   */
  private record Held(long term, boolean established, boolean stampable) {}

  private final String versionTopic;
  private final ConcurrentHashMap<Integer, Held> held = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, Long> lastTerms = new ConcurrentHashMap<>();

  /**
   * @param versionTopic the version topic whose leadership this tracks; non-blank
   */
  public LeaderTerms(String versionTopic) {
    requireNonNull(versionTopic, "versionTopic is null");
    if (versionTopic.isBlank()) {
      throw new IllegalArgumentException("versionTopic is blank");
    }
    this.versionTopic = versionTopic;
  }

  /** The version topic this tracks. */
  public String versionTopic() {
    return versionTopic;
  }

  /** The term held for {@code partition}, or {@value #NOT_LEADER}. */
  public long termOf(int partition) {
    Held h = held.get(partition);
    return h == null ? NOT_LEADER : h.term();
  }

  /** Whether this replica currently leads {@code partition}. */
  public boolean isLeader(int partition) {
    return held.containsKey(partition);
  }

  /** Whether this replica leads {@code partition} with a term whose handover finished. */
  public boolean isEstablished(int partition) {
    Held h = held.get(partition);
    return h != null && h.established();
  }

  /**
   * Records that this replica became leader of {@code partition} with {@code term}, not yet
   * established. A term still held from an earlier promotion is replaced. A term that is not above
   * every term this replica held on the partition before (a cluster manager's clock that stood
   * still or went back) may lead and be established as usual, but is never stamped: two tenures of
   * one host with one term look the same in the log.
   *
   * @throws IllegalArgumentException if {@code partition < 0} or {@code term <= 0}
   */
  public void promoted(int partition, long term) {
    checkPartition(partition);
    if (term <= 0) {
      throw new IllegalArgumentException(
          "term must be > 0, got " + term + " for " + where(partition));
    }
    Long last = lastTerms.get(partition);
    lastTerms.merge(partition, term, Math::max);
    held.put(partition, new Held(term, false, last == null || term > last));
  }

  /**
   * Marks {@code term} of {@code partition} established: its handover finished, so a stamp of it
   * may vouch for every writer before it. Does nothing, and answers false, when the partition is no
   * longer held with that term (demoted or promoted again meanwhile), so a late decision of an old
   * promotion cannot establish a newer one.
   *
   * @return whether the term is now established
   */
  public boolean established(int partition, long term) {
    checkPartition(partition);
    Held now =
        held.computeIfPresent(
            partition, (p, h) -> h.term() == term ? new Held(term, true, h.stampable()) : h);
    return now != null && now.term() == term;
  }

  /**
   * Clears {@code partition} and returns the step-down to emit for the term that was held: with
   * term {@value #NOT_LEADER} when none was (the emitter then skips it), and marked established
   * only when it was, and its term was above every earlier term of this replica on the partition.
   *
   * @param localClusterId the local pub-sub cluster id the stamp carries
   * @param writerId this replica's writer id; non-blank
   */
  public StepDown demoted(int partition, int localClusterId, String writerId) {
    checkPartition(partition);
    // Checked before the term is cleared, so that a bad call leaves the leadership as it was.
    new StepDown(versionTopic, partition, NOT_LEADER, false, localClusterId, writerId);
    Held h = held.remove(partition);
    return h == null
        ? new StepDown(versionTopic, partition, NOT_LEADER, false, localClusterId, writerId)
        : new StepDown(
            versionTopic,
            partition,
            h.term(),
            h.established() && h.stampable(),
            localClusterId,
            writerId);
  }

  private void checkPartition(int partition) {
    if (partition < 0) {
      throw new IllegalArgumentException(
          "partition must be >= 0, got " + partition + " for topic " + versionTopic);
    }
  }

  private String where(int partition) {
    return versionTopic + "-" + partition;
  }

  @Override
  public String toString() {
    return "LeaderTerms{" + versionTopic + ", " + held + "}";
  }
}
