package io.handoff.tck;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.tck.RuleRecords.Kind;
import io.handoff.tck.RuleRecords.Rec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands records of the rules table to an observer the way a consumer loop does: per partition, at
 * consecutive offsets (from 100 unless told), undecodable ones through {@link
 * LeadershipHandoffObserver#observeUndecodable}. Not thread-safe: one feed per thread.
 */
public final class RuleFeed {

  private final LeadershipHandoffObserver observer;
  private final RuleKeys keys;
  private final Map<Integer, Long> nextOffset = new HashMap<>();

  public RuleFeed(LeadershipHandoffObserver observer, RuleKeys keys) {
    this.observer = requireNonNull(observer, "observer is null");
    this.keys = requireNonNull(keys, "keys is null");
  }

  public LeadershipHandoffObserver observer() {
    return observer;
  }

  /** The offset the next record of {@code partition} gets. */
  public long nextOffset(int partition) {
    return nextOffset.getOrDefault(partition, 100L);
  }

  /** Continues {@code partition} at {@code offset}, as after a restore. */
  public RuleFeed resumeAt(int partition, long offset) {
    nextOffset.put(partition, offset);
    return this;
  }

  public RuleFeed add(int partition, List<Rec> records) {
    for (Rec r : records) {
      long offset = nextOffset(partition);
      nextOffset.put(partition, offset + 1);
      if (r.kind() == Kind.UNDECODABLE) {
        observer.observeUndecodable(partition, offset);
      } else {
        observer.observe(partition, offset, keys.key(r.kind()), r.writer(), r.term());
      }
    }
    return this;
  }

  public RuleFeed add(int partition, Rec... records) {
    return add(partition, Arrays.asList(records));
  }

  /** {@link LeadershipHandoffObserver#canSkipInactivityWait} of {@code partition}. */
  public boolean cut(int partition, long myTerm) {
    return observer.canSkipInactivityWait(partition, myTerm);
  }
}
