package io.handoff.stamp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.codec.HandWriter;
import io.handoff.codec.RecordKeys;
import io.handoff.codec.Values;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffEngine;
import io.handoff.spi.HandoffObserverFactory;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.LeaderTerms;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import io.handoff.testsupport.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.testng.annotations.Test;

/**
 * The sequences that let a new leader skip the inactivity wait unsafely under the first release's
 * rules, each now answered safely, through the public API a host uses: one observer and one {@link
 * LeaderTerms} per version topic, records as real {@link ConsumerRecord}s encoded by {@link
 * io.handoff.codec.EnvelopeCodec} and fed through {@link StampRecords}, stamps written by {@link
 * KafkaStampEmitter}. Each test also runs the sequence without its unsafe ingredient and shows the
 * fast path then opens, so that the safe answer is owed to the rule and not to a sequence that
 * could never cut. Sequence 2 is made safe on the emit side (rule E1); one test pins that the log
 * alone could not have done it.
 */
public class UnsafeSequencesTest {

  private static final long TS = 1_700_000_000_000L;
  private static final Stamps CODEC = new Stamps();
  private static final byte[] GUID_A = HandWriter.hex("00112233445566778899aabbccddeeff");
  private static final byte[] GUID_Z = HandWriter.hex("ffeeddccbbaa99887766554433221100");
  private static final HandoffSettings CONSUME =
      HandoffSettings.from(Map.of(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true"));

  private final StampRecords records = new StampRecords();

  /**
   * One replica's consumer of one version-topic partition: offsets in order, through the record
   * helper.
   */
  private final class Log {
    private final String topic;
    private final int partition;
    private final List<ConsumerRecord<byte[], byte[]>> written = new ArrayList<>();

    Log(String topic, int partition) {
      this.topic = topic;
      this.partition = partition;
    }

    Log append(byte[] key, byte[] value) {
      written.add(new ConsumerRecord<>(topic, partition, written.size(), key, value));
      return this;
    }

    Log dol(String writer, long term) {
      return append(
          StampKeys.declarationOfLeadershipKey(),
          CODEC.encode(StampKind.DECLARATION_OF_LEADERSHIP, term, 0, writer, TS));
    }

    Log stamp(String writer, long term) {
      return append(
          StampKeys.stepDownKey(), CODEC.encode(StampKind.STEP_DOWN, term, 0, writer, TS));
    }

    /** A put the way Venice's leaders write it: the writer's host name and no term. */
    Log put(byte[] guid, String writer) {
      return append(
          RecordKeys.dataKey("user-key".getBytes(UTF_8)),
          Values.put(guid, 0, written.size(), TS, "v".getBytes(UTF_8), 1, -1L, writer));
    }

    /** Everything written so far, read by a replica whose observer is {@code o}, from offset 0. */
    LeadershipHandoffObserver readBy(LeadershipHandoffObserver o) {
      for (ConsumerRecord<byte[], byte[]> r : written) {
        records.observe(o, r);
      }
      return o;
    }

    /** A copy of this log so far, to continue it two ways. */
    Log copy() {
      Log c = new Log(topic, partition);
      c.written.addAll(written);
      return c;
    }
  }

  private static LeadershipHandoffObserver observer(
      String topic, String reader, CountingHandoffMetrics metrics) {
    return HandoffEngine.observer(
        CONSUME, metrics, topic, reader, new StampObserver(metrics, topic, reader));
  }

  // -------------------------------------------------------------------------------- sequence 1

  /**
   * Sequence 1, state per version topic (rule S1): zombie data on {@code storeY_v2-3}, a clean
   * tenure closed by its stamp on {@code storeX_v1-3}; the server's replica is promoted on {@code
   * storeY_v2-3} with term 9 and reads its own DoL back. Its observer of storeY_v2 knows nothing of
   * storeX_v1's stamp and keeps the wait; the terms of the two topics stay apart.
   */
  @Test
  public void seq1_stateIsPerVersionTopic() {
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    HandoffObserverFactory factory = LeadershipHandoffs.observers(CONSUME, metrics);
    LeadershipHandoffObserver x = factory.open("storeX_v1", "host-n");
    LeadershipHandoffObserver y = factory.open("storeY_v2", "host-n");

    Log ly = new Log("storeY_v2", 3).put(GUID_Z, "zombie-y").dol("host-n", 9);
    Log lx =
        new Log("storeX_v1", 3)
            .dol("leader-x", 5)
            .put(GUID_A, "leader-x")
            .stamp("leader-x", 5)
            .dol("host-n", 9);
    ly.readBy(y);
    lx.readBy(x);

    assertFalse(
        y.canSkipInactivityWait(3, 9), "storeX_v1's stamp must prove nothing for storeY_v2-3");
    assertEquals(y.decideHandover(3, 9, false), HandoverPath.WAIT);
    assertTrue(
        x.canSkipInactivityWait(3, 9), "the same records on storeX_v1-3 itself do allow the cut");
    // and a record of one topic cannot be fed to the other topic's observer by mistake
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> records.observe(y, lx.written.get(2)));
    assertTrue(
        e.getMessage().contains("storeX_v1") && e.getMessage().contains("storeY_v2"),
        e.getMessage());

    LeaderTerms termsX = new LeaderTerms("storeX_v1");
    LeaderTerms termsY = new LeaderTerms("storeY_v2");
    termsX.promoted(3, 5);
    assertTrue(termsX.established(3, 5));
    termsY.promoted(3, 9);
    assertEquals(termsX.termOf(3), 5, "promoting storeY_v2-3 leaves storeX_v1-3's term alone");
    StepDown downX = termsX.demoted(3, 0, "host-n");
    assertEquals(downX.versionTopic(), "storeX_v1");
    assertEquals(downX.leaderTerm(), 5, "demoting storeX_v1-3 stamps storeX_v1's term");
    assertTrue(downX.established());
    assertEquals(termsY.termOf(3), 9, "storeY_v2-3 is still led, with its own term");
    assertTrue(termsY.isLeader(3));
  }

  // -------------------------------------------------------------------------------- sequence 2

  /**
   * Sequence 2, emit side (rule E1): A leads with 1000 and goes silent without a stamp; B is
   * promoted with 2000, is still inside its wait, and is demoted. {@link LeaderTerms#demoted} says
   * the term was never established, and the emitter writes nothing.
   */
  @Test
  public void seq2_aLeaderDemotedInsideItsWaitEmitsNothing() {
    final String topic = "store_v5";
    final int p = 2;
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    Log log = new Log(topic, p).dol("host-a", 1000).put(GUID_A, "host-a");

    LeaderTerms bTerms = new LeaderTerms(topic);
    bTerms.promoted(p, 2000);
    log.dol("host-b", 2000);
    LeadershipHandoffObserver b = log.readBy(observer(topic, "host-b", metrics));
    assertEquals(b.decideHandover(p, 2000, false), HandoverPath.WAIT, "A never stamped: B waits");
    assertEquals(metrics.fastPath() + metrics.legacyWait(), 0, "B never finished its handover");

    StepDown stepDown = bTerms.demoted(p, 0, "host-b");
    assertEquals(stepDown.leaderTerm(), 2000);
    assertFalse(stepDown.established(), "B was demoted before its handover finished");
    assertFalse(
        bTerms.established(p, 2000), "a late decision cannot establish a term no longer held");

    Producer<byte[], byte[]> producer = ackingProducer(topic, p);
    // B's own producer carries its stamps, so a stamp would be ordered after B's records (rule E2);
    // rule E1 decides whether there is one at all.
    KafkaStampEmitter emitter =
        KafkaStampEmitter.onHostProducer(
            HandoffSettings.from(
                Map.of(
                    HandoffSettings.EMIT_STEPDOWN_STAMP, "true",
                    HandoffSettings.ACK_TIMEOUT_MS, "1000")),
            metrics,
            producer);
    EmitOutcome outcome = emitter.emitStepDown(stepDown);
    assertEquals(outcome.status(), EmitStatus.SKIPPED_UNESTABLISHED, outcome.toString());
    verify(producer, never()).send(any(), any());
    assertEquals(metrics.skippedUnestablished(), 1, "leader_stepdown_stamp_skipped_unestablished");

    // C, promoted with 3000, reads what is in the partition: A's tenure, B's DoL, its own DoL
    LeadershipHandoffObserver c =
        log.dol("host-c", 3000).readBy(observer(topic, "host-c", metrics));
    assertFalse(c.canSkipInactivityWait(p, 3000), "B's tenure was never closed by a stamp");

    // the same promotion of B, established this time, does stamp: the skip is owed to E1
    LeaderTerms established = new LeaderTerms(topic);
    established.promoted(p, 2000);
    assertTrue(established.established(p, 2000));
    assertEquals(
        emitter.emitStepDown(established.demoted(p, 0, "host-b")).status(), EmitStatus.ACKED);
    emitter.close();
  }

  /**
   * Sequence 2, consume side: what C reads. With rule E1 kept, C reads A's tenure of 1000 (never
   * stamped), B's DoL of 2000 and its own DoL of 3000: the tenure before its own is B's, never
   * closed, so C keeps the wait. Had B stamped anyway (a writer that does not keep E1), B's tenure
   * would look clean and closed, and nothing in the log tells C that B never finished its wait: C
   * would cut. That is why the architecture document puts this rule on the emit side, and why this
   * test pins both answers.
   */
  @Test
  public void seq2_onlyTheEmitSideCanKeepAnUnestablishedStampOutOfTheLog() {
    final String topic = "store_v5";
    final int p = 2;
    Log upToB = new Log(topic, p).dol("host-a", 1000).put(GUID_A, "host-a").dol("host-b", 2000);
    LeadershipHandoffObserver kept =
        upToB
            .copy()
            .dol("host-c", 3000)
            .readBy(observer(topic, "host-c", new CountingHandoffMetrics()));
    assertFalse(
        kept.canSkipInactivityWait(p, 3000), "B emitted nothing: B's tenure was never closed");

    LeadershipHandoffObserver broken =
        upToB
            .copy()
            .stamp("host-b", 2000)
            .dol("host-c", 3000)
            .readBy(observer(topic, "host-c", new CountingHandoffMetrics()));
    assertTrue(
        broken.canSkipInactivityWait(p, 3000),
        "with B's stamp in the log, B's tenure is clean and closed in"
            + " C's sight; the observer cannot know B never finished its wait, so only rule E1 keeps this out");
  }

  /** A mock producer whose topics have 16 partitions and which acknowledges every send. */
  @SuppressWarnings("unchecked")
  private static Producer<byte[], byte[]> ackingProducer(String topic, int partition) {
    Producer<byte[], byte[]> p = mock(Producer.class);
    List<PartitionInfo> partitions = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      partitions.add(new PartitionInfo(topic, i, null, null, null));
    }
    when(p.partitionsFor(anyString())).thenReturn(partitions);
    CompletableFuture<RecordMetadata> acked =
        CompletableFuture.completedFuture(
            new RecordMetadata(new TopicPartition(topic, partition), 1, 0, 0L, 25, 100));
    when(p.send(any(), any()))
        .thenAnswer(
            inv -> {
              Callback cb = inv.getArgument(1);
              if (cb != null) {
                cb.onCompletion(acked.get(), null);
              }
              return acked;
            });
    return p;
  }

  // -------------------------------------------------------------------------------- sequence 3

  /**
   * Sequence 3, undecodable records (rule R2): after A's stamp of 5, a put of envelope version 13
   * or 15, or a record with no value, arrives; then the reader's DoL of 7. The record cannot be
   * decoded, so nobody can say whose it is: A's tenure is unclean and the reader keeps the wait.
   */
  @Test
  public void seq3_anUndecodableRecordAfterTheStampKeepsTheWait() {
    final String topic = "store_v7";
    final int p = 3;
    Log clean = new Log(topic, p).dol("host-5", 5).put(GUID_A, "host-5").stamp("host-5", 5);
    byte[] goodPut = Values.put(GUID_Z, 0, 1, TS, "v".getBytes(UTF_8), 1, -1L, "host-5");
    byte[] v13 = goodPut.clone();
    v13[1] = 13;
    byte[] v15 = goodPut.clone();
    v15[1] = 15;

    for (byte[] after : new byte[][] {v13, v15, null}) {
      String what = after == null ? "a null value" : "envelope version " + after[1];
      CountingHandoffMetrics metrics = new CountingHandoffMetrics();
      LeadershipHandoffObserver o = clean.readBy(observer(topic, "host-7", metrics));
      ConsumerRecord<byte[], byte[]> bad =
          new ConsumerRecord<>(topic, p, 3, RecordKeys.dataKey(new byte[] {1}), after);
      try (LogCapture logs = StampObserverFixtures.ruleLogs()) {
        assertNull(records.observe(o, bad), what + " is reported as undecodable");
        assertTrue(
            logs.warnings(StampRecords.class).get(0).contains(topic + "-" + p + " offset 3"),
            logs.text());
      }
      records.observe(
          o,
          new ConsumerRecord<>(
              topic,
              p,
              4,
              StampKeys.declarationOfLeadershipKey(),
              CODEC.encode(StampKind.DECLARATION_OF_LEADERSHIP, 7, 0, "host-7", TS)));
      assertFalse(o.canSkipInactivityWait(p, 7), what + " after the stamp must keep the wait");
      assertEquals(metrics.uncleanTenure(), 1, what + " makes A's tenure unclean");
    }
    LeadershipHandoffObserver without =
        clean
            .copy()
            .dol("host-7", 7)
            .readBy(observer(topic, "host-7", new CountingHandoffMetrics()));
    assertTrue(
        without.canSkipInactivityWait(p, 7), "without the undecodable record the reader may cut");
  }

  // -------------------------------------------------------------------------------- sequence 4

  /**
   * Sequence 4, tenures by writer id and term (rules R1, R4): after A's stamp of 5, ANOTHER writer
   * declares 7 and writes data of term 7; the reader, promoted with 7 as well, reads its own DoL
   * afterwards. The other writer's records are not the reader's: the tenure before the reader's is
   * the other writer's, never closed, and the reader keeps the wait.
   */
  @Test
  public void seq4_anotherWritersEqualTermIsAnotherTenure() {
    final String topic = "store_v9";
    final int p = 1;
    Log log = new Log(topic, p).dol("host-old", 5).put(GUID_A, "host-old").stamp("host-old", 5);
    Log other =
        log.copy()
            .dol("host-other", 7)
            .append(
                RecordKeys.dataKey("k".getBytes(UTF_8)),
                Values.put(GUID_Z, 0, 9, TS, "v".getBytes(UTF_8), 1, 7, "host-other"))
            .put(GUID_Z, "host-other");
    LeaderTerms terms = new LeaderTerms(topic);
    terms.promoted(p, 7);

    LeadershipHandoffObserver before =
        other.copy().readBy(observer(topic, "host-r", new CountingHandoffMetrics()));
    assertFalse(
        before.canSkipInactivityWait(p, terms.termOf(p)),
        "another writer's DoL of 7 is not the reader's");
    LeadershipHandoffObserver o =
        other.dol("host-r", 7).readBy(observer(topic, "host-r", new CountingHandoffMetrics()));
    assertFalse(
        o.canSkipInactivityWait(p, terms.termOf(p)),
        "the tenure before the reader's is host-other's of 7, never closed");
    assertEquals(o.decideHandover(p, 7, false), HandoverPath.WAIT);

    LeadershipHandoffObserver without =
        log.dol("host-r", 7).readBy(observer(topic, "host-r", new CountingHandoffMetrics()));
    assertTrue(without.canSkipInactivityWait(p, 7), "without the other writer the reader may cut");
  }

  // -------------------------------------------------------------------------------- sequence 5

  /**
   * Sequence 5, a zombie inside a tenure (rules R2, R3): Z declares 100 and goes zombie; A declares
   * 200; Z writes; A writes and stamps 200; a reader of 300 reads its own DoL. Z's write made A's
   * tenure unclean, so A's stamp does not count: the reader keeps the wait, and the unclean tenure
   * is counted and warned about, naming Z.
   */
  @Test
  public void seq5_aZombieWriteInsideATenureKeepsTheWait() {
    final String topic = "store_v11";
    final int p = 4;
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    Log log =
        new Log(topic, p)
            .dol("host-z", 100)
            .put(GUID_Z, "host-z")
            .dol("host-a", 200)
            .put(GUID_Z, "host-z") // offset 3: Z, inside A's tenure
            .put(GUID_A, "host-a")
            .stamp("host-a", 200)
            .dol("host-r", 300);
    LeadershipHandoffObserver o;
    try (LogCapture logs = StampObserverFixtures.ruleLogs()) {
      o = log.readBy(observer(topic, "host-r", metrics));
      List<String> w = logs.warnings();
      assertEquals(w.size(), 1, logs.text());
      assertTrue(
          w.get(0).contains(topic + "-" + p + " offset 3") && w.get(0).contains("host-z"),
          w.get(0));
    }
    assertFalse(o.canSkipInactivityWait(p, 300), "Z wrote inside A's tenure and never stamped");
    assertEquals(metrics.uncleanTenure(), 1, "leader_handover_unclean_tenure");

    Log withoutZ =
        new Log(topic, p)
            .dol("host-z", 100)
            .put(GUID_Z, "host-z")
            .dol("host-a", 200)
            .put(GUID_A, "host-a")
            .stamp("host-a", 200)
            .dol("host-r", 300);
    CountingHandoffMetrics clean = new CountingHandoffMetrics();
    assertTrue(
        withoutZ.readBy(observer(topic, "host-r", clean)).canSkipInactivityWait(p, 300),
        "without Z's write inside A's tenure the reader may cut");
    assertEquals(clean.uncleanTenure(), 0);
  }

  // -------------------------------------------------------------------------------- sequence 6

  /**
   * Sequence 6, a re-promoted reader (rule R4): A's clean tenure of 3 closed by its stamp; the
   * reader leads with 5 and writes, is demoted without a stamp, and is promoted again with 7. The
   * tenure before its new DoL is its own term-5 tenure, never closed, so the older stamp of 3 does
   * not count.
   */
  @Test
  public void seq6_aRepromotedReaderNeedsItsOwnEarlierTenureClosed() {
    final String topic = "store_v13";
    final int p = 0;
    Log log =
        new Log(topic, p)
            .dol("host-a", 3)
            .put(GUID_A, "host-a")
            .stamp("host-a", 3)
            .dol("host-r", 5)
            .put(GUID_Z, "host-r");
    LeadershipHandoffObserver first =
        log.copy().readBy(observer(topic, "host-r", new CountingHandoffMetrics()));
    assertTrue(
        first.canSkipInactivityWait(p, 5),
        "the first promotion, with term 5, could cut on A's stamp");

    LeadershipHandoffObserver o =
        log.copy().dol("host-r", 7).readBy(observer(topic, "host-r", new CountingHandoffMetrics()));
    assertFalse(
        o.canSkipInactivityWait(p, 7), "its own term-5 tenure was never closed by its stamp");

    LeadershipHandoffObserver stamped =
        log.stamp("host-r", 5)
            .dol("host-r", 7)
            .readBy(observer(topic, "host-r", new CountingHandoffMetrics()));
    assertTrue(
        stamped.canSkipInactivityWait(p, 7), "had it stamped its term-5 tenure, it could cut");
  }
}
