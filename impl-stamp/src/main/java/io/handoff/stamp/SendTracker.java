package io.handoff.stamp;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.WriteBarrier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link WriteBarrier} over a host's producer, for a host whose stamps travel on the emitter's
 * own producer ({@link KafkaStampEmitter#afterHostWrites}): the host sends its data through
 * {@link #send}, and the barrier completes once everything sent to a partition before the question
 * has been acknowledged.
 *
 * <p>Every record of the leader must go through {@link #send}; a record sent on the producer
 * directly is not waited for. That is the weakness of this wiring, and why stamping on the host's
 * own producer ({@link KafkaStampEmitter#onHostProducer}) is the one to prefer.
 *
 * <p>A failed send keeps the partition's barrier failed (a record whose send failed may still have
 * reached the broker, and nobody can say when it lands) until the host calls {@link #clear}, for
 * example when it becomes leader of the partition again. Thread-safe; nothing blocks but the
 * producer's own {@code send}.
 */
public final class SendTracker implements WriteBarrier {

  private static final CompletableFuture<Void> NOTHING_OUTSTANDING = CompletableFuture.completedFuture(null);

  private final Producer<byte[], byte[]> producer;
  private final ConcurrentHashMap<TopicPartition, CompletableFuture<Void>> outstanding = new ConcurrentHashMap<>();

  public SendTracker(Producer<byte[], byte[]> producer) {
    this.producer = requireNonNull(producer, "producer is null");
  }

  /**
   * Sends {@code record} on the producer and tracks it.
   *
   * @throws IllegalArgumentException if the record names no partition: the barrier is asked per
   *     partition, so the partition must be known before the send
   */
  public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
    requireNonNull(record, "record is null");
    if (record.partition() == null) {
      throw new IllegalArgumentException("A tracked record must name its partition: " + record.topic());
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    // Completed tails are dropped, so that the chain is as long as what is still outstanding; a
    // failed one stays until cleared.
    outstanding.compute(new TopicPartition(record.topic(), record.partition()),
        (tp, tail) -> tail == null || (tail.isDone() && !tail.isCompletedExceptionally())
            ? done : CompletableFuture.allOf(tail, done));
    try {
      return producer.send(record, (metadata, e) -> {
        // The host's own callback first: by the time the barrier opens, the host has seen the ack.
        try {
          if (callback != null) {
            callback.onCompletion(metadata, e);
          }
        } finally {
          if (e == null) {
            done.complete(null);
          } else {
            done.completeExceptionally(e);
          }
        }
      });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
      throw e;
    }
  }

  @Override
  public CompletionStage<?> writesCompleted(String versionTopic, int partition) {
    return outstanding.getOrDefault(new TopicPartition(versionTopic, partition), NOTHING_OUTSTANDING);
  }

  /** Forgets a failed send of the partition, once the host knows it no longer matters. */
  public void clear(String versionTopic, int partition) {
    outstanding.computeIfPresent(new TopicPartition(versionTopic, partition),
        (tp, tail) -> tail.isCompletedExceptionally() ? null : tail);
  }
}
