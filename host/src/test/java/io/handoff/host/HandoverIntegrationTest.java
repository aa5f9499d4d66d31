package io.handoff.host;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Two replicas hand a partition over on a real broker: leader A writes data with its term and
 * steps down; replica B, following with a real consumer, writes its own DoL, reads it back and
 * asks the observer. With the stamp, B cuts the wait; without it, B waits out the window.
 */
public class HandoverIntegrationTest {

  private static final Duration LONG_WINDOW = Duration.ofSeconds(120);

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startKafka() {
    kafka = EmbeddedKafkaCluster.builder().start();
  }

  @AfterClass(alwaysRun = true)
  public void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private Properties props(boolean emit, boolean consume) {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, Boolean.toString(emit));
    p.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, Boolean.toString(consume));
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers());
    return p;
  }

  private ReferenceReplica replica(String id, String topic, Duration window, Properties props,
      LeadershipHandoffEmitter emitter, CountingHandoffMetrics metrics) {
    LeadershipHandoffObserver observer = LeadershipHandoffs.observer(props, metrics);
    return new ReferenceReplica(new ReferenceReplica.Config(id, kafka.bootstrapServers(), topic, 0, window),
        List.of(0), emitter, observer);
  }

  /** A becomes leader of a fresh partition (nothing to wait for) and writes data with term T1. */
  private static long leadAndWrite(ReferenceReplica a, long term) throws Exception {
    Handover first = a.promote(0, term).get(30, TimeUnit.SECONDS);
    assertEquals(first.path(), HandoverPath.LEGACY_WAIT, "a fresh partition has no stamp; its window is short");
    a.writeData(0, 10);
    return term;
  }

  @Test
  public void stampLetsTheNewLeaderCutTheWait() throws Exception {
    kafka.createTopic("vt-stamp", 1);
    Properties props = props(true, true);
    CountingHandoffMetrics metricsA = new CountingHandoffMetrics();
    CountingHandoffMetrics metricsB = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitterA = LeadershipHandoffs.emitter(props, metricsA);
        LeadershipHandoffEmitter emitterB = LeadershipHandoffs.emitter(props, metricsB);
        ReferenceReplica a = replica("A", "vt-stamp", Duration.ZERO, props, emitterA, metricsA);
        ReferenceReplica b = replica("B", "vt-stamp", LONG_WINDOW, props, emitterB, metricsB)) {
      long t1 = leadAndWrite(a, 1_000);

      long start = System.nanoTime();
      EmitOutcome stamp = a.demote(0);
      assertEquals(stamp.status(), EmitStatus.ACKED, stamp.toString());
      assertEquals(a.terms().termOf(0), -1, "the term is cleared on demotion");
      Handover h = b.promote(0, t1 + 1).get(60, TimeUnit.SECONDS);

      assertEquals(h.path(), HandoverPath.FAST_PATH);
      long gapMs = TimeUnit.NANOSECONDS.toMillis(h.writableAtNanos() - start);
      assertTrue(gapMs < LONG_WINDOW.toMillis(), "cut the " + LONG_WINDOW + " window, took " + gapMs + " ms");
      assertEquals(metricsB.fastPath(), 1, "leader_handover_fast_path");
      assertEquals(metricsA.emitSuccess(), 1, "leader_stepdown_stamp_emit_success");
      assertTrue(b.isWritable(0));
      b.writeData(0, 1);
      expectThrows(IllegalStateException.class, () -> a.writeData(0, 1));
    }
  }

  @Test
  public void withoutTheStampTheNewLeaderWaitsOutTheWindow() throws Exception {
    kafka.createTopic("vt-nostamp", 1);
    Properties consumeOnly = props(false, true);
    Duration window = Duration.ofSeconds(2);
    CountingHandoffMetrics metricsB = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitterA = LeadershipHandoffs.emitter(consumeOnly);
        LeadershipHandoffEmitter emitterB = LeadershipHandoffs.emitter(consumeOnly);
        ReferenceReplica a = replica("A", "vt-nostamp", Duration.ZERO, consumeOnly, emitterA, new CountingHandoffMetrics());
        ReferenceReplica b = replica("B", "vt-nostamp", window, consumeOnly, emitterB, metricsB)) {
      long t1 = leadAndWrite(a, 2_000);
      assertEquals(a.demote(0).status(), EmitStatus.SKIPPED_DISABLED);
      Handover h = b.promote(0, t1 + 1).get(60, TimeUnit.SECONDS);
      assertEquals(h.path(), HandoverPath.LEGACY_WAIT);
      assertTrue(h.writableAtNanos() - h.promotedAtNanos() >= window.toNanos(), "waited the whole window");
      assertEquals(metricsB.legacyWait(), 1);
      assertEquals(metricsB.fastPath(), 0);
    }
  }

  @Test
  public void aZombieWriteAfterTheStampKeepsTheWait() throws Exception {
    kafka.createTopic("vt-zombie", 1);
    Properties props = props(true, true);
    Duration window = Duration.ofSeconds(2);
    CountingHandoffMetrics metricsB = new CountingHandoffMetrics();
    try (LeadershipHandoffEmitter emitterA = LeadershipHandoffs.emitter(props);
        LeadershipHandoffEmitter emitterB = LeadershipHandoffs.emitter(props);
        ReferenceReplica a = replica("A", "vt-zombie", Duration.ZERO, props, emitterA, new CountingHandoffMetrics());
        ReferenceReplica b = replica("B", "vt-zombie", window, props, emitterB, metricsB)) {
      long t1 = leadAndWrite(a, 3_000);
      assertEquals(a.demote(0).status(), EmitStatus.ACKED);
      // A has not noticed its demotion and writes on with its old term.
      a.writeDataWithTerm(0, t1, 3);
      Handover h = b.promote(0, t1 + 1).get(60, TimeUnit.SECONDS);
      assertEquals(h.path(), HandoverPath.LEGACY_WAIT, "writes after the stamp forbid the fast path");
      assertEquals(metricsB.staleTermWrite(), 3, "leader_handover_stale_term_write");
    }
  }

  @Test
  public void demotingAStandbyClearsNothingAndEmitsNothing() {
    kafka.createTopic("vt-standby", 1);
    Properties props = props(true, true);
    try (LeadershipHandoffEmitter emitter = LeadershipHandoffs.emitter(props);
        ReferenceReplica a = replica("A", "vt-standby", Duration.ZERO, props, emitter, new CountingHandoffMetrics())) {
      EmitOutcome o = a.demote(0);
      assertEquals(o.status(), EmitStatus.SKIPPED_NO_TERM, "a standby holds no term");
      assertFalse(a.terms().isLeader(0));
    }
  }
}
