package io.handoff.stamp;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/**
 * {@link SendTracker}, the {@link io.handoff.spi.WriteBarrier} a host puts over its producer when
 * the stamps travel on the emitter's own: the barrier of a partition completes once every record
 * sent to it before the question was acknowledged, in whatever order the acks come, and does not
 * wait for later records; a failed send keeps the partition's barrier failed until {@link
 * SendTracker#clear}; partitions (and the same partition number of two topics) are independent; a
 * record without a partition is refused before it reaches the producer; the host's callback and the
 * producer's future pass through. The producer is a Mockito mock whose sends the test acknowledges
 * or fails, one by one.
 */
public class SendTrackerTest {

  private static final String TOPIC = "store_v4";

  private final List<ProducerRecord<byte[], byte[]>> records = new CopyOnWriteArrayList<>();
  private final List<Callback> callbacks = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<RecordMetadata>> futures = new CopyOnWriteArrayList<>();
  private Producer<byte[], byte[]> producer;
  private SendTracker tracker;

  @BeforeMethod
  @SuppressWarnings("unchecked")
  public void newTracker() {
    records.clear();
    callbacks.clear();
    futures.clear();
    producer = mock(Producer.class);
    // Like the real producer: send() returns at once; the callback runs when the broker answers,
    // which here is when the test says so.
    when(producer.send(any(), any()))
        .thenAnswer(
            inv -> {
              CompletableFuture<RecordMetadata> f = new CompletableFuture<>();
              synchronized (this) {
                records.add(inv.getArgument(0));
                callbacks.add(inv.getArgument(1));
                futures.add(f);
              }
              return f;
            });
    tracker = new SendTracker(producer);
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, int partition) {
    return new ProducerRecord<>(
        topic,
        partition,
        "k".getBytes(StandardCharsets.UTF_8),
        "v".getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends one record through the tracker and returns its index, for {@link #ack} and {@link #fail}.
   */
  private int send(String topic, int partition) {
    tracker.send(record(topic, partition), null);
    return callbacks.size() - 1;
  }

  private void ack(int i) {
    ProducerRecord<byte[], byte[]> r = records.get(i);
    RecordMetadata m =
        new RecordMetadata(new TopicPartition(r.topic(), r.partition()), i, 0, 0L, 1, 1);
    callbacks.get(i).onCompletion(m, null);
    futures.get(i).complete(m);
  }

  private void fail(int i, Exception e) {
    callbacks.get(i).onCompletion(null, e);
    futures.get(i).completeExceptionally(e);
  }

  private CompletableFuture<?> barrier(String topic, int partition) {
    return tracker.writesCompleted(topic, partition).toCompletableFuture();
  }

  private static boolean completedNormally(CompletableFuture<?> f) {
    return f.isDone() && !f.isCompletedExceptionally();
  }

  /**
   * The failure a barrier reports, unwrapped from the CompletionException a chain of stages may
   * add.
   */
  private static Throwable failureOf(CompletableFuture<?> f) {
    try {
      f.get(0, TimeUnit.NANOSECONDS);
      throw new AssertionError("the barrier completed normally");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      return c instanceof CompletionException && c.getCause() != null ? c.getCause() : c;
    } catch (Exception e) {
      throw new AssertionError("the barrier has not failed: " + e, e);
    }
  }

  @Test
  public void aPartitionNothingWasSentToIsComplete() {
    assertTrue(completedNormally(barrier(TOPIC, 0)), "nothing outstanding: already complete");
  }

  @Test
  public void anOutstandingWriteHoldsTheBarrierUntilAcknowledged() {
    int r = send(TOPIC, 0);
    CompletableFuture<?> b = barrier(TOPIC, 0);
    assertFalse(b.isDone(), "the record is not acknowledged yet");
    ack(r);
    assertTrue(completedNormally(b), "acknowledged: the barrier taken before completes");
    assertTrue(completedNormally(barrier(TOPIC, 0)), "and a new one is complete at once");
  }

  @Test
  public void theBarrierWaitsForEveryEarlierWriteWhateverTheOrderOfTheAcks() {
    int r0 = send(TOPIC, 0);
    int r1 = send(TOPIC, 0);
    int r2 = send(TOPIC, 0);
    CompletableFuture<?> b = barrier(TOPIC, 0);
    // Acks of one partition come in order from the broker, but a host may call back out of order.
    ack(r2);
    assertFalse(b.isDone(), "two records still outstanding");
    ack(r0);
    assertFalse(b.isDone(), "one record still outstanding");
    ack(r1);
    assertTrue(completedNormally(b), "all three acknowledged");
  }

  @Test
  public void theBarrierDoesNotWaitForWritesSentAfterTheQuestion() {
    int r0 = send(TOPIC, 0);
    CompletableFuture<?> before = barrier(TOPIC, 0);
    int r1 = send(TOPIC, 0);
    ack(r0);
    assertTrue(completedNormally(before), "only the records sent before the question count");
    CompletableFuture<?> after = barrier(TOPIC, 0);
    assertFalse(after.isDone(), "a question asked now waits for the later record");
    ack(r1);
    assertTrue(completedNormally(after), "acknowledged");
  }

  @Test
  public void partitionsAndTopicsAreIndependent() {
    int r = send(TOPIC, 3);
    assertFalse(barrier(TOPIC, 3).isDone(), "outstanding on " + TOPIC + "-3");
    assertTrue(
        completedNormally(barrier(TOPIC, 2)), "another partition of the topic waits for nothing");
    // Rule S1: partition 3 of another version topic is another partition altogether.
    assertTrue(
        completedNormally(barrier("other_v1", 3)), "the same partition number of another topic");
    fail(r, new NotEnoughReplicasException("one replica in sync"));
    assertTrue(barrier(TOPIC, 3).isCompletedExceptionally(), "failed on " + TOPIC + "-3");
    assertTrue(completedNormally(barrier(TOPIC, 2)), "a failure stays on its own partition");
    assertTrue(completedNormally(barrier("other_v1", 3)), "and on its own topic");
  }

  @Test
  public void aFailedWriteKeepsTheBarrierFailedUntilCleared() {
    int r0 = send(TOPIC, 1);
    NotEnoughReplicasException broker = new NotEnoughReplicasException("one replica in sync");
    fail(r0, broker);
    assertSame(
        failureOf(barrier(TOPIC, 1)), broker, "the barrier fails with the host's own failure");

    // A later success does not heal it: the failed record may still land, and nobody knows when.
    int r1 = send(TOPIC, 1);
    ack(r1);
    assertSame(
        failureOf(barrier(TOPIC, 1)), broker, "still failed after a later record was acknowledged");

    tracker.clear(TOPIC, 1);
    assertTrue(completedNormally(barrier(TOPIC, 1)), "cleared: nothing outstanding");
    int r2 = send(TOPIC, 1);
    CompletableFuture<?> b = barrier(TOPIC, 1);
    assertFalse(b.isDone(), "tracking goes on after clear()");
    ack(r2);
    assertTrue(completedNormally(b), "acknowledged");
  }

  @Test
  public void clearLeavesOutstandingWritesAndHealthyPartitionsAlone() {
    tracker.clear(TOPIC, 0); // never written to: nothing happens
    assertTrue(completedNormally(barrier(TOPIC, 0)));
    int r = send(TOPIC, 0);
    tracker.clear(TOPIC, 0);
    CompletableFuture<?> b = barrier(TOPIC, 0);
    assertFalse(b.isDone(), "clear() forgets failures, never a record still outstanding");
    ack(r);
    assertTrue(completedNormally(b));
  }

  /**
   * A failure that happened before {@code clear()} is forgotten by it, also when the host has sent
   * more records since and they are still outstanding: otherwise the barrier fails again as soon as
   * they are acknowledged, and the next stamp is refused for a failure the host declared over.
   */
  @Test
  public void clearForgetsAFailureAlsoWhileLaterWritesAreOutstanding() {
    int r0 = send(TOPIC, 0);
    fail(r0, new NotEnoughReplicasException("one replica in sync"));
    int r1 = send(TOPIC, 0);
    tracker.clear(TOPIC, 0);
    CompletableFuture<?> b = barrier(TOPIC, 0);
    assertFalse(b.isDone(), "the later record is still outstanding");
    ack(r1);
    assertTrue(b.isDone(), "acknowledged");
    assertFalse(
        b.isCompletedExceptionally(),
        "the failure of the first record was cleared before the later"
            + " record was acknowledged, yet the barrier fails with it: "
            + (b.isCompletedExceptionally() ? failureOf(b) : ""));
  }

  @Test
  public void aSendThatThrowsIsRethrownAndFailsThePartition() {
    KafkaException fenced = new KafkaException("producer fenced");
    when(producer.send(any(), any())).thenThrow(fenced);
    KafkaException thrown =
        expectThrows(KafkaException.class, () -> tracker.send(record(TOPIC, 5), null));
    assertSame(thrown, fenced, "the host sees its producer's exception");
    assertSame(failureOf(barrier(TOPIC, 5)), fenced, "and the partition's barrier fails with it");
  }

  @Test
  public void aRecordWithoutPartitionIsRefusedBeforeTheProducer() {
    ProducerRecord<byte[], byte[]> noPartition =
        new ProducerRecord<>(
            TOPIC, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> tracker.send(noPartition, null));
    assertTrue(e.getMessage().contains("partition"), e.getMessage());
    assertTrue(e.getMessage().contains(TOPIC), "names the topic: " + e.getMessage());
    verify(producer, never()).send(any(), any());
    for (int p = 0; p < 4; p++) {
      assertTrue(completedNormally(barrier(TOPIC, p)), "nothing tracked for partition " + p);
    }
  }

  @Test
  public void theHostsCallbackAndTheProducersFuturePassThrough() throws Exception {
    AtomicReference<RecordMetadata> seen = new AtomicReference<>();
    AtomicReference<Exception> seenError = new AtomicReference<>();
    Future<RecordMetadata> f =
        tracker.send(
            record(TOPIC, 0),
            (m, e) -> {
              seen.set(m);
              seenError.set(e);
            });
    assertSame(f, futures.get(0), "the producer's own future");
    assertEquals(records.get(0).topic(), TOPIC, "the record as the host built it");
    ack(0);
    assertEquals(seen.get().offset(), 0L, "the host's callback gets the metadata");
    assertEquals(seenError.get(), null);
    assertEquals(f.get(0, TimeUnit.NANOSECONDS).offset(), 0L);

    NotEnoughReplicasException broker = new NotEnoughReplicasException("one replica in sync");
    tracker.send(record(TOPIC, 0), (m, e) -> seenError.set(e));
    fail(1, broker);
    assertSame(seenError.get(), broker, "the host's callback gets the failure");
  }

  @Test
  public void nullsAreProgrammingErrors() {
    assertEquals(
        expectThrows(NullPointerException.class, () -> new SendTracker(null)).getMessage(),
        "producer is null");
    assertEquals(
        expectThrows(NullPointerException.class, () -> tracker.send(null, null)).getMessage(),
        "record is null");
  }

  /**
   * Concurrent senders on one partition: no record is lost from the barrier, whatever the
   * interleaving.
   */
  @Test
  public void concurrentSendsToOnePartitionAreAllWaitedFor() throws Exception {
    int threads = 4;
    int perThread = 250;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    tracker.send(record(TOPIC, 7), null);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(callbacks.size(), threads * perThread, "every record reached the producer");
    CompletableFuture<?> b = barrier(TOPIC, 7);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < callbacks.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(42));
    for (int k = 0; k < order.size() - 1; k++) {
      ack(order.get(k));
    }
    assertFalse(b.isDone(), "one record of " + order.size() + " is still outstanding");
    ack(order.get(order.size() - 1));
    assertTrue(completedNormally(b), "all acknowledged");
  }

  @Test
  public void theFirstFailureIsKeptWhenLaterWritesFailToo() {
    NotEnoughReplicasException first = new NotEnoughReplicasException("first");
    fail(send(TOPIC, 2), first);
    fail(send(TOPIC, 2), new NotEnoughReplicasException("second"));
    assertSame(failureOf(barrier(TOPIC, 2)), first, "a later asynchronous failure");
    when(producer.send(any(), any())).thenThrow(new KafkaException("third"));
    expectThrows(KafkaException.class, () -> tracker.send(record(TOPIC, 2), null));
    assertSame(failureOf(barrier(TOPIC, 2)), first, "a later synchronous failure");
  }

  @Test
  public void aHostCallbackThatThrowsStillOpensTheBarrier() {
    IllegalStateException hostBug = new IllegalStateException("host callback bug");
    Callback throwing =
        (m, e) -> {
          throw hostBug;
        };
    tracker.send(record(TOPIC, 3), throwing);
    CompletableFuture<?> ok = barrier(TOPIC, 3);
    IllegalStateException thrown =
        expectThrows(IllegalStateException.class, () -> ack(callbacks.size() - 1));
    assertSame(thrown, hostBug, "the producer's I/O thread sees the host's exception");
    assertTrue(completedNormally(ok), "answered: the barrier opens all the same");

    tracker.send(record(TOPIC, 3), throwing);
    NotEnoughReplicasException broker = new NotEnoughReplicasException("one replica in sync");
    expectThrows(IllegalStateException.class, () -> fail(callbacks.size() - 1, broker));
    assertSame(failureOf(barrier(TOPIC, 3)), broker, "and the failure is kept");

    tracker.clear(TOPIC, 3);
    NotEnoughReplicasException later = new NotEnoughReplicasException("later");
    tracker.send(record(TOPIC, 3), throwing);
    int i = callbacks.size() - 1;
    fail(send(TOPIC, 3), later);
    expectThrows(IllegalStateException.class, () -> fail(i, broker));
    assertSame(failureOf(barrier(TOPIC, 3)), later, "the first failure wins on that path too");
  }
}
