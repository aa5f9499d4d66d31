package io.handoff.stamp;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.atMost;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffConfigException;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.StepDown;
import io.handoff.spi.WriteBarrier;
import io.handoff.testsupport.ThreadLeakCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.mockito.ArgumentCaptor;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/**
 * Each answer and failure of the producer staged with Mockito, on an emitter that stamps on the
 * host's producer ({@link KafkaStampEmitter#onHostProducer}): the stamp carries every field, each
 * failure becomes an outcome (never an exception), waits are bounded by one ack timeout shared by a
 * batch, nothing is sent for a skipped step-down, and the configuration of the emitter's own
 * producer ({@link StampProducerConfig}) forces what the emitter's bounds depend on.
 */
public class KafkaStampEmitterTest {

  private static final StepDown STEP_DOWN =
      StepDown.established("store_v3", 2, 1_700_000_000_123L, 7, "host-a");

  /**
   * Every emitter a test creates, closed after it: each holds a sender thread once it has emitted.
   */
  private final List<KafkaStampEmitter> emitters = new ArrayList<>();

  private ThreadLeakCheck leaks;

  @BeforeMethod
  public void snapshotThreads() {
    leaks = ThreadLeakCheck.snapshot();
  }

  @AfterMethod(alwaysRun = true)
  public void closeEmitters() {
    emitters.forEach(KafkaStampEmitter::close);
    emitters.clear();
    leaks.assertNoLeaks("after closing every emitter of the test");
  }

  private KafkaStampEmitter onHost(
      HandoffSettings settings, HandoffMetrics metrics, Producer<byte[], byte[]> p) {
    KafkaStampEmitter e = KafkaStampEmitter.onHostProducer(settings, metrics, p);
    emitters.add(e);
    return e;
  }

  /** A barrier for the tests of the own producer's configuration, which never get to emit. */
  private static final WriteBarrier NOTHING_WRITTEN =
      (topic, partition) -> CompletableFuture.completedFuture(null);

  private static HandoffSettings settings(long ackTimeoutMs) {
    return HandoffSettings.from(
        Map.of(
            HandoffSettings.EMIT_STEPDOWN_STAMP,
            "true",
            HandoffSettings.ACK_TIMEOUT_MS,
            Long.toString(ackTimeoutMs)));
  }

  /** A producer whose every topic has 256 partitions. */
  @SuppressWarnings("unchecked")
  private static Producer<byte[], byte[]> producer() {
    Producer<byte[], byte[]> p = mock(Producer.class);
    List<PartitionInfo> partitions = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      partitions.add(new PartitionInfo("any", i, null, null, null));
    }
    when(p.partitionsFor(anyString())).thenReturn(partitions);
    return p;
  }

  private static Future<RecordMetadata> acked(long offset) {
    return CompletableFuture.completedFuture(
        new RecordMetadata(new TopicPartition("store_v3", 2), offset, 0, 0L, 25, 100));
  }

  /**
   * Answers send() with {@code future} and runs the callback as the producer's I/O thread would.
   */
  private static void answer(Producer<byte[], byte[]> p, Future<RecordMetadata> future) {
    when(p.send(any(), any()))
        .thenAnswer(
            inv -> {
              Callback cb = inv.getArgument(1);
              if (future.isDone() && cb != null) {
                cb.onCompletion(null, null);
              }
              return future;
            });
  }

  @Test
  public void ackedStampIsWrittenToTheExactPartitionWithEveryField() {
    Producer<byte[], byte[]> p = producer();
    answer(p, acked(41));
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    KafkaStampEmitter emitter = onHost(settings(1000), metrics, p);

    EmitOutcome o = emitter.emitStepDown(STEP_DOWN);

    assertEquals(o.status(), EmitStatus.ACKED, o.toString());
    assertEquals(o.offset(), 41);
    assertEquals(metrics.emitSuccess(), 1);
    assertEquals(metrics.emitFailure(), 0);
    @SuppressWarnings("unchecked")
    ArgumentCaptor<ProducerRecord<byte[], byte[]>> sent =
        ArgumentCaptor.forClass(ProducerRecord.class);
    verify(p).send(sent.capture(), any());
    ProducerRecord<byte[], byte[]> r = sent.getValue();
    assertEquals(r.topic(), "store_v3");
    assertEquals(r.partition(), Integer.valueOf(2));
    assertEquals(r.key(), StampKeys.stepDownKey());
    assertEquals(r.headers().lastHeader("vtp").value(), EnvelopeCodec.vtpHeaderValue());
    Envelope e = EnvelopeCodec.decode(r.value());
    assertEquals(e.term(), 1_700_000_000_123L);
    assertEquals(e.writerId(), "host-a");
    assertEquals(e.leaderMetadata().upstreamKafkaClusterId(), 7);
    assertEquals(
        e.producerMetadata().messageTimestamp(),
        r.timestamp().longValue(),
        "record and envelope share the send time");
  }

  @Test
  public void synchronousSendExceptionIsFailed() {
    Producer<byte[], byte[]> p = producer();
    when(p.send(any(), any())).thenThrow(new KafkaException("producer fenced"));
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();

    EmitOutcome o = onHost(settings(1000), metrics, p).emitStepDown(STEP_DOWN);

    assertEquals(o.status(), EmitStatus.FAILED);
    assertEquals(o.cause().getMessage(), "producer fenced");
    assertEquals(metrics.emitFailure(), 1);
  }

  @Test
  public void futureThatNeverCompletesTimesOutAtTheAckTimeout() {
    Producer<byte[], byte[]> p = producer();
    answer(p, new CompletableFuture<>());
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();

    long start = System.nanoTime();
    EmitOutcome o = onHost(settings(200), metrics, p).emitStepDown(STEP_DOWN);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertEquals(o.status(), EmitStatus.TIMED_OUT);
    assertTrue(tookMs >= 190, "must wait for the ack timeout, waited " + tookMs + " ms");
    assertTrue(o.cause().getMessage().contains("200 ms"), o.cause().getMessage());
    assertEquals(metrics.emitFailure(), 1);
  }

  @Test
  public void failedFutureIsFailedWithTheBrokersCause() {
    Producer<byte[], byte[]> p = producer();
    NotEnoughReplicasException broker = new NotEnoughReplicasException("only 1 in sync");
    answer(p, CompletableFuture.failedFuture(broker));

    EmitOutcome o = onHost(settings(1000), new CountingHandoffMetrics(), p).emitStepDown(STEP_DOWN);

    assertEquals(o.status(), EmitStatus.FAILED);
    assertSame(o.cause(), broker);
  }

  @Test
  public void clientTimeoutInTheFutureIsTimedOut() {
    Producer<byte[], byte[]> p = producer();
    answer(
        p,
        CompletableFuture.failedFuture(
            new TimeoutException("Topic store_v3 not present in metadata after 1000 ms")));

    EmitOutcome o = onHost(settings(1000), new CountingHandoffMetrics(), p).emitStepDown(STEP_DOWN);

    assertEquals(o.status(), EmitStatus.TIMED_OUT);
    assertTrue(o.cause() instanceof TimeoutException);
  }

  @Test
  public void interruptedWaitIsInterruptedAndKeepsTheFlag() {
    Producer<byte[], byte[]> p = producer();
    answer(p, new CompletableFuture<>());
    KafkaStampEmitter emitter = onHost(settings(10_000), new CountingHandoffMetrics(), p);

    Thread.currentThread().interrupt();
    EmitOutcome o;
    try {
      o = emitter.emitStepDown(STEP_DOWN);
    } finally {
      assertTrue(
          Thread.interrupted(), "the interrupt status must be restored (and is cleared here)");
    }
    assertEquals(o.status(), EmitStatus.INTERRUPTED);
  }

  @Test
  public void interruptFromAnotherThreadEndsTheWaitPromptly() throws Exception {
    Producer<byte[], byte[]> p = producer();
    CountDownLatch sent = new CountDownLatch(1);
    CompletableFuture<RecordMetadata> never = new CompletableFuture<>();
    when(p.send(any(), any()))
        .thenAnswer(
            inv -> {
              sent.countDown();
              return never;
            });
    KafkaStampEmitter emitter = onHost(settings(30_000), new CountingHandoffMetrics(), p);
    AtomicReference<EmitOutcome> outcome = new AtomicReference<>();
    AtomicBoolean flagAfter = new AtomicBoolean();
    Thread demoter =
        new Thread(
            () -> {
              outcome.set(emitter.emitStepDown(STEP_DOWN));
              flagAfter.set(Thread.currentThread().isInterrupted());
            });
    demoter.start();
    assertTrue(sent.await(10, TimeUnit.SECONDS));
    long start = System.nanoTime();
    demoter.interrupt();
    demoter.join(5_000);
    assertFalse(
        demoter.isAlive(),
        "the emitter must return after an interrupt, not at the 30 s ack timeout");
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 5_000);
    assertEquals(outcome.get().status(), EmitStatus.INTERRUPTED);
    Throwable cause = outcome.get().cause();
    assertTrue(
        cause == null || cause instanceof InterruptedException,
        "the caller's own interrupt, not an exception of the Kafka client: " + cause);
    assertTrue(flagAfter.get(), "interrupt flag kept");
  }

  @Test
  public void zeroAckTimeoutIsANoWaitPollAndANegativeOneIsRejected() {
    // A negative timeout used to clamp to 0; it now fails like a too-long one.
    HandoffConfigException negative =
        expectThrows(HandoffConfigException.class, () -> settings(-250));
    assertTrue(negative.getMessage().contains("must be at least 0"), negative.getMessage());
    HandoffSettings s = settings(0);
    assertEquals(s.ackTimeoutMs(), 0);

    Producer<byte[], byte[]> pending = producer();
    answer(pending, new CompletableFuture<>());
    long start = System.nanoTime();
    EmitOutcome o = onHost(s, new CountingHandoffMetrics(), pending).emitStepDown(STEP_DOWN);
    assertEquals(o.status(), EmitStatus.TIMED_OUT, "an ack not yet there is not waited for");
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 1_000);
    // Nobody waits, but the stamp is still handed over, on the sender thread, maybe after the call.
    assertEquals(
        sendsWithin(pending, 1, 5_000),
        1,
        "with a zero ack timeout the stamp must still be handed to the producer: " + o);

    // An ack that is there by the time the caller looks is taken; with no wait at all the caller
    // usually looks before the sender thread has even sent, so TIMED_OUT is as right here.
    Producer<byte[], byte[]> done = producer();
    answer(done, acked(5));
    EmitOutcome d = onHost(s, new CountingHandoffMetrics(), done).emitStepDown(STEP_DOWN);
    assertTrue(d.status() == EmitStatus.ACKED || d.status() == EmitStatus.TIMED_OUT, d.toString());
    assertEquals(
        sendsWithin(done, 1, 5_000),
        1,
        "with a zero ack timeout the stamp must still be handed to the producer: " + d);
  }

  @Test
  public void zeroAckTimeoutStillSendsEveryStampOfABatch() {
    Producer<byte[], byte[]> p = producer();
    answer(p, new CompletableFuture<>());
    List<StepDown> batch =
        List.of(
            StepDown.established("t", 0, 5, 0, "h"),
            StepDown.established("t", 1, 5, 0, "h"),
            StepDown.established("t", 2, 5, 0, "h"));
    List<EmitOutcome> out =
        onHost(settings(0), new CountingHandoffMetrics(), p).emitStepDowns(batch);
    out.forEach(o -> assertEquals(o.status(), EmitStatus.TIMED_OUT, o.toString()));
    // Handed over on the sender thread after the call returned: wait for it, not for the acks.
    assertEquals(
        sendsWithin(p, 3, 5_000),
        3,
        "with a zero ack timeout every stamp of the batch must still be handed to the producer: "
            + out);
  }

  /**
   * How many times {@code send} was called on {@code p}, after waiting up to {@code ms} for {@code
   * expected}.
   */
  private static long sendsWithin(Producer<byte[], byte[]> p, int expected, long ms) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    long n;
    while ((n =
                mockingDetails(p).getInvocations().stream()
                    .filter(i -> i.getMethod().getName().equals("send"))
                    .count())
            < expected
        && System.nanoTime() < until) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return n;
  }

  @Test
  public void noTermAndDisabledSkipWithoutTouchingTheProducer() {
    Producer<byte[], byte[]> p = producer();
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    KafkaStampEmitter on = onHost(settings(1000), metrics, p);
    assertEquals(
        on.emitStepDown(StepDown.established("t", 0, 0, 0, "h")).status(),
        EmitStatus.SKIPPED_NO_TERM);
    assertEquals(
        on.emitStepDown(StepDown.established("t", 0, -1, 0, "h")).status(),
        EmitStatus.SKIPPED_NO_TERM);

    KafkaStampEmitter off = onHost(HandoffSettings.defaults(), metrics, p);
    assertEquals(off.emitStepDown(STEP_DOWN).status(), EmitStatus.SKIPPED_DISABLED);

    verifyNoInteractions(p);
    assertEquals(
        metrics.emitSuccess() + metrics.emitFailure(), 0, "skips are neither success nor failure");
  }

  /**
   * Rule E1: a leader demoted before its handover finished never checked that its predecessors
   * stopped, so its stamp would vouch for writers it never saw. Nothing may reach the producer.
   */
  @Test
  public void anUnestablishedTermIsSkippedWithoutTouchingTheProducer() {
    Producer<byte[], byte[]> p = producer();
    answer(p, acked(1));
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    KafkaStampEmitter emitter = onHost(settings(1000), metrics, p);
    StepDown unestablished = new StepDown("store_v3", 2, 2_000, false, 7, "host-b");

    EmitOutcome o = emitter.emitStepDown(unestablished);

    assertEquals(o.status(), EmitStatus.SKIPPED_UNESTABLISHED, o.toString());
    assertTrue(o.status().isSkipped(), o.toString());
    assertSame(o.stepDown(), unestablished);
    verifyNoInteractions(p);
    assertEquals(
        metrics.skippedUnestablished(),
        1,
        "counted in " + HandoffMetrics.EMIT_SKIPPED_UNESTABLISHED);
    assertEquals(
        metrics.emitSuccess() + metrics.emitFailure(), 0, "a skip is neither success nor failure");

    // In a batch only the unestablished one is skipped; the established one is still written.
    List<EmitOutcome> out = emitter.emitStepDowns(List.of(unestablished, STEP_DOWN));
    assertEquals(out.get(0).status(), EmitStatus.SKIPPED_UNESTABLISHED);
    assertEquals(out.get(1).status(), EmitStatus.ACKED, out.get(1).toString());
    verify(p, times(1)).send(any(), any());
    assertEquals(metrics.skippedUnestablished(), 2);
    assertEquals(metrics.emitSuccess(), 1);
  }

  @Test
  public void batchSendsEverythingBeforeWaitingAndSharesOneDeadline() throws InterruptedException {
    Producer<byte[], byte[]> p = producer();
    // Written by the sender thread, read by the acker: a list safe for that.
    List<CompletableFuture<RecordMetadata>> futures = new CopyOnWriteArrayList<>();
    when(p.send(any(), any()))
        .thenAnswer(
            inv -> {
              CompletableFuture<RecordMetadata> f = new CompletableFuture<>();
              futures.add(f);
              return f;
            });
    List<StepDown> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(StepDown.established("t", i, 9, 0, "h"));
    }
    long ackTimeoutMs = 2_000;
    // Complete every other stamp only after all 50 were sent: a per-stamp send-and-wait would
    // time out each unacknowledged one separately and take 25 x the ack timeout. The acker gives
    // up with the batch's deadline, so that it never outlives the test.
    Thread acker =
        new Thread(
            () -> {
              long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
              while (futures.size() < 50 && System.nanoTime() < giveUpAt) {
                Thread.onSpinWait();
              }
              for (int i = 0; i < futures.size(); i += 2) {
                futures
                    .get(i)
                    .complete(new RecordMetadata(new TopicPartition("t", i), i, 0, 0L, 25, 100));
              }
            },
            "test-acker");
    acker.setDaemon(true);
    acker.start();
    long start = System.nanoTime();
    List<EmitOutcome> out =
        onHost(settings(ackTimeoutMs), new CountingHandoffMetrics(), p).emitStepDowns(batch);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    acker.join();

    assertEquals(futures.size(), 50, "all 50 sent before waiting for any");
    assertEquals(out.size(), 50);
    for (int i = 0; i < 50; i++) {
      assertSame(out.get(i).stepDown(), batch.get(i));
      assertEquals(
          out.get(i).status(), i % 2 == 0 ? EmitStatus.ACKED : EmitStatus.TIMED_OUT, "stamp " + i);
    }
    // One shared deadline, not 25 of them (50 s): a generous bound of the contract, not a speed.
    assertTrue(
        tookMs < 5 * ackTimeoutMs,
        "one shared deadline of " + ackTimeoutMs + " ms, took " + tookMs + " ms");
  }

  @Test
  public void partitionBeyondTheTopicFailsWithoutSending() {
    Producer<byte[], byte[]> p = producer();
    EmitOutcome o =
        onHost(settings(1000), new CountingHandoffMetrics(), p)
            .emitStepDown(StepDown.established("store_v3", 300, 5, 0, "h"));
    assertEquals(o.status(), EmitStatus.FAILED);
    assertTrue(
        o.cause().getMessage().contains("Partition 300 of topic store_v3 does not exist"),
        o.cause().getMessage());
    verify(p, never()).send(any(), any());
  }

  @Test
  public void metadataIsWaitedForInSlicesUntilTheDeadlineOncePerTopic() {
    Producer<byte[], byte[]> p = producer();
    // Like the real producer: each lookup blocks one slice (max.block.ms), then gives up.
    when(p.partitionsFor("gone"))
        .thenAnswer(
            inv -> {
              Thread.sleep(100);
              throw new TimeoutException("Topic gone not present in metadata after 100 ms.");
            });
    answer(p, acked(3));
    KafkaStampEmitter emitter = onHost(settings(400), new CountingHandoffMetrics(), p);
    emitter.prepare("store_v3"); // as a leader does when it takes the partition over
    long start = System.nanoTime();
    List<EmitOutcome> out =
        emitter.emitStepDowns(
            List.of(
                StepDown.established("gone", 0, 5, 0, "h"),
                StepDown.established("store_v3", 0, 5, 0, "h"),
                StepDown.established("gone", 1, 5, 0, "h")));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(out.get(0).status(), EmitStatus.TIMED_OUT);
    assertEquals(
        out.get(1).status(),
        EmitStatus.ACKED,
        "a topic without metadata holds up no prepared topic's stamp");
    assertEquals(out.get(2).status(), EmitStatus.TIMED_OUT);
    // The metadata wait runs on the sender thread; the caller waits for it up to the deadline and
    // no longer (the documented bound: ack timeout + 200 ms), whatever slice is still running.
    assertTrue(
        tookMs >= 390 && tookMs <= 400 + 200, "waited up to the deadline: " + tookMs + " ms");
    // About four slices for the first stamp, none for the second stamp of the same topic.
    verify(p, atMost(5)).partitionsFor("gone");
    verify(p, times(1)).send(any(), any());
  }

  @Test
  public void closedEmitterAnswersFailedAndDoesNotCloseAHostProducer() {
    Producer<byte[], byte[]> p = producer();
    KafkaStampEmitter emitter = onHost(settings(1000), new CountingHandoffMetrics(), p);
    emitter.close();
    emitter.close();
    EmitOutcome o = emitter.emitStepDown(STEP_DOWN);
    assertEquals(o.status(), EmitStatus.FAILED);
    assertTrue(o.cause() instanceof IllegalStateException);
    verify(p, never()).close(any());
    verify(p, never()).close();
  }

  @Test
  public void producerConfigForcesWhatTheEmitterDependsOn() {
    Properties user = new Properties();
    user.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    user.setProperty(HandoffSettings.ACK_TIMEOUT_MS, "400");
    user.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", "127.0.0.1:9");
    user.setProperty(HandoffSettings.KAFKA_PREFIX + "acks", "1");
    user.setProperty(HandoffSettings.KAFKA_PREFIX + "linger.ms", "20");
    Properties p = StampProducerConfig.of(HandoffSettings.from(user));
    assertEquals(p.getProperty(ProducerConfig.ACKS_CONFIG), "all");
    assertEquals(p.getProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), "true");
    assertEquals(p.getProperty(ProducerConfig.LINGER_MS_CONFIG), "0");
    assertEquals(
        p.getProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG),
        "100",
        "metadata waits in slices, at least 100 ms");
    assertEquals(
        StampProducerConfig.metadataWaitMs(8_000),
        1_000,
        "a slice is an eighth of the ack timeout");
    assertEquals(
        StampProducerConfig.metadataWaitMs(0),
        StampProducerConfig.MIN_METADATA_WAIT_MS,
        "floor of a slice");
    assertEquals(
        p.getProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG),
        "1000",
        "floor of the delivery bound");
    assertEquals(p.getProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG), "1000");
    assertEquals(
        StampProducerConfig.deliveryBoundMs(5_000), 5_000, "the ack timeout above the floor");
    assertEquals(
        StampProducerConfig.deliveryBoundMs(0),
        StampProducerConfig.MIN_DELIVERY_TIMEOUT_MS,
        "a zero ack timeout still gets a workable delivery timeout");
    assertEquals(
        p.getProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG),
        ByteArraySerializer.class.getName(),
        "stamps are bytes");
    assertEquals(
        p.getProperty(ProducerConfig.CLIENT_ID_CONFIG),
        "handoff-stamp-emitter",
        "a default client id");
  }

  @Test
  public void producerConfigRefusesSettingsThatBreakIdempotence() {
    for (String[] bad :
        new String[][] {
          {"max.in.flight.requests.per.connection", "6"},
          {"retries", "0"},
          {"bootstrap.servers", "no-port-here"}
        }) {
      Map<String, String> m = new HashMap<>();
      m.put(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
      m.put(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", "127.0.0.1:9");
      m.put(HandoffSettings.KAFKA_PREFIX + bad[0], bad[1]);
      HandoffSettings s = HandoffSettings.from(m);
      IllegalArgumentException e =
          expectThrows(IllegalArgumentException.class, () -> StampProducerConfig.of(s));
      assertTrue(
          e.getMessage().contains(HandoffSettings.KAFKA_PREFIX + bad[0]),
          "names the key: " + e.getMessage());
    }
  }

  @Test
  public void missingBootstrapServersFailsAtCreationNamingTheKey() {
    HandoffSettings s = settings(1000);
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class,
            () ->
                KafkaStampEmitter.afterHostWrites(
                    s, new CountingHandoffMetrics(), NOTHING_WRITTEN));
    assertTrue(
        e.getMessage().contains("server.leader.handover.kafka.bootstrap.servers"), e.getMessage());
  }

  @Test
  public void invalidProducerSettingFailsAtCreationNamingTheKey() {
    HandoffSettings s =
        HandoffSettings.from(
            Map.of(
                HandoffSettings.EMIT_STEPDOWN_STAMP,
                "true",
                HandoffSettings.KAFKA_PREFIX + "bootstrap.servers",
                "127.0.0.1:9",
                HandoffSettings.KAFKA_PREFIX + "batch.size",
                "lots"));
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class,
            () ->
                KafkaStampEmitter.afterHostWrites(
                    s, new CountingHandoffMetrics(), NOTHING_WRITTEN));
    assertTrue(e.getMessage().contains("batch.size"), e.getMessage());
  }

  @Test
  public void switchedOffEmitterNeedsNoKafkaSettings() {
    KafkaStampEmitter off =
        KafkaStampEmitter.afterHostWrites(
            HandoffSettings.defaults(), new CountingHandoffMetrics(), NOTHING_WRITTEN);
    assertNotNull(off);
    assertEquals(off.emitStepDown(STEP_DOWN).status(), EmitStatus.SKIPPED_DISABLED);
    off.close();
  }
}
