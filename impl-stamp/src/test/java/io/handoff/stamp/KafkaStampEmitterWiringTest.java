package io.handoff.stamp;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotSame;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import io.handoff.spi.WriteBarrier;
import io.handoff.testsupport.ThreadLeakCheck;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.mockito.ArgumentCaptor;
import org.mockito.stubbing.Answer;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/**
 * How {@link KafkaStampEmitter} is wired and where it may block, without a broker:
 *
 * <ul>
 *   <li>whatever blocks inside the Kafka client (a host producer's {@code send} on a full buffer,
 *       its metadata wait, the creation of the emitter's own producer) blocks the emitter's sender
 *       thread, never the calling thread beyond the ack timeout + 200 ms;
 *   <li>on its own producer, the emitter sends nothing before the host's {@link WriteBarrier}
 *       completes: a barrier still open at the deadline gives {@code TIMED_OUT}, a failed one
 *       {@code FAILED} naming the topic-partition, and in neither case is the producer even created
 *       (counted by a producer interceptor, which Kafka configures when it creates a producer);
 *   <li>{@link KafkaStampEmitter#from} picks the host's producer when lent, else the barrier, and
 *       refuses to build an emitter that could not order its stamps;
 *   <li>{@code retire} forgets a topic, the remembered topics are bounded, and {@code close} ends
 *       the sender thread and answers later emits with {@code FAILED}.
 * </ul>
 */
public class KafkaStampEmitterWiringTest {

  private static final long ACK_TIMEOUT_MS = 500;

  /**
   * The documented bound on a call: the ack timeout plus the hand-off between threads, which on a
   * loaded two-core machine takes up to a few hundred milliseconds; a second of slack still tells
   * it from the metadata waits these tests block (60 s).
   */
  private static final long BOUND_MS = ACK_TIMEOUT_MS + 1_000;

  /** How long a blocking call inside the Kafka client lasts unless the test releases it first. */
  private static final long BLOCK_MS = 8_000;

  private static final String SENDER_THREAD = "handoff-stamp-sender";
  private static final String TOPIC = "store_v9";
  private static final StepDown STEP_DOWN = StepDown.established(TOPIC, 2, 9_000, 0, "host-w");
  private static final WriteBarrier NOTHING_WRITTEN =
      (topic, partition) -> CompletableFuture.completedFuture(null);

  private static int closedPort;

  private final List<KafkaStampEmitter> emitters = new ArrayList<>();
  private final List<CountDownLatch> blocked = new ArrayList<>();

  /**
   * Counts the producers Kafka creates with it (it is configured once per producer) and the stamps
   * handed to their {@code send}.
   */
  public static final class CountingInterceptor implements ProducerInterceptor<byte[], byte[]> {
    static final AtomicInteger CREATED = new AtomicInteger();
    static final AtomicInteger SENT = new AtomicInteger();

    @Override
    public void configure(Map<String, ?> configs) {
      CREATED.incrementAndGet();
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
      SENT.incrementAndGet();
      return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

    @Override
    public void close() {}
  }

  /**
   * Makes the creation of a producer block, as a slow DNS lookup of the bootstrap servers does:
   * Kafka configures interceptors inside the producer's constructor.
   */
  public static final class BlockingInterceptor implements ProducerInterceptor<byte[], byte[]> {
    static volatile CountDownLatch entered = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);

    @Override
    public void configure(Map<String, ?> configs) {
      entered.countDown();
      try {
        release.await(BLOCK_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
      return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

    @Override
    public void close() {}
  }

  @BeforeClass
  public void findAClosedPort() throws Exception {
    // Nothing listens there: an own producer that gets as far as connecting finds no broker.
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
  }

  @BeforeMethod
  public void resetInterceptors() {
    CountingInterceptor.CREATED.set(0);
    CountingInterceptor.SENT.set(0);
    BlockingInterceptor.entered = new CountDownLatch(1);
    BlockingInterceptor.release = new CountDownLatch(1);
  }

  private ThreadLeakCheck leaks;

  @BeforeMethod
  public void snapshotThreads() {
    leaks = ThreadLeakCheck.snapshot();
  }

  @AfterMethod(alwaysRun = true)
  public void releaseAndClose() {
    // Release what a test left blocked first, so that closing does not depend on interrupts.
    blocked.forEach(CountDownLatch::countDown);
    blocked.clear();
    BlockingInterceptor.release.countDown();
    emitters.forEach(KafkaStampEmitter::close);
    emitters.clear();
    leaks.assertNoLeaks("after closing every emitter of the test");
  }

  private static HandoffSettings settings(long ackTimeoutMs) {
    return HandoffSettings.from(
        Map.of(
            HandoffSettings.EMIT_STEPDOWN_STAMP,
            "true",
            HandoffSettings.ACK_TIMEOUT_MS,
            Long.toString(ackTimeoutMs)));
  }

  /** Settings for an own producer towards the closed port, with {@code interceptor} watching it. */
  private static HandoffSettings ownProducerSettings(long ackTimeoutMs, Class<?> interceptor) {
    Map<String, String> m = new HashMap<>();
    m.put(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    m.put(HandoffSettings.ACK_TIMEOUT_MS, Long.toString(ackTimeoutMs));
    m.put(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", "127.0.0.1:" + closedPort);
    m.put(HandoffSettings.KAFKA_PREFIX + "client.id", "wiring-test");
    m.put(HandoffSettings.KAFKA_PREFIX + "interceptor.classes", interceptor.getName());
    return HandoffSettings.from(m);
  }

  private KafkaStampEmitter keep(KafkaStampEmitter e) {
    emitters.add(e);
    return e;
  }

  private CountDownLatch newBlock() {
    CountDownLatch l = new CountDownLatch(1);
    blocked.add(l);
    return l;
  }

  /** A host producer whose topics have 16 partitions and which acknowledges every send at once. */
  @SuppressWarnings("unchecked")
  private static Producer<byte[], byte[]> hostProducer() {
    Producer<byte[], byte[]> p = mock(Producer.class);
    List<PartitionInfo> partitions = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      partitions.add(new PartitionInfo(TOPIC, i, null, null, null));
    }
    when(p.partitionsFor(anyString())).thenReturn(partitions);
    when(p.send(any(), any())).thenAnswer(WiringAnswers::ack);
    return p;
  }

  /** Answers of the host producer's mock. */
  private static final class WiringAnswers {
    private WiringAnswers() {}

    /** Acknowledges the send at once, running the callback as the producer's I/O thread would. */
    static Object ack(org.mockito.invocation.InvocationOnMock inv) {
      ProducerRecord<byte[], byte[]> r = inv.getArgument(0);
      RecordMetadata m =
          new RecordMetadata(new TopicPartition(r.topic(), r.partition()), 7, 0, 0L, 1, 1);
      Callback cb = inv.getArgument(1);
      if (cb != null) {
        cb.onCompletion(m, null);
      }
      return CompletableFuture.completedFuture(m);
    }
  }

  /**
   * Blocks like the Kafka client does (a full buffer in {@code send}, a metadata wait): up to
   * {@link #BLOCK_MS} unless {@code release} opens first; an interrupt ends it with Kafka's
   * InterruptException, as in the real client. Then answers with {@code then}.
   */
  private static Answer<Object> blocking(
      CountDownLatch release,
      AtomicReference<Thread> on,
      CountDownLatch entered,
      Answer<Object> then) {
    return inv -> {
      on.set(Thread.currentThread());
      entered.countDown();
      try {
        release.await(BLOCK_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        throw new InterruptException(e);
      }
      return then.answer(inv);
    };
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private static String threadState(Thread t) {
    return t.getName() + " " + t.getState();
  }

  private static Set<Thread> senderThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(SENDER_THREAD) && t.isAlive())
        .collect(Collectors.toCollection(HashSet::new));
  }

  @SuppressWarnings("unchecked")
  private static List<ProducerRecord<byte[], byte[]>> sent(Producer<byte[], byte[]> p, int times) {
    ArgumentCaptor<ProducerRecord<byte[], byte[]>> c =
        ArgumentCaptor.forClass(ProducerRecord.class);
    verify(p, times(times)).send(c.capture(), any());
    return c.getAllValues();
  }

  private static long sends(Producer<byte[], byte[]> p) {
    return mockingDetails(p).getInvocations().stream()
        .filter(i -> i.getMethod().getName().equals("send"))
        .count();
  }

  private static List<Integer> partitions(List<ProducerRecord<byte[], byte[]>> records) {
    return records.stream().map(ProducerRecord::partition).toList();
  }

  // ------------------------------------------------------------------- blocking in the host's
  // producer

  /**
   * A host producer's send() that blocks (large max.block.ms, full buffer) holds the sender thread
   * only.
   */
  @Test
  public void aHostSendThatBlocksHoldsTheSenderThreadNotTheCaller() throws Exception {
    Producer<byte[], byte[]> p = hostProducer();
    CountDownLatch release = newBlock();
    AtomicReference<Thread> sendingThread = new AtomicReference<>();
    CountDownLatch entered = new CountDownLatch(1);
    doAnswer(blocking(release, sendingThread, entered, WiringAnswers::ack))
        .when(p)
        .send(any(), any());
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    KafkaStampEmitter emitter =
        keep(KafkaStampEmitter.onHostProducer(settings(ACK_TIMEOUT_MS), metrics, p));

    long t0 = System.nanoTime();
    EmitOutcome o = emitter.emitStepDown(STEP_DOWN);
    long tookMs = millisSince(t0);

    assertEquals(o.status(), EmitStatus.TIMED_OUT, o.toString());
    assertTrue(
        tookMs <= BOUND_MS,
        "the caller waited " + tookMs + " ms, beyond the ack timeout + 200 ms: " + o);
    assertTrue(o.cause().getMessage().contains(ACK_TIMEOUT_MS + " ms"), o.toString());
    assertEquals(metrics.emitFailure(), 1, metrics.toString());
    assertTrue(entered.await(5, TimeUnit.SECONDS), "the stamp must have reached the host's send()");
    Thread sender = sendingThread.get();
    assertNotSame(sender, Thread.currentThread(), "send() is never called on the caller's thread");
    assertEquals(sender.getName(), SENDER_THREAD, "send() runs on the emitter's sender thread");
    assertTrue(
        sender.getState() == Thread.State.TIMED_WAITING,
        "still blocked in send(): " + threadState(sender));

    // A second step-down while the first send is still blocked: queued behind it, still bounded.
    t0 = System.nanoTime();
    EmitOutcome second = emitter.emitStepDown(StepDown.established(TOPIC, 3, 9_001, 0, "host-w"));
    tookMs = millisSince(t0);
    assertEquals(second.status(), EmitStatus.TIMED_OUT, second.toString());
    assertTrue(tookMs <= BOUND_MS, "the second caller waited " + tookMs + " ms: " + second);

    // The host's producer moves again: the blocked stamp is handed over late (the documented late
    // landing, ordered after the host's records), the second one, whose caller was told TIMED_OUT
    // before it was handed over, never is, and the emitter works on.
    release.countDown();
    EmitOutcome third = emitter.emitStepDown(StepDown.established(TOPIC, 4, 9_002, 0, "host-w"));
    assertEquals(third.status(), EmitStatus.ACKED, third.toString());
    assertEquals(
        partitions(sent(p, 2)), List.of(2, 4), "the blocked stamp and the third; never the second");
  }

  /** The same for a batch: one deadline for all, nothing handed over after it. */
  @Test
  public void aBatchBehindABlockedHostSendIsBoundedAndSendsNothingLate() throws Exception {
    Producer<byte[], byte[]> p = hostProducer();
    CountDownLatch release = newBlock();
    AtomicReference<Thread> sendingThread = new AtomicReference<>();
    CountDownLatch entered = new CountDownLatch(1);
    doAnswer(blocking(release, sendingThread, entered, WiringAnswers::ack))
        .when(p)
        .send(any(), any());
    KafkaStampEmitter emitter =
        keep(KafkaStampEmitter.onHostProducer(settings(ACK_TIMEOUT_MS), HandoffMetrics.NOOP, p));
    List<StepDown> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      batch.add(StepDown.established(TOPIC, i, 9_100 + i, 0, "host-w"));
    }

    long t0 = System.nanoTime();
    List<EmitOutcome> out = emitter.emitStepDowns(batch);
    long tookMs = millisSince(t0);

    assertEquals(out.size(), batch.size(), "one outcome per step-down");
    for (int i = 0; i < out.size(); i++) {
      assertSame(out.get(i).stepDown(), batch.get(i), "outcome " + i + " in order");
      assertEquals(out.get(i).status(), EmitStatus.TIMED_OUT, out.get(i).toString());
    }
    assertTrue(
        tookMs <= BOUND_MS, "the batch took " + tookMs + " ms, beyond the ack timeout + 200 ms");
    assertTrue(
        entered.await(5, TimeUnit.SECONDS), "the first stamp must have reached the host's send()");
    assertEquals(sendingThread.get().getName(), SENDER_THREAD);

    release.countDown();
    // Queued behind the batch on the sender thread: once it is acked, the batch's hand-over is
    // over.
    EmitOutcome after = emitter.emitStepDown(StepDown.established(TOPIC, 15, 9_200, 0, "host-w"));
    assertEquals(after.status(), EmitStatus.ACKED, after.toString());
    assertEquals(
        partitions(sent(p, 2)),
        List.of(0, 15),
        "only the stamp already in send() went out late; the other nine were never handed over");
  }

  /** A host producer whose metadata wait blocks (partitionsFor) holds the sender thread only. */
  @Test
  public void aHostMetadataWaitThatBlocksHoldsTheSenderThreadNotTheCaller() throws Exception {
    Producer<byte[], byte[]> p = hostProducer();
    List<PartitionInfo> partitions = p.partitionsFor(TOPIC);
    CountDownLatch release = newBlock();
    AtomicReference<Thread> waitingThread = new AtomicReference<>();
    CountDownLatch entered = new CountDownLatch(1);
    doAnswer(blocking(release, waitingThread, entered, inv -> partitions))
        .when(p)
        .partitionsFor(anyString());
    KafkaStampEmitter emitter =
        keep(KafkaStampEmitter.onHostProducer(settings(ACK_TIMEOUT_MS), HandoffMetrics.NOOP, p));

    long t0 = System.nanoTime();
    EmitOutcome one = emitter.emitStepDown(STEP_DOWN);
    long oneMs = millisSince(t0);
    assertEquals(one.status(), EmitStatus.TIMED_OUT, one.toString());
    assertTrue(oneMs <= BOUND_MS, "the caller waited " + oneMs + " ms: " + one);
    assertTrue(entered.await(5, TimeUnit.SECONDS), "the emitter must have asked for the metadata");
    assertNotSame(
        waitingThread.get(),
        Thread.currentThread(),
        "the metadata wait is not on the caller's thread");
    assertEquals(waitingThread.get().getName(), SENDER_THREAD);

    List<StepDown> batch =
        List.of(
            StepDown.established(TOPIC, 0, 9_300, 0, "host-w"),
            StepDown.established("store_v10", 1, 9_301, 0, "host-w"));
    t0 = System.nanoTime();
    List<EmitOutcome> out = emitter.emitStepDowns(batch);
    long batchMs = millisSince(t0);
    out.forEach(o -> assertEquals(o.status(), EmitStatus.TIMED_OUT, o.toString()));
    assertTrue(batchMs <= BOUND_MS, "the batch took " + batchMs + " ms");

    // Once the metadata arrives, past the deadline, the stamp it held up is not sent late.
    release.countDown();
    EmitOutcome after = emitter.emitStepDown(StepDown.established(TOPIC, 5, 9_400, 0, "host-w"));
    assertEquals(after.status(), EmitStatus.ACKED, after.toString());
    assertEquals(partitions(sent(p, 1)), List.of(5), "nothing whose deadline had passed was sent");
  }

  /**
   * With a zero ack timeout nobody waits, but every stamp is still handed over, also one that
   * arrives while the sender thread is busy (here with a metadata wait of {@code prepare}, which
   * gives up waiting at once): it is sent once the sender thread is free.
   */
  @Test
  public void withAZeroAckTimeoutAStampBehindABusySenderIsStillHandedOver() throws Exception {
    Producer<byte[], byte[]> p = hostProducer();
    List<PartitionInfo> partitions = p.partitionsFor(TOPIC);
    CountDownLatch release = newBlock();
    AtomicReference<Thread> waitingThread = new AtomicReference<>();
    CountDownLatch entered = new CountDownLatch(1);
    doAnswer(blocking(release, waitingThread, entered, inv -> partitions))
        .when(p)
        .partitionsFor(anyString());
    KafkaStampEmitter emitter =
        keep(KafkaStampEmitter.onHostProducer(settings(0), HandoffMetrics.NOOP, p));
    emitter.prepare(TOPIC);
    assertTrue(
        entered.await(5, TimeUnit.SECONDS), "the sender thread is busy waiting for metadata");

    EmitOutcome o = emitter.emitStepDown(STEP_DOWN);
    assertEquals(o.status(), EmitStatus.TIMED_OUT, "nobody waits: " + o);
    release.countDown();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (sends(p) == 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertEquals(
        sends(p),
        1,
        "the stamp must be handed over once the sender thread is free, although its"
            + " caller, who does not wait, was told "
            + o);
    assertEquals(partitions(sent(p, 1)), List.of(2), "the stamp's partition");
  }

  // ------------------------------------------------------------ the own producer after the host's
  // barrier

  /**
   * A barrier that never completes: TIMED_OUT within the bound, and no producer is even created.
   */
  @Test
  public void aBarrierThatNeverCompletesSendsNothing() throws Exception {
    List<String> asked = new CopyOnWriteArrayList<>();
    AtomicReference<Thread> askedOn = new AtomicReference<>();
    AtomicInteger producersWhenAskedForTheNext = new AtomicInteger(-1);
    WriteBarrier barrier =
        (topic, partition) -> {
          asked.add(topic + "-" + partition);
          askedOn.set(Thread.currentThread());
          if (partition == STEP_DOWN.partition()) {
            return new CompletableFuture<>(); // a host write to this partition that never completes
          }
          // Asked on the sender thread only after it is done with the first stamp: did it create a
          // producer?
          producersWhenAskedForTheNext.set(CountingInterceptor.CREATED.get());
          return CompletableFuture.completedFuture(null);
        };
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    KafkaStampEmitter emitter =
        keep(
            KafkaStampEmitter.afterHostWrites(
                ownProducerSettings(ACK_TIMEOUT_MS, CountingInterceptor.class), metrics, barrier));

    long t0 = System.nanoTime();
    EmitOutcome o = emitter.emitStepDown(STEP_DOWN);
    long tookMs = millisSince(t0);

    assertEquals(o.status(), EmitStatus.TIMED_OUT, o.toString());
    assertTrue(tookMs <= BOUND_MS, "the caller waited " + tookMs + " ms: " + o);
    assertEquals(
        asked, List.of(TOPIC + "-2"), "the barrier is asked for the stamp's topic-partition");
    assertEquals(
        askedOn.get().getName(), SENDER_THREAD, "the barrier is waited for on the sender thread");
    assertEquals(metrics.emitFailure(), 1, metrics.toString());

    // The next step-down, of a partition without outstanding writes, goes as far as the producer
    // (which finds no broker at the closed port): the barrier alone stopped the first one.
    EmitOutcome next = emitter.emitStepDown(StepDown.established(TOPIC, 5, 9_500, 0, "host-w"));
    assertEquals(next.status(), EmitStatus.TIMED_OUT, "no broker at the closed port: " + next);
    assertEquals(
        asked, List.of(TOPIC + "-2", TOPIC + "-5"), "asked for the next stamp's partition");
    assertEquals(
        producersWhenAskedForTheNext.get(),
        0,
        "no producer was created for the stamp held by the barrier");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (CountingInterceptor.CREATED.get() == 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertEquals(
        CountingInterceptor.CREATED.get(), 1, "the next stamp got as far as creating the producer");
    assertEquals(
        CountingInterceptor.SENT.get(),
        0,
        "nothing was sent: the first held back, the next found no broker");
  }

  /**
   * The reason a barrier held a stamp back is in its outcome: the host's writes to that
   * topic-partition had not completed, so the stamp was not sent.
   */
  @Test
  public void aStampHeldBackByTheBarrierSaysSo() {
    WriteBarrier never = (topic, partition) -> new CompletableFuture<>();
    KafkaStampEmitter emitter =
        keep(
            KafkaStampEmitter.afterHostWrites(
                ownProducerSettings(ACK_TIMEOUT_MS, CountingInterceptor.class),
                HandoffMetrics.NOOP,
                never));
    EmitOutcome o = emitter.emitStepDown(STEP_DOWN);
    assertEquals(o.status(), EmitStatus.TIMED_OUT, o.toString());
    // Whichever thread settles the stamp at the deadline (the sender giving up on the barrier, or
    // the caller giving up on the sender), the outcome names what held the stamp back.
    String message = String.valueOf(o.cause().getMessage());
    assertTrue(
        message.contains("the host's writes to " + TOPIC + "-2"),
        "the outcome must say that the host's writes to " + TOPIC + "-2 held the stamp back: " + o);
  }

  /**
   * A barrier that failed: FAILED naming the topic-partition and the host's failure, nothing sent.
   */
  @Test
  public void aFailedBarrierFailsTheStampWithoutSendingIt() {
    NotEnoughReplicasException hostFailure = new NotEnoughReplicasException("one replica in sync");
    WriteBarrier failed = (topic, partition) -> CompletableFuture.failedFuture(hostFailure);
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    KafkaStampEmitter emitter =
        keep(
            KafkaStampEmitter.afterHostWrites(
                ownProducerSettings(ACK_TIMEOUT_MS, CountingInterceptor.class), metrics, failed));

    EmitOutcome o = emitter.emitStepDown(STEP_DOWN);

    assertEquals(o.status(), EmitStatus.FAILED, o.toString());
    assertTrue(o.cause().getMessage().contains(TOPIC + "-2"), "names the topic-partition: " + o);
    assertTrue(o.cause().getMessage().contains("not sent"), o.toString());
    assertSame(o.cause().getCause(), hostFailure, "carries the host's failure");
    assertEquals(metrics.emitFailure(), 1, metrics.toString());
    assertEquals(
        CountingInterceptor.CREATED.get(), 0, "no producer was created: nothing could be sent");
  }

  /**
   * A barrier that breaks its contract (throws, answers null) fails the stamp; the emitter does not
   * throw.
   */
  @Test
  public void aBarrierThatBreaksItsContractFailsTheStamp() {
    IllegalStateException broken = new IllegalStateException("host state lost");
    WriteBarrier throwing =
        (topic, partition) -> {
          throw broken;
        };
    KafkaStampEmitter emitter =
        keep(
            KafkaStampEmitter.afterHostWrites(
                ownProducerSettings(ACK_TIMEOUT_MS, CountingInterceptor.class),
                HandoffMetrics.NOOP,
                throwing));
    EmitOutcome o = emitter.emitStepDown(STEP_DOWN);
    assertEquals(o.status(), EmitStatus.FAILED, o.toString());
    assertSame(o.cause(), broken, o.toString());

    WriteBarrier answersNull = (topic, partition) -> null;
    KafkaStampEmitter second =
        keep(
            KafkaStampEmitter.afterHostWrites(
                ownProducerSettings(ACK_TIMEOUT_MS, CountingInterceptor.class),
                HandoffMetrics.NOOP,
                answersNull));
    EmitOutcome n = second.emitStepDown(STEP_DOWN);
    assertEquals(n.status(), EmitStatus.FAILED, n.toString());
    assertEquals(CountingInterceptor.CREATED.get(), 0, "no producer was created for either");
  }

  /** In a batch, each stamp waits for its own partition's barrier only. */
  @Test
  public void inABatchEachStampHasItsOwnPartitionsBarrier() {
    NotEnoughReplicasException hostFailure = new NotEnoughReplicasException("one replica in sync");
    WriteBarrier perPartition =
        (topic, partition) ->
            partition == 1
                ? CompletableFuture.failedFuture(hostFailure)
                : CompletableFuture.completedFuture(null);
    KafkaStampEmitter emitter =
        keep(
            KafkaStampEmitter.afterHostWrites(
                ownProducerSettings(ACK_TIMEOUT_MS, CountingInterceptor.class),
                HandoffMetrics.NOOP,
                perPartition));
    // Partition 1 first: its stamp is settled at once, before partition 0's waits out the deadline.
    List<EmitOutcome> out =
        emitter.emitStepDowns(
            List.of(
                StepDown.established(TOPIC, 1, 9_601, 0, "host-w"),
                StepDown.established(TOPIC, 0, 9_600, 0, "host-w")));
    assertEquals(out.get(0).status(), EmitStatus.FAILED, out.get(0).toString());
    assertTrue(out.get(0).cause().getMessage().contains(TOPIC + "-1"), out.get(0).toString());
    // Partition 0's writes were done: its stamp went on to the producer, which finds no broker.
    assertEquals(out.get(1).status(), EmitStatus.TIMED_OUT, out.get(1).toString());
    assertEquals(
        CountingInterceptor.CREATED.get(), 1, "the producer was created for partition 0's stamp");
  }

  /**
   * Creating the emitter's own producer can block (DNS lookups of the bootstrap servers; here an
   * interceptor, which Kafka configures inside the producer's constructor). It runs on the sender
   * thread, so a step-down or a {@code prepare} arriving meanwhile waits no longer than the ack
   * timeout either, and {@code retire} does not wait at all.
   */
  @Test
  public void aProducerCreationThatBlocksHoldsNoCallerBeyondTheAckTimeout() throws Exception {
    KafkaStampEmitter emitter =
        keep(
            KafkaStampEmitter.afterHostWrites(
                ownProducerSettings(ACK_TIMEOUT_MS, BlockingInterceptor.class),
                HandoffMetrics.NOOP,
                NOTHING_WRITTEN));

    long t0 = System.nanoTime();
    EmitOutcome first = emitter.emitStepDown(STEP_DOWN);
    long firstMs = millisSince(t0);
    assertEquals(first.status(), EmitStatus.TIMED_OUT, first.toString());
    assertTrue(firstMs <= BOUND_MS, "the first caller waited " + firstMs + " ms: " + first);
    assertTrue(
        BlockingInterceptor.entered.await(5, TimeUnit.SECONDS), "the producer is being created");

    // The producer is still being created on the sender thread (until the test ends or 8 s pass).
    AtomicReference<EmitOutcome> second = new AtomicReference<>();
    long[] tookMs = new long[2];
    Thread stepDown =
        new Thread(
            () -> {
              long s = System.nanoTime();
              second.set(emitter.emitStepDown(StepDown.established(TOPIC, 3, 9_700, 0, "host-w")));
              tookMs[0] = millisSince(s);
            },
            "second-caller");
    Thread prepare =
        new Thread(
            () -> {
              long s = System.nanoTime();
              emitter.prepare("store_v11");
              tookMs[1] = millisSince(s);
            },
            "preparing-caller");
    stepDown.start();
    prepare.start();
    t0 = System.nanoTime();
    emitter.retire(TOPIC);
    long retireMs = millisSince(t0);
    stepDown.join(BLOCK_MS + 5_000);
    prepare.join(BLOCK_MS + 5_000);
    assertFalse(stepDown.isAlive() || prepare.isAlive(), "a caller never returned");

    assertTrue(retireMs <= BOUND_MS, "retire() waited " + retireMs + " ms");
    assertEquals(second.get().status(), EmitStatus.TIMED_OUT, second.get().toString());
    assertTrue(
        tookMs[0] <= BOUND_MS,
        "a step-down arriving while the producer was being created waited "
            + tookMs[0]
            + " ms, beyond the ack timeout + 200 ms: "
            + second.get());
    assertTrue(
        tookMs[1] <= BOUND_MS,
        "prepare() called while the producer was being created waited "
            + tookMs[1]
            + " ms, beyond the ack timeout + 200 ms");
  }

  // ------------------------------------------------------------------------------------- from()

  /**
   * The host's producer, when lent, carries the stamps: ordered by Kafka, no bound of the emitter's
   * own.
   */
  @Test
  public void fromPicksTheHostsProducerWhenLent() {
    Producer<byte[], byte[]> p = hostProducer();
    List<String> asked = new CopyOnWriteArrayList<>();
    WriteBarrier barrier =
        (topic, partition) -> {
          asked.add(topic + "-" + partition);
          return CompletableFuture.completedFuture(null);
        };
    KafkaStampEmitter emitter =
        keep(
            KafkaStampEmitter.from(
                settings(ACK_TIMEOUT_MS),
                HandoffMetrics.NOOP,
                HostResources.of(Producer.class, p)));
    assertEquals(
        emitter.deliveryBound(),
        Optional.empty(),
        "the host producer's delivery.timeout.ms decides");
    assertEquals(emitter.emitStepDown(STEP_DOWN).status(), EmitStatus.ACKED);
    assertEquals(partitions(sent(p, 1)), List.of(2), "the stamp travelled on the host's producer");

    // Both lent: the host's producer wins; the barrier is not needed and never asked.
    Producer<byte[], byte[]> p2 = hostProducer();
    KafkaStampEmitter both =
        keep(
            KafkaStampEmitter.from(
                settings(ACK_TIMEOUT_MS),
                HandoffMetrics.NOOP,
                HostResources.builder()
                    .add(Producer.class, p2)
                    .add(WriteBarrier.class, barrier)
                    .build()));
    assertEquals(both.deliveryBound(), Optional.empty());
    assertEquals(both.emitStepDown(STEP_DOWN).status(), EmitStatus.ACKED);
    assertEquals(partitions(sent(p2, 1)), List.of(2));
    assertEquals(
        asked, List.of(), "the barrier is not asked when the stamp rides on the host's producer");
    both.close();
    verify(p2, never()).close();
    verify(p2, never()).close(any(Duration.class));
  }

  /** A barrier lent without a producer: the emitter's own producer, with its delivery bound. */
  @Test
  public void fromPicksTheOwnProducerAfterTheBarrierWhenOnlyABarrierIsLent() {
    for (long ack : new long[] {200, ACK_TIMEOUT_MS, 5_000}) {
      KafkaStampEmitter emitter =
          keep(
              KafkaStampEmitter.from(
                  ownProducerSettings(ack, CountingInterceptor.class),
                  HandoffMetrics.NOOP,
                  HostResources.of(WriteBarrier.class, NOTHING_WRITTEN)));
      assertEquals(
          emitter.deliveryBound(),
          Optional.of(Duration.ofMillis(StampProducerConfig.deliveryBoundMs(ack))),
          "ack timeout " + ack + " ms");
    }
    assertEquals(
        CountingInterceptor.CREATED.get(), 0, "the own producer is created lazily, not by from()");
    // A producer lent under its class rather than under Producer.class is not found: only exact
    // types count.
    KafkaProducer<?, ?> wrongKey = mock(KafkaProducer.class);
    KafkaStampEmitter fallback =
        keep(
            KafkaStampEmitter.from(
                ownProducerSettings(ACK_TIMEOUT_MS, CountingInterceptor.class),
                HandoffMetrics.NOOP,
                HostResources.builder()
                    .add(KafkaProducer.class, wrongKey)
                    .add(WriteBarrier.class, NOTHING_WRITTEN)
                    .build()));
    assertTrue(
        fallback.deliveryBound().isPresent(),
        "a KafkaProducer.class entry is not the host's Producer.class");
    verifyNoInteractions(wrongKey);
  }

  /** Switched on with neither lent: no emitter, and the refusal says what to lend. */
  @Test
  public void fromRefusesAnEmitterThatCannotOrderItsStamps() {
    for (HostResources r :
        List.of(HostResources.none(), HostResources.of(CharSequence.class, "unrelated"))) {
      IllegalArgumentException e =
          expectThrows(
              IllegalArgumentException.class,
              () ->
                  KafkaStampEmitter.from(
                      ownProducerSettings(ACK_TIMEOUT_MS, CountingInterceptor.class),
                      HandoffMetrics.NOOP,
                      r));
      assertTrue(
          e.getMessage().contains("Producer"), "names the producer to lend: " + e.getMessage());
      assertTrue(
          e.getMessage().contains("WriteBarrier"), "names the barrier to lend: " + e.getMessage());
      assertTrue(e.getMessage().contains(r.toString()), "says what was lent: " + e.getMessage());
      IllegalArgumentException viaProvider =
          expectThrows(
              IllegalArgumentException.class,
              () ->
                  new StampProvider().newEmitter(settings(ACK_TIMEOUT_MS), HandoffMetrics.NOOP, r));
      assertEquals(viaProvider.getMessage(), e.getMessage(), "the provider refuses the same way");
    }
    expectThrows(
        IllegalArgumentException.class,
        () ->
            LeadershipHandoffs.emitter(
                ownProducerSettings(ACK_TIMEOUT_MS, CountingInterceptor.class),
                HandoffMetrics.NOOP,
                HostResources.none()));
    // A barrier lent, but the own producer's settings are unusable: refused too, naming the key.
    IllegalArgumentException noBootstrap =
        expectThrows(
            IllegalArgumentException.class,
            () ->
                KafkaStampEmitter.from(
                    settings(ACK_TIMEOUT_MS),
                    HandoffMetrics.NOOP,
                    HostResources.of(WriteBarrier.class, NOTHING_WRITTEN)));
    assertTrue(
        noBootstrap.getMessage().contains(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers"),
        noBootstrap.getMessage());
  }

  /** Switched off, an emitter needs nothing of the host, writes nothing and touches nothing. */
  @Test
  public void fromSwitchedOffNeedsNothing() {
    Producer<byte[], byte[]> p = hostProducer();
    for (HostResources r : List.of(HostResources.none(), HostResources.of(Producer.class, p))) {
      KafkaStampEmitter off =
          keep(KafkaStampEmitter.from(HandoffSettings.defaults(), HandoffMetrics.NOOP, r));
      assertEquals(off.emitStepDown(STEP_DOWN).status(), EmitStatus.SKIPPED_DISABLED, r.toString());
      assertEquals(
          off.emitStepDowns(List.of(STEP_DOWN, STEP_DOWN)).stream()
              .map(EmitOutcome::status)
              .toList(),
          List.of(EmitStatus.SKIPPED_DISABLED, EmitStatus.SKIPPED_DISABLED),
          r.toString());
      off.prepare(TOPIC);
    }
    verifyNoInteractions(p);
    try (LeadershipHandoffEmitter viaProvider =
        new StampProvider()
            .newEmitter(HandoffSettings.defaults(), HandoffMetrics.NOOP, HostResources.none())) {
      assertEquals(viaProvider.emitStepDown(STEP_DOWN).status(), EmitStatus.SKIPPED_DISABLED);
    }
  }

  // --------------------------------------------------------------------- retire() and the bound

  /**
   * Topics known to exist go first in a batch; after {@code retire} a topic is unknown again. Each
   * batch pairs a topic never seen before with {@code known}, in that order.
   */
  @Test
  public void retireForgetsATopic() {
    Producer<byte[], byte[]> p = hostProducer();
    KafkaStampEmitter emitter =
        keep(KafkaStampEmitter.onHostProducer(settings(ACK_TIMEOUT_MS), HandoffMetrics.NOOP, p));
    String known = "known_v1";
    assertEquals(
        emitter.emitStepDown(StepDown.established(known, 0, 1, 0, "h")).status(), EmitStatus.ACKED);

    emitter.emitStepDowns(
        List.of(
            StepDown.established("fresh_v1", 0, 2, 0, "h"),
            StepDown.established(known, 1, 2, 0, "h")));
    List<String> topics = sent(p, 3).stream().map(ProducerRecord::topic).toList();
    assertEquals(
        topics.subList(1, 3), List.of(known, "fresh_v1"), "a known topic's stamp goes first");

    emitter.retire(known);
    emitter.emitStepDowns(
        List.of(
            StepDown.established("fresh_v2", 0, 3, 0, "h"),
            StepDown.established(known, 2, 3, 0, "h")));
    topics = sent(p, 5).stream().map(ProducerRecord::topic).toList();
    assertEquals(
        topics.subList(3, 5),
        List.of("fresh_v2", known),
        "retired: no longer known, so in call order");
    expectThrows(NullPointerException.class, () -> emitter.retire(null));
  }

  /** The topics remembered are bounded: the least recently used beyond the bound are dropped. */
  @Test
  public void theRememberedTopicsAreBounded() {
    Producer<byte[], byte[]> p = hostProducer();
    // A deadline no batch here comes near: every stamp is handed over, however slow the mock.
    long ack = HandoffSettings.MAX_ACK_TIMEOUT_MS;
    StampSender sender = new StampSender(new PartitionCounts(ack));
    int n = PartitionCounts.MAX_KNOWN_TOPICS + 100;
    StepDown[] stamps = new StepDown[n];
    for (int i = 0; i < n; i++) {
      stamps[i] = StepDown.established("bounded_v" + i, 0, 1, 0, "h");
    }
    StampBatch all = new StampBatch(stamps, ack);
    sender.handOver(all, all.unsettled(), () -> p, null);
    verify(p, times(n)).send(any(), any());
    assertEquals(
        sender.counts().knownTopics(),
        PartitionCounts.MAX_KNOWN_TOPICS,
        "stamped " + n + " topics, remembers at most " + PartitionCounts.MAX_KNOWN_TOPICS);

    // The oldest was dropped, the newest kept: a batch of both sends the newest first.
    StepDown oldest = StepDown.established("bounded_v0", 0, 2, 0, "h");
    StepDown newest = StepDown.established("bounded_v" + (n - 1), 0, 2, 0, "h");
    StampBatch two = new StampBatch(new StepDown[] {oldest, newest}, ack);
    sender.handOver(two, two.unsettled(), () -> p, null);
    List<ProducerRecord<byte[], byte[]>> records = sent(p, n + 2);
    assertEquals(
        List.of(records.get(n).topic(), records.get(n + 1).topic()),
        List.of(newest.versionTopic(), oldest.versionTopic()),
        "the least recently used topic was forgotten, the most recent kept");
    assertTrue(
        sender.counts().knownTopics() <= PartitionCounts.MAX_KNOWN_TOPICS,
        "still bounded: " + sender.counts().knownTopics());

    sender.counts().forget(newest.versionTopic());
    assertEquals(
        sender.counts().knownTopics(),
        PartitionCounts.MAX_KNOWN_TOPICS - 1,
        "forget() drops one topic");
  }

  // ------------------------------------------------------------------------------------- close()

  /** close() ends the sender thread; later emits answer FAILED with an IllegalStateException. */
  @Test
  public void closeEndsTheSenderThreadAndLaterEmitsFail() throws Exception {
    Set<Thread> before = senderThreads();
    Producer<byte[], byte[]> p = hostProducer();
    KafkaStampEmitter emitter =
        keep(KafkaStampEmitter.onHostProducer(settings(ACK_TIMEOUT_MS), HandoffMetrics.NOOP, p));
    assertEquals(emitter.emitStepDown(STEP_DOWN).status(), EmitStatus.ACKED);
    Set<Thread> mine = senderThreads();
    mine.removeAll(before);
    assertEquals(mine.size(), 1, "the first emit started one sender thread");

    emitter.close();
    List<Thread> alive = awaitDeath(mine, 5_000);
    assertEquals(alive, List.of(), "the sender thread outlived close()");

    EmitOutcome o = emitter.emitStepDown(STEP_DOWN);
    assertEquals(o.status(), EmitStatus.FAILED, o.toString());
    assertTrue(o.cause() instanceof IllegalStateException, o.toString());
    List<EmitOutcome> out =
        emitter.emitStepDowns(List.of(STEP_DOWN, StepDown.established(TOPIC, 3, 9_800, 0, "h")));
    out.forEach(
        x -> {
          assertEquals(x.status(), EmitStatus.FAILED, x.toString());
          assertTrue(x.cause() instanceof IllegalStateException, x.toString());
        });
    // Skips are still skips after close: nothing would have been sent anyway.
    assertEquals(
        emitter.emitStepDown(StepDown.established(TOPIC, 0, 0, 0, "h")).status(),
        EmitStatus.SKIPPED_NO_TERM);
    emitter.prepare(TOPIC);
    emitter.retire(TOPIC);
    emitter.close();
    Set<Thread> now = senderThreads();
    now.removeAll(before);
    assertEquals(now, Set.of(), "nothing after close() started a sender thread");
    assertEquals(partitions(sent(p, 1)), List.of(2), "only the stamp before close() was sent");
    verify(p, never()).close();
    verify(p, never()).close(any(Duration.class));
  }

  /** close() while the sender thread is blocked in the host's send(): the thread still ends. */
  @Test
  public void closeEndsASenderThreadBlockedInTheHostsSend() throws Exception {
    Set<Thread> before = senderThreads();
    Producer<byte[], byte[]> p = hostProducer();
    CountDownLatch release =
        new CountDownLatch(1); // never released: only the interrupt of close() ends it
    AtomicReference<Thread> sendingThread = new AtomicReference<>();
    CountDownLatch entered = new CountDownLatch(1);
    doAnswer(blocking(release, sendingThread, entered, WiringAnswers::ack))
        .when(p)
        .send(any(), any());
    KafkaStampEmitter emitter =
        keep(KafkaStampEmitter.onHostProducer(settings(ACK_TIMEOUT_MS), HandoffMetrics.NOOP, p));
    assertEquals(emitter.emitStepDown(STEP_DOWN).status(), EmitStatus.TIMED_OUT);
    assertTrue(entered.await(5, TimeUnit.SECONDS));
    Set<Thread> mine = senderThreads();
    mine.removeAll(before);
    assertEquals(
        mine, Set.of(sendingThread.get()), "the blocked thread is this emitter's sender thread");

    long t0 = System.nanoTime();
    emitter.close();
    assertTrue(millisSince(t0) <= BOUND_MS, "close() waited for the blocked send");
    assertEquals(awaitDeath(mine, 5_000), List.of(), "the sender thread outlived close()");
    EmitOutcome after = emitter.emitStepDown(STEP_DOWN);
    assertEquals(after.status(), EmitStatus.FAILED, after.toString());
    assertTrue(after.cause() instanceof IllegalStateException, after.toString());
  }

  private static List<Thread> awaitDeath(Set<Thread> threads, long timeoutMs)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
    return threads.stream().filter(Thread::isAlive).toList();
  }
}
