package io.handoff.stamp;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.StepDown;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes step-down stamps to the version topic with one Kafka producer shared by all partitions.
 *
 * <p><b>Producer.</b> Created on the first emit from {@code server.leader.handover.kafka.*}, or
 * handed in by the host (then the host owns and closes it). A created producer always runs with
 * {@code acks=all}, idempotence on and {@code linger.ms=0}, whatever the properties say.
 *
 * <p><b>How late can a stamp land?</b> A stamp the caller was told {@code TIMED_OUT} must not turn
 * up minutes later, after the next leader has started: a late stamp is worse than none. The
 * producer is therefore built with {@code request.timeout.ms = delivery.timeout.ms =
 * max(ack timeout, }{@value #MIN_DELIVERY_TIMEOUT_MS}{@code  ms)}: after that the producer gives
 * up and never retries. The floor keeps a zero ack timeout ("send, don't wait") workable. The
 * emitter waits for a topic's metadata before it timestamps a stamp and hands it over, so that wait
 * does not extend the bound: a stamp lands within the delivery bound of its timestamp, or not at
 * all, except for a request the broker had already received when the client gave up (Kafka cannot
 * recall those). {@link #deliveryBoundMs} reports the bound in force.
 *
 * <p><b>Blocking.</b> {@link #emitStepDown} returns within the ack timeout: the metadata wait and
 * the ack wait share one deadline. {@link #emitStepDowns} sends everything first, stamps of
 * partitions known to exist ahead of the others, waits for each topic's metadata at most once, and
 * then waits for all acks against one deadline. Metadata waits come in slices of
 * {@link #metadataWaitMs} ({@code max.block.ms}), so a call overshoots its deadline by at most one
 * slice. A partition beyond the topic's partition count is {@code FAILED} without being sent.
 * {@link #close()} abandons unacknowledged stamps (their callers get {@code FAILED}) and returns
 * once the producer's I/O thread has stopped.
 */
public final class KafkaStampEmitter implements LeadershipHandoffEmitter {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaStampEmitter.class);

  /** Floor of the producer's request and delivery timeouts. */
  public static final long MIN_DELIVERY_TIMEOUT_MS = 1_000L;

  /** Floor of one metadata wait; see {@link #metadataWaitMs}. */
  public static final long MIN_METADATA_WAIT_MS = 100L;

  private final boolean enabled;
  private final long ackTimeoutMs;
  private final HandoffMetrics metrics;
  private final StampCodec codec = new StampCodec();
  private final byte[] vtpHeader = codec.vtpHeaderValue();
  private final Supplier<Producer<byte[], byte[]>> producerFactory;
  private final boolean ownsProducer;

  /** Topic -> partitions known to exist (at least), from prepare() and acknowledged stamps. */
  private final ConcurrentHashMap<String, Integer> knownPartitions = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private volatile Producer<byte[], byte[]> producer;
  private volatile boolean closed;

  /**
   * An emitter that creates its own producer from {@link HandoffSettings#kafkaProperties()} on
   * first use.
   *
   * @throws IllegalArgumentException if emitting is on and the Kafka properties lack
   *     {@code bootstrap.servers} or hold an invalid producer setting; the message names the key
   */
  public KafkaStampEmitter(HandoffSettings settings, HandoffMetrics metrics) {
    this(settings, metrics, producerFactory(settings), true);
  }

  /** An emitter that writes through {@code producer}, which the host owns and closes. */
  public KafkaStampEmitter(HandoffSettings settings, HandoffMetrics metrics, Producer<byte[], byte[]> producer) {
    this(settings, metrics, constant(requireNonNull(producer, "producer is null")), false);
  }

  private KafkaStampEmitter(HandoffSettings settings, HandoffMetrics metrics,
      Supplier<Producer<byte[], byte[]>> producerFactory, boolean ownsProducer) {
    requireNonNull(settings, "settings is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.enabled = settings.emitStepDownStamp();
    this.ackTimeoutMs = settings.ackTimeoutMs();
    this.producerFactory = producerFactory;
    this.ownsProducer = ownsProducer;
  }

  private static Supplier<Producer<byte[], byte[]>> constant(Producer<byte[], byte[]> p) {
    return () -> p;
  }

  private static Supplier<Producer<byte[], byte[]>> producerFactory(HandoffSettings settings) {
    requireNonNull(settings, "settings is null");
    if (!settings.emitStepDownStamp()) {
      return () -> {
        throw new IllegalStateException("emitting is switched off");
      };
    }
    Properties config = producerConfig(settings);
    return () -> new KafkaProducer<>(config);
  }

  /**
   * The configuration of a producer this emitter creates: the user's Kafka properties with the
   * settings this emitter depends on forced.
   *
   * @throws IllegalArgumentException naming the key of a missing or invalid producer setting
   */
  public static Properties producerConfig(HandoffSettings settings) {
    Map<String, String> user = settings.kafkaProperties();
    String bootstrap = user.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("Missing configuration " + HandoffSettings.KAFKA_PREFIX
          + ProducerConfig.BOOTSTRAP_SERVERS_CONFIG + ": the stamp producer needs the brokers of the version topics");
    }
    Properties p = new Properties();
    p.putAll(user);
    long delivery = deliveryBoundMs(settings.ackTimeoutMs());
    force(p, ProducerConfig.ACKS_CONFIG, "all");
    force(p, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    force(p, ProducerConfig.LINGER_MS_CONFIG, "0");
    force(p, ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(metadataWaitMs(settings.ackTimeoutMs())));
    force(p, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(delivery));
    force(p, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(delivery));
    force(p, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    force(p, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "handoff-stamp-emitter");
    // A broker handles one request per connection at a time, so more requests in flight buy
    // nothing but more, smaller requests: with one, the stamps of a mass step-down that arrive
    // while the first request is out travel together in the next.
    p.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    Map<String, Object> parsed;
    try {
      // Type and validator checks only: no connection, no logging of the values.
      parsed = ProducerConfig.configDef().parse(p);
    } catch (org.apache.kafka.common.config.ConfigException e) {
      throw new IllegalArgumentException("Invalid Kafka producer configuration under "
          + HandoffSettings.KAFKA_PREFIX + ": " + e.getMessage(), e);
    }
    // The checks KafkaProducer would only make when the first stamp is due.
    int inFlight = (Integer) parsed.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
    if (inFlight > 5) {
      throw invalid(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, inFlight, "must be at most 5 (the stamp producer is idempotent)");
    }
    int retries = (Integer) parsed.get(ProducerConfig.RETRIES_CONFIG);
    if (retries == 0) {
      throw invalid(ProducerConfig.RETRIES_CONFIG, retries, "must be at least 1 (the stamp producer is idempotent)");
    }
    @SuppressWarnings("unchecked")
    List<String> servers = (List<String>) parsed.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    for (String server : servers) {
      String s = server.trim();
      if (!s.isEmpty() && (org.apache.kafka.common.utils.Utils.getHost(s) == null
          || org.apache.kafka.common.utils.Utils.getPort(s) == null)) {
        throw invalid(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s, "must be a list of host:port");
      }
    }
    return p;
  }

  private static IllegalArgumentException invalid(String key, Object value, String reason) {
    return new IllegalArgumentException("Invalid value '" + value + "' for configuration "
        + HandoffSettings.KAFKA_PREFIX + key + ": " + reason);
  }

  /**
   * The producer's {@code max.block.ms}: one slice of the ack timeout (an eighth, at least
   * {@value #MIN_METADATA_WAIT_MS} ms). A metadata wait cannot be cut short, so the emitter waits in
   * slices and stops starting new ones at the deadline; a call overshoots by at most one slice.
   */
  public static long metadataWaitMs(long ackTimeoutMs) {
    return Math.max(MIN_METADATA_WAIT_MS, ackTimeoutMs / 8);
  }

  /** The producer's delivery bound for an ack timeout: see the class documentation. */
  public static long deliveryBoundMs(long ackTimeoutMs) {
    return Math.max(ackTimeoutMs, MIN_DELIVERY_TIMEOUT_MS);
  }

  private static void force(Properties p, String key, String value) {
    Object old = p.put(key, value);
    if (old != null && !old.toString().trim().equalsIgnoreCase(value)) {
      LOG.warn("Configuration {}{}={} is overridden with {}: the stamp emitter depends on it",
          HandoffSettings.KAFKA_PREFIX, key, HandoffSettings.isSecret(key) ? HandoffSettings.HIDDEN : old, value);
    }
  }

  /** The ack timeout in force, after clamping. */
  public long ackTimeoutMs() {
    return ackTimeoutMs;
  }

  @Override
  public EmitOutcome emitStepDown(StepDown stepDown) {
    requireNonNull(stepDown, "stepDown is null");
    return emitStepDowns(List.of(stepDown)).get(0);
  }

  @Override
  public List<EmitOutcome> emitStepDowns(Collection<StepDown> stepDowns) {
    requireNonNull(stepDowns, "stepDowns is null");
    for (StepDown s : stepDowns) {
      requireNonNull(s, "stepDowns holds a null element");
    }
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
    int n = stepDowns.size();
    EmitOutcome[] outcomes = new EmitOutcome[n];
    Pending[] pending = new Pending[n];

    // Phase 1: hand every stamp to the producer. Stamps for partitions already known to exist go
    // first: a send to a topic or partition without metadata blocks up to the ack timeout, and must
    // not hold up the stamps of a whole demotion behind it.
    StepDown[] ordered = stepDowns.toArray(new StepDown[0]);
    int[] order = sendOrder(ordered);
    Producer<byte[], byte[]> p = null;
    RuntimeException producerFailure = null;
    boolean interrupted = false;
    Map<String, Integer> partitionCounts = new HashMap<>();
    Map<String, RuntimeException> metadataFailures = new HashMap<>();
    for (int index : order) {
      StepDown s = ordered[index];
      if (!enabled) {
        outcomes[index] = EmitOutcome.skipped(s, EmitStatus.SKIPPED_DISABLED);
        continue;
      }
      EmitStatus skip = s.skipStatus();
      if (skip != null) {
        outcomes[index] = EmitOutcome.skipped(s, skip);
        continue;
      }
      if (closed) {
        outcomes[index] = failed(s, EmitStatus.FAILED, start, new IllegalStateException("the stamp emitter is closed"));
        continue;
      }
      if (producerFailure != null) {
        outcomes[index] = failed(s, EmitStatus.FAILED, start, producerFailure);
        continue;
      }
      if (interrupted) {
        outcomes[index] = failed(s, EmitStatus.INTERRUPTED, start, null);
        continue;
      }
      // With a zero ack timeout every stamp is sent and none awaited; otherwise nothing is sent
      // after the deadline, because it could only land late.
      if (ackTimeoutMs > 0 && index != order[0] && System.nanoTime() - deadline >= 0) {
        outcomes[index] = failed(s, EmitStatus.TIMED_OUT, start,
            new TimeoutException("the ack timeout of " + ackTimeoutMs + " ms passed before this stamp could be sent"));
        continue;
      }
      if (p == null) {
        try {
          p = producer();
        } catch (RuntimeException e) {
          producerFailure = e;
          outcomes[index] = failed(s, EmitStatus.FAILED, start, e);
          continue;
        }
      }
      try {
        pending[index] = send(p, s, deadline, partitionCounts, metadataFailures);
      } catch (org.apache.kafka.common.errors.InterruptException e) {
        interrupted = true;
        outcomes[index] = failed(s, EmitStatus.INTERRUPTED, start, e);
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        outcomes[index] = failed(s, EmitStatus.TIMED_OUT, start, e);
      } catch (RuntimeException e) {
        outcomes[index] = failed(s, EmitStatus.FAILED, start, e);
      }
    }

    if (LOG.isDebugEnabled()) {
      LOG.debug("Handed {} stamp(s) to the producer in {} µs", n, (System.nanoTime() - start) / 1_000);
    }

    // Phase 2: wait for all acknowledgements against the one deadline.
    for (int index = 0; index < n; index++) {
      StepDown s = ordered[index];
      Pending pd = pending[index];
      if (pd == null) {
        continue;
      }
      if (interrupted) {
        outcomes[index] = pd.isDone() ? pd.outcome(s, start) : failed(s, EmitStatus.INTERRUPTED, start, null);
        continue;
      }
      try {
        long remaining = Math.max(0L, deadline - System.nanoTime());
        pd.future.get(remaining, TimeUnit.NANOSECONDS);
        outcomes[index] = pd.outcome(s, start);
      } catch (InterruptedException e) {
        interrupted = true;
        outcomes[index] = failed(s, EmitStatus.INTERRUPTED, start, e);
      } catch (TimeoutException e) {
        outcomes[index] = failed(s, EmitStatus.TIMED_OUT, start,
            new TimeoutException("no ack within the ack timeout of " + ackTimeoutMs + " ms"));
      } catch (ExecutionException e) {
        outcomes[index] = pd.outcome(s, start);
      } catch (RuntimeException e) {
        outcomes[index] = failed(s, EmitStatus.FAILED, start, e);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }

    List<EmitOutcome> result = new ArrayList<>(n);
    for (EmitOutcome o : outcomes) {
      report(o);
      result.add(o);
    }
    return result;
  }

  /**
   * The partition count of {@code topic}, waiting for its metadata in slices of
   * {@link #metadataWaitMs} until {@code deadline} (one slice when the ack timeout is zero).
   */
  private int partitionCount(Producer<byte[], byte[]> p, String topic, long deadline) {
    while (true) {
      try {
        int count = p.partitionsFor(topic).size();
        knownPartitions.merge(topic, count, Math::max);
        return count;
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        if (ackTimeoutMs == 0 || System.nanoTime() - deadline >= 0) {
          throw e;
        }
      }
    }
  }

  /** Indexes of {@code stepDowns}: those whose partition is known to exist first, each group in order. */
  private int[] sendOrder(StepDown[] stepDowns) {
    int[] order = new int[stepDowns.length];
    int k = 0;
    for (int i = 0; i < stepDowns.length; i++) {
      if (isKnown(stepDowns[i])) {
        order[k++] = i;
      }
    }
    for (int i = 0; i < stepDowns.length; i++) {
      if (!isKnown(stepDowns[i])) {
        order[k++] = i;
      }
    }
    return order;
  }

  private boolean isKnown(StepDown s) {
    Integer count = knownPartitions.get(s.versionTopic());
    return count != null && s.partition() < count;
  }

  private Pending send(Producer<byte[], byte[]> p, StepDown s, long deadline,
      Map<String, Integer> partitionCounts, Map<String, RuntimeException> metadataFailures) {
    // Kafka's delivery timeout starts when the record enters the producer's buffer, after send()
    // has waited for metadata (up to max.block.ms). Wait for the metadata first, once per topic
    // and call, then check the deadline, and only then timestamp and hand over the stamp: it
    // lands within deliveryBoundMs of its timestamp or not at all, and a call waits for the
    // metadata of a topic at most once.
    String topic = s.versionTopic();
    RuntimeException failure = metadataFailures.get(topic);
    if (failure != null) {
      throw failure;
    }
    Integer count = partitionCounts.get(topic);
    if (count == null) {
      try {
        count = partitionCount(p, topic, deadline);
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        metadataFailures.put(topic, e);
        throw e;
      }
      partitionCounts.put(topic, count);
    }
    if (s.partition() >= count) {
      throw new IllegalArgumentException("Partition " + s.partition() + " of topic " + topic
          + " does not exist: the topic has " + count + " partition(s)");
    }
    if (ackTimeoutMs > 0 && System.nanoTime() - deadline >= 0) {
      throw new org.apache.kafka.common.errors.TimeoutException(
          "the ack timeout of " + ackTimeoutMs + " ms passed while waiting for the metadata of " + topic);
    }
    long now = System.currentTimeMillis();
    byte[] value = codec.encodeStamp(StampKind.STEP_DOWN, s.leaderTerm(), s.localClusterId(), s.writerId(), now);
    RecordHeaders headers = new RecordHeaders();
    headers.add(StampCodec.VTP_HEADER, vtpHeader);
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
        s.versionTopic(), s.partition(), now, StampKind.STEP_DOWN.key(), value, headers);
    Pending pd = new Pending();
    pd.future = p.send(record, (metadata, exception) -> {
      pd.completedAt = System.nanoTime();
      if (exception == null) {
        knownPartitions.merge(s.versionTopic(), s.partition() + 1, Math::max);
      }
    });
    return pd;
  }

  private Producer<byte[], byte[]> producer() {
    Producer<byte[], byte[]> p = producer;
    if (p != null) {
      return p;
    }
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the stamp emitter is closed");
      }
      if (producer == null) {
        producer = producerFactory.get();
      }
      return producer;
    }
  }

  private static EmitOutcome failed(StepDown s, EmitStatus status, long start, Throwable cause) {
    return EmitOutcome.failed(s, status, System.nanoTime() - start, cause);
  }

  private void report(EmitOutcome o) {
    StepDown s = o.stepDown();
    switch (o.status()) {
      case ACKED -> {
        metrics.stampEmitted(s, o.elapsedNanos());
        LOG.info("Step-down stamp for {} term {} acked at offset {} in {} µs",
            s.topicPartition(), s.leaderTerm(), o.offset(), o.elapsedNanos() / 1_000);
      }
      case SKIPPED_DISABLED -> {
        metrics.stampSkipped(s, o.status());
        LOG.debug("Step-down stamp for {} term {} not emitted: emitting is switched off", s.topicPartition(), s.leaderTerm());
      }
      case SKIPPED_NO_TERM -> {
        metrics.stampSkipped(s, o.status());
        LOG.info("Step-down stamp for {} not emitted: no leadership term ({})", s.topicPartition(), s.leaderTerm());
      }
      case SKIPPED_UNESTABLISHED -> {
        metrics.stampSkipped(s, o.status());
        LOG.info("Step-down stamp for {} term {} not emitted: the term was never established (demoted before its"
            + " handover finished); the next leader will wait out the inactivity window", s.topicPartition(), s.leaderTerm());
      }
      default -> {
        metrics.stampEmitFailed(s, o.status(), o.elapsedNanos());
        LOG.warn("Step-down stamp for {} term {} {} after {} µs: {}; the next leader will wait out the inactivity window",
            s.topicPartition(), s.leaderTerm(), o.status(), o.elapsedNanos() / 1_000, describe(o.cause()));
      }
    }
  }

  /** A cause and, when it adds something, its root cause: "Failed to construct kafka producer" alone names nothing. */
  private static String describe(Throwable cause) {
    if (cause == null) {
      return "no cause";
    }
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == cause ? cause.toString() : cause + " (caused by " + root + ")";
  }

  /** Creates the producer and fetches the metadata of {@code topic}; see the SPI. */
  @Override
  public void prepare(String topic) {
    requireNonNull(topic, "versionTopic is null");
    if (!enabled || closed) {
      return;
    }
    try {
      partitionCount(producer(), topic, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs));
    } catch (RuntimeException e) {
      LOG.warn("Could not fetch metadata of {} ahead of a step-down: {}", topic, e.toString());
    }
  }

  @Override
  public void close() {
    Producer<byte[], byte[]> p;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      p = producer;
      producer = null;
    }
    if (p != null && ownsProducer) {
      // Zero: nothing unacknowledged is worth delivering now; its caller already has an outcome
      // or gets FAILED.
      p.close(Duration.ZERO);
    }
  }

  @Override
  public String toString() {
    return "KafkaStampEmitter{enabled=" + enabled + ", ackTimeoutMs=" + ackTimeoutMs + ", closed=" + closed + "}";
  }

  /** One stamp handed to the producer. */
  private static final class Pending {
    Future<RecordMetadata> future;
    volatile long completedAt;

    boolean isDone() {
      return future.isDone();
    }

    /** The outcome of a completed future. */
    EmitOutcome outcome(StepDown s, long start) {
      long elapsed = (completedAt != 0 ? completedAt : System.nanoTime()) - start;
      // Only called for a completed future, so get() does not wait; but it throws
      // InterruptedException whenever the interrupt status is set. Clear the status around it and
      // restore it after, so that a stamp acked before an interrupt stays ACKED.
      boolean wasInterrupted = Thread.interrupted();
      try {
        RecordMetadata m = future.get(0, TimeUnit.NANOSECONDS);
        return EmitOutcome.acked(s, elapsed, m.offset());
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        EmitStatus status = cause instanceof org.apache.kafka.common.errors.TimeoutException
            ? EmitStatus.TIMED_OUT : EmitStatus.FAILED;
        return EmitOutcome.failed(s, status, elapsed, cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return EmitOutcome.failed(s, EmitStatus.INTERRUPTED, elapsed, e);
      } catch (TimeoutException e) {
        return EmitOutcome.failed(s, EmitStatus.TIMED_OUT, elapsed, e);
      } catch (RuntimeException e) {
        return EmitOutcome.failed(s, EmitStatus.FAILED, elapsed, e);
      } finally {
        if (wasInterrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
