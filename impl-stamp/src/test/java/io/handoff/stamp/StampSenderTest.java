package io.handoff.stamp;

import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;

import io.handoff.codec.EnvelopeCodec;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.StepDown;
import io.handoff.spi.WriteBarrier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.testng.annotations.Test;

/**
 * What the sender hands to the producer, in which order, and what it settles itself, on Kafka's
 * {@link MockProducer}: the broker's behaviour is not what is tested here.
 */
public class StampSenderTest {

  /** A deadline no test here comes near. */
  private static final long LONG_MS = 60_000;

  private static final String TOPIC = "send_v1";
  private static final String OTHER = "send_v2";

  /** {@link #TOPIC} and {@link #OTHER} with 4 partitions each. */
  private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
    Node node = new Node(0, "localhost", 9092);
    List<PartitionInfo> infos = new ArrayList<>();
    for (String t : List.of(TOPIC, OTHER)) {
      for (int p = 0; p < 4; p++) {
        infos.add(new PartitionInfo(t, p, node, new Node[] {node}, new Node[] {node}));
      }
    }
    Cluster cluster = new Cluster("c", List.of(node), infos, Set.of(), Set.of());
    return new MockProducer<>(
        cluster, autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static StepDown stamp(String topic, int partition) {
    return StepDown.established(topic, partition, 9, 1, "host-s");
  }

  private static StampBatch batch(long ackTimeoutMs, StepDown... s) {
    return new StampBatch(s, ackTimeoutMs);
  }

  private static void handOver(
      StampSender sender, StampBatch b, Producer<byte[], byte[]> p, WriteBarrier barrier) {
    sender.handOver(b, b.unsettled(), () -> p, barrier);
  }

  @Test
  public void aPartitionAtTheCountFailsWithoutBeingSentAndTheOneBelowIsSent() {
    MockProducer<byte[], byte[]> p = producer(true);
    StampSender sender = new StampSender(new PartitionCounts(LONG_MS));
    StampBatch b = batch(LONG_MS, stamp(TOPIC, 4), stamp(TOPIC, 3));
    handOver(sender, b, p, null);
    assertEquals(b.outcome(0).status(), EmitStatus.FAILED);
    assertTrue(b.outcome(0).cause() instanceof IllegalArgumentException);
    assertEquals(
        b.outcome(0).cause().getMessage(),
        "Partition 4 of topic send_v1 does not exist: the topic has 4 partition(s)");
    assertEquals(p.history().size(), 1, "only partition 3 was sent");
    assertEquals(p.history().get(0).partition(), 3);
    assertFalse(b.awaitAcks());
    assertEquals(b.outcome(1).status(), EmitStatus.ACKED);
  }

  @Test
  public void theStampRecordNamesItsPartitionTimeAndHeader() {
    MockProducer<byte[], byte[]> p = producer(true);
    StampSender sender = new StampSender(new PartitionCounts(LONG_MS));
    long before = System.currentTimeMillis();
    StampBatch b = batch(LONG_MS, stamp(TOPIC, 2));
    handOver(sender, b, p, null);
    long after = System.currentTimeMillis();
    ProducerRecord<byte[], byte[]> r = p.history().get(0);
    assertEquals(r.topic(), TOPIC);
    assertEquals(r.partition(), 2);
    assertTrue(r.timestamp() >= before && r.timestamp() <= after, "stamped when handed over");
    assertNotNull(r.headers().lastHeader(EnvelopeCodec.VTP_HEADER));
    assertNotNull(r.key());
    assertNotNull(r.value());
  }

  @Test
  public void stampsOfPartitionsKnownToExistGoFirst() {
    MockProducer<byte[], byte[]> p = producer(true);
    PartitionCounts counts = new PartitionCounts(LONG_MS);
    counts.learn(OTHER, 2);
    StampSender sender = new StampSender(counts);
    assertSame(sender.counts(), counts);
    StampBatch b =
        batch(LONG_MS, stamp(TOPIC, 0), stamp(OTHER, 2), stamp(OTHER, 1), stamp(TOPIC, 1));
    handOver(sender, b, p, null);
    List<String> order = p.history().stream().map(r -> r.topic() + "-" + r.partition()).toList();
    assertEquals(
        order,
        List.of(OTHER + "-1", TOPIC + "-0", OTHER + "-2", TOPIC + "-1"),
        "known first (send_v2-1 only), then the others in call order");
  }

  @Test
  public void onTheHostsProducerTheBufferIsFlushedUnlessNobodyWaits() {
    MockProducer<byte[], byte[]> host = spy(producer(true));
    handOver(
        new StampSender(new PartitionCounts(LONG_MS)), batch(LONG_MS, stamp(TOPIC, 0)), host, null);
    verify(host, times(1)).flush();

    MockProducer<byte[], byte[]> zero = spy(producer(true));
    handOver(new StampSender(new PartitionCounts(0)), batch(0, stamp(TOPIC, 0)), zero, null);
    verify(zero, never()).flush();
    assertEquals(zero.history().size(), 1, "sent all the same");

    MockProducer<byte[], byte[]> own = spy(producer(true));
    WriteBarrier open = (t, q) -> CompletableFuture.completedFuture(null);
    handOver(
        new StampSender(new PartitionCounts(LONG_MS)), batch(LONG_MS, stamp(TOPIC, 0)), own, open);
    verify(own, never()).flush();
    assertEquals(own.history().size(), 1);

    MockProducer<byte[], byte[]> closed = spy(producer(true));
    StampBatch late = batch(LONG_MS, stamp(TOPIC, 0));
    late.closeHandOver();
    handOver(new StampSender(new PartitionCounts(LONG_MS)), late, closed, null);
    verify(closed, never()).flush();
    assertEquals(closed.history().size(), 0, "the caller stopped waiting: nothing handed over");
  }

  @Test
  public void anAckedStampTeachesItsPartitionAndAFailedOneDoesNot() {
    MockProducer<byte[], byte[]> p = producer(false);
    PartitionCounts counts = new PartitionCounts(LONG_MS);
    StampSender sender = new StampSender(counts);
    StampBatch b = batch(LONG_MS, stamp(TOPIC, 2), stamp(OTHER, 1));
    // With a barrier (the emitter's own producer) nothing is flushed: the answers wait for us.
    handOver(sender, b, p, (t, q) -> CompletableFuture.completedFuture(null));
    // The metadata taught both topics' counts; forget them, so that only the answers teach.
    counts.forget(TOPIC);
    counts.forget(OTHER);
    assertTrue(p.completeNext());
    assertTrue(p.errorNext(new IllegalStateException("refused")));
    assertTrue(counts.isKnown(stamp(TOPIC, 2)), "acked: partition 2 exists");
    assertFalse(counts.isKnown(stamp(TOPIC, 3)), "nothing said about partition 3");
    assertFalse(counts.isKnown(stamp(OTHER, 0)), "failed: nothing learnt");
    assertFalse(b.awaitAcks());
    assertEquals(b.outcome(0).status(), EmitStatus.ACKED);
    assertEquals(b.outcome(1).status(), EmitStatus.FAILED);
  }

  @Test
  public void aMetadataTimeoutTimesOutEveryStampOfTheTopicWithOneWait() {
    MockProducer<byte[], byte[]> p = spy(producer(true));
    var timeout = new org.apache.kafka.common.errors.TimeoutException("no metadata");
    doThrow(timeout).when(p).partitionsFor(TOPIC);
    StampSender sender = new StampSender(new PartitionCounts(0));
    StampBatch b = batch(0, stamp(TOPIC, 0), stamp(TOPIC, 1), stamp(OTHER, 0));
    handOver(sender, b, p, null);
    verify(p, times(1)).partitionsFor(TOPIC);
    assertEquals(b.outcome(0).status(), EmitStatus.TIMED_OUT);
    assertSame(b.outcome(0).cause(), timeout);
    assertEquals(b.outcome(1).status(), EmitStatus.TIMED_OUT);
    assertSame(b.outcome(1).cause(), timeout, "the same failure, not a second wait");
    assertNull(b.outcome(2), "another topic is sent");
    assertEquals(p.history().size(), 1);
  }

  @Test
  public void afterTheDeadlineNothingIsSent() throws Exception {
    MockProducer<byte[], byte[]> p = producer(true);
    StampSender sender = new StampSender(new PartitionCounts(1));
    StampBatch b = batch(1, stamp(TOPIC, 0), stamp(TOPIC, 1));
    Thread.sleep(5);
    handOver(sender, b, p, null);
    assertEquals(p.history().size(), 0);
    assertEquals(b.outcome(0).status(), EmitStatus.TIMED_OUT, "the first is tried");
    assertEquals(
        b.outcome(0).cause().getMessage(),
        "the ack timeout of 1 ms passed while waiting for the metadata of send_v1");
    assertEquals(b.outcome(1).status(), EmitStatus.TIMED_OUT);
    assertTrue(b.outcome(1).cause() instanceof TimeoutException);
    assertEquals(
        b.outcome(1).cause().getMessage(),
        "the ack timeout of 1 ms passed before this stamp could be sent");
  }

  @Test
  public void withAZeroAckTimeoutEveryStampIsSentPastTheDeadline() {
    MockProducer<byte[], byte[]> p = producer(true);
    StampSender sender = new StampSender(new PartitionCounts(0));
    StampBatch b = batch(0, stamp(TOPIC, 0), stamp(TOPIC, 1), stamp(OTHER, 3));
    b.closeHandOver();
    handOver(sender, b, p, null);
    assertEquals(p.history().size(), 3);
    assertFalse(b.hasUnsettled() && b.outcome(0) != null, "nothing settled by the sender");
    assertNull(b.outcome(0));
  }

  @Test
  public void aProducerThatCannotBeCreatedFailsEveryStamp() {
    IllegalArgumentException bad = new IllegalArgumentException("Invalid url in bootstrap.servers");
    AtomicInteger asked = new AtomicInteger();
    Supplier<Producer<byte[], byte[]>> none =
        () -> {
          asked.incrementAndGet();
          throw bad;
        };
    StampSender sender = new StampSender(new PartitionCounts(LONG_MS));
    StampBatch b = batch(LONG_MS, stamp(TOPIC, 0), stamp(TOPIC, 1), stamp(OTHER, 0));
    sender.handOver(b, b.unsettled(), none, null);
    assertEquals(asked.get(), 1, "asked once");
    for (int i = 0; i < 3; i++) {
      assertEquals(b.outcome(i).status(), EmitStatus.FAILED);
      assertSame(b.outcome(i).cause(), bad);
    }
  }

  @Test
  public void aSendThatFailsFailsOnlyItsStamp() {
    MockProducer<byte[], byte[]> p = producer(true);
    p.sendException = new IllegalStateException("buffer exhausted");
    StampSender sender = new StampSender(new PartitionCounts(LONG_MS));
    StampBatch b = batch(LONG_MS, stamp(TOPIC, 0), stamp(TOPIC, 1));
    handOver(sender, b, p, null);
    for (int i = 0; i < 2; i++) {
      assertEquals(b.outcome(i).status(), EmitStatus.FAILED);
      assertEquals(b.outcome(i).cause().getMessage(), "buffer exhausted");
    }
  }

  @Test
  public void aSendTimeoutIsTimedOut() {
    MockProducer<byte[], byte[]> p = producer(true);
    p.sendException = new org.apache.kafka.common.errors.TimeoutException("max.block.ms");
    StampSender sender = new StampSender(new PartitionCounts(LONG_MS));
    StampBatch b = batch(LONG_MS, stamp(TOPIC, 0));
    handOver(sender, b, p, null);
    assertEquals(b.outcome(0).status(), EmitStatus.TIMED_OUT);
    assertSame(b.outcome(0).cause(), p.sendException);
  }

  @Test
  public void anInterruptedSendStopsTheHandOver() {
    MockProducer<byte[], byte[]> p = producer(true);
    p.sendException = new InterruptException("closing");
    StampSender sender = new StampSender(new PartitionCounts(LONG_MS));
    StampBatch b = batch(LONG_MS, stamp(TOPIC, 0), stamp(TOPIC, 1));
    handOver(sender, b, p, null);
    Thread.interrupted(); // InterruptException sets the flag when built
    assertEquals(b.outcome(0).status(), EmitStatus.FAILED);
    assertEquals(b.outcome(0).cause().getMessage(), "the stamp emitter is closing");
    assertSame(b.outcome(0).cause().getCause(), p.sendException);
    assertNull(b.outcome(1), "nothing more is tried");
  }

  @Test
  public void aBarrierThatCannotBeAskedFailsOnlyItsStamp() {
    MockProducer<byte[], byte[]> p = producer(true);
    IllegalStateException broken = new IllegalStateException("broken barrier");
    WriteBarrier barrier =
        (t, q) -> {
          if (q == 0) {
            throw broken;
          }
          return CompletableFuture.completedFuture(null);
        };
    StampSender sender = new StampSender(new PartitionCounts(LONG_MS));
    StampBatch b = batch(LONG_MS, stamp(TOPIC, 0), stamp(TOPIC, 1));
    handOver(sender, b, p, barrier);
    assertEquals(b.outcome(0).status(), EmitStatus.FAILED);
    assertSame(b.outcome(0).cause(), broken);
    assertEquals(p.history().size(), 1);
    assertEquals(p.history().get(0).partition(), 1);
  }

  @Test
  public void aBarrierStillOpenAtTheDeadlineTimesOutWithoutSending() {
    MockProducer<byte[], byte[]> p = producer(true);
    WriteBarrier never = (t, q) -> new CompletableFuture<>();
    StampSender sender = new StampSender(new PartitionCounts(20));
    StampBatch b = batch(20, stamp(TOPIC, 0));
    handOver(sender, b, p, never);
    assertEquals(p.history().size(), 0);
    assertEquals(b.outcome(0).status(), EmitStatus.TIMED_OUT);
    assertEquals(
        b.outcome(0).cause().getMessage(),
        "the host's writes to send_v1-0 had not all completed within the ack timeout of 20 ms;"
            + " the stamp was not sent, so that it cannot land before them");
  }

  @Test
  public void aFailedHostWriteFailsTheStampWithoutSending() {
    MockProducer<byte[], byte[]> p = producer(true);
    IllegalStateException writeFailed = new IllegalStateException("NOT_ENOUGH_REPLICAS");
    WriteBarrier failed = (t, q) -> CompletableFuture.failedFuture(writeFailed);
    StampSender sender = new StampSender(new PartitionCounts(LONG_MS));
    StampBatch b = batch(LONG_MS, stamp(TOPIC, 1));
    handOver(sender, b, p, failed);
    assertEquals(p.history().size(), 0);
    assertEquals(b.outcome(0).status(), EmitStatus.FAILED);
    assertSame(b.outcome(0).cause().getCause(), writeFailed);
    assertEquals(
        b.outcome(0).cause().getMessage(),
        "a write of the host to send_v1-1 failed, so the stamp was not sent: " + writeFailed);
  }

  @Test
  public void anInterruptedBarrierWaitFailsTheStampAndKeepsTheFlag() {
    MockProducer<byte[], byte[]> p = producer(true);
    WriteBarrier never = (t, q) -> new CompletableFuture<>();
    StampSender sender = new StampSender(new PartitionCounts(LONG_MS));
    StampBatch b = batch(LONG_MS, stamp(TOPIC, 0));
    Thread.currentThread().interrupt();
    handOver(sender, b, p, never);
    assertTrue(Thread.interrupted(), "the flag is kept");
    assertEquals(b.outcome(0).status(), EmitStatus.FAILED);
    assertEquals(b.outcome(0).cause().getMessage(), "the stamp emitter is closing");
    assertEquals(p.history().size(), 0);
  }

  @Test
  public void withAZeroAckTimeoutABarrierIsWaitedForAtMostTheDeliveryFloor() {
    MockProducer<byte[], byte[]> p = producer(true);
    CompletableFuture<Object> opensLate = new CompletableFuture<>();
    WriteBarrier barrier = (t, q) -> opensLate;
    StampSender sender = new StampSender(new PartitionCounts(0));
    StampBatch b = batch(0, stamp(TOPIC, 0));
    // Opens after the deadline (past at once) but well within the floor: the stamp is sent.
    CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS)
        .execute(() -> opensLate.complete(null));
    handOver(sender, b, p, barrier);
    assertEquals(p.history().size(), 1);
  }

  @Test
  public void theProducerIsAskedForOncePerCall() {
    MockProducer<byte[], byte[]> p = producer(true);
    AtomicInteger asked = new AtomicInteger();
    Supplier<Producer<byte[], byte[]>> counting =
        () -> {
          asked.incrementAndGet();
          return p;
        };
    StampSender sender = new StampSender(new PartitionCounts(LONG_MS));
    StampBatch b = batch(LONG_MS, stamp(TOPIC, 0), stamp(TOPIC, 1), stamp(OTHER, 2));
    sender.handOver(b, b.unsettled(), counting, null);
    assertEquals(asked.get(), 1);
    assertEquals(p.history().size(), 3);
  }
}
