package io.handoff.tck;

import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static org.testng.Assert.assertTrue;

import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.spi.ProviderRegistry;
import io.handoff.spi.StepDown;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.testng.SkipException;

/**
 * What the three contracts ({@link EmitterContract}, {@link ObserverContract}, {@link
 * SelectionContract}) share: the provider under test, its declared {@link Capability capabilities},
 * the settings and registry they are exercised with, and the clock of the few bound checks. Not a
 * contract itself: extend one of the three.
 *
 * <p>Providers are exercised the way hosts get them, through {@link
 * io.handoff.spi.LeadershipHandoffs} and a {@link ProviderRegistry} of the provider under test (and
 * a stand-in {@code noop} provider, which the switches select when they are off). Only the rules
 * about the factories themselves call the provider directly.
 */
public abstract class ProviderContract {

  /** The writer id of the step-downs the contracts emit. */
  protected static final String WRITER = "tck-writer";

  private final AtomicLong terms = new AtomicLong(1_000);

  /** A new instance of the provider under test. */
  protected abstract LeadershipHandoffProvider newProvider();

  /**
   * What the strategy does; the contracts assert the rules of each capability declared, and the
   * rules of its absence for each one that is not. Declare exactly what the strategy does: a
   * capability too many fails the contract, so does one too few.
   */
  protected abstract Set<Capability> capabilities();

  /**
   * Properties the strategy needs to work when switched on, such as the address of a test broker.
   * The kit adds the switches, the strategy name and the ack timeout. Default: none.
   */
  protected Properties baseProperties() {
    return new Properties();
  }

  /**
   * What the host lends the strategy's emitter (for the stamp strategy: a producer, or a write
   * barrier). Default: nothing.
   */
  protected HostResources hostResources() {
    return HostResources.none();
  }

  /** The topic the contracts stamp and observe; a strategy that writes must accept it. */
  protected String topic() {
    return "handoff-tck-vt";
  }

  /** Partitions of {@link #topic()} the contracts may use: 0 up to this count minus one. */
  protected int partitions() {
    return 4;
  }

  /** The ack timeout the contracts configure. */
  protected long ackTimeoutMs() {
    return 2_000;
  }

  /**
   * The monotonic clock of the bound checks, in nanoseconds. The contracts never compare two
   * durations and never assert a speed: the clock only tells a call that returned from one that
   * hung (see {@link #blockingBoundMs()}). Default: {@link System#nanoTime()}.
   */
  protected LongSupplier nanoClock() {
    return System::nanoTime;
  }

  /**
   * The longest a call that the SPI bounds by the ack timeout may take before the contracts call it
   * hung: twice the ack timeout plus five seconds. The SPI promises one ack timeout plus a few
   * milliseconds; the rest is room for a loaded build machine, so that only an emitter that really
   * waits for something unbounded (a metadata fetch of a minute, a lock) is caught.
   */
  protected long blockingBoundMs() {
    return 2 * ackTimeoutMs() + 5_000;
  }

  /** Whether the subclass declared {@code capability}. */
  protected final boolean has(Capability capability) {
    return capabilities().contains(capability);
  }

  /**
   * Skips the calling test, visibly, when the strategy lacks {@code capability}: the rule it checks
   * is about something the strategy does not do.
   */
  protected final void requires(Capability capability, String rule) {
    if (!has(capability)) {
      throw new SkipException(
          getClass().getSimpleName()
              + " does not declare "
              + capability
              + ", so this rule does not apply: "
              + rule);
    }
  }

  /** Settings of the provider under test with the given switches. */
  protected final HandoffSettings settings(boolean emit, boolean consume) {
    Properties p = new Properties();
    p.putAll(baseProperties());
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, Boolean.toString(emit));
    p.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, Boolean.toString(consume));
    p.setProperty(HandoffSettings.STRATEGY, newProvider().name());
    p.setProperty(HandoffSettings.ACK_TIMEOUT_MS, Long.toString(ackTimeoutMs()));
    return HandoffSettings.from(p);
  }

  /**
   * The registry a host would select from: the provider under test and, unless it is the no-op
   * strategy itself, a stand-in named {@code noop} for the switched-off side.
   */
  protected final ProviderRegistry registry() {
    LeadershipHandoffProvider provider = newProvider();
    List<LeadershipHandoffProvider> providers = new ArrayList<>();
    providers.add(provider);
    if (!ProviderRegistry.NOOP.equals(provider.name())) {
      providers.add(new ReferenceNoopProvider());
    }
    return ProviderRegistry.of(providers);
  }

  /**
   * A new term, above every term handed out before by this contract instance. Terms are only
   * numbers to the emitter; they need not come from a clock.
   */
  protected final long nextTerm() {
    return terms.incrementAndGet();
  }

  /** An established step-down of {@code partition} of {@link #topic()} with {@code term}. */
  protected final StepDown stepDown(int partition, long term) {
    return StepDown.established(topic(), partition, term, 0, WRITER);
  }

  /**
   * Runs {@code call} and fails when it took longer than {@link #blockingBoundMs()} by {@link
   * #nanoClock()}: the call hung.
   */
  protected final <T> T withinBound(String what, Supplier<T> call) {
    LongSupplier clock = nanoClock();
    long start = clock.getAsLong();
    T result = call.get();
    long tookMs = NANOSECONDS.toMillis(clock.getAsLong() - start);
    assertTrue(
        tookMs <= blockingBoundMs(),
        what
            + " took "
            + tookMs
            + " ms, beyond the bound of "
            + blockingBoundMs()
            + " ms for an ack timeout of "
            + ackTimeoutMs()
            + " ms: it waits for something the ack timeout does not bound");
    return result;
  }

  /** {@link #withinBound(String, Supplier)} for a call without result. */
  protected final void withinBound(String what, Runnable call) {
    withinBound(
        what,
        () -> {
          call.run();
          return null;
        });
  }
}
