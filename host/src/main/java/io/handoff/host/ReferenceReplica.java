package io.handoff.host;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeaderTerms;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import io.handoff.stamp.StampRecords;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

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

  private final Config config;
  private final LeadershipHandoffEmitter emitter;
  private final LeadershipHandoffObserver observer;
  private final LeaderTerms terms;
  private final ReplicaWriter writer;
  private final ReplicaFollower follower;
  private final ReplicaRoles roles;

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
    // Restored before any client exists, so that a rejected state leaves nothing open behind.
    ReplicaFollower.restore(observer, checkpoints);

    this.writer = new ReplicaWriter(config);
    this.emitter = LeadershipHandoffs.emitter(settings, metrics, writer.stampOrdering());
    this.follower =
        new ReplicaFollower(config, List.copyOf(partitions), checkpoints, observer, terms);
    this.roles = new ReplicaRoles(config, terms, writer, follower);

    // Connect before the first handover needs it, as a server does long before any demotion.
    writer.connect();
    emitter.prepare(config.topic());
    follower.start(roles);
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
    if (follower.isRunning()) {
      throw new IllegalStateException("checkpoints are taken when the replica closes");
    }
    return follower.checkpoints();
  }

  /** Records handed to the observer so far. */
  public long recordsObserved() {
    return follower.recordsObserved();
  }

  /**
   * STANDBY -> LEADER for {@code partition} with {@code term}: completes when the replica may
   * write, by the fast path or after the legacy wait, with when its declaration was acknowledged
   * and read back and the observer's reason for the path.
   */
  public CompletableFuture<Handover> promote(int partition, long term) {
    return roles.promote(partition, term);
  }

  /**
   * Leadership of a partition nobody has led yet (a new store version): declares itself and may
   * write at once. There is no earlier leader to wait for, so this is not a handover and is not
   * counted as one.
   */
  public void startAsFirstLeader(int partition, long term) {
    roles.startAsFirstLeader(partition, term);
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
    List<StepDown> stepDowns = roles.demote(partitions);
    long emittedAt = System.nanoTime();
    return new StepDowns(emittedAt, emitter.emitStepDowns(stepDowns));
  }

  /** Whether this replica leads {@code partition} and finished its handover. */
  public boolean isWritable(int partition) {
    return roles.isWritable(partition);
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
    return writer.await(writeDataAsync(partition, count), partition);
  }

  /**
   * Hands {@code count} data records to the data producer as the leader of {@code partition}, the
   * way a server writes: without waiting for them.
   *
   * @return the offsets, once every record is acknowledged
   * @throws IllegalStateException if this replica may not write to the partition
   */
  public CompletableFuture<List<Long>> writeDataAsync(int partition, int count) {
    return roles.writeAsLeader(partition, count);
  }

  /**
   * Writes data records carrying this replica's id and {@code term} (-1 for none) whatever its
   * role, and waits for their acks: how a leader that has not noticed its demotion (a zombie)
   * behaves. For tests and demonstrations.
   */
  public List<Long> writeDataWithTerm(int partition, long term, int count) {
    return writer.await(writer.send(partition, term, count), partition);
  }

  /** Stops following and closes the replica's clients and its emitter. */
  @Override
  public void close() {
    if (!follower.stop()) {
      return;
    }
    writer.stopFlushing();
    emitter.close();
    writer.closeProducer();
  }

  @Override
  public String toString() {
    return "ReferenceReplica{"
        + config.replicaId()
        + ", "
        + config.topic()
        + ", leader of "
        + roles
        + "}";
  }
}
