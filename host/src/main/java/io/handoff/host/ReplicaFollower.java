package io.handoff.host;

import io.handoff.codec.EnvelopeSummary;
import io.handoff.host.ReferenceReplica.Checkpoint;
import io.handoff.host.ReferenceReplica.Config;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.handoff.spi.LeaderTerms;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.stamp.StampRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's consumer thread: reads its partitions of the version topic, hands every record to the
 * observer, and decides the promotions queued to it on every loop turn. The observer and the
 * promotions are touched only from this thread, which keeps the SPI's per-partition ordering rule
 * without locks. When stopped, it takes each partition's checkpoint.
 */
final class ReplicaFollower {

  /** Makes a decided promotion writable, unless its partition was demoted meanwhile. */
  interface Gate {
    /**
     * @return false if the term may no longer be established: the promotion is cancelled
     */
    boolean makeWritable(int partition, long term);
  }

  // The replica's logger: the loop's end is the replica's event.
  private static final Logger LOG = LoggerFactory.getLogger(ReferenceReplica.class);

  private final Config config;
  private final LeadershipHandoffObserver observer;
  private final LeaderTerms terms;
  private Gate gate; // set before the thread starts
  private final List<Integer> partitions;
  private final StampRecords records = new StampRecords();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread loop;
  private final ConcurrentLinkedQueue<Promotion> newPromotions = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Integer> cancelled = new ConcurrentLinkedQueue<>();
  private volatile boolean running = true;
  private volatile long recordsObserved;

  // Consumer-thread state.
  private final Map<Integer, Promotion> promotions = new HashMap<>();
  private final Map<Integer, Long> lastOtherRecordAt = new HashMap<>();
  private final Map<Integer, Long> consumedUpTo = new HashMap<>();
  private final Map<Integer, Checkpoint> finalCheckpoints = new HashMap<>();

  /** Assigns the partitions, each at its checkpoint or the beginning; {@link #start} reads. */
  ReplicaFollower(
      Config config,
      List<Integer> partitions,
      Map<Integer, Checkpoint> checkpoints,
      LeadershipHandoffObserver observer,
      LeaderTerms terms) {
    this.config = config;
    this.partitions = partitions;
    this.observer = observer;
    this.terms = terms;
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
    cp.put(ConsumerConfig.CLIENT_ID_CONFIG, config.replicaId() + "-follower");
    this.consumer =
        new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> tps = new ArrayList<>();
    partitions.forEach(p -> tps.add(new TopicPartition(config.topic(), p)));
    consumer.assign(tps);
    for (TopicPartition tp : tps) {
      Checkpoint c = checkpoints.get(tp.partition());
      if (c == null) {
        consumer.seekToBeginning(List.of(tp));
        continue;
      }
      consumer.seek(tp, c.nextOffset());
      consumedUpTo.put(tp.partition(), c.nextOffset() - 1);
    }
    this.loop = new Thread(this::run, "replica-" + config.replicaId());
    this.loop.setDaemon(true);
  }

  /** Restores the observer's state of every checkpoint that carries one. */
  static void restore(LeadershipHandoffObserver observer, Map<Integer, Checkpoint> checkpoints) {
    checkpoints.forEach(
        (partition, c) -> {
          // An empty state is what an observer exports for a partition it cannot vouch for: that
          // partition starts from nothing, which never cuts a wait until a tenure begins in sight.
          if (c.observerState() != null && c.observerState().length > 0) {
            observer.restoreState(partition, c.nextOffset(), c.observerState());
          }
        });
  }

  /** Starts reading; {@code gate} decides whether a decided promotion becomes writable. */
  void start(Gate gate) {
    this.gate = gate;
    loop.start();
  }

  boolean isRunning() {
    return running;
  }

  long recordsObserved() {
    return recordsObserved;
  }

  /** Queues {@code p}; it replaces (cancels) a promotion of the same partition still pending. */
  void admit(Promotion p) {
    newPromotions.add(p);
  }

  /** Cancels the pending promotion of {@code partition}, if any, at the next loop turn. */
  void cancel(int partition) {
    cancelled.add(partition);
  }

  /** The checkpoints taken by {@link #stop}. */
  Map<Integer, Checkpoint> checkpoints() {
    return Map.copyOf(finalCheckpoints);
  }

  /**
   * Stops the loop, takes each partition's checkpoint and closes the consumer.
   *
   * @return false if it was already stopped
   */
  boolean stop() {
    if (!running) {
      return false;
    }
    running = false;
    consumer.wakeup();
    try {
      loop.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (int partition : partitions) {
      long next = consumedUpTo.getOrDefault(partition, -1L) + 1;
      finalCheckpoints.put(partition, new Checkpoint(next, observer.exportState(partition)));
    }
    consumer.close(Duration.ofSeconds(5));
    return true;
  }

  private void run() {
    try {
      while (running) {
        admitPromotions();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(2))) {
          observe(r);
        }
        decidePromotions();
      }
    } catch (WakeupException e) {
      // stop() asked the loop to stop.
    } catch (RuntimeException e) {
      LOG.error(
          "Replica {} stopped following {}: {}",
          config.replicaId(),
          config.topic(),
          e.toString(),
          e);
      promotions.values().forEach(p -> p.result.completeExceptionally(e));
    }
  }

  private void admitPromotions() {
    for (Integer partition; (partition = cancelled.poll()) != null; ) {
      Promotion p = promotions.remove(partition);
      if (p != null) {
        p.result.cancel(false);
      }
    }
    for (Promotion p; (p = newPromotions.poll()) != null; ) {
      Promotion previous = promotions.put(p.partition, p);
      if (previous != null) {
        previous.result.cancel(false);
      }
    }
  }

  private void observe(ConsumerRecord<byte[], byte[]> r) {
    int partition = r.partition();
    EnvelopeSummary envelope = records.observe(observer, r);
    recordsObserved++;
    long myTerm = terms.termOf(partition);
    boolean own =
        envelope != null
            && myTerm > 0
            && config.replicaId().equals(envelope.writerId())
            && (envelope.term() == myTerm || envelope.term() == LeaderTerms.NOT_LEADER);
    if (!own) {
      lastOtherRecordAt.put(partition, System.nanoTime());
    }
    consumedUpTo.put(partition, r.offset());
  }

  private void decidePromotions() {
    if (promotions.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    long windowNanos = config.inactivityWindow().toNanos();
    var it = promotions.values().iterator();
    while (it.hasNext()) {
      Promotion p = it.next();
      if (p.result.isDone()) {
        it.remove();
        continue;
      }
      long dol = p.dolOffset;
      if (dol < 0 || consumedUpTo.getOrDefault(p.partition, -1L) < dol) {
        continue; // not caught up with our own declaration yet
      }
      if (!p.dolRead) {
        // Not `now`: the ack may have been processed after it, and the read-back is only known
        // after the ack.
        p.dolRead = true;
        p.dolReadAt = System.nanoTime();
      }
      long silentSince =
          Math.max(p.startedAt, lastOtherRecordAt.getOrDefault(p.partition, Long.MIN_VALUE));
      HandoverPath path =
          observer.decideHandover(p.partition, p.term, now - silentSince >= windowNanos);
      if (path == HandoverPath.WAIT) {
        continue;
      }
      it.remove();
      if (!gate.makeWritable(p.partition, p.term)) {
        p.result.cancel(
            false); // demoted meanwhile: not writable, and its term must never be stamped
        continue;
      }
      long writableAt = System.nanoTime();
      // Once per promotion, off the per-record path: the same reason the observer gave the
      // metrics.
      HandoverReason reason = observer.explain(p.partition, p.term).reason();
      p.result.complete(
          new Handover(
              p.partition,
              p.term,
              path,
              p.startedAt,
              writableAt,
              p.dolAckedAt,
              p.dolReadAt,
              reason));
    }
  }
}
