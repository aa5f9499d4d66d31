package io.handoff.tck;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.ProviderRegistry;
import io.handoff.spi.StepDown;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.testng.annotations.Test;

/**
 * The contract every {@link LeadershipHandoffProvider} must honour. Extend it with one small
 * TestNG class that implements {@link #newProvider()} and, for a strategy that writes or cuts the
 * wait, overrides the capability methods:
 *
 * <pre>{@code
 * public class AcmeProviderTest extends LeadershipHandoffProviderTck {
 *   protected LeadershipHandoffProvider newProvider() { return new AcmeProvider(); }
 *   protected boolean writesStamps() { return true; }
 *   protected byte[] stepDownKey() { return AcmeKeys.STEP_DOWN; }
 *   protected Properties baseProperties() { ...connection settings of a test backend... }
 * }
 * }</pre>
 *
 * <p>The kit checks the provider's name, that its factories honour the switches, the emitter's
 * outcome rules (never throws, bounded blocking, no term -> skipped, one outcome per input in
 * order, close idempotent, emits after close answered without throwing) and the observer's rules:
 * safety for every strategy, and the stamp rules of the architecture guide for a strategy that
 * names its step-down key.
 */
public abstract class LeadershipHandoffProviderTck {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");

  /** A new instance of the provider under test. */
  protected abstract LeadershipHandoffProvider newProvider();

  /**
   * Properties the strategy needs to work when switched on, such as the address of a test broker.
   * The kit adds the switches, the strategy name and the ack timeout. Default: none.
   */
  protected Properties baseProperties() {
    return new Properties();
  }

  /**
   * Whether the emitter, switched on, really writes stamps to a backend prepared by the subclass,
   * so that a valid step-down must come back {@link EmitStatus#ACKED}. Default: false.
   */
  protected boolean writesStamps() {
    return false;
  }

  /**
   * The key of the strategy's step-down stamp as the observer sees it, or null (the default) for
   * a strategy whose observer never cuts the wait: then the kit checks that it never does.
   */
  protected byte[] stepDownKey() {
    return null;
  }

  /** A key of an ordinary data record, distinct from every stamp key of the strategy. */
  protected byte[] dataKey() {
    return new byte[] {0, 'k', 'e', 'y'};
  }

  /** The topic the emitter tests stamp; a strategy that writes must accept it. */
  protected String topic() {
    return "handoff-tck-vt";
  }

  /** Partitions of {@link #topic()} the kit may use: 0 up to this count minus one. */
  protected int partitions() {
    return 4;
  }

  /** Ack timeout the kit configures. */
  protected long ackTimeoutMs() {
    return 2_000;
  }

  /** How much longer than the ack timeout an emit call may take, for the client's own hand-over. */
  protected long blockingMarginMs() {
    return 1_000;
  }

  protected final HandoffSettings settings(boolean emit, boolean consume) {
    Properties p = new Properties();
    p.putAll(baseProperties());
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, Boolean.toString(emit));
    p.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, Boolean.toString(consume));
    p.setProperty(HandoffSettings.STRATEGY, newProvider().name());
    p.setProperty(HandoffSettings.ACK_TIMEOUT_MS, Long.toString(ackTimeoutMs()));
    return HandoffSettings.from(p);
  }

  protected final StepDown stepDown(int partition, long term) {
    return new StepDown(topic(), partition, term, 0, "tck-writer");
  }

  // ---------------------------------------------------------------- provider

  @Test
  public void nameIsShortStableAndWellFormed() {
    String name = newProvider().name();
    assertNotNull(name, "name()");
    assertTrue(NAME.matcher(name).matches(), "name '" + name + "' must match " + NAME);
    assertEquals(newProvider().name(), name, "two instances must have the same name");
    LeadershipHandoffProvider one = newProvider();
    assertEquals(one.name(), one.name(), "name() must not change between calls");
  }

  @Test
  public void providerCanBeInstantiatedByServiceLoader() throws Exception {
    Class<?> type = newProvider().getClass();
    assertTrue(java.lang.reflect.Modifier.isPublic(type.getModifiers()), type + " must be public");
    Object again = type.getConstructor().newInstance();
    assertTrue(again instanceof LeadershipHandoffProvider);
  }

  @Test
  public void selectionHonoursTheSwitches() {
    LeadershipHandoffProvider provider = newProvider();
    List<LeadershipHandoffProvider> providers = new ArrayList<>();
    providers.add(provider);
    if (!ProviderRegistry.NOOP.equals(provider.name())) {
      providers.add(new ReferenceNoopProvider());
    }
    ProviderRegistry registry = ProviderRegistry.of(providers);
    LeadershipHandoffProvider noop = registry.provider(ProviderRegistry.NOOP);

    assertSame(registry.emitterProvider(settings(true, false)), provider, "emit on selects the strategy");
    assertSame(registry.emitterProvider(settings(false, true)), noop, "emit off selects noop");
    assertSame(registry.observerProvider(settings(false, true)), provider, "consume on selects the strategy");
    assertSame(registry.observerProvider(settings(true, false)), noop, "consume off selects noop");

    try (LeadershipHandoffEmitter e = LeadershipHandoffs.emitter(registry, settings(true, true), HandoffMetrics.NOOP)) {
      assertNotNull(e);
    }
  }

  // ---------------------------------------------------------------- emitter

  @Test
  public void emitterSwitchedOffWritesNothing() {
    try (LeadershipHandoffEmitter emitter = newProvider().newEmitter(settings(false, false), HandoffMetrics.NOOP)) {
      EmitOutcome o = emitter.emitStepDown(stepDown(0, 7));
      assertEquals(o.status(), EmitStatus.SKIPPED_DISABLED, "emit switched off: " + o);
    }
  }

  @Test
  public void emitNeverThrowsAndIsBounded() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitter = newProvider().newEmitter(settings(true, false), metrics)) {
      StepDown s = stepDown(0, System.currentTimeMillis());
      long start = System.nanoTime();
      EmitOutcome o = emitter.emitStepDown(s);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertNotNull(o, "outcome");
      assertSame(o.stepDown(), s, "outcome must answer the request");
      assertTrue(tookMs <= ackTimeoutMs() + blockingMarginMs(),
          "emitStepDown took " + tookMs + " ms, more than the ack timeout " + ackTimeoutMs() + " ms + margin");
      if (writesStamps()) {
        assertEquals(o.status(), EmitStatus.ACKED, "valid step-down: " + o);
        assertEquals(metrics.emitSuccess(), 1, "leader_stepdown_stamp_emit_success");
      } else {
        assertFalse(o.isAcked(), "a strategy that does not write must not claim an ack: " + o);
      }
    }
  }

  @Test
  public void noTermIsSkipped() {
    try (LeadershipHandoffEmitter emitter = newProvider().newEmitter(settings(true, false), HandoffMetrics.NOOP)) {
      for (long term : new long[] {0, -1, Long.MIN_VALUE}) {
        EmitOutcome o = emitter.emitStepDown(stepDown(1, term));
        if (writesStamps()) {
          assertEquals(o.status(), EmitStatus.SKIPPED_NO_TERM, "term " + term + ": " + o);
        } else {
          assertTrue(EnumSet.of(EmitStatus.SKIPPED_NO_TERM, EmitStatus.SKIPPED_DISABLED).contains(o.status()),
              "term " + term + ": " + o);
        }
      }
    }
  }

  @Test
  public void batchAnswersOnePerInputInOrder() {
    try (LeadershipHandoffEmitter emitter = newProvider().newEmitter(settings(true, false), HandoffMetrics.NOOP)) {
      assertEquals(emitter.emitStepDowns(List.of()), List.of(), "empty batch");
      long base = System.currentTimeMillis();
      List<StepDown> batch = new ArrayList<>();
      for (int i = 0; i < partitions() * 2; i++) {
        batch.add(stepDown(i % partitions(), i == 3 ? 0 : base + i));
      }
      long start = System.nanoTime();
      List<EmitOutcome> outcomes = emitter.emitStepDowns(batch);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(outcomes.size(), batch.size(), "one outcome per step-down");
      for (int i = 0; i < batch.size(); i++) {
        assertSame(outcomes.get(i).stepDown(), batch.get(i), "outcome " + i + " must answer step-down " + i);
        if (writesStamps()) {
          assertEquals(outcomes.get(i).status(), i == 3 ? EmitStatus.SKIPPED_NO_TERM : EmitStatus.ACKED,
              "outcome " + i + ": " + outcomes.get(i));
        }
      }
      assertTrue(tookMs <= ackTimeoutMs() + blockingMarginMs(),
          "a batch shares one deadline; it took " + tookMs + " ms for ack timeout " + ackTimeoutMs() + " ms");
    }
  }

  @Test
  public void nullArgumentsAreProgrammingErrors() {
    try (LeadershipHandoffEmitter emitter = newProvider().newEmitter(settings(true, false), HandoffMetrics.NOOP)) {
      assertThrows(NullPointerException.class, () -> emitter.emitStepDown(null));
      assertThrows(NullPointerException.class, () -> emitter.emitStepDowns(null));
      assertThrows(NullPointerException.class, () -> emitter.emitStepDowns(Arrays.asList(stepDown(0, 1), null)));
    }
  }

  @Test
  public void closeIsIdempotentAndLaterEmitsAreAnswered() {
    LeadershipHandoffEmitter emitter = newProvider().newEmitter(settings(true, false), HandoffMetrics.NOOP);
    emitter.emitStepDown(stepDown(0, System.currentTimeMillis()));
    emitter.close();
    emitter.close();
    Set<EmitStatus> allowed = EnumSet.of(EmitStatus.FAILED, EmitStatus.SKIPPED_DISABLED);
    EmitOutcome after = emitter.emitStepDown(stepDown(0, System.currentTimeMillis()));
    assertTrue(allowed.contains(after.status()), "emit after close: " + after);
    if (after.status() == EmitStatus.FAILED) {
      assertTrue(after.cause() instanceof IllegalStateException, "emit after close must name the closed state: " + after);
    }
    List<EmitOutcome> batch = emitter.emitStepDowns(List.of(stepDown(1, 5), stepDown(2, 6)));
    assertEquals(batch.size(), 2);
    batch.forEach(o -> assertTrue(allowed.contains(o.status()), "batch emit after close: " + o));
  }

  @Test
  public void concurrentEmitsAreAllAnswered() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (LeadershipHandoffEmitter emitter = newProvider().newEmitter(settings(true, false), HandoffMetrics.NOOP)) {
      List<Future<EmitOutcome>> futures = new ArrayList<>();
      long base = System.currentTimeMillis();
      for (int i = 0; i < 16; i++) {
        StepDown s = stepDown(i % partitions(), base + i);
        futures.add(pool.submit(() -> emitter.emitStepDown(s)));
      }
      for (Future<EmitOutcome> f : futures) {
        EmitOutcome o = f.get(ackTimeoutMs() + blockingMarginMs() + 5_000, TimeUnit.MILLISECONDS);
        if (writesStamps()) {
          assertEquals(o.status(), EmitStatus.ACKED, o.toString());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- observer

  private LeadershipHandoffObserver observer(boolean consume, HandoffMetrics metrics) {
    return newProvider().newObserver(settings(false, consume), metrics);
  }

  @Test
  public void freshObserverNeverCuts() {
    LeadershipHandoffObserver o = observer(true, HandoffMetrics.NOOP);
    for (long term : new long[] {-1, 0, 1, 2, Long.MAX_VALUE}) {
      assertFalse(o.canSkipInactivityWait(0, term), "nothing observed, term " + term);
    }
  }

  @Test
  public void observerNeverCutsWhenConsumingIsOff() {
    LeadershipHandoffObserver o = observer(false, HandoffMetrics.NOOP);
    feedHappyPath(o, 0);
    assertFalse(o.canSkipInactivityWait(0, 3), "consuming switched off must never cut the wait");
  }

  @Test
  public void decideHandoverCountsEachPathOnce() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = observer(true, metrics);
    assertEquals(o.decideHandover(0, 2, false), HandoverPath.WAIT, "no proof, window not over");
    assertEquals(metrics.legacyWait() + metrics.fastPath(), 0, "WAIT is not counted");
    assertEquals(o.decideHandover(0, 2, true), HandoverPath.LEGACY_WAIT, "no proof, window over");
    assertEquals(metrics.legacyWait(), 1, "leader_handover_legacy_wait");
    if (stepDownKey() != null) {
      feedHappyPath(o, 1);
      assertEquals(o.decideHandover(1, 3, false), HandoverPath.FAST_PATH);
      assertEquals(metrics.fastPath(), 1, "leader_handover_fast_path");
    }
  }

  /** Data of term 1, then the stamp of term 1, then the new leader's own record of term 3. */
  private void feedHappyPath(LeadershipHandoffObserver o, int partition) {
    byte[] stamp = stepDownKey();
    o.observe(partition, dataKey(), 1, -1);
    if (stamp != null) {
      o.observe(partition, stamp, 1, -1);
    }
    o.observe(partition, dataKey(), 3, 3);
  }

  @Test
  public void observerFollowsTheStampRules() {
    byte[] stamp = stepDownKey();
    byte[] data = dataKey();
    if (stamp == null) {
      // A strategy that never cuts: the happy path of the stamp strategy must not cut either.
      LeadershipHandoffObserver o = observer(true, HandoffMetrics.NOOP);
      feedHappyPath(o, 0);
      assertFalse(o.canSkipInactivityWait(0, 3), "this strategy declares no step-down key, so it must never cut");
      return;
    }
    // Happy path: data T1, stamp T1, own record T2 -> cut for T2.
    check("happy path", true, 2, new long[][] {{'D', 1}, {'S', 1}, {'D', 2}});
    // The reader's own term never counts as a stamp.
    check("own-term stamp", false, 5, new long[][] {{'D', 1}, {'S', 5}});
    // Another writer after the stamp forbids the cut.
    check("data after stamp", false, 3, new long[][] {{'S', 1}, {'D', 1}});
    check("newer writer after stamp", false, 3, new long[][] {{'S', 1}, {'D', 2}});
    // A record with no term forgets the stamp.
    check("no-term record after stamp", false, 3, new long[][] {{'S', 1}, {'D', -1}});
    // A late stamp of an older term, after a newer leader wrote, proves nothing.
    check("late older stamp", false, 3, new long[][] {{'D', 1}, {'D', 2}, {'S', 1}});
    // A stamp of term 5 never lets a reader of term 5 or lower cut.
    check("stamp of my term", false, 5, new long[][] {{'S', 5}});
    check("stamp of a newer term", false, 4, new long[][] {{'S', 5}});
    check("stamp of an older term", true, 6, new long[][] {{'S', 5}});
    // A follower (term -1) or an invalid term never cuts.
    check("follower", false, -1, new long[][] {{'S', 1}});
    check("zero term", false, 0, new long[][] {{'S', 1}});
    // Stamps of terms <= 0 prove nothing.
    check("stamp without term", false, 3, new long[][] {{'S', -1}});
    // A newer stamp after an older one counts.
    check("two stamps", true, 4, new long[][] {{'D', 1}, {'S', 1}, {'D', 2}, {'S', 2}});

    LeadershipHandoffObserver o = observer(true, HandoffMetrics.NOOP);
    o.observe(0, stamp, 1, -1);
    assertFalse(o.canSkipInactivityWait(1, 2), "a stamp on partition 0 proves nothing for partition 1");
    assertTrue(o.canSkipInactivityWait(0, 2));
    o.forget(0);
    assertFalse(o.canSkipInactivityWait(0, 2), "forget(partition) drops the stamp");
  }

  private void check(String name, boolean expected, long myTerm, long[][] records) {
    LeadershipHandoffObserver o = observer(true, HandoffMetrics.NOOP);
    for (long[] r : records) {
      byte[] key = r[0] == 'S' ? stepDownKey() : dataKey();
      // Records of the reader's own term are observed with myTerm set, the others as a follower would.
      long observedWith = r[1] == myTerm ? myTerm : -1;
      o.observe(7, key, r[1], observedWith);
    }
    assertEquals(o.canSkipInactivityWait(7, myTerm), expected, name + " (reader term " + myTerm + ")");
  }

  @Test
  public void partitionsMayBeObservedFromDifferentThreads() throws Exception {
    if (stepDownKey() == null) {
      return;
    }
    LeadershipHandoffObserver o = observer(true, HandoffMetrics.NOOP);
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<Boolean>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int partition = t;
        tasks.add(() -> {
          for (int round = 1; round <= 2_000; round++) {
            o.observe(partition, dataKey(), round, -1);
            o.observe(partition, stepDownKey(), round, -1);
            if (!o.canSkipInactivityWait(partition, round + 1)) {
              return false;
            }
            o.observe(partition, dataKey(), round + 1, -1);
            if (o.canSkipInactivityWait(partition, round + 2)) {
              return false;
            }
          }
          return true;
        });
      }
      for (Future<Boolean> f : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
        if (!f.get()) {
          fail("a partition's decision was disturbed by another partition's thread");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
