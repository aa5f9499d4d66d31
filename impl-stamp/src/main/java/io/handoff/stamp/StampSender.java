package io.handoff.stamp;

import io.handoff.codec.EnvelopeCodec;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.StepDown;
import io.handoff.spi.WriteBarrier;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The part of {@link KafkaStampEmitter} that may block inside the Kafka client: creating the
 * producer, waiting for a topic's metadata, handing stamps to {@code send}, waiting for the host's
 * write barrier. It runs on the emitter's sender thread only, so that the calling thread waits
 * against its deadline whatever the client does.
 */
final class StampSender {

  private final Stamps stamps = new Stamps();
  private final byte[] vtpHeader = EnvelopeCodec.vtpHeaderValue();
  private final PartitionCounts counts;

  StampSender(PartitionCounts counts) {
    this.counts = counts;
  }

  /** What is known of the topics' partition counts. */
  PartitionCounts counts() {
    return counts;
  }

  /**
   * Hands the stamps {@code todo} (those without an outcome when the call began) to the producer:
   * those of partitions known to exist first, each only after the host's barrier (when there is
   * one) reported its earlier writes done. Stops as soon as the caller stopped waiting, and sends
   * nothing after the deadline but the first stamp. With a zero ack timeout nobody waits: the
   * caller has already answered {@code TIMED_OUT}, and every stamp is still handed over.
   */
  void handOver(
      StampBatch batch,
      int[] todo,
      Supplier<Producer<byte[], byte[]>> producers,
      WriteBarrier barrier) {
    int[] order = sendOrder(batch, todo);
    // Without a barrier every stamp may go; with one, those whose barrier could not be asked are
    // already FAILED and absent from the map.
    Map<Integer, CompletableFuture<?>> writesDone =
        barrier == null ? null : ask(barrier, batch, order);
    Producer<byte[], byte[]> p = null;
    Map<String, Integer> partitionCounts = new HashMap<>();
    Map<String, RuntimeException> metadataFailures = new HashMap<>();
    boolean first = true;
    for (int i : order) {
      CompletableFuture<?> done = writesDone == null ? null : writesDone.get(i);
      if (writesDone != null && done == null) {
        continue;
      }
      if (!batch.mayHandOver()) {
        return;
      }
      if (!first && batch.ackTimeoutMs() > 0 && batch.pastDeadline()) {
        batch.fail(
            i,
            EmitStatus.TIMED_OUT,
            new TimeoutException(
                "the ack timeout of "
                    + batch.ackTimeoutMs()
                    + " ms passed before this stamp could be sent"));
        continue;
      }
      first = false;
      if (done != null && !writesDone(batch, i, done)) {
        continue;
      }
      try {
        if (p == null) {
          batch.waitingFor("the stamp producer to be created");
          p = producers.get();
        }
        send(batch, i, p, partitionCounts, metadataFailures);
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        batch.fail(i, EmitStatus.TIMED_OUT, e);
      } catch (InterruptException e) {
        batch.fail(
            i, EmitStatus.FAILED, new IllegalStateException("the stamp emitter is closing", e));
        return;
      } catch (RuntimeException e) {
        batch.fail(i, EmitStatus.FAILED, e);
        if (p == null) {
          batch.failUnsettled(EmitStatus.FAILED, e); // no producer: nothing else can be sent either
          return;
        }
      }
    }
    if (barrier == null && p != null && batch.ackTimeoutMs() > 0 && batch.mayHandOver()) {
      // On the host's producer a stamp would otherwise wait out its linger.ms like any record:
      // flush sends what is buffered at once. It returns when everything is answered, which the
      // caller is waiting for anyway.
      batch.waitingFor("the host's producer to send its buffered records");
      p.flush();
    }
  }

  /**
   * Asks {@code barrier} about the partition of every stamp in {@code order}, before any wait, so
   * that the host's writes to all of them complete in parallel. A stamp whose question throws is
   * FAILED and left out.
   */
  private static Map<Integer, CompletableFuture<?>> ask(
      WriteBarrier barrier, StampBatch batch, int[] order) {
    Map<Integer, CompletableFuture<?>> writesDone = new HashMap<>();
    for (int i : order) {
      StepDown s = batch.stepDown(i);
      try {
        writesDone.put(
            i, barrier.writesCompleted(s.versionTopic(), s.partition()).toCompletableFuture());
      } catch (RuntimeException e) {
        batch.fail(i, EmitStatus.FAILED, e);
      }
    }
    return writesDone;
  }

  /**
   * Waits, until the deadline, for the host's writes before stamp {@code i}; settles it if they are
   * not done.
   */
  private static boolean writesDone(StampBatch batch, int i, CompletableFuture<?> done) {
    StepDown s = batch.stepDown(i);
    batch.waitingFor("the host's writes to " + s.topicPartition());
    try {
      // With a zero ack timeout nobody waits for the outcome, but a barrier that never opens must
      // not hold up this emitter's later stamps for ever.
      long wait =
          batch.ackTimeoutMs() == 0
              ? TimeUnit.MILLISECONDS.toNanos(StampProducerConfig.MIN_DELIVERY_TIMEOUT_MS)
              : batch.remainingNanos();
      done.get(wait, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      batch.fail(
          i,
          EmitStatus.TIMED_OUT,
          new TimeoutException(
              "the host's writes to "
                  + s.topicPartition()
                  + " had not all completed within the ack timeout of "
                  + batch.ackTimeoutMs()
                  + " ms; the stamp was not sent, so that it cannot land before them"));
    } catch (ExecutionException e) {
      batch.fail(
          i,
          EmitStatus.FAILED,
          new IllegalStateException(
              "a write of the host to "
                  + s.topicPartition()
                  + " failed, so the stamp was not sent: "
                  + e.getCause(),
              e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      batch.fail(
          i, EmitStatus.FAILED, new IllegalStateException("the stamp emitter is closing", e));
    }
    return false;
  }

  private int[] sendOrder(StampBatch batch, int[] todo) {
    int[] order = new int[todo.length];
    int k = 0;
    boolean[] known = new boolean[todo.length];
    for (int j = 0; j < todo.length; j++) {
      known[j] = counts.isKnown(batch.stepDown(todo[j]));
      if (known[j]) {
        order[k++] = todo[j];
      }
    }
    for (int j = 0; j < todo.length; j++) {
      if (!known[j]) {
        order[k++] = todo[j];
      }
    }
    return order;
  }

  private void send(
      StampBatch batch,
      int i,
      Producer<byte[], byte[]> p,
      Map<String, Integer> partitionCounts,
      Map<String, RuntimeException> metadataFailures) {
    // Kafka's delivery timeout starts when the record enters the producer's buffer, after send()
    // has waited for metadata. Wait for the metadata first, once per topic and call, then check the
    // deadline, and only then timestamp and hand over the stamp: on the emitter's own producer it
    // lands within the delivery bound of its timestamp or not at all.
    StepDown s = batch.stepDown(i);
    String topic = s.versionTopic();
    RuntimeException failure = metadataFailures.get(topic);
    if (failure != null) {
      throw failure;
    }
    Integer count = partitionCounts.get(topic);
    if (count == null) {
      batch.waitingFor("the metadata of " + topic + " (does the topic exist?)");
      try {
        count = counts.fetch(p, topic, batch.deadline());
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        metadataFailures.put(topic, e);
        throw e;
      }
      partitionCounts.put(topic, count);
    }
    if (s.partition() >= count) {
      throw new IllegalArgumentException(
          "Partition "
              + s.partition()
              + " of topic "
              + topic
              + " does not exist: the topic has "
              + count
              + " partition(s)");
    }
    if (batch.ackTimeoutMs() > 0 && batch.pastDeadline()) {
      throw new org.apache.kafka.common.errors.TimeoutException(
          "the ack timeout of "
              + batch.ackTimeoutMs()
              + " ms passed while waiting for the metadata of "
              + topic);
    }
    if (!batch.mayHandOver()) {
      return;
    }
    batch.waitingFor("the producer to accept the stamp of " + s.topicPartition());
    long now = System.currentTimeMillis();
    byte[] value =
        stamps.encode(StampKind.STEP_DOWN, s.leaderTerm(), s.localClusterId(), s.writerId(), now);
    RecordHeaders headers = new RecordHeaders();
    headers.add(EnvelopeCodec.VTP_HEADER, vtpHeader);
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, s.partition(), now, StampKind.STEP_DOWN.key(), value, headers);
    batch.handedOver(
        i,
        p.send(
            record,
            (metadata, exception) -> {
              batch.answered(i);
              if (exception == null) {
                counts.learn(topic, s.partition() + 1);
              }
            }));
  }
}
