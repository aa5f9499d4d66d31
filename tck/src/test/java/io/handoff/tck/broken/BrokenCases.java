package io.handoff.tck.broken;

import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.tck.Capability;
import io.handoff.tck.EmitterContract;
import io.handoff.tck.ObserverContract;
import io.handoff.tck.RuleKeys;
import io.handoff.tck.SelectionContract;
import io.handoff.tck.vendor.MemoryLogProvider;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.LongSupplier;
import org.testng.SkipException;
import org.testng.annotations.BeforeClass;

/**
 * Contract subclasses for deliberately broken providers, run by {@link
 * ContractsCatchBrokenProvidersTest} only: this file's name keeps them out of the build's test
 * scan, and a scan that finds them anyway (a {@code -Dtest} pattern) skips them.
 */
final class BrokenCases {

  private BrokenCases() {}

  /** Set while this test runs a case: a case found by a test scan on its own is skipped. */
  static volatile boolean runningCases;

  private static void onlyRunByThisTest() {
    if (!runningCases) {
      throw new SkipException(
          "a deliberately broken provider, run by ContractsCatchBrokenProvidersTest only");
    }
  }

  public static class ThrowingEmitterCase extends EmitterContract {
    @BeforeClass
    public void onlyInsideTheKitsOwnTest() {
      onlyRunByThisTest();
    }

    @Override
    protected LeadershipHandoffProvider newProvider() {
      return new BrokenEmitters.Throwing();
    }

    @Override
    protected Set<Capability> capabilities() {
      return EnumSet.of(Capability.WRITES_STAMPS);
    }
  }

  public static class CarelessEmitterCase extends EmitterContract {
    @BeforeClass
    public void onlyInsideTheKitsOwnTest() {
      onlyRunByThisTest();
    }

    @Override
    protected LeadershipHandoffProvider newProvider() {
      return new BrokenEmitters.Careless();
    }

    @Override
    protected Set<Capability> capabilities() {
      return EnumSet.of(Capability.WRITES_STAMPS);
    }
  }

  public static class HangingEmitterCase extends EmitterContract {
    @BeforeClass
    public void onlyInsideTheKitsOwnTest() {
      onlyRunByThisTest();
    }

    @Override
    protected LeadershipHandoffProvider newProvider() {
      return new BrokenEmitters.Hanging();
    }

    @Override
    protected Set<Capability> capabilities() {
      return EnumSet.of(Capability.WRITES_STAMPS);
    }

    @Override
    protected LongSupplier nanoClock() {
      return BrokenEmitters.FAKE_NANOS::get;
    }
  }

  /** A strategy that writes, declared as one that does not: a capability too few. */
  public static class UndeclaredWriterCase extends EmitterContract {
    @BeforeClass
    public void onlyInsideTheKitsOwnTest() {
      onlyRunByThisTest();
    }

    @Override
    protected LeadershipHandoffProvider newProvider() {
      return new MemoryLogProvider();
    }

    @Override
    protected Set<Capability> capabilities() {
      return EnumSet.noneOf(Capability.class);
    }
  }

  public static class TrustingObserverCase extends ObserverContract {
    @BeforeClass
    public void onlyInsideTheKitsOwnTest() {
      onlyRunByThisTest();
    }

    @Override
    protected LeadershipHandoffProvider newProvider() {
      return new BrokenProviders.TrustsAnyStamp();
    }

    @Override
    protected Set<Capability> capabilities() {
      return EnumSet.of(Capability.CUTS_THE_WAIT);
    }

    @Override
    protected RuleKeys recordKeys() {
      return RuleKeys.of(MemoryLogProvider.DECLARATION_KEY, MemoryLogProvider.STEP_DOWN_KEY);
    }
  }

  public static class BadlyNamedCase extends SelectionContract {
    @BeforeClass
    public void onlyInsideTheKitsOwnTest() {
      onlyRunByThisTest();
    }

    @Override
    protected LeadershipHandoffProvider newProvider() {
      return new BrokenProviders.BadlyNamed();
    }
  }
}
