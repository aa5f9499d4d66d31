package io.handoff.stamp;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.atMost;
import static org.mockito.Mockito.mock;
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

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.StepDown;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
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
import org.mockito.ArgumentCaptor;
import org.testng.annotations.Test;

/** Each failure of the producer staged with Mockito: the emitter answers, never throws. */
public class KafkaStampEmitterTest {

  private static final StepDown STEP_DOWN = StepDown.established("store_v3", 2, 1_700_000_000_123L, 7, "host-a");

  private static HandoffSettings settings(long ackTimeoutMs) {
    return HandoffSettings.from(Map.of(
        HandoffSettings.EMIT_STEPDOWN_STAMP, "true",
        HandoffSettings.ACK_TIMEOUT_MS, Long.toString(ackTimeoutMs)));
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

  /** Answers send() with {@code future} and runs the callback as the producer's I/O thread would. */
  private static void answer(Producer<byte[], byte[]> p, Future<RecordMetadata> future) {
    when(p.send(any(), any())).thenAnswer(inv -> {
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
    KafkaStampEmitter emitter = new KafkaStampEmitter(settings(1000), metrics, p);

    EmitOutcome o = emitter.emitStepDown(STEP_DOWN);

    assertEquals(o.status(), EmitStatus.ACKED, o.toString());
    assertEquals(o.offset(), 41);
    assertEquals(metrics.emitSuccess(), 1);
    assertEquals(metrics.emitFailure(), 0);
    @SuppressWarnings("unchecked")
    ArgumentCaptor<ProducerRecord<byte[], byte[]>> sent = ArgumentCaptor.forClass(ProducerRecord.class);
    verify(p).send(sent.capture(), any());
    ProducerRecord<byte[], byte[]> r = sent.getValue();
    assertEquals(r.topic(), "store_v3");
    assertEquals(r.partition(), Integer.valueOf(2));
    assertEquals(r.key(), StampKeys.stepDownKey());
    assertEquals(r.headers().lastHeader("vtp").value(), new StampCodec().vtpHeaderValue());
    DecodedEnvelope e = new StampCodec().decode(r.value());
    assertEquals(e.term(), 1_700_000_000_123L);
    assertEquals(e.hostName(), "host-a");
    assertEquals(e.upstreamKafkaClusterId(), 7);
    assertEquals(e.messageTimestamp(), r.timestamp().longValue(), "record and envelope share the send time");
  }

  @Test
  public void synchronousSendExceptionIsFailed() {
    Producer<byte[], byte[]> p = producer();
    when(p.send(any(), any())).thenThrow(new KafkaException("producer fenced"));
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();

    EmitOutcome o = new KafkaStampEmitter(settings(1000), metrics, p).emitStepDown(STEP_DOWN);

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
    EmitOutcome o = new KafkaStampEmitter(settings(200), metrics, p).emitStepDown(STEP_DOWN);
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

    EmitOutcome o = new KafkaStampEmitter(settings(1000), new CountingHandoffMetrics(), p).emitStepDown(STEP_DOWN);

    assertEquals(o.status(), EmitStatus.FAILED);
    assertSame(o.cause(), broker);
  }

  @Test
  public void clientTimeoutInTheFutureIsTimedOut() {
    Producer<byte[], byte[]> p = producer();
    answer(p, CompletableFuture.failedFuture(
        new TimeoutException("Topic store_v3 not present in metadata after 1000 ms")));

    EmitOutcome o = new KafkaStampEmitter(settings(1000), new CountingHandoffMetrics(), p).emitStepDown(STEP_DOWN);

    assertEquals(o.status(), EmitStatus.TIMED_OUT);
    assertTrue(o.cause() instanceof TimeoutException);
  }

  @Test
  public void interruptedWaitIsInterruptedAndKeepsTheFlag() {
    Producer<byte[], byte[]> p = producer();
    answer(p, new CompletableFuture<>());
    KafkaStampEmitter emitter = new KafkaStampEmitter(settings(10_000), new CountingHandoffMetrics(), p);

    Thread.currentThread().interrupt();
    EmitOutcome o;
    try {
      o = emitter.emitStepDown(STEP_DOWN);
    } finally {
      assertTrue(Thread.interrupted(), "the interrupt status must be restored (and is cleared here)");
    }
    assertEquals(o.status(), EmitStatus.INTERRUPTED);
  }

  @Test
  public void interruptFromAnotherThreadEndsTheWaitPromptly() throws Exception {
    Producer<byte[], byte[]> p = producer();
    CountDownLatch sent = new CountDownLatch(1);
    CompletableFuture<RecordMetadata> never = new CompletableFuture<>();
    when(p.send(any(), any())).thenAnswer(inv -> {
      sent.countDown();
      return never;
    });
    KafkaStampEmitter emitter = new KafkaStampEmitter(settings(30_000), new CountingHandoffMetrics(), p);
    AtomicReference<EmitOutcome> outcome = new AtomicReference<>();
    AtomicBoolean flagAfter = new AtomicBoolean();
    Thread demoter = new Thread(() -> {
      outcome.set(emitter.emitStepDown(STEP_DOWN));
      flagAfter.set(Thread.currentThread().isInterrupted());
    });
    demoter.start();
    assertTrue(sent.await(10, TimeUnit.SECONDS));
    long start = System.nanoTime();
    demoter.interrupt();
    demoter.join(5_000);
    assertFalse(demoter.isAlive(), "the emitter must return after an interrupt, not at the 30 s ack timeout");
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 5_000);
    assertEquals(outcome.get().status(), EmitStatus.INTERRUPTED);
    assertTrue(flagAfter.get(), "interrupt flag kept");
  }

  @Test
  public void negativeAckTimeoutClampsToANoWaitPoll() {
    HandoffSettings s = settings(-250);
    assertEquals(s.ackTimeoutMs(), 0);

    Producer<byte[], byte[]> pending = producer();
    answer(pending, new CompletableFuture<>());
    long start = System.nanoTime();
    EmitOutcome o = new KafkaStampEmitter(s, new CountingHandoffMetrics(), pending).emitStepDown(STEP_DOWN);
    assertEquals(o.status(), EmitStatus.TIMED_OUT, "an ack not yet there is not waited for");
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 1_000);
    verify(pending, times(1)).send(any(), any());

    Producer<byte[], byte[]> done = producer();
    answer(done, acked(5));
    assertEquals(new KafkaStampEmitter(s, new CountingHandoffMetrics(), done).emitStepDown(STEP_DOWN).status(),
        EmitStatus.ACKED, "an ack already there is taken");
  }

  @Test
  public void zeroAckTimeoutStillSendsEveryStampOfABatch() {
    Producer<byte[], byte[]> p = producer();
    answer(p, new CompletableFuture<>());
    List<StepDown> batch = List.of(StepDown.established("t", 0, 5, 0, "h"), StepDown.established("t", 1, 5, 0, "h"),
        StepDown.established("t", 2, 5, 0, "h"));
    List<EmitOutcome> out = new KafkaStampEmitter(settings(0), new CountingHandoffMetrics(), p).emitStepDowns(batch);
    verify(p, times(3)).send(any(), any());
    out.forEach(o -> assertEquals(o.status(), EmitStatus.TIMED_OUT));
  }

  @Test
  public void noTermAndDisabledSkipWithoutTouchingTheProducer() {
    Producer<byte[], byte[]> p = producer();
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    KafkaStampEmitter on = new KafkaStampEmitter(settings(1000), metrics, p);
    assertEquals(on.emitStepDown(StepDown.established("t", 0, 0, 0, "h")).status(), EmitStatus.SKIPPED_NO_TERM);
    assertEquals(on.emitStepDown(StepDown.established("t", 0, -1, 0, "h")).status(), EmitStatus.SKIPPED_NO_TERM);

    KafkaStampEmitter off = new KafkaStampEmitter(HandoffSettings.defaults(), metrics, p);
    assertEquals(off.emitStepDown(STEP_DOWN).status(), EmitStatus.SKIPPED_DISABLED);

    verifyNoInteractions(p);
    assertEquals(metrics.emitSuccess() + metrics.emitFailure(), 0, "skips are neither success nor failure");
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
    KafkaStampEmitter emitter = new KafkaStampEmitter(settings(1000), metrics, p);
    StepDown unestablished = new StepDown("store_v3", 2, 2_000, false, 7, "host-b");

    EmitOutcome o = emitter.emitStepDown(unestablished);

    assertEquals(o.status(), EmitStatus.SKIPPED_UNESTABLISHED, o.toString());
    assertTrue(o.status().isSkipped(), o.toString());
    assertSame(o.stepDown(), unestablished);
    verifyNoInteractions(p);
    assertEquals(metrics.skippedUnestablished(), 1, "counted in " + HandoffMetrics.EMIT_SKIPPED_UNESTABLISHED);
    assertEquals(metrics.emitSuccess() + metrics.emitFailure(), 0, "a skip is neither success nor failure");

    // In a batch only the unestablished one is skipped; the established one is still written.
    List<EmitOutcome> out = emitter.emitStepDowns(List.of(unestablished, STEP_DOWN));
    assertEquals(out.get(0).status(), EmitStatus.SKIPPED_UNESTABLISHED);
    assertEquals(out.get(1).status(), EmitStatus.ACKED, out.get(1).toString());
    verify(p, times(1)).send(any(), any());
    assertEquals(metrics.skippedUnestablished(), 2);
    assertEquals(metrics.emitSuccess(), 1);
  }

  @Test
  public void batchSendsEverythingBeforeWaitingAndSharesOneDeadline() {
    Producer<byte[], byte[]> p = producer();
    List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
    when(p.send(any(), any())).thenAnswer(inv -> {
      CompletableFuture<RecordMetadata> f = new CompletableFuture<>();
      futures.add(f);
      return f;
    });
    List<StepDown> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(StepDown.established("t", i, 9, 0, "h"));
    }
    // Complete every other stamp only after all 50 were sent: a per-stamp send-and-wait would
    // time out each unacknowledged one separately and take 25 x the ack timeout.
    Thread acker = new Thread(() -> {
      while (futures.size() < 50) {
        Thread.onSpinWait();
      }
      for (int i = 0; i < 50; i += 2) {
        futures.get(i).complete(new RecordMetadata(new TopicPartition("t", i), i, 0, 0L, 25, 100));
      }
    });
    acker.start();
    long start = System.nanoTime();
    List<EmitOutcome> out = new KafkaStampEmitter(settings(300), new CountingHandoffMetrics(), p).emitStepDowns(batch);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertEquals(out.size(), 50);
    for (int i = 0; i < 50; i++) {
      assertSame(out.get(i).stepDown(), batch.get(i));
      assertEquals(out.get(i).status(), i % 2 == 0 ? EmitStatus.ACKED : EmitStatus.TIMED_OUT, "stamp " + i);
    }
    assertTrue(tookMs < 3_000, "one shared deadline of 300 ms, took " + tookMs + " ms");
  }

  @Test
  public void partitionBeyondTheTopicFailsWithoutSending() {
    Producer<byte[], byte[]> p = producer();
    EmitOutcome o = new KafkaStampEmitter(settings(1000), new CountingHandoffMetrics(), p)
        .emitStepDown(StepDown.established("store_v3", 300, 5, 0, "h"));
    assertEquals(o.status(), EmitStatus.FAILED);
    assertTrue(o.cause().getMessage().contains("Partition 300 of topic store_v3 does not exist"),
        o.cause().getMessage());
    verify(p, never()).send(any(), any());
  }

  @Test
  public void metadataIsWaitedForInSlicesUntilTheDeadlineOncePerTopic() {
    Producer<byte[], byte[]> p = producer();
    // Like the real producer: each lookup blocks one slice (max.block.ms), then gives up.
    when(p.partitionsFor("gone")).thenAnswer(inv -> {
      Thread.sleep(100);
      throw new TimeoutException("Topic gone not present in metadata after 100 ms.");
    });
    answer(p, acked(3));
    KafkaStampEmitter emitter = new KafkaStampEmitter(settings(400), new CountingHandoffMetrics(), p);
    emitter.prepare("store_v3"); // as a leader does when it takes the partition over
    long start = System.nanoTime();
    List<EmitOutcome> out = emitter.emitStepDowns(List.of(
        StepDown.established("gone", 0, 5, 0, "h"), StepDown.established("store_v3", 0, 5, 0, "h"),
        StepDown.established("gone", 1, 5, 0, "h")));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(out.get(0).status(), EmitStatus.TIMED_OUT);
    assertEquals(out.get(1).status(), EmitStatus.ACKED, "a topic without metadata holds up no prepared topic's stamp");
    assertEquals(out.get(2).status(), EmitStatus.TIMED_OUT);
    assertTrue(tookMs >= 390 && tookMs < 400 + 100 + 150, "waited in slices up to the deadline: " + tookMs + " ms");
    // About four slices for the first stamp, none for the second stamp of the same topic.
    verify(p, atMost(5)).partitionsFor("gone");
    verify(p, times(1)).send(any(), any());
  }

  @Test
  public void closedEmitterAnswersFailedAndDoesNotCloseAHostProducer() {
    Producer<byte[], byte[]> p = producer();
    KafkaStampEmitter emitter = new KafkaStampEmitter(settings(1000), new CountingHandoffMetrics(), p);
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
    Properties p = KafkaStampEmitter.producerConfig(HandoffSettings.from(user));
    assertEquals(p.getProperty(ProducerConfig.ACKS_CONFIG), "all");
    assertEquals(p.getProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), "true");
    assertEquals(p.getProperty(ProducerConfig.LINGER_MS_CONFIG), "0");
    assertEquals(p.getProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG), "100", "metadata waits in slices, at least 100 ms");
    assertEquals(KafkaStampEmitter.metadataWaitMs(8_000), 1_000);
    assertEquals(p.getProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), "1000", "floor of the delivery bound");
    assertEquals(p.getProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG), "1000");
    assertEquals(KafkaStampEmitter.deliveryBoundMs(5_000), 5_000);
  }

  @Test
  public void missingBootstrapServersFailsAtCreationNamingTheKey() {
    HandoffSettings s = settings(1000);
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
        () -> new KafkaStampEmitter(s, new CountingHandoffMetrics()));
    assertTrue(e.getMessage().contains("server.leader.handover.kafka.bootstrap.servers"), e.getMessage());
  }

  @Test
  public void invalidProducerSettingFailsAtCreationNamingTheKey() {
    HandoffSettings s = HandoffSettings.from(Map.of(
        HandoffSettings.EMIT_STEPDOWN_STAMP, "true",
        HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", "127.0.0.1:9",
        HandoffSettings.KAFKA_PREFIX + "batch.size", "lots"));
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
        () -> new KafkaStampEmitter(s, new CountingHandoffMetrics()));
    assertTrue(e.getMessage().contains("batch.size"), e.getMessage());
  }

  @Test
  public void switchedOffEmitterNeedsNoKafkaSettings() {
    KafkaStampEmitter off = new KafkaStampEmitter(HandoffSettings.defaults(), new CountingHandoffMetrics());
    assertNotNull(off);
    assertEquals(off.emitStepDown(STEP_DOWN).status(), EmitStatus.SKIPPED_DISABLED);
    off.close();
  }
}
