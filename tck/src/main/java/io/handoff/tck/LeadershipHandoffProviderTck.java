package io.handoff.tck;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;
import static org.testng.Assert.fail;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HostResources;
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
 * The contract every {@link LeadershipHandoffProvider} must honour. Extend it with one small TestNG
 * class that implements {@link #newProvider()} and, for a strategy that writes or cuts the wait,
 * overrides the capability methods:
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
 * outcome rules (never throws, bounded blocking, no term or an unestablished term -> skipped, one
 * outcome per input in order, close idempotent, emits after close answered without throwing) and
 * the observer's rules: safety for every strategy, and, for a strategy that names its stamp and
 * declaration keys, the safety rules of {@code docs/ARCHITECTURE.md}: version topics isolated, the
 * reader's own declaration as the barrier, tenures told apart by writer and term (equal terms of
 * two writers included), undecodable records and zombies inside a tenure refusing the cut, and
 * state export and restore validated.
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
   * The key of the strategy's step-down stamp as the observer sees it, or null (the default) for a
   * strategy whose observer never cuts the wait: then the kit checks that it never does. A strategy
   * that names it must name {@link #declarationKey()} too.
   */
  protected byte[] stepDownKey() {
    return null;
  }

  /**
   * The key of the strategy's declaration of leadership, or null when {@link #stepDownKey()} is.
   */
  protected byte[] declarationKey() {
    return null;
  }

  /**
   * What the host lends the strategy's emitter in the kit's tests (for the stamp strategy: a
   * producer, or a write barrier). Default: nothing.
   */
  protected HostResources hostResources() {
    return HostResources.none();
  }

  /**
   * Whether the strategy's emitter, switched on, needs something of the host to order its stamps
   * after the leader's records; then the kit checks that it refuses to be created without it.
   * Default: false.
   */
  protected boolean needsHostResources() {
    return false;
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
    return StepDown.established(topic(), partition, term, 0, "tck-writer");
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

    assertSame(
        registry.emitterProvider(settings(true, false)), provider, "emit on selects the strategy");
    assertSame(registry.emitterProvider(settings(false, true)), noop, "emit off selects noop");
    assertSame(
        registry.observerProvider(settings(false, true)),
        provider,
        "consume on selects the strategy");
    assertSame(registry.observerProvider(settings(true, false)), noop, "consume off selects noop");

    try (LeadershipHandoffEmitter e =
        LeadershipHandoffs.emitter(
            registry, settings(true, true), HandoffMetrics.NOOP, hostResources())) {
      assertNotNull(e);
    }
  }

  // ---------------------------------------------------------------- emitter

  @Test
  public void emitterSwitchedOffWritesNothing() {
    try (LeadershipHandoffEmitter emitter =
        newProvider().newEmitter(settings(false, false), HandoffMetrics.NOOP, hostResources())) {
      EmitOutcome o = emitter.emitStepDown(stepDown(0, 7));
      assertEquals(o.status(), EmitStatus.SKIPPED_DISABLED, "emit switched off: " + o);
    }
  }

  @Test
  public void emitNeverThrowsAndIsBounded() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitter =
        newProvider().newEmitter(settings(true, false), metrics, hostResources())) {
      StepDown s = stepDown(0, System.currentTimeMillis());
      long start = System.nanoTime();
      EmitOutcome o = emitter.emitStepDown(s);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertNotNull(o, "outcome");
      assertSame(o.stepDown(), s, "outcome must answer the request");
      assertTrue(
          tookMs <= ackTimeoutMs() + blockingMarginMs(),
          "emitStepDown took "
              + tookMs
              + " ms, more than the ack timeout "
              + ackTimeoutMs()
              + " ms + margin");
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
    try (LeadershipHandoffEmitter emitter =
        newProvider().newEmitter(settings(true, false), HandoffMetrics.NOOP, hostResources())) {
      for (long term : new long[] {0, -1, Long.MIN_VALUE}) {
        EmitOutcome o = emitter.emitStepDown(stepDown(1, term));
        if (writesStamps()) {
          assertEquals(o.status(), EmitStatus.SKIPPED_NO_TERM, "term " + term + ": " + o);
        } else {
          assertTrue(
              EnumSet.of(EmitStatus.SKIPPED_NO_TERM, EmitStatus.SKIPPED_DISABLED)
                  .contains(o.status()),
              "term " + term + ": " + o);
        }
      }
    }
  }

  @Test
  public void anEmitterThatCannotOrderItsStampsIsNeverBuilt() {
    if (!needsHostResources()) {
      // Then it must work with nothing lent at all.
      try (LeadershipHandoffEmitter e =
          newProvider()
              .newEmitter(settings(true, false), HandoffMetrics.NOOP, HostResources.none())) {
        EmitOutcome o = e.emitStepDown(stepDown(0, System.currentTimeMillis()));
        assertTrue(
            writesStamps() ? o.isAcked() : o.status().isSkipped(), "with nothing lent: " + o);
      }
      return;
    }
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class,
            () ->
                newProvider()
                    .newEmitter(settings(true, false), HandoffMetrics.NOOP, HostResources.none()));
    assertTrue(
        e.getMessage() != null && !e.getMessage().isBlank(), "the refusal must say what to lend");
    try (LeadershipHandoffEmitter off =
        newProvider()
            .newEmitter(settings(false, false), HandoffMetrics.NOOP, HostResources.none())) {
      assertEquals(
          off.emitStepDown(stepDown(0, 5)).status(),
          EmitStatus.SKIPPED_DISABLED,
          "switched off, an emitter needs nothing of the host");
    }
  }

  @Test
  public void unestablishedTermIsNeverStamped() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitter =
        newProvider().newEmitter(settings(true, false), metrics, hostResources())) {
      StepDown s = new StepDown(topic(), 0, System.currentTimeMillis(), false, 0, "tck-writer");
      EmitOutcome o = emitter.emitStepDown(s);
      if (writesStamps()) {
        assertEquals(
            o.status(),
            EmitStatus.SKIPPED_UNESTABLISHED,
            "a term demoted while still waiting: " + o);
        assertEquals(
            metrics.skippedUnestablished(), 1, "leader_stepdown_stamp_skipped_unestablished");
        assertEquals(metrics.emitSuccess(), 0, "nothing was written");
      } else {
        assertTrue(o.status().isSkipped(), "a strategy that does not write: " + o);
      }
    }
  }

  @Test
  public void batchAnswersOnePerInputInOrder() {
    try (LeadershipHandoffEmitter emitter =
        newProvider().newEmitter(settings(true, false), HandoffMetrics.NOOP, hostResources())) {
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
        assertSame(
            outcomes.get(i).stepDown(),
            batch.get(i),
            "outcome " + i + " must answer step-down " + i);
        if (writesStamps()) {
          assertEquals(
              outcomes.get(i).status(),
              i == 3 ? EmitStatus.SKIPPED_NO_TERM : EmitStatus.ACKED,
              "outcome " + i + ": " + outcomes.get(i));
        }
      }
      assertTrue(
          tookMs <= ackTimeoutMs() + blockingMarginMs(),
          "a batch shares one deadline; it took "
              + tookMs
              + " ms for ack timeout "
              + ackTimeoutMs()
              + " ms");
    }
  }

  @Test
  public void nullArgumentsAreProgrammingErrors() {
    try (LeadershipHandoffEmitter emitter =
        newProvider().newEmitter(settings(true, false), HandoffMetrics.NOOP, hostResources())) {
      assertThrows(NullPointerException.class, () -> emitter.emitStepDown(null));
      assertThrows(NullPointerException.class, () -> emitter.emitStepDowns(null));
      assertThrows(
          NullPointerException.class,
          () -> emitter.emitStepDowns(Arrays.asList(stepDown(0, 1), null)));
    }
  }

  @Test
  public void closeIsIdempotentAndLaterEmitsAreAnswered() {
    LeadershipHandoffEmitter emitter =
        newProvider().newEmitter(settings(true, false), HandoffMetrics.NOOP, hostResources());
    emitter.emitStepDown(stepDown(0, System.currentTimeMillis()));
    emitter.close();
    emitter.close();
    Set<EmitStatus> allowed = EnumSet.of(EmitStatus.FAILED, EmitStatus.SKIPPED_DISABLED);
    EmitOutcome after = emitter.emitStepDown(stepDown(0, System.currentTimeMillis()));
    assertTrue(allowed.contains(after.status()), "emit after close: " + after);
    if (after.status() == EmitStatus.FAILED) {
      assertTrue(
          after.cause() instanceof IllegalStateException,
          "emit after close must name the closed state: " + after);
    }
    List<EmitOutcome> batch = emitter.emitStepDowns(List.of(stepDown(1, 5), stepDown(2, 6)));
    assertEquals(batch.size(), 2);
    batch.forEach(o -> assertTrue(allowed.contains(o.status()), "batch emit after close: " + o));
  }

  @Test
  public void concurrentEmitsAreAllAnswered() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (LeadershipHandoffEmitter emitter =
        newProvider().newEmitter(settings(true, false), HandoffMetrics.NOOP, hostResources())) {
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

  private static final String READER = "tck-reader";
  private static final String OLD_LEADER = "tck-old-leader";
  private static final String OTHER = "tck-other-writer";
  private static final long NO_TERM = -1;

  private LeadershipHandoffObserver observer(boolean consume, HandoffMetrics metrics) {
    return observer(consume, metrics, topic());
  }

  private LeadershipHandoffObserver observer(
      boolean consume, HandoffMetrics metrics, String versionTopic) {
    return LeadershipHandoffs.observers(registry(), settings(false, consume), metrics)
        .open(versionTopic, READER);
  }

  private ProviderRegistry registry() {
    LeadershipHandoffProvider provider = newProvider();
    return ProviderRegistry.NOOP.equals(provider.name())
        ? ProviderRegistry.of(List.of(provider))
        : ProviderRegistry.of(List.of(provider, new ReferenceNoopProvider()));
  }

  private boolean cuts() {
    return stepDownKey() != null;
  }

  /** Appends records to one partition of an observer, numbering their offsets. */
  private final class Feed {
    final LeadershipHandoffObserver o;
    final int partition;
    long offset;

    Feed(LeadershipHandoffObserver o, int partition) {
      this.o = o;
      this.partition = partition;
    }

    Feed dol(String writer, long term) {
      o.observe(partition, offset++, cuts() ? declarationKey() : dataKey(), writer, term);
      return this;
    }

    Feed data(String writer, long term) {
      o.observe(partition, offset++, dataKey(), writer, term);
      return this;
    }

    Feed stamp(String writer, long term) {
      o.observe(partition, offset++, cuts() ? stepDownKey() : dataKey(), writer, term);
      return this;
    }

    Feed undecodable() {
      o.observeUndecodable(partition, offset++);
      return this;
    }

    /** The old leader's whole clean tenure of {@code term}, then the reader's own declaration. */
    Feed happyPath(long term, long myTerm) {
      return dol(OLD_LEADER, term)
          .data(OLD_LEADER, NO_TERM)
          .stamp(OLD_LEADER, term)
          .dol(READER, myTerm);
    }

    boolean cut(long myTerm) {
      return o.canSkipInactivityWait(partition, myTerm);
    }
  }

  /**
   * Asserts the answer a cutting strategy must give; a strategy that never cuts must answer false.
   */
  private void expectCut(Feed f, long myTerm, boolean expected, String what) {
    assertEquals(f.cut(myTerm), expected && cuts(), what + " (reader term " + myTerm + ")");
  }

  @Test
  public void observerKnowsItsTopicAndReader() {
    LeadershipHandoffObserver o = observer(true, HandoffMetrics.NOOP, "store_a_v7");
    assertEquals(o.versionTopic(), "store_a_v7");
    assertEquals(o.localWriterId(), READER);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LeadershipHandoffs.observers(registry(), settings(false, true), HandoffMetrics.NOOP)
                .open(" ", READER));
    assertThrows(
        NullPointerException.class,
        () ->
            LeadershipHandoffs.observers(registry(), settings(false, true), HandoffMetrics.NOOP)
                .open("t", null));
  }

  @Test
  public void freshObserverNeverCuts() {
    LeadershipHandoffObserver o = observer(true, HandoffMetrics.NOOP);
    for (long term : new long[] {-1, 0, 1, 2, Long.MAX_VALUE}) {
      assertFalse(o.canSkipInactivityWait(0, term), "nothing observed, term " + term);
    }
  }

  @Test
  public void happyPathCutsOnlyWhenConsumingIsOn() {
    expectCut(
        new Feed(observer(true, HandoffMetrics.NOOP), 0).happyPath(1, 2),
        2,
        true,
        "clean tenure closed by its stamp");
    Feed off = new Feed(observer(false, HandoffMetrics.NOOP), 0).happyPath(1, 2);
    assertFalse(off.cut(2), "consuming switched off must never cut the wait");
  }

  @Test
  public void decideHandoverCountsEachPathOnce() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = observer(true, metrics);
    assertEquals(o.decideHandover(0, 2, false), HandoverPath.WAIT, "no proof, window not over");
    assertEquals(metrics.legacyWait() + metrics.fastPath(), 0, "WAIT is not counted");
    assertEquals(o.decideHandover(0, 2, true), HandoverPath.LEGACY_WAIT, "no proof, window over");
    assertEquals(metrics.legacyWait(), 1, "leader_handover_legacy_wait");
    if (cuts()) {
      new Feed(o, 1).happyPath(1, 3);
      assertEquals(o.decideHandover(1, 3, false), HandoverPath.FAST_PATH);
      assertEquals(metrics.fastPath(), 1, "leader_handover_fast_path");
    }
  }

  @Test
  public void versionTopicsShareNothing() {
    LeadershipHandoffObserver x = observer(true, HandoffMetrics.NOOP, "storeX_v1");
    LeadershipHandoffObserver y = observer(true, HandoffMetrics.NOOP, "storeY_v2");
    Feed fy = new Feed(y, 3).data("zombie-y", 4);
    new Feed(x, 3).happyPath(5, 9);
    fy.dol(READER, 9);
    assertFalse(fy.cut(9), "storeX_v1's stamp must prove nothing for storeY_v2-3");
    expectCut(new Feed(x, 3), 9, true, "storeX_v1-3 itself");
  }

  @Test
  public void theReadersOwnDeclarationIsTheBarrier() {
    Feed f =
        new Feed(observer(true, HandoffMetrics.NOOP), 0)
            .dol(OLD_LEADER, 1)
            .data(OLD_LEADER, NO_TERM)
            .stamp(OLD_LEADER, 1);
    assertFalse(f.cut(2), "own declaration not read back yet");
    f.dol(READER, 3);
    assertFalse(f.cut(2), "own declaration of another term");
    expectCut(f, 3, true, "own declaration of term 3 read back");
    f.data(READER, NO_TERM).data(READER, 3);
    expectCut(f, 3, true, "the reader's own records after its declaration");
    f.data(OTHER, NO_TERM);
    assertFalse(f.cut(3), "another writer after the reader's declaration");
  }

  @Test
  public void equalTermsOfTwoWritersAreTwoTenures() {
    Feed f =
        new Feed(observer(true, HandoffMetrics.NOOP), 0)
            .dol(OLD_LEADER, 5)
            .stamp(OLD_LEADER, 5)
            .dol(OTHER, 7)
            .data(OTHER, NO_TERM)
            .data(OTHER, 7);
    assertFalse(f.cut(7), "another writer's declaration and data of the reader's term");
    f.dol(READER, 7);
    assertFalse(f.cut(7), "the tenure before the reader's is the other writer's, never closed");
    Feed g =
        new Feed(observer(true, HandoffMetrics.NOOP), 0)
            .dol(OLD_LEADER, 7)
            .stamp(OLD_LEADER, 7)
            .dol(READER, 7);
    assertFalse(g.cut(7), "a stamp of the reader's own term value, by another writer");
  }

  @Test
  public void undecodableRecordsMakeATenureUnclean() {
    Feed after =
        new Feed(observer(true, HandoffMetrics.NOOP), 0)
            .dol(OLD_LEADER, 5)
            .stamp(OLD_LEADER, 5)
            .undecodable()
            .dol(READER, 7);
    assertFalse(after.cut(7), "an undecodable record after the stamp");
    Feed inside =
        new Feed(observer(true, HandoffMetrics.NOOP), 0)
            .dol(OLD_LEADER, 5)
            .undecodable()
            .stamp(OLD_LEADER, 5)
            .dol(READER, 7);
    assertFalse(inside.cut(7), "an undecodable record inside the tenure");
  }

  @Test
  public void aZombieInsideATenureKeepsTheWait() {
    Feed f =
        new Feed(observer(true, HandoffMetrics.NOOP), 0)
            .dol("zombie", 100)
            .data("zombie", NO_TERM)
            .dol(OLD_LEADER, 200)
            .data("zombie", NO_TERM)
            .data(OLD_LEADER, NO_TERM)
            .stamp(OLD_LEADER, 200)
            .dol(READER, 300);
    assertFalse(f.cut(300), "a zombie wrote inside the tenure the stamp closes");
    Feed sameHost =
        new Feed(observer(true, HandoffMetrics.NOOP), 0)
            .dol(OLD_LEADER, 200)
            .data(OLD_LEADER, 100)
            .stamp(OLD_LEADER, 200)
            .dol(READER, 300);
    assertFalse(sameHost.cut(300), "an older session of the same host wrote inside the tenure");
  }

  @Test
  public void stampsThatCloseNoSeenTenureProveNothing() {
    assertFalse(
        new Feed(observer(true, HandoffMetrics.NOOP), 0).stamp(OLD_LEADER, 1).dol(READER, 2).cut(2),
        "a stamp whose declaration was never seen");
    assertFalse(
        new Feed(observer(true, HandoffMetrics.NOOP), 0)
            .data(OLD_LEADER, NO_TERM)
            .dol(OLD_LEADER, 1)
            .stamp(OTHER, 1)
            .dol(READER, 2)
            .cut(2),
        "a stamp of another writer than the tenure's");
    assertFalse(
        new Feed(observer(true, HandoffMetrics.NOOP), 0)
            .dol(OLD_LEADER, 1)
            .data(OLD_LEADER, NO_TERM)
            .dol(OTHER, 2)
            .stamp(OLD_LEADER, 1)
            .dol(READER, 3)
            .cut(3),
        "a late stamp of an older leader");
    assertFalse(
        new Feed(observer(true, HandoffMetrics.NOOP), 0).happyPath(5, 5).cut(5),
        "stamp term equal to mine");
    assertFalse(
        new Feed(observer(true, HandoffMetrics.NOOP), 0).happyPath(6, 5).cut(5),
        "stamp term above mine");
    assertFalse(
        new Feed(observer(true, HandoffMetrics.NOOP), 0)
            .happyPath(1, 2)
            .stamp(OLD_LEADER, 1)
            .cut(2),
        "the old leader writes again after the reader's declaration");
  }

  @Test
  public void aRepromotedLeaderNeedsItsOwnEarlierTenureClosed() {
    Feed f =
        new Feed(observer(true, HandoffMetrics.NOOP), 0)
            .happyPath(3, 5)
            .data(READER, NO_TERM)
            .dol(READER, 9);
    assertFalse(f.cut(9), "the reader's own term-5 tenure was never closed by its stamp");
    Feed g =
        new Feed(observer(true, HandoffMetrics.NOOP), 0)
            .happyPath(3, 5)
            .data(READER, NO_TERM)
            .stamp(READER, 5)
            .dol(READER, 9);
    expectCut(g, 9, true, "the reader's own term-5 tenure closed by its stamp");
  }

  @Test
  public void exportedStateRestoresTheFastPath() {
    LeadershipHandoffObserver before = observer(true, HandoffMetrics.NOOP);
    Feed f = new Feed(before, 2).dol(OLD_LEADER, 1).data(OLD_LEADER, NO_TERM);
    byte[] state = before.exportState(2);
    assertNotNull(state, "exportState");
    long resumeAt = f.offset;

    LeadershipHandoffObserver restored = observer(true, HandoffMetrics.NOOP);
    restored.restoreState(2, resumeAt, state);
    Feed g = new Feed(restored, 2);
    g.offset = resumeAt;
    g.data(OLD_LEADER, NO_TERM).stamp(OLD_LEADER, 1).dol(READER, 2);
    expectCut(g, 2, true, "restored from a checkpoint inside the tenure");

    LeadershipHandoffObserver notRestored = observer(true, HandoffMetrics.NOOP);
    Feed h = new Feed(notRestored, 2);
    h.offset = resumeAt;
    h.data(OLD_LEADER, NO_TERM).stamp(OLD_LEADER, 1).dol(READER, 2);
    assertFalse(
        h.cut(2),
        "started inside a tenure without its state: the tenure's beginning was never seen");
  }

  @Test
  public void restoreRejectsWhatDoesNotFit() {
    LeadershipHandoffObserver source = observer(true, HandoffMetrics.NOOP);
    new Feed(source, 2).dol(OLD_LEADER, 1).stamp(OLD_LEADER, 1);
    byte[] state = source.exportState(2);
    assertThrows(
        NullPointerException.class,
        () -> observer(true, HandoffMetrics.NOOP).restoreState(2, 2, null));
    if (!cuts()) {
      return; // a strategy that never cuts keeps no state worth validating
    }
    byte[][] bad = {
      new byte[0],
      new byte[] {1, 2, 3},
      "not a state at all, just text".getBytes(),
      flipLastByte(state)
    };
    for (byte[] b : bad) {
      LeadershipHandoffObserver o = observer(true, HandoffMetrics.NOOP);
      assertThrows(IllegalArgumentException.class, () -> o.restoreState(2, 2, b));
      assertFalse(
          new Feed(o, 2).dol(READER, 2).cut(2), "garbage restored must leave the safe default");
    }
    LeadershipHandoffObserver otherPartition = observer(true, HandoffMetrics.NOOP);
    assertThrows(IllegalArgumentException.class, () -> otherPartition.restoreState(3, 2, state));
    LeadershipHandoffObserver otherTopic = observer(true, HandoffMetrics.NOOP, topic() + "-other");
    assertThrows(IllegalArgumentException.class, () -> otherTopic.restoreState(2, 2, state));
    LeadershipHandoffObserver otherOffset = observer(true, HandoffMetrics.NOOP);
    assertThrows(IllegalArgumentException.class, () -> otherOffset.restoreState(2, 7, state));
    Feed afterReject = new Feed(otherOffset, 2);
    afterReject.offset = 7;
    assertFalse(afterReject.dol(READER, 2).cut(2), "a rejected restore leaves the safe default");
  }

  private static byte[] flipLastByte(byte[] b) {
    byte[] c = b.clone();
    c[c.length - 1] ^= 0x5a;
    return c;
  }

  @Test
  public void forgetDropsOnlyThatPartition() {
    LeadershipHandoffObserver o = observer(true, HandoffMetrics.NOOP);
    Feed zero = new Feed(o, 0).happyPath(1, 2);
    Feed one = new Feed(o, 1).happyPath(1, 2);
    o.forget(0);
    assertFalse(zero.cut(2), "forget(partition) drops its state");
    expectCut(one, 2, true, "forget(0) must keep partition 1");
  }

  @Test
  public void partitionsMayBeObservedFromDifferentThreads() throws Exception {
    LeadershipHandoffObserver o = observer(true, HandoffMetrics.NOOP);
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<String>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int partition = t;
        tasks.add(
            () -> {
              Feed f = new Feed(o, partition);
              String leader = OLD_LEADER + partition;
              f.dol(leader, 1);
              for (int round = 1; round <= 2_000; round++) {
                f.data(leader, NO_TERM).stamp(leader, round).dol(READER, round + 1);
                if (f.cut(round + 1) != cuts()) {
                  return "round " + round + ": expected the cut";
                }
                f.data(OTHER, NO_TERM);
                if (f.cut(round + 1)) {
                  return "round " + round + ": cut after another writer";
                }
                f.dol(leader, round + 1);
              }
              return null;
            });
      }
      for (Future<String> r : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
        String problem = r.get();
        if (problem != null) {
          fail("a partition's decision was disturbed by another partition's thread: " + problem);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
