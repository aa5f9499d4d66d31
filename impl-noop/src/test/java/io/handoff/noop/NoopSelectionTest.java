package io.handoff.noop;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffConfigException;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.ProviderInfo;
import io.handoff.spi.StepDown;
import java.util.Properties;
import org.testng.annotations.Test;

/** The no-op provider as a server meets it: through ServiceLoader, with its properties. */
public class NoopSelectionTest {

  @Test
  public void noopIsFoundThroughServiceLoader() {
    ProviderInfo info = LeadershipHandoffs.availableProviders().stream()
        .filter(p -> p.name().equals("noop")).findFirst().orElseThrow();
    assertEquals(info.className(), NoopProvider.class.getName());
  }

  @Test
  public void noPropertiesGiveTheNoopEmitterAndObserver() {
    try (LeadershipHandoffEmitter emitter = LeadershipHandoffs.emitter(new Properties())) {
      assertEquals(emitter.getClass(), NoopEmitter.class);
      assertEquals(emitter.emitStepDown(StepDown.established("vt_v1", 0, 5, 0, "h")).status(), EmitStatus.SKIPPED_DISABLED);
    }
    LeadershipHandoffObserver observer = LeadershipHandoffs.observer(new Properties());
    assertEquals(observer.getClass(), NoopObserver.class);
  }

  @Test
  public void switchesOffGiveNoopWhateverTheStrategy() {
    Properties p = new Properties();
    p.setProperty("server.leader.handover.emit.stepdown.stamp", "false");
    p.setProperty("server.leader.handover.consume.stepdown.stamp", "false");
    p.setProperty("server.leader.handover.strategy", "noop");
    try (LeadershipHandoffEmitter emitter = LeadershipHandoffs.emitter(p)) {
      assertEquals(emitter.getClass(), NoopEmitter.class);
    }
  }

  @Test
  public void stampSwitchedOnWithoutTheStampJarNamesTheChoices() {
    Properties p = new Properties();
    p.setProperty("server.leader.handover.emit.stepdown.stamp", "true");
    HandoffConfigException e = expectThrows(HandoffConfigException.class, () -> LeadershipHandoffs.emitter(p));
    assertEquals(e.getMessage(), "Unknown strategy 'stamp' for server.leader.handover.strategy. Available: [noop]");
  }

  @Test
  public void unknownStrategyFailsEvenWhenSwitchedOff() {
    Properties p = new Properties();
    p.setProperty("server.leader.handover.strategy", "foo");
    HandoffConfigException e = expectThrows(HandoffConfigException.class, () -> LeadershipHandoffs.observer(p));
    assertEquals(e.getMessage(), "Unknown strategy 'foo' for server.leader.handover.strategy. Available: [noop]");
  }

  @Test
  public void observerNeverCutsAndCountsLegacyWaits() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    Properties p = new Properties();
    p.setProperty("server.leader.handover.consume.stepdown.stamp", "true");
    p.setProperty("server.leader.handover.strategy", "noop");
    LeadershipHandoffObserver observer = LeadershipHandoffs.observer(p, metrics);
    byte[] stepDownKey = hex("02b203f86bede03a879b4067e1141f2ee40000000000000000");
    observer.observe(0, new byte[] {0, 1}, 1, -1);
    observer.observe(0, stepDownKey, 1, -1);
    assertFalse(observer.canSkipInactivityWait(0, 2), "the no-op observer never cuts, even after a stamp");
    assertEquals(observer.decideHandover(0, 2, false), HandoverPath.WAIT);
    assertEquals(observer.decideHandover(0, 2, true), HandoverPath.LEGACY_WAIT);
    assertEquals(metrics.legacyWait(), 1);
    assertEquals(metrics.fastPath(), 0);
  }

  @Test
  public void observeAllocatesNothing() {
    LeadershipHandoffObserver observer = new NoopProvider().newObserver(io.handoff.spi.HandoffSettings.defaults(),
        io.handoff.spi.HandoffMetrics.NOOP);
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    byte[] key = {0, 1, 2};
    for (int i = 0; i < 100_000; i++) {
      observer.observe(i & 7, key, i, -1);
    }
    long before = mx.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 1_000_000; i++) {
      observer.observe(i & 7, key, i, -1);
    }
    long allocated = mx.getCurrentThreadAllocatedBytes() - before;
    // The measurement itself allocates a little; a per-record allocation would be >= 16 MB here.
    assertTrue(allocated < 64 * 1024, "observe allocated " + allocated + " bytes for 1,000,000 records");
  }

  private static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }
}
