package io.handoff.host;

import static java.util.Objects.requireNonNull;

import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.EnvelopeSummary;
import io.handoff.codec.LeaderMetadata;
import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.Put;
import io.handoff.codec.RecordKeys;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeaderTerms;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import io.handoff.spi.WriteBarrier;
import io.handoff.stamp.SendTracker;
import io.handoff.stamp.StampKind;
import io.handoff.stamp.StampRecords;
import io.handoff.stamp.Stamps;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica of one store version, reduced to what a leadership handover needs, wired to the SPI
 * the way a server's ingestion task is:
 *
 * <ul>
 *   <li><b>follow</b>: a consumer thread reads the replica's partitions of the version topic, from
 *       the beginning or from a checkpoint, and hands every record to the observer of that topic
 *       through {@link StampRecords} (undecodable records included);
 *   <li><b>promote</b> (STANDBY -> LEADER): record the term in {@link LeaderTerms}, write a
 *       declaration of leadership (DoL) with it, read on until the DoL comes back, then ask {@link
 *       LeadershipHandoffObserver#decideHandover} on every loop turn until it says the replica may
 *       write: at once on the stamp fast path, or once the partition has been silent for the
 *       inactivity window; then mark the term established;
 *   <li><b>write</b>: asynchronously, on one data producer shared by the replica's partitions, with
 *       Kafka's default batching; data records carry the replica's id as host name and no term, as
 *       Venice's leaders write them (or the term too, when {@link Config#dataCarriesTerm()});
 *   <li><b>demote</b> (LEADER -> STANDBY): stop writing, clear the term on every path, and {@link
 *       LeadershipHandoffEmitter#emitStepDown emit a step-down stamp}, which the emitter skips for
 *       a term that was never established. The stamp is ordered after the replica's own records: it
 *       travels on the data producer ({@link StampWiring#HOST_PRODUCER}), or on the emitter's
 *       producer once the data producer's sends to the partition completed ({@link
 *       StampWiring#AFTER_HOST_WRITES});
 *   <li><b>checkpoint</b>: after {@link #close()}, {@link #checkpoints()} gives each partition's
 *       next offset and the observer's exported state, from which a new replica resumes.
 * </ul>
 *
 * <p>The observer is only touched from the consumer thread, which keeps the SPI's per-partition
 * ordering rule without locks. Making a partition writable, writing to it and demoting it are
 * mutually exclusive, so no record of a demoted leader is sent after its stamp. The public methods
 * are thread-safe.
 */
public final class ReferenceReplica implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReferenceReplica.class);

  private static final int DATA_SCHEMA_ID = 1;

  /** The data producer's delivery timeout: a write is acknowledged or failed by then. */
  static final long DELIVERY_TIMEOUT_MS = 30_000;

  /**
   * What a replica needs to know.
   *
   * @param replicaId the host's id, written as the writer id of its records and stamps
   * @param bootstrapServers the brokers of the version topic
   * @param topic the version topic
   * @param clusterId the local pub-sub cluster id written into stamps
   * @param inactivityWindow how long a partition must be silent before a leader may write without a
   *     stamp
   * @param dataCarriesTerm whether data records carry the leader's term; Venice's leaders write -1
   * @param stampWiring how the stamp is ordered after the replica's own records
   */
  public record Config(
      String replicaId,
      String bootstrapServers,
      String topic,
      int clusterId,
      Duration inactivityWindow,
      boolean dataCarriesTerm,
      StampWiring stampWiring) {
    public Config {
      requireNonNull(replicaId, "replicaId is null");
      requireNonNull(bootstrapServers, "bootstrapServers is null");
      requireNonNull(topic, "topic is null");
      requireNonNull(inactivityWindow, "inactivityWindow is null");
      requireNonNull(stampWiring, "stampWiring is null");
    }

    /** Data records without a term, as Venice's leaders write them; stamps on the data producer. */
    public Config(
        String replicaId,
        String bootstrapServers,
        String topic,
        int clusterId,
        Duration inactivityWindow) {
      this(
          replicaId,
          bootstrapServers,
          topic,
          clusterId,
          inactivityWindow,
          false,
          StampWiring.HOST_PRODUCER);
    }

    /** The same replica with another stamp wiring. */
    public Config withStampWiring(StampWiring wiring) {
      return new Config(
          replicaId, bootstrapServers, topic, clusterId, inactivityWindow, dataCarriesTerm, wiring);
    }

    /** The same replica with data records that carry the term or not. */
    public Config withDataCarryingTerm(boolean carriesTerm) {
      return new Config(
          replicaId,
          bootstrapServers,
          topic,
          clusterId,
          inactivityWindow,
          carriesTerm,
          stampWiring);
    }
  }

  /** The two ways a replica lends the emitter what it needs to order stamps after its records. */
  public enum StampWiring {
    /** The stamp travels on the replica's data producer: Kafka orders it after the data. */
    HOST_PRODUCER,
    /**
     * The stamp travels on the emitter's own producer, after a barrier over the data producer's
     * sends.
     */
    AFTER_HOST_WRITES
  }

  /**
   * Where a partition's consumption stands: the next offset to read and the observer's exported
   * state there ({@link LeadershipHandoffObserver#exportState}), or null for a host that does not
   * keep it.
   */
  public record Checkpoint(long nextOffset, byte[] observerState) {
    public Checkpoint {
      if (nextOffset < 0) {
        throw new IllegalArgumentException("nextOffset must be >= 0, got " + nextOffset);
      }
    }

    /** The same position without the observer's state. */
    public Checkpoint withoutObserverState() {
      return new Checkpoint(nextOffset, null);
    }
  }

  /** A promotion in progress, owned by the consumer thread once queued. */
  private static final class Promotion {
    final int partition;
    final long term;
    final long startedAt = System.nanoTime();
    final CompletableFuture<Handover> result = new CompletableFuture<>();
    // Set by the producer's callback before dolOffset, so that whoever sees the offset sees the
    // time.
    volatile long dolAckedAt;
    volatile long dolOffset = -1;
    // Consumer-thread state.
    boolean dolRead;
    long dolReadAt;

    Promotion(int partition, long term) {
      this.partition = partition;
      this.term = term;
    }
  }

  private final Config config;
  private final LeadershipHandoffEmitter emitter;
  private final LeadershipHandoffObserver observer;
  private final LeaderTerms terms;
  private final Stamps stamps = new Stamps();
  private final StampRecords records = new StampRecords();
  private final byte[] vtpHeader = EnvelopeCodec.vtpHeaderValue();
  private final byte[] producerGuid = guidOf(UUID.randomUUID());
  private final KafkaProducer<byte[], byte[]> producer;
  private final SendTracker sends;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread loop;
  private final ConcurrentLinkedQueue<Promotion> newPromotions = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Integer> cancelled = new ConcurrentLinkedQueue<>();
  private final Set<Integer> writable = ConcurrentHashMap.newKeySet();
  private final Object transitions = new Object();
  private final ExecutorService flusher =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "replica-flusher");
            t.setDaemon(true);
            return t;
          });
  private final Map<Integer, Integer> sequences = new ConcurrentHashMap<>();
  private volatile boolean running = true;

  // Consumer-thread state.
  private final Map<Integer, Promotion> promotions = new HashMap<>();
  private final Map<Integer, Long> lastOtherRecordAt = new HashMap<>();
  private final Map<Integer, Long> consumedUpTo = new HashMap<>();
  private final Map<Integer, Checkpoint> finalCheckpoints = new HashMap<>();
  private final List<Integer> partitions;
  private volatile long recordsObserved;

  /**
   * Starts following {@code partitions} of the topic from the beginning, with the emitter and the
   * observer the settings select.
   */
  public ReferenceReplica(
      Config config,
      Collection<Integer> partitions,
      HandoffSettings settings,
      HandoffMetrics metrics) {
    this(config, partitions, settings, metrics, Map.of());
  }

  /**
   * Starts following {@code partitions} of the topic, each from its checkpoint when {@code
   * checkpoints} has one (restoring the observer's state when the checkpoint carries it), else from
   * the beginning.
   *
   * @throws IllegalArgumentException if a checkpoint's observer state is rejected by the observer
   */
  public ReferenceReplica(
      Config config,
      Collection<Integer> partitions,
      HandoffSettings settings,
      HandoffMetrics metrics,
      Map<Integer, Checkpoint> checkpoints) {
    this.config = requireNonNull(config, "config is null");
    requireNonNull(settings, "settings is null");
    requireNonNull(metrics, "metrics is null");
    requireNonNull(partitions, "partitions is null");
    requireNonNull(checkpoints, "checkpoints is null");
    this.observer =
        LeadershipHandoffs.observers(settings, metrics).open(config.topic(), config.replicaId());
    this.terms = new LeaderTerms(config.topic());
    this.partitions = List.copyOf(partitions);
    // Restored before any client exists, so that a rejected state leaves nothing open behind.
    checkpoints.forEach(
        (partition, c) -> {
          if (c.observerState() != null) {
            observer.restoreState(partition, c.nextOffset(), c.observerState());
          }
        });

    // Kafka's defaults otherwise (acks=all, idempotence, linger and batching), as a server's
    // asynchronous writer has them.
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    pp.put(ProducerConfig.CLIENT_ID_CONFIG, config.replicaId() + "-writer");
    // Fail against an unreachable cluster in seconds, not Kafka's default minute and two.
    pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    pp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(DELIVERY_TIMEOUT_MS));
    this.producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
    this.sends = new SendTracker(producer);
    this.emitter =
        LeadershipHandoffs.emitter(
            settings,
            metrics,
            config.stampWiring() == StampWiring.HOST_PRODUCER
                ? HostResources.of(Producer.class, producer)
                : HostResources.of(WriteBarrier.class, sends));

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

    // Connect before the first handover needs it, as a server does long before any demotion.
    producer.partitionsFor(config.topic());
    emitter.prepare(config.topic());

    this.loop = new Thread(this::run, "replica-" + config.replicaId());
    this.loop.setDaemon(true);
    this.loop.start();
  }

  public Config config() {
    return config;
  }

  public LeaderTerms terms() {
    return terms;
  }

  /** The observer of this replica's version topic; touch it only after {@link #close()}. */
  public LeadershipHandoffObserver observer() {
    return observer;
  }

  /**
   * Each partition's position and observer state when the replica closed: what a host that
   * checkpoints its consumption would store.
   *
   * @throws IllegalStateException before {@link #close()}
   */
  public Map<Integer, Checkpoint> checkpoints() {
    if (running) {
      throw new IllegalStateException("checkpoints are taken when the replica closes");
    }
    return Map.copyOf(finalCheckpoints);
  }

  /** Records handed to the observer so far. */
  public long recordsObserved() {
    return recordsObserved;
  }

  /**
   * STANDBY -> LEADER for {@code partition} with {@code term}: completes when the replica may
   * write, by the fast path or after the legacy wait, with when its declaration was acknowledged
   * and read back and the observer's reason for the path.
   */
  public CompletableFuture<Handover> promote(int partition, long term) {
    Promotion p = new Promotion(partition, term);
    synchronized (transitions) {
      terms.promoted(partition, term);
      sends.clear(config.topic(), partition);
      newPromotions.add(p);
      writeDeclaration(partition, term, p);
    }
    // The declaration is what the new leader waits to read back: send it now rather than after the
    // producer's linger.ms, as a server's transition handler would; off this thread, so that the
    // promotions of many partitions do not wait for each other's acknowledgements.
    flusher.execute(producer::flush);
    return p.result;
  }

  /**
   * Leadership of a partition nobody has led yet (a new store version): declares itself and may
   * write at once. There is no earlier leader to wait for, so this is not a handover and is not
   * counted as one.
   */
  public void startAsFirstLeader(int partition, long term) {
    synchronized (transitions) {
      terms.promoted(partition, term);
      terms.established(partition, term);
      writeDeclaration(partition, term, null);
      writable.add(partition);
    }
  }

  private void writeDeclaration(int partition, long term, Promotion promotion) {
    byte[] value =
        stamps.encode(
            StampKind.DECLARATION_OF_LEADERSHIP,
            term,
            config.clusterId(),
            config.replicaId(),
            System.currentTimeMillis());
    RecordHeaders headers = new RecordHeaders();
    headers.add(EnvelopeCodec.VTP_HEADER, vtpHeader);
    sends.send(
        new ProducerRecord<>(
            config.topic(),
            partition,
            null,
            StampKind.DECLARATION_OF_LEADERSHIP.key(),
            value,
            headers),
        (metadata, e) -> {
          if (promotion == null) {
            if (e != null) {
              LOG.warn(
                  "Declaration of leadership of {}-{} term {} failed: {}",
                  config.topic(),
                  partition,
                  term,
                  e.toString());
            }
          } else if (e != null) {
            promotion.result.completeExceptionally(e);
          } else {
            promotion.dolAckedAt = System.nanoTime();
            promotion.dolOffset = metadata.offset();
          }
        });
  }

  /**
   * LEADER -> STANDBY for {@code partition}: stops writing, clears the term (also when the replica
   * was not leader) and emits a step-down stamp with the term that was held; the emitter skips a
   * term that was never established.
   */
  public EmitOutcome demote(int partition) {
    return demoteAll(List.of(partition)).get(0);
  }

  /** {@link #demote} for many partitions at once, with one shared ack deadline. */
  public List<EmitOutcome> demoteAll(Collection<Integer> partitions) {
    return stepDownAll(partitions).outcomes();
  }

  /**
   * The outcomes of a step-down from many partitions, and when the replica handed them to the
   * emitter: each outcome's {@link EmitOutcome#elapsedNanos()} counts from there.
   *
   * @param emittedAtNanos {@link System#nanoTime()} when the emitter was called
   * @param outcomes one per partition, in the order asked
   */
  public record StepDowns(long emittedAtNanos, List<EmitOutcome> outcomes) {
    public StepDowns {
      outcomes = List.copyOf(outcomes);
    }
  }

  /**
   * {@link #demoteAll}, telling when the stamps were handed to the emitter, so that their acks can
   * be placed in time.
   */
  public StepDowns stepDownAll(Collection<Integer> partitions) {
    List<StepDown> stepDowns = new ArrayList<>(partitions.size());
    for (int partition : partitions) {
      cancelled.add(partition);
      // Under the lock that also guards making a partition writable: a decision of the consumer
      // thread must not leave a demoted partition writable after its stamp.
      synchronized (transitions) {
        writable.remove(partition);
        stepDowns.add(terms.demoted(partition, config.clusterId(), config.replicaId()));
      }
    }
    long emittedAt = System.nanoTime();
    return new StepDowns(emittedAt, emitter.emitStepDowns(stepDowns));
  }

  /** Whether this replica leads {@code partition} and finished its handover. */
  public boolean isWritable(int partition) {
    return writable.contains(partition);
  }

  /**
   * Writes {@code count} data records as the leader of {@code partition} and waits for their acks
   * (at most the data producer's delivery timeout, after which each is acknowledged or failed):
   * host name this replica's id, term none (or the leader's, when {@link
   * Config#dataCarriesTerm()}).
   *
   * @return the offsets written
   * @throws IllegalStateException if this replica may not write to the partition, or a write failed
   */
  public List<Long> writeData(int partition, int count) {
    return await(writeDataAsync(partition, count), partition);
  }

  /**
   * Hands {@code count} data records to the data producer as the leader of {@code partition}, the
   * way a server writes: without waiting for them.
   *
   * @return the offsets, once every record is acknowledged
   * @throws IllegalStateException if this replica may not write to the partition
   */
  public CompletableFuture<List<Long>> writeDataAsync(int partition, int count) {
    synchronized (transitions) {
      if (!writable.contains(partition)) {
        throw new IllegalStateException(
            config.replicaId() + " may not write to " + config.topic() + "-" + partition);
      }
      return send(
          partition,
          config.dataCarriesTerm() ? terms.termOf(partition) : LeaderTerms.NOT_LEADER,
          count);
    }
  }

  /**
   * Writes data records carrying this replica's id and {@code term} (-1 for none) whatever its
   * role, and waits for their acks: how a leader that has not noticed its demotion (a zombie)
   * behaves. For tests and demonstrations.
   */
  public List<Long> writeDataWithTerm(int partition, long term, int count) {
    return await(send(partition, term, count), partition);
  }

  private CompletableFuture<List<Long>> send(int partition, long term, int count) {
    List<CompletableFuture<Long>> offsets = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int seq = sequences.merge(partition, 1, Integer::sum);
      byte[] key = RecordKeys.dataKey(("key-" + seq).getBytes(StandardCharsets.UTF_8));
      byte[] value =
          EnvelopeCodec.encode(
              Envelope.of(
                  ProducerMetadata.of(producerGuid, 1, seq, System.currentTimeMillis()),
                  Put.of(("value-" + seq).getBytes(StandardCharsets.UTF_8), DATA_SCHEMA_ID),
                  LeaderMetadata.of(config.replicaId(), term)));
      CompletableFuture<Long> offset = new CompletableFuture<>();
      sends.send(
          new ProducerRecord<>(config.topic(), partition, key, value),
          (metadata, e) -> {
            if (e == null) {
              offset.complete(metadata.offset());
            } else {
              offset.completeExceptionally(e);
            }
          });
      offsets.add(offset);
    }
    return CompletableFuture.allOf(offsets.toArray(CompletableFuture[]::new))
        .thenApply(v -> offsets.stream().map(CompletableFuture::join).toList());
  }

  private List<Long> await(CompletableFuture<List<Long>> written, int partition) {
    try {
      return written.get(DELIVERY_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while writing to " + config.topic() + "-" + partition, e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "write to " + config.topic() + "-" + partition + " failed: " + e, e);
    }
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
      // close() asked the loop to stop.
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
      if (path != HandoverPath.WAIT) {
        synchronized (transitions) {
          if (!terms.established(p.partition, p.term)) {
            it.remove(); // demoted meanwhile: not writable, and its term must never be stamped
            p.result.cancel(false);
            continue;
          }
          writable.add(p.partition);
        }
        it.remove();
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

  /** Stops following and closes the replica's clients and its emitter. */
  @Override
  public void close() {
    if (!running) {
      return;
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
    flusher.shutdownNow();
    emitter.close();
    producer.close(Duration.ofSeconds(5));
  }

  private static byte[] guidOf(UUID u) {
    byte[] b = new byte[16];
    long msb = u.getMostSignificantBits();
    long lsb = u.getLeastSignificantBits();
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (msb >>> (56 - 8 * i));
      b[8 + i] = (byte) (lsb >>> (56 - 8 * i));
    }
    return b;
  }

  @Override
  public String toString() {
    return "ReferenceReplica{"
        + config.replicaId()
        + ", "
        + config.topic()
        + ", leader of "
        + writable
        + "}";
  }
}
