package io.handoff.tck.vendor;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffEngine;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeaderTerms;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import io.handoff.spi.WriteBarrier;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.testng.annotations.Test;

/** A vendor jar on the class path is found through ServiceLoader and chosen by its name. */
public class VendorSelectionTest {

  private static final byte[] DATA_KEY = {0, 'k'};

  @Test
  public void vendorIsDiscoveredAndSelectedByName() {
    assertTrue(
        LeadershipHandoffs.registry().names().contains("memlog"),
        "memlog must be discovered: " + LeadershipHandoffs.registry().names());
    try (LeadershipHandoffEmitter emitter = LeadershipHandoffs.emitter(vendorSwitchedOn())) {
      StepDown s = StepDown.established("vendor-vt", 3, 42, 0, "host-a");
      EmitOutcome o = emitter.emitStepDown(s);
      assertEquals(o.status(), EmitStatus.ACKED, "an established term is stamped: " + o);
      MemoryLog.Entry last = MemoryLog.read("vendor-vt", 3).get((int) o.offset());
      assertEquals(last.key(), MemoryLogProvider.STEP_DOWN_KEY, "the vendor's own stamp key");
      assertEquals(last.term(), 42, "the stamp carries the term");
      assertEquals(last.writerId(), "host-a", "the stamp carries the writer id");
    }
    LeadershipHandoffObserver observer =
        LeadershipHandoffs.observer(vendorSwitchedOn(), "vendor-vt", "host-b");
    assertEquals(
        HandoffEngine.evidenceOf(observer).getClass(),
        MemoryLogProvider.MemoryLogObserver.class,
        "the vendor's observer is selected");
    assertEquals(observer.versionTopic(), "vendor-vt", "opened for the topic asked for");
    assertEquals(observer.localWriterId(), "host-b", "opened for the reader asked for");
  }

  @Test
  public void anEstablishedLeadersStampCutsItsSuccessorsWait() {
    String topic = "vendor-handover-vt";
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    LeaderTerms termsA = new LeaderTerms(topic);
    termsA.promoted(0, 100);
    MemoryLog.append(
        topic, 0, new MemoryLog.Entry(MemoryLogProvider.DECLARATION_KEY.clone(), 100, "host-a"));
    assertTrue(termsA.established(0, 100), "host-a finished its handover");
    MemoryLog.append(topic, 0, new MemoryLog.Entry(DATA_KEY, -1, "host-a"));
    try (LeadershipHandoffEmitter emitter =
        LeadershipHandoffs.emitter(vendorSwitchedOn(), metrics, HostResources.none())) {
      EmitOutcome o = emitter.emitStepDown(termsA.demoted(0, 0, "host-a"));
      assertEquals(o.status(), EmitStatus.ACKED, "host-a's established term is stamped: " + o);
    }
    MemoryLog.append(
        topic, 0, new MemoryLog.Entry(MemoryLogProvider.DECLARATION_KEY.clone(), 200, "host-b"));

    LeadershipHandoffObserver observer =
        LeadershipHandoffs.observers(vendorSwitchedOn(), metrics).open(topic, "host-b");
    replay(observer, topic, 0);
    assertEquals(
        observer.decideHandover(0, 200, false),
        HandoverPath.FAST_PATH,
        "host-a's tenure is closed by its own stamp and host-b's declaration is read back");
    assertEquals(metrics.fastPath(), 1, "leader_handover_fast_path");
    assertEquals(
        metrics.handovers(HandoverReason.CLEAN_STEP_DOWN), 1, "counted once, with its reason");
    assertEquals(metrics.emitSuccess(), 1, "leader_stepdown_stamp_emit_success");
    assertEquals(metrics.uncleanTenure(), 0, "leader_handover_unclean_tenure");
  }

  @Test
  public void aLeaderDemotedBeforeItsHandoverFinishedStampsNothing() {
    String topic = "vendor-unestablished-vt";
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    LeaderTerms termsA = new LeaderTerms(topic);
    termsA.promoted(0, 100);
    MemoryLog.append(
        topic, 0, new MemoryLog.Entry(MemoryLogProvider.DECLARATION_KEY.clone(), 100, "host-a"));
    StepDown s = termsA.demoted(0, 0, "host-a");
    assertFalse(s.established(), "demoted while still waiting");
    try (LeadershipHandoffEmitter emitter =
        LeadershipHandoffs.emitter(vendorSwitchedOn(), metrics, HostResources.none())) {
      EmitOutcome o = emitter.emitStepDown(s);
      assertEquals(
          o.status(),
          EmitStatus.SKIPPED_UNESTABLISHED,
          "an unestablished term is never stamped: " + o);
    }
    assertEquals(metrics.skippedUnestablished(), 1, "leader_stepdown_stamp_skipped_unestablished");
    assertEquals(metrics.emitSuccess(), 0, "leader_stepdown_stamp_emit_success");
    List<MemoryLog.Entry> log = MemoryLog.read(topic, 0);
    assertTrue(
        log.stream().noneMatch(e -> Arrays.equals(e.key(), MemoryLogProvider.STEP_DOWN_KEY)),
        "no stamp in the log: " + log);
    MemoryLog.append(
        topic, 0, new MemoryLog.Entry(MemoryLogProvider.DECLARATION_KEY.clone(), 200, "host-b"));

    LeadershipHandoffObserver observer =
        LeadershipHandoffs.observers(vendorSwitchedOn(), metrics).open(topic, "host-b");
    replay(observer, topic, 0);
    assertEquals(
        observer.decideHandover(0, 200, false), HandoverPath.WAIT, "nothing proves host-a stopped");
    assertEquals(
        observer.decideHandover(0, 200, true), HandoverPath.LEGACY_WAIT, "the window decides");
    assertEquals(metrics.legacyWait(), 1, "the WAIT before it is not counted");
    assertEquals(
        metrics.handovers(HandoverReason.NO_STAMP), 1, "counted once, with why no fast path");
  }

  @Test
  public void aStrategyThatNeedsNothingOfTheHostIgnoresWhatItLends() {
    // The memory log orders its appends itself: a barrier the host lends must neither be asked nor
    // hold a stamp back, even one that would fail if it were.
    AtomicInteger asked = new AtomicInteger();
    WriteBarrier failing =
        (topic, partition) -> {
          asked.incrementAndGet();
          return CompletableFuture.failedFuture(new IllegalStateException("a host write failed"));
        };
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitter =
        LeadershipHandoffs.emitter(
            vendorSwitchedOn(), metrics, HostResources.of(WriteBarrier.class, failing))) {
      EmitOutcome o =
          emitter.emitStepDown(StepDown.established("vendor-lent-vt", 1, 7, 0, "host-a"));
      assertEquals(
          o.status(),
          EmitStatus.ACKED,
          "the vendor's stamp does not depend on the host's barrier: " + o);
      assertEquals(
          MemoryLog.read("vendor-lent-vt", 1).size(), 1, "the stamp is in the vendor's log");
    }
    assertEquals(asked.get(), 0, "the barrier of a strategy that borrows nothing is never asked");
    assertEquals(metrics.emitSuccess(), 1, "leader_stepdown_stamp_emit_success");
  }

  @Test
  public void switchOffNeedsTheNoopJarAndSaysSo() {
    // This module's tests do not carry handoff-noop: the error must say which artifact to add.
    Properties p = new Properties();
    p.setProperty("server.leader.handover.strategy", "memlog");
    IllegalStateException e =
        expectThrows(IllegalStateException.class, () -> LeadershipHandoffs.emitter(p));
    assertTrue(e.getMessage().contains("io.handoff:handoff-noop"), e.getMessage());
    IllegalStateException o =
        expectThrows(IllegalStateException.class, () -> LeadershipHandoffs.observers(p));
    assertTrue(o.getMessage().contains("io.handoff:handoff-noop"), o.getMessage());
  }

  private static Properties vendorSwitchedOn() {
    Properties p = new Properties();
    p.setProperty("server.leader.handover.emit.stepdown.stamp", "true");
    p.setProperty("server.leader.handover.consume.stepdown.stamp", "true");
    p.setProperty("server.leader.handover.strategy", "memlog");
    return p;
  }

  /**
   * Feeds {@code observer} the whole log of one partition, in order, the way a host consumes it.
   */
  private static void replay(LeadershipHandoffObserver observer, String topic, int partition) {
    List<MemoryLog.Entry> log = MemoryLog.read(topic, partition);
    for (int offset = 0; offset < log.size(); offset++) {
      MemoryLog.Entry e = log.get(offset);
      observer.observe(partition, offset, e.key(), e.writerId(), e.term());
    }
  }
}
