package io.handoff.host;

import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.LeaderMetadata;
import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.Put;
import io.handoff.codec.RecordKeys;
import io.handoff.host.ReferenceReplica.Config;
import io.handoff.host.ReferenceReplica.StampWiring;
import io.handoff.spi.HostResources;
import io.handoff.spi.WriteBarrier;
import io.handoff.stamp.SendTracker;
import io.handoff.stamp.StampKind;
import io.handoff.stamp.Stamps;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's writes: its one data producer (shared by its partitions, with Kafka's default
 * batching, as a server's asynchronous writer has it), every send tracked by a {@link SendTracker},
 * the declarations of leadership and the data records. Whether a partition may be written is the
 * replica's business; this class sends what it is handed. Thread-safe.
 */
final class ReplicaWriter {

  // The replica's logger: a failed declaration is the replica's event.
  private static final Logger LOG = LoggerFactory.getLogger(ReferenceReplica.class);

  private static final int DATA_SCHEMA_ID = 1;

  /** The data producer's delivery timeout: a write is acknowledged or failed by then. */
  static final long DELIVERY_TIMEOUT_MS = 30_000;

  private final Config config;
  private final Stamps stamps = new Stamps();
  private final byte[] vtpHeader = EnvelopeCodec.vtpHeaderValue();
  private final byte[] producerGuid = guidOf(UUID.randomUUID());
  private final KafkaProducer<byte[], byte[]> producer;
  private final SendTracker sends;
  private final Map<Integer, Integer> sequences = new ConcurrentHashMap<>();
  private final ExecutorService flusher =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "replica-flusher");
            t.setDaemon(true);
            return t;
          });

  ReplicaWriter(Config config) {
    this.config = config;
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
  }

  /** What the emitter is lent to order its stamps after this writer's records. */
  HostResources stampOrdering() {
    return config.stampWiring() == StampWiring.HOST_PRODUCER
        ? HostResources.of(Producer.class, producer)
        : HostResources.of(WriteBarrier.class, sends);
  }

  /** Fetches the topic's metadata, as a server connects long before any handover needs it. */
  void connect() {
    producer.partitionsFor(config.topic());
  }

  /** Forgets the failed sends to {@code partition}: a new tenure starts there. */
  void newTenure(int partition) {
    sends.clear(config.topic(), partition);
  }

  /**
   * Sends the declaration now rather than after the producer's linger.ms, as a server's transition
   * handler would; off the calling thread, so that the promotions of many partitions do not wait
   * for each other's acknowledgements.
   */
  void flushSoon() {
    flusher.execute(producer::flush);
  }

  /**
   * Hands a declaration of leadership of {@code partition} with {@code term} to the producer; its
   * acknowledgement goes to {@code promotion}, or is only logged when failed for a first leader
   * (null).
   */
  void writeDeclaration(int partition, long term, Promotion promotion) {
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
   * Hands {@code count} data records of {@code partition} to the producer, host name the replica's
   * id and {@code term} (-1 for none).
   *
   * @return the offsets, once every record is acknowledged
   */
  CompletableFuture<List<Long>> send(int partition, long term, int count) {
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

  /**
   * Waits for {@code written}, at most the producer's delivery timeout and a margin.
   *
   * @throws IllegalStateException if interrupted or a write failed
   */
  List<Long> await(CompletableFuture<List<Long>> written, int partition) {
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

  /** Stops flushing; the producer stays open until {@link #closeProducer}. */
  void stopFlushing() {
    flusher.shutdownNow();
  }

  void closeProducer() {
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
}
