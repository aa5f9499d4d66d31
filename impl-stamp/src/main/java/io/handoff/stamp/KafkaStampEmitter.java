package io.handoff.stamp;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.StepDown;
import io.handoff.spi.WriteBarrier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes step-down stamps to version topics, always ordered after the stepping-down leader's own
 * records (rule E2 of {@code docs/ARCHITECTURE.md}). There are exactly two wirings, and no way to
 * build a third:
 *
 * <ul>
 *   <li><b>On the host's producer</b> ({@link #onHostProducer}): the stamp travels on the producer
 *       the leader wrote its data with, so Kafka appends it after everything that producer sent to
 *       the partition before (the producer must be idempotent, Kafka's default, or allow one
 *       request in flight). The host owns, configures and closes the producer.
 *   <li><b>On a producer of its own, after the host's writes</b> ({@link #afterHostWrites}): before
 *       sending a stamp the emitter waits, within the ack timeout, for the host's {@link
 *       WriteBarrier} to report every earlier write to that partition acknowledged. A stamp whose
 *       barrier does not complete in time is not sent at all ({@code TIMED_OUT}); one whose barrier
 *       fails is not sent either ({@code FAILED}). The producer is created on first use from {@code
 *       server.leader.handover.kafka.*} ({@link StampProducerConfig}).
 * </ul>
 *
 * <p><b>Blocking.</b> Everything that can block inside the Kafka client (creating the producer,
 * waiting for metadata, {@code send} on a full buffer, a barrier) runs on the emitter's own sender
 * thread; the calling thread only waits, against one deadline of one ack timeout from the call,
 * whoever owns the producer. A stamp not handed over or not acknowledged by then is {@code
 * TIMED_OUT}. {@link #emitStepDowns} hands every stamp over first, stamps of partitions known to
 * exist ahead of the others, waits for each topic's metadata at most once, and then waits for all
 * acks. A partition beyond the topic's partition count is {@code FAILED} without being sent.
 *
 * <p><b>How late can a stamp land?</b> One that was not {@code ACKED} may still land: on the
 * emitter's own producer within {@link StampProducerConfig#deliveryBoundMs} of its timestamp; on
 * the host's producer within that producer's {@code delivery.timeout.ms} (120 s by Kafka's
 * default), or later if a send was still blocked when the deadline passed. Either way it lands
 * after the leader's own records, so inside the next leader's tenure or after its declaration,
 * where the tenure rules never let it count (rules E4 and R3).
 */
public final class KafkaStampEmitter implements LeadershipHandoffEmitter {

  /**
   * The name of the emitter's sender thread, on which whatever may block in the Kafka client runs:
   * what thread dumps and profilers show of the emitter's own work.
   */
  public static final String SENDER_THREAD_NAME = SenderThread.NAME;

  private static final Logger LOG = LoggerFactory.getLogger(KafkaStampEmitter.class);

  private final boolean enabled;
  private final long ackTimeoutMs;
  private final WriteBarrier barrier;
  private final SenderThread thread;
  private final PartitionCounts counts;
  private final StampSender sender;
  private final StampOutcomes outcomes;
  private final Supplier<Producer<byte[], byte[]>> producers;

  private KafkaStampEmitter(
      HandoffSettings settings,
      HandoffMetrics metrics,
      Supplier<Producer<byte[], byte[]>> producerFactory,
      boolean ownsProducer,
      WriteBarrier barrier) {
    requireNonNull(settings, "settings is null");
    this.outcomes = new StampOutcomes(requireNonNull(metrics, "metrics is null"));
    this.enabled = settings.emitStepDownStamp();
    this.ackTimeoutMs = settings.ackTimeoutMs();
    this.barrier = barrier;
    this.thread = new SenderThread(producerFactory, ownsProducer);
    this.producers = thread::producer;
    this.counts = new PartitionCounts(ackTimeoutMs);
    this.sender = new StampSender(counts);
  }

  /**
   * Stamps travel on {@code hostProducer}, the producer the host writes its data with; the host
   * owns and closes it.
   */
  public static KafkaStampEmitter onHostProducer(
      HandoffSettings settings, HandoffMetrics metrics, Producer<byte[], byte[]> hostProducer) {
    requireNonNull(hostProducer, "hostProducer is null");
    return new KafkaStampEmitter(settings, metrics, () -> hostProducer, false, null);
  }

  /**
   * Stamps travel on a producer of the emitter's own, each only once {@code barrier} reports the
   * host's earlier writes to its partition acknowledged.
   *
   * @throws IllegalArgumentException if emitting is on and the Kafka properties lack {@code
   *     bootstrap.servers} or hold an invalid producer setting; the message names the key
   */
  public static KafkaStampEmitter afterHostWrites(
      HandoffSettings settings, HandoffMetrics metrics, WriteBarrier barrier) {
    requireNonNull(settings, "settings is null");
    requireNonNull(barrier, "barrier is null");
    Supplier<Producer<byte[], byte[]>> factory;
    if (settings.emitStepDownStamp()) {
      var config = StampProducerConfig.of(settings);
      factory = () -> new KafkaProducer<>(config);
    } else {
      factory =
          () -> {
            throw new IllegalStateException("emitting is switched off");
          };
    }
    return new KafkaStampEmitter(settings, metrics, factory, true, barrier);
  }

  /**
   * The wiring the host's resources allow: its producer ({@code Producer.class}) when lent, else a
   * {@link WriteBarrier}. An emitter that is switched off needs neither.
   *
   * @throws IllegalArgumentException if emitting is on and the host lent neither, naming both
   */
  @SuppressWarnings("unchecked")
  public static KafkaStampEmitter from(
      HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
    requireNonNull(settings, "settings is null");
    requireNonNull(resources, "resources is null");
    Optional<Producer> producer = resources.find(Producer.class);
    if (producer.isPresent()) {
      if (settings.emitStepDownStamp() && !settings.kafkaProperties().isEmpty()) {
        LOG.warn(
            "The {}* settings are not used: stamps travel on the host's producer, with its configuration",
            HandoffSettings.KAFKA_PREFIX);
      }
      return onHostProducer(settings, metrics, (Producer<byte[], byte[]>) producer.get());
    }
    Optional<WriteBarrier> barrier = resources.find(WriteBarrier.class);
    if (barrier.isPresent()) {
      return afterHostWrites(settings, metrics, barrier.get());
    }
    if (!settings.emitStepDownStamp()) {
      return afterHostWrites(
          settings,
          metrics,
          (topic, partition) -> {
            throw new IllegalStateException("emitting is switched off");
          });
    }
    throw new IllegalArgumentException(
        "The stamp strategy cannot order its stamps after the leader's own records:"
            + " lend it the host's data producer (HostResources.of(Producer.class, producer)) or a WriteBarrier over"
            + " the host's sends (HostResources.of(WriteBarrier.class, barrier)); got "
            + resources);
  }

  /** The ack timeout in force, after clamping. */
  public long ackTimeoutMs() {
    return ackTimeoutMs;
  }

  /**
   * How long after its timestamp a stamp that was not acknowledged may still land, when this
   * emitter knows: on its own producer {@link StampProducerConfig#deliveryBoundMs}; empty on the
   * host's producer, whose {@code delivery.timeout.ms} decides.
   */
  public Optional<Duration> deliveryBound() {
    return thread.ownsProducer()
        ? Optional.of(Duration.ofMillis(StampProducerConfig.deliveryBoundMs(ackTimeoutMs)))
        : Optional.empty();
  }

  @Override
  public EmitOutcome emitStepDown(StepDown stepDown) {
    requireNonNull(stepDown, "stepDown is null");
    return emitStepDowns(List.of(stepDown)).get(0);
  }

  @Override
  public List<EmitOutcome> emitStepDowns(Collection<StepDown> stepDowns) {
    requireNonNull(stepDowns, "stepDowns is null");
    long start = System.nanoTime();
    for (StepDown s : stepDowns) {
      requireNonNull(s, "stepDowns holds a null element");
    }
    StampBatch batch = new StampBatch(stepDowns.toArray(new StepDown[0]), ackTimeoutMs);
    for (int i = 0; i < batch.size(); i++) {
      StepDown s = batch.stepDown(i);
      EmitStatus skip = enabled ? s.skipStatus() : EmitStatus.SKIPPED_DISABLED;
      if (skip != null) {
        batch.settle(i, EmitOutcome.skipped(s, skip));
      } else if (thread.isClosed()) {
        batch.fail(i, EmitStatus.FAILED, new IllegalStateException("the stamp emitter is closed"));
      }
    }
    if (batch.hasUnsettled()) {
      handOverAndWait(batch);
    }
    List<EmitOutcome> result = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      result.add(batch.outcome(i));
    }
    outcomes.report(result, System.nanoTime() - start);
    return result;
  }

  private void handOverAndWait(StampBatch batch) {
    boolean interrupted = Thread.interrupted();
    Future<?> handOver = null;
    if (!interrupted) {
      try {
        int[] unsettled = batch.unsettled();
        handOver =
            thread.submit(
                () -> {
                  sender.handOver(batch, unsettled, producers, barrier);
                  return null;
                });
      } catch (RuntimeException e) { // closed meanwhile
        batch.failUnsettled(
            EmitStatus.FAILED, new IllegalStateException("the stamp emitter is closed", e));
        return;
      }
      try {
        handOver.get(batch.remainingNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (TimeoutException e) {
        // Stamps not yet handed over are reported below; the sender sends nothing after the
        // deadline.
      } catch (ExecutionException e) {
        batch.failUnsettled(EmitStatus.FAILED, e.getCause());
      }
    }
    batch.closeHandOver();
    if (!interrupted) {
      interrupted = batch.awaitAcks();
    }
    batch.settleRest(interrupted);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Creates the producer and fetches the metadata of {@code topic}, within the ack timeout; see the
   * SPI.
   */
  @Override
  public void prepare(String topic) {
    requireNonNull(topic, "versionTopic is null");
    if (!enabled || thread.isClosed()) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
    try {
      thread
          .submit(() -> counts.fetch(thread.producer(), topic, deadline))
          .get(Math.max(1, ackTimeoutMs), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.warn(
          "Could not fetch metadata of {} ahead of a step-down: {}",
          topic,
          e instanceof ExecutionException ? e.getCause().toString() : e.toString());
    }
  }

  /** Forgets what it knows of {@code versionTopic}, for a host that retired that store version. */
  @Override
  public void retire(String versionTopic) {
    requireNonNull(versionTopic, "versionTopic is null");
    counts.forget(versionTopic);
  }

  @Override
  public void close() {
    thread.close();
  }

  @Override
  public String toString() {
    return "KafkaStampEmitter{enabled="
        + enabled
        + ", ackTimeoutMs="
        + ackTimeoutMs
        + ", "
        + (thread.ownsProducer() ? "own producer after host writes" : "on the host's producer")
        + ", closed="
        + thread.isClosed()
        + "}";
  }
}
