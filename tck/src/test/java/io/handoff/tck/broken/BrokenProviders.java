package io.handoff.tck.broken;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverEvidence;
import io.handoff.spi.HandoverExplanation;
import io.handoff.spi.HandoverReason;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.spi.LegacyWaitObserver;
import io.handoff.tck.vendor.MemoryLogProvider;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Observers and providers that break the observer and selection contracts. */
final class BrokenProviders {

  private BrokenProviders() {}

  /**
   * An observer that trusts any stamp followed by the reader's own declaration: it ignores every
   * other record, so a foreign record after the stamp, inside the stamped tenure or after the
   * reader's declaration goes unnoticed.
   */
  public static final class TrustsAnyStamp implements LeadershipHandoffProvider {
    @Override
    public String name() {
      return "trusting";
    }

    @Override
    public LeadershipHandoffEmitter newEmitter(
        HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
      return new MemoryLogProvider().newEmitter(settings, metrics, resources);
    }

    @Override
    public HandoverEvidence newEvidence(
        HandoffSettings settings, HandoffMetrics metrics, String versionTopic, String writerId) {
      return new Trusting(versionTopic, writerId);
    }
  }

  private static final class Trusting implements HandoverEvidence {
    private final String topic;
    private final String me;
    private final Map<Integer, long[]> stampThenOwnTerm = new ConcurrentHashMap<>();

    Trusting(String topic, String me) {
      this.topic = topic;
      this.me = me;
    }

    @Override
    public void observe(int partition, long offset, byte[] key, CharSequence writer, long term) {
      long[] s = stampThenOwnTerm.computeIfAbsent(partition, p -> new long[] {0, 0});
      if (Arrays.equals(key, MemoryLogProvider.STEP_DOWN_KEY)) {
        s[0] = 1;
        s[1] = 0;
      } else if (Arrays.equals(key, MemoryLogProvider.DECLARATION_KEY)
          && writer != null
          && me.contentEquals(writer)) {
        s[1] = s[0] == 1 ? term : 0;
      }
    }

    @Override
    public void observeUndecodable(int partition, long offset) {}

    @Override
    public boolean mayCut(int partition, long myTerm) {
      long[] s = stampThenOwnTerm.get(partition);
      return myTerm > 0 && s != null && s[1] == myTerm;
    }

    @Override
    public HandoverExplanation explain(int partition, long myTerm) {
      HandoverReason r =
          mayCut(partition, myTerm) ? HandoverReason.CLEAN_STEP_DOWN : HandoverReason.NO_STAMP;
      return new HandoverExplanation(topic, partition, me, myTerm, r, null, null, null);
    }

    @Override
    public byte[] exportState(int partition) {
      return new byte[0];
    }

    @Override
    public void restoreState(int partition, long resumeOffset, byte[] state) {
      requireNonNull(state, "state is null");
    }

    @Override
    public void forget(int partition) {
      stampThenOwnTerm.remove(partition);
    }
  }

  /** A provider whose name the strategy setting cannot select, and that nobody registered. */
  public static final class BadlyNamed implements LeadershipHandoffProvider {
    @Override
    public String name() {
      return "Acme Strategy";
    }

    @Override
    public LeadershipHandoffEmitter newEmitter(
        HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
      return new MemoryLogProvider().newEmitter(settings, metrics, resources);
    }

    @Override
    public HandoverEvidence newEvidence(
        HandoffSettings settings, HandoffMetrics metrics, String versionTopic, String writerId) {
      return new LegacyWaitObserver(versionTopic, writerId);
    }
  }
}
