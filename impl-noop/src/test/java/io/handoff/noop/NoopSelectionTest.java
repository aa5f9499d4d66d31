package io.handoff.noop;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import com.sun.management.ThreadMXBean;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffConfigException;
import io.handoff.spi.HandoffEngine;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffObserverFactory;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.ProviderInfo;
import io.handoff.spi.ProviderRegistry;
import io.handoff.spi.StepDown;
import io.handoff.spi.WriteBarrier;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.testng.annotations.Test;

/** The no-op provider as a server meets it: through ServiceLoader, with its properties. */
public class NoopSelectionTest {

  @Test
  public void noopIsFoundThroughServiceLoader() {
    ProviderInfo info =
        LeadershipHandoffs.availableProviders().stream()
            .filter(p -> p.name().equals("noop"))
            .findFirst()
            .orElseThrow();
    assertEquals(info.className(), NoopProvider.class.getName());
  }

  @Test
  public void noPropertiesGiveTheNoopEmitterAndObserver() {
    try (LeadershipHandoffEmitter emitter = LeadershipHandoffs.emitter(new Properties())) {
      assertEquals(
          HandoffEngine.strategyOf(emitter).getClass(),
          NoopEmitter.class,
          "no properties select the no-op emitter");
      assertEquals(
          emitter.emitStepDown(StepDown.established("vt_v1", 0, 5, 0, "h")).status(),
          EmitStatus.SKIPPED_DISABLED,
          "the no-op emitter writes nothing, even for an established term");
    }
    LeadershipHandoffObserver observer =
        LeadershipHandoffs.observer(new Properties(), "vt_v1", "host-a");
    assertEquals(
        HandoffEngine.evidenceOf(observer).getClass(),
        io.handoff.spi.LegacyWaitObserver.class,
        "no properties select the no-op observer");
    assertEquals(
        observer.versionTopic(), "vt_v1", "the observer follows the topic it was opened for");
    assertEquals(
        observer.localWriterId(),
        "host-a",
        "the observer decides for the writer it was opened for");
  }

  @Test
  public void theFactoryOpensANewObserverPerVersionTopic() {
    HandoffObserverFactory observers = LeadershipHandoffs.observers(new Properties());
    LeadershipHandoffObserver a = observers.open("store_a_v7", "host-a");
    LeadershipHandoffObserver b = observers.open("store_b_v2", "host-a");
    assertNotSame(a, b, "each version topic gets its own observer");
    assertEquals(a.versionTopic(), "store_a_v7");
    assertEquals(b.versionTopic(), "store_b_v2");
    assertNotSame(observers.open("store_a_v7", "host-a"), a, "every open returns a new observer");
    expectThrows(IllegalArgumentException.class, () -> observers.open(" ", "host-a"));
    expectThrows(IllegalArgumentException.class, () -> observers.open("store_a_v7", ""));
    expectThrows(NullPointerException.class, () -> observers.open(null, "host-a"));
  }

  @Test
  public void switchesOffGiveNoopWhateverTheStrategy() {
    Properties p = new Properties();
    p.setProperty("server.leader.handover.emit.stepdown.stamp", "false");
    p.setProperty("server.leader.handover.consume.stepdown.stamp", "false");
    p.setProperty("server.leader.handover.strategy", "noop");
    try (LeadershipHandoffEmitter emitter = LeadershipHandoffs.emitter(p)) {
      assertEquals(HandoffEngine.strategyOf(emitter).getClass(), NoopEmitter.class);
    }
  }

  @Test
  public void theNoopEmitterNeedsNothingOfTheHostAndTouchesNothingItLends() {
    // A host wires its resources once, whatever the switches say; with emitting off they must stay
    // untouched.
    AtomicInteger asked = new AtomicInteger();
    WriteBarrier barrier =
        (topic, partition) -> {
          asked.incrementAndGet();
          return CompletableFuture.completedFuture(null);
        };
    try (LeadershipHandoffEmitter emitter =
        LeadershipHandoffs.emitter(
            new Properties(), HandoffMetrics.NOOP, HostResources.of(WriteBarrier.class, barrier))) {
      assertEquals(
          HandoffEngine.strategyOf(emitter).getClass(),
          NoopEmitter.class,
          "emitting off selects the no-op emitter");
      assertEquals(
          emitter.emitStepDown(StepDown.established("vt_v1", 0, 5, 0, "h")).status(),
          EmitStatus.SKIPPED_DISABLED,
          "the no-op emitter writes nothing");
    }
    assertEquals(asked.get(), 0, "the no-op emitter never asks the host's barrier");
  }

  @Test
  public void stampSwitchedOnWithoutTheStampJarNamesTheChoices() {
    Properties p = new Properties();
    p.setProperty("server.leader.handover.emit.stepdown.stamp", "true");
    HandoffConfigException e =
        expectThrows(HandoffConfigException.class, () -> LeadershipHandoffs.emitter(p));
    assertEquals(
        e.getMessage(),
        "Unknown strategy 'stamp' for server.leader.handover.strategy. Available: [noop]");
  }

  @Test
  public void unknownStrategyFailsEvenWhenSwitchedOff() {
    Properties p = new Properties();
    p.setProperty("server.leader.handover.strategy", "foo");
    HandoffConfigException e =
        expectThrows(HandoffConfigException.class, () -> LeadershipHandoffs.observers(p));
    assertEquals(
        e.getMessage(),
        "Unknown strategy 'foo' for server.leader.handover.strategy. Available: [noop]");
  }

  @Test
  public void observerNeverCutsAndCountsLegacyWaits() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    Properties p = new Properties();
    p.setProperty("server.leader.handover.consume.stepdown.stamp", "true");
    p.setProperty("server.leader.handover.strategy", "noop");
    LeadershipHandoffObserver observer =
        LeadershipHandoffs.observers(p, metrics).open("vt_v1", "host-b");
    // A whole clean handover in the stamp strategy's own keys: the stamp strategy would cut here.
    byte[] declarationKey = hex("024a5ead6ef3a932f0864e3b7c324c92750000000000000000");
    byte[] stepDownKey = hex("02b203f86bede03a879b4067e1141f2ee40000000000000000");
    observer.observe(0, 0, declarationKey, "host-a", 1);
    observer.observe(0, 1, new byte[] {0, 1}, "host-a", -1);
    observer.observe(0, 2, stepDownKey, "host-a", 1);
    observer.observe(0, 3, declarationKey, "host-b", 2);
    assertFalse(
        observer.canSkipInactivityWait(0, 2), "the no-op observer never cuts, even after a stamp");
    assertEquals(
        observer.decideHandover(0, 2, false),
        HandoverPath.WAIT,
        "no cut and the window is not over");
    assertEquals(metrics.legacyWait(), 0, "WAIT is not a handover");
    assertEquals(
        observer.decideHandover(0, 2, true), HandoverPath.LEGACY_WAIT, "the window is over");
    assertEquals(metrics.legacyWait(), 1, "leader_handover_legacy_wait");
    assertEquals(
        metrics.handovers(HandoverReason.CONSUMING_OFF),
        1,
        "counted once, with its reason: the strategy never cuts");
    assertEquals(metrics.fastPath(), 0, "leader_handover_fast_path");
  }

  @Test
  public void stateIsEmptyAndRestoreAcceptsAnything() {
    LeadershipHandoffObserver observer =
        LeadershipHandoffs.observer(new Properties(), "vt_v1", "host-a");
    observer.observeUndecodable(0, 0);
    byte[] state = observer.exportState(0);
    assertEquals(state.length, 0, "the no-op observer keeps no state");
    observer.restoreState(1, 42, new byte[] {1, 2, 3});
    observer.restoreState(0, 1, state);
    assertFalse(
        observer.canSkipInactivityWait(1, 2), "a restore cannot make the no-op observer cut");
    expectThrows(NullPointerException.class, () -> observer.restoreState(0, 1, null));
  }

  @Test
  public void observeAllocatesNothing() {
    LeadershipHandoffObserver observer =
        LeadershipHandoffs.observers(
                ProviderRegistry.of(List.of(new NoopProvider())),
                HandoffSettings.defaults(),
                HandoffMetrics.NOOP)
            .open("vt_v1", "host-a");
    ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    byte[] key = {0, 1, 2};
    String writer = "host-a";
    for (int i = 0; i < 100_000; i++) {
      observer.observe(i & 7, i, key, writer, -1);
    }
    long before = mx.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 1_000_000; i++) {
      observer.observe(i & 7, i, key, writer, -1);
    }
    long allocated = mx.getCurrentThreadAllocatedBytes() - before;
    // The measurement itself allocates a little; a per-record allocation would be >= 16 MB here.
    assertTrue(
        allocated < 64 * 1024, "observe allocated " + allocated + " bytes for 1,000,000 records");
  }

  private static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }
}
