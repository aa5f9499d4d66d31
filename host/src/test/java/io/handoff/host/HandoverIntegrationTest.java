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
import io.handoff.spi.HandoverReason;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.testsupport.SharedKafka;
import io.handoff.testsupport.ThreadLeakCheck;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Replicas hand a partition over on a real broker: leader A writes data the way Venice's leaders do
 * (its host name, no term; or with its term, the other shape) and steps down; replica B, following
 * with a real consumer, writes its own DoL, reads it back and asks the observer. With the stamp, B
 * cuts the wait; without it, or when the stamp cannot vouch for every earlier writer, B waits out
 * the window.
 */
public class HandoverIntegrationTest {

  private static final Duration LONG_WINDOW = Duration.ofSeconds(120);

  private EmbeddedKafkaCluster kafka;
  private ThreadLeakCheck leaks;

  @BeforeClass
  public void startKafka() {
    kafka = SharedKafka.cluster();
    leaks = ThreadLeakCheck.snapshot();
  }

  @AfterClass(alwaysRun = true)
  public void noThreadLeftBehind() {
    if (leaks != null) {
      leaks.assertNoLeaks("after every test of the class closed its replicas and emitters");
    }
  }

  private Properties props(boolean emit, boolean consume) {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, Boolean.toString(emit));
    p.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, Boolean.toString(consume));
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers());
    return p;
  }

  private ReferenceReplica replica(
      String id, String topic, Duration window, Properties props, CountingHandoffMetrics metrics) {
    return replica(id, topic, window, props, metrics, false, Map.of());
  }

  private ReferenceReplica replica(
      String id,
      String topic,
      Duration window,
      Properties props,
      CountingHandoffMetrics metrics,
      boolean dataCarriesTerm,
      Map<Integer, ReferenceReplica.Checkpoint> checkpoints) {
    return new ReferenceReplica(
        new ReferenceReplica.Config(id, kafka.bootstrapServers(), topic, 0, window)
            .withDataCarryingTerm(dataCarriesTerm),
        List.of(0),
        HandoffSettings.from(props),
        metrics,
        checkpoints);
  }

  /** A becomes leader of a fresh partition (nothing to wait for) and writes data. */
  private static long leadAndWrite(ReferenceReplica a, long term) throws Exception {
    Handover first = a.promote(0, term).get(30, TimeUnit.SECONDS);
    assertEquals(
        first.path(),
        HandoverPath.LEGACY_WAIT,
        "a fresh partition has no stamp; its window is short");
    a.writeData(0, 10);
    return term;
  }

  @Test
  public void stampLetsTheNewLeaderCutTheWait() throws Exception {
    stampLetsTheNewLeaderCutTheWait("vt-stamp", false);
  }

  @Test
  public void stampLetsTheNewLeaderCutTheWaitWhenDataCarriesTheTerm() throws Exception {
    stampLetsTheNewLeaderCutTheWait("vt-stamp-termed", true);
  }

  private void stampLetsTheNewLeaderCutTheWait(String topic, boolean dataCarriesTerm)
      throws Exception {
    kafka.createTopic(topic, 1);
    Properties props = props(true, true);
    CountingHandoffMetrics metricsA = new CountingHandoffMetrics();
    CountingHandoffMetrics metricsB = new CountingHandoffMetrics();
    try (ReferenceReplica a =
            replica("A", topic, Duration.ZERO, props, metricsA, dataCarriesTerm, Map.of());
        ReferenceReplica b =
            replica("B", topic, LONG_WINDOW, props, metricsB, dataCarriesTerm, Map.of())) {
      long t1 = leadAndWrite(a, 1_000);

      long start = System.nanoTime();
      EmitOutcome stamp = a.demote(0);
      assertEquals(stamp.status(), EmitStatus.ACKED, stamp.toString());
      assertEquals(a.terms().termOf(0), -1, "the term is cleared on demotion");
      Handover h = b.promote(0, t1 + 1).get(60, TimeUnit.SECONDS);

      assertEquals(h.path(), HandoverPath.FAST_PATH);
      assertEquals(h.reason(), HandoverReason.CLEAN_STEP_DOWN, "the reason the observer gave");
      assertMomentsInOrder(h);
      long gapMs = TimeUnit.NANOSECONDS.toMillis(h.writableAtNanos() - start);
      assertTrue(
          gapMs < LONG_WINDOW.toMillis(),
          "cut the " + LONG_WINDOW + " window, took " + gapMs + " ms");
      assertEquals(metricsB.fastPath(), 1, "leader_handover_fast_path");
      assertEquals(metricsA.emitSuccess(), 1, "leader_stepdown_stamp_emit_success");
      assertEquals(metricsB.uncleanTenure(), 0, "A's tenure was clean");
      assertTrue(b.isWritable(0));
      b.writeData(0, 1);
      expectThrows(IllegalStateException.class, () -> a.writeData(0, 1));

      // And back: B's term is established by its fast path, so its stamp lets A cut in turn.
      assertEquals(b.demote(0).status(), EmitStatus.ACKED);
      assertEquals(a.promote(0, t1 + 2).get(60, TimeUnit.SECONDS).path(), HandoverPath.FAST_PATH);
    }
  }

  /**
   * The other ordered wiring: stamps on the emitter's own producer, each sent only once the
   * replica's writes to the partition are acknowledged. Asynchronous data is in flight at every
   * step-down, and the fast path works both ways.
   */
  @Test
  public void stampsAfterTheHostsWritesLetTheNewLeaderCutTheWait() throws Exception {
    kafka.createTopic("vt-after-writes", 1);
    Properties props = props(true, true);
    CountingHandoffMetrics metricsA = new CountingHandoffMetrics();
    CountingHandoffMetrics metricsB = new CountingHandoffMetrics();
    HandoffSettings settings = HandoffSettings.from(props);
    try (ReferenceReplica a =
            new ReferenceReplica(
                config("A", "vt-after-writes", Duration.ZERO)
                    .withStampWiring(ReferenceReplica.StampWiring.AFTER_HOST_WRITES),
                List.of(0),
                settings,
                metricsA);
        ReferenceReplica b =
            new ReferenceReplica(
                config("B", "vt-after-writes", LONG_WINDOW)
                    .withStampWiring(ReferenceReplica.StampWiring.AFTER_HOST_WRITES),
                List.of(0),
                settings,
                metricsB)) {
      a.startAsFirstLeader(0, 1_000);
      var inFlight = a.writeDataAsync(0, 500);
      assertEquals(a.demote(0).status(), EmitStatus.ACKED);
      assertTrue(inFlight.isDone(), "the stamp was acknowledged, so the writes before it were");
      assertEquals(b.promote(0, 2_000).get(60, TimeUnit.SECONDS).path(), HandoverPath.FAST_PATH);
      b.writeDataAsync(0, 500);
      assertEquals(b.demote(0).status(), EmitStatus.ACKED);
      assertEquals(a.promote(0, 3_000).get(60, TimeUnit.SECONDS).path(), HandoverPath.FAST_PATH);
      assertEquals(
          metricsA.uncleanTenure() + metricsB.uncleanTenure(), 0, "every tenure was clean");
    }
  }

  private ReferenceReplica.Config config(String id, String topic, Duration window) {
    return new ReferenceReplica.Config(id, kafka.bootstrapServers(), topic, 0, window);
  }

  @Test
  public void withoutTheStampTheNewLeaderWaitsOutTheWindow() throws Exception {
    kafka.createTopic("vt-nostamp", 1);
    Properties consumeOnly = props(false, true);
    Duration window = Duration.ofSeconds(2);
    CountingHandoffMetrics metricsB = new CountingHandoffMetrics();
    try (ReferenceReplica a =
            replica("A", "vt-nostamp", Duration.ZERO, consumeOnly, new CountingHandoffMetrics());
        ReferenceReplica b = replica("B", "vt-nostamp", window, consumeOnly, metricsB)) {
      long t1 = leadAndWrite(a, 2_000);
      assertEquals(a.demote(0).status(), EmitStatus.SKIPPED_DISABLED);
      Handover h = b.promote(0, t1 + 1).get(60, TimeUnit.SECONDS);
      assertEquals(h.path(), HandoverPath.LEGACY_WAIT);
      assertEquals(h.reason(), HandoverReason.NO_STAMP, "A never stamped: " + h);
      assertMomentsInOrder(h);
      assertTrue(
          h.writableAtNanos() - h.promotedAtNanos() >= window.toNanos(), "waited the whole window");
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
    try (ReferenceReplica a =
            replica("A", "vt-zombie", Duration.ZERO, props, new CountingHandoffMetrics());
        ReferenceReplica b = replica("B", "vt-zombie", window, props, metricsB)) {
      long t1 = leadAndWrite(a, 3_000);
      assertEquals(a.demote(0).status(), EmitStatus.ACKED);
      // A has not noticed its demotion and writes on, the way its data always looks: no term.
      a.writeDataWithTerm(0, -1, 3);
      Handover h = b.promote(0, t1 + 1).get(60, TimeUnit.SECONDS);
      assertEquals(
          h.path(), HandoverPath.LEGACY_WAIT, "writes after the stamp forbid the fast path");
      assertEquals(
          metricsB.uncleanTenure(), 1, "leader_handover_unclean_tenure, once for A's tenure");
    }
  }

  @Test
  public void demotingAStandbyClearsNothingAndEmitsNothing() {
    kafka.createTopic("vt-standby", 1);
    Properties props = props(true, true);
    try (ReferenceReplica a =
        replica("A", "vt-standby", Duration.ZERO, props, new CountingHandoffMetrics())) {
      EmitOutcome o = a.demote(0);
      assertEquals(o.status(), EmitStatus.SKIPPED_NO_TERM, "a standby holds no term");
      assertFalse(a.terms().isLeader(0));
    }
  }

  /**
   * A leads (term 1000) and goes silent without stepping down; B is promoted (2000) and demoted
   * while still inside its wait; C (3000) follows. B never checked that A had stopped, so it must
   * emit nothing (rule E1), and C must wait out the window: if C cut the wait on a stamp of B's, a
   * zombie A could write among C's records.
   */
  @Test
  public void aLeaderDemotedDuringItsWaitStampsNothing() throws Exception {
    kafka.createTopic("vt-unestablished", 1);
    Properties props = props(true, true);
    Duration window = Duration.ofSeconds(2);
    CountingHandoffMetrics metricsB = new CountingHandoffMetrics();
    CountingHandoffMetrics metricsC = new CountingHandoffMetrics();
    try (ReferenceReplica a =
            replica("A", "vt-unestablished", Duration.ZERO, props, new CountingHandoffMetrics());
        ReferenceReplica b = replica("B", "vt-unestablished", LONG_WINDOW, props, metricsB);
        ReferenceReplica c = replica("C", "vt-unestablished", window, props, metricsC)) {
      a.startAsFirstLeader(0, 1_000);
      a.writeData(0, 5);
      // A goes silent without noticing anything: no demotion, no stamp.

      var bPromotion = b.promote(0, 2_000);
      awaitObserved(b, 7); // A's DoL, five data records, B's own DoL
      assertFalse(bPromotion.isDone(), "B is still inside its wait: A never stamped");
      EmitOutcome bStamp = b.demote(0);
      assertEquals(bStamp.status(), EmitStatus.SKIPPED_UNESTABLISHED, bStamp.toString());
      assertEquals(
          metricsB.skippedUnestablished(), 1, "leader_stepdown_stamp_skipped_unestablished");
      assertEquals(metricsB.emitSuccess(), 0, "nothing was written for B");
      expectThrows(
          java.util.concurrent.CancellationException.class,
          () -> bPromotion.get(10, TimeUnit.SECONDS));

      Handover h = c.promote(0, 3_000).get(60, TimeUnit.SECONDS);
      assertEquals(h.path(), HandoverPath.LEGACY_WAIT, "nothing vouches for A, so C waits");
      assertTrue(
          h.writableAtNanos() - h.promotedAtNanos() >= window.toNanos(),
          "C waited the whole window");
      assertEquals(metricsC.fastPath(), 0);
    }
  }

  /** Promoted, declaration acknowledged, declaration read back, writable: in this order. */
  private static void assertMomentsInOrder(Handover h) {
    assertTrue(
        h.declarationAckedAtNanos() - h.promotedAtNanos() >= 0,
        "declaration acked after the promotion: " + h);
    assertTrue(
        h.declarationReadAtNanos() - h.declarationAckedAtNanos() >= 0,
        "read back after its ack: " + h);
    assertTrue(
        h.writableAtNanos() - h.declarationReadAtNanos() >= 0, "decided after the read-back: " + h);
  }

  /** Waits until {@code replica} has observed {@code count} records. */
  private static void awaitObserved(ReferenceReplica replica, long count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (replica.recordsObserved() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(replica.recordsObserved(), count, "records observed by " + replica);
  }

  /**
   * Rule R5 end to end: replica R follows a partition, closes with a checkpoint taken inside A's
   * tenure, and is restarted from it. With the observer's state restored, R still saw A's tenure
   * begin and takes the fast path after A's stamp; from the same offset without the state, it did
   * not, and waits out the window.
   */
  @Test
  public void aRestartedReplicaKeepsTheFastPathOnlyWithItsRestoredState() throws Exception {
    assertEquals(restartFromCheckpoint("vt-restart-restored", true), HandoverPath.FAST_PATH);
    assertEquals(restartFromCheckpoint("vt-restart-bare", false), HandoverPath.LEGACY_WAIT);
  }

  private HandoverPath restartFromCheckpoint(String topic, boolean restoreState) throws Exception {
    kafka.createTopic(topic, 1);
    Properties props = props(true, true);
    Duration window = Duration.ofSeconds(2);
    try (ReferenceReplica a =
        replica("A", topic, Duration.ZERO, props, new CountingHandoffMetrics())) {
      a.startAsFirstLeader(0, 1_000);
      a.writeData(0, 5);
      ReferenceReplica.Checkpoint checkpoint;
      try (ReferenceReplica r = replica("R", topic, window, props, new CountingHandoffMetrics())) {
        awaitObserved(r, 6); // A's DoL and five data records
        r.close();
        checkpoint = r.checkpoints().get(0);
      }
      assertEquals(checkpoint.nextOffset(), 6, "the checkpoint sits inside A's tenure");
      a.writeData(0, 5);
      assertEquals(a.demote(0).status(), EmitStatus.ACKED);

      ReferenceReplica.Checkpoint resumeFrom =
          restoreState ? checkpoint : checkpoint.withoutObserverState();
      CountingHandoffMetrics metrics = new CountingHandoffMetrics();
      try (ReferenceReplica restarted =
          replica("R", topic, window, props, metrics, false, Map.of(0, resumeFrom))) {
        Handover h = restarted.promote(0, 2_000).get(60, TimeUnit.SECONDS);
        assertEquals(
            restarted.recordsObserved(),
            7,
            "five more data records, A's stamp and R's own DoL, from offset 6");
        return h.path();
      }
    }
  }

  @Test
  public void aStateRestoredIntoAnotherPartitionIsRejectedBeforeAnythingOpens() {
    kafka.createTopic("vt-restart-wrong", 1);
    Properties props = props(true, true);
    var observer = LeadershipHandoffs.observers(props).open("vt-restart-wrong", "R");
    observer.observe(1, 0, new byte[] {0, 1}, "A", -1);
    byte[] partitionOne = observer.exportState(1);
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class,
            () ->
                replica(
                    "R",
                    "vt-restart-wrong",
                    Duration.ZERO,
                    props,
                    new CountingHandoffMetrics(),
                    false,
                    Map.of(0, new ReferenceReplica.Checkpoint(1, partitionOne))));
    assertTrue(
        e.getMessage().contains("vt-restart-wrong-0")
            && e.getMessage().contains("vt-restart-wrong-1"),
        e.getMessage());
  }
}
