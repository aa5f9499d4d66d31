package io.handoff.spi;

/**
 * Small providers for the registry tests. Public, with public no-argument constructors, so that
 * {@link java.util.ServiceLoader} can instantiate them from a services file.
 */
public final class StubProviders {

  private StubProviders() {}

  /** Returns stubs that remember which provider made them, with what. */
  public abstract static class Base implements LeadershipHandoffProvider {
    private final String name;

    protected Base(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public LeadershipHandoffEmitter newEmitter(
        HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
      return new StubEmitter(this, settings, metrics);
    }

    @Override
    public HandoverEvidence newEvidence(
        HandoffSettings settings,
        HandoffMetrics metrics,
        String versionTopic,
        String localWriterId) {
      return new StubEvidence(this, settings, metrics, versionTopic, localWriterId);
    }
  }

  public static final class Alpha extends Base {
    public Alpha() {
      super("alpha");
    }
  }

  /** A second provider named "alpha". */
  public static final class AlphaTwin extends Base {
    public AlphaTwin() {
      super("alpha");
    }
  }

  public static final class Noop extends Base {
    public Noop() {
      super("noop");
    }
  }

  public static final class Stamp extends Base {
    public Stamp() {
      super("stamp");
    }
  }

  public static final class Blank extends Base {
    public Blank() {
      super("  ");
    }
  }

  public static final class NullName extends Base {
    public NullName() {
      super(null);
    }
  }

  public static final class Throwing extends Base {
    public static final String MESSAGE = "constructor failed: distinctive-boom-4711";

    public Throwing() {
      super("throwing");
      throw new IllegalStateException(MESSAGE);
    }
  }

  /** Named "alpha"; its factories return null. */
  public static final class NullProducts extends Base {
    public NullProducts() {
      super("alpha");
    }

    @Override
    public LeadershipHandoffEmitter newEmitter(
        HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
      return null;
    }

    @Override
    public HandoverEvidence newEvidence(
        HandoffSettings settings,
        HandoffMetrics metrics,
        String versionTopic,
        String localWriterId) {
      return null;
    }
  }

  public static final class StubEmitter implements LeadershipHandoffEmitter {
    public final LeadershipHandoffProvider provider;
    public final HandoffSettings settings;
    public final HandoffMetrics metrics;

    StubEmitter(
        LeadershipHandoffProvider provider, HandoffSettings settings, HandoffMetrics metrics) {
      this.provider = provider;
      this.settings = settings;
      this.metrics = metrics;
    }

    @Override
    public EmitOutcome emitStepDown(StepDown stepDown) {
      return EmitOutcome.skipped(stepDown, EmitStatus.SKIPPED_DISABLED);
    }

    @Override
    public void close() {}
  }

  /**
   * Evidence that remembers what made it, for which version topic and reader; it never proves
   * anything, so the engine never cuts the wait with it.
   */
  public static final class StubEvidence implements HandoverEvidence {
    public final LeadershipHandoffProvider provider;
    public final HandoffSettings settings;
    public final HandoffMetrics metrics;
    private final String versionTopic;
    private final String localWriterId;

    StubEvidence(
        LeadershipHandoffProvider provider,
        HandoffSettings settings,
        HandoffMetrics metrics,
        String versionTopic,
        String localWriterId) {
      this.provider = provider;
      this.settings = settings;
      this.metrics = metrics;
      this.versionTopic = versionTopic;
      this.localWriterId = localWriterId;
    }

    public String versionTopic() {
      return versionTopic;
    }

    public String localWriterId() {
      return localWriterId;
    }

    @Override
    public void observe(
        int partition, long offset, byte[] recordKey, CharSequence writerId, long termId) {}

    @Override
    public void observeUndecodable(int partition, long offset) {}

    @Override
    public boolean mayCut(int partition, long myTerm) {
      return false;
    }

    @Override
    public HandoverExplanation explain(int partition, long myTerm) {
      return new HandoverExplanation(
          versionTopic,
          partition,
          localWriterId,
          myTerm,
          HandoverReason.CONSUMING_OFF,
          null,
          null,
          null);
    }

    @Override
    public byte[] exportState(int partition) {
      return new byte[0];
    }

    @Override
    public void restoreState(int partition, long resumeOffset, byte[] state) {}

    @Override
    public void forget(int partition) {}
  }
}
