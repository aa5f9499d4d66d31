package io.handoff.stamp;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.WriteBarrier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * own producer ({@link KafkaStampEmitter#afterHostWrites}): the host sends its data through {@link
 * #send}, and the barrier completes once everything sent to a partition before the question has
 * been acknowledged.
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

  /**
   * One partition: when everything sent so far is answered, and the first failure not yet cleared.
   */
  private static final class Partition {
    /** Completes, always normally, once every send registered before it is answered. */
    CompletableFuture<Void> answered = CompletableFuture.completedFuture(null);

    volatile Throwable failure;
  }

  private final Producer<byte[], byte[]> producer;
  private final ConcurrentHashMap<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();

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
      throw new IllegalArgumentException(
          "A tracked record must name its partition: " + record.topic());
    }
    Partition p =
        partitions.computeIfAbsent(
            new TopicPartition(record.topic(), record.partition()), tp -> new Partition());
    CompletableFuture<Void> answered = new CompletableFuture<>();
    synchronized (p) {
      // An answered chain is dropped, so that it is only as long as what is still outstanding.
      p.answered = p.answered.isDone() ? answered : CompletableFuture.allOf(p.answered, answered);
    }
    try {
      return producer.send(
          record,
          (metadata, e) -> {
            // The host's own callback first: by the time the barrier opens, the host has seen the
            // answer.
            try {
              if (callback != null) {
                callback.onCompletion(metadata, e);
              }
            } finally {
              if (e != null && p.failure == null) {
                p.failure = e;
              }
              answered.complete(null);
            }
          });
    } catch (RuntimeException e) {
      if (p.failure == null) {
        p.failure = e;
      }
      answered.complete(null);
      throw e;
    }
  }

  @Override
  public CompletionStage<?> writesCompleted(String versionTopic, int partition) {
    Partition p = partitions.get(new TopicPartition(versionTopic, partition));
    if (p == null) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> answered;
    synchronized (p) {
      answered = p.answered;
    }
    return answered.thenApply(
        v -> {
          Throwable failure = p.failure;
          if (failure != null) {
            throw new CompletionException(failure);
          }
          return null;
        });
  }

  /**
   * Forgets the failed sends of the partition so far, once the host knows they no longer matter.
   */
  public void clear(String versionTopic, int partition) {
    Partition p = partitions.get(new TopicPartition(versionTopic, partition));
    if (p != null) {
      p.failure = null;
    }
  }
}
