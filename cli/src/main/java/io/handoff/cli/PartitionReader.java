package io.handoff.cli;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one partition with a plain assigned consumer (no group, nothing committed) up to an end
 * offset taken when the command started, so that a command always terminates. Every wait on the
 * broker is bounded by the timeout; failures become {@link CliException}s naming the servers, the
 * topic-partition or the offset ({@link #failure}).
 */
final class PartitionReader implements AutoCloseable {

  /**
   * The offsets of a partition when it was asked: the first one held, and the next one to be
   * written.
   */
  record Bounds(long begin, long end) {}

  private final String bootstrapServers;
  private final String topic;
  private final int partition;
  private final TopicPartition tp;
  private final long timeoutMs;
  private final Duration timeout;
  private final KafkaConsumer<byte[], byte[]> consumer;

  private PartitionReader(
      String bootstrapServers,
      String topic,
      int partition,
      long timeoutMs,
      KafkaConsumer<byte[], byte[]> consumer) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.partition = partition;
    this.tp = new TopicPartition(topic, partition);
    this.timeoutMs = timeoutMs;
    this.timeout = Duration.ofMillis(timeoutMs);
    this.consumer = consumer;
  }

  /**
   * @throws CliException when no consumer can be made for these servers (bad address, none
   *     resolves)
   */
  static PartitionReader open(
      String bootstrapServers, String topic, int partition, long timeoutMs, String clientId) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Asking about a missing topic must not create it.
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
    p.put(
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
        Long.toString(Math.max(1, Math.min(500, timeoutMs / 2))));
    p.put(
        ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG,
        Long.toString(Math.min(timeoutMs, 10_000)));
    p.put(
        ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG,
        Long.toString(Math.min(timeoutMs, 30_000)));
    try {
      return new PartitionReader(
          bootstrapServers,
          topic,
          partition,
          timeoutMs,
          new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    } catch (KafkaException e) {
      Throwable root = root(e);
      if (root instanceof ConfigException) {
        String m = HandoffCli.message(root);
        if (m.contains("resolvable")) {
          throw new CliException(
              "Cannot reach Kafka at " + bootstrapServers + ": no bootstrap address resolves", e);
        }
        throw new CliException("Invalid --bootstrap-servers '" + bootstrapServers + "': " + m, e);
      }
      throw new CliException(
          "Cannot create a Kafka consumer for " + bootstrapServers + ": " + HandoffCli.message(e),
          e);
    }
  }

  TopicPartition topicPartition() {
    return tp;
  }

  /**
   * Checks that the topic and the partition exist, and returns the partition's offsets now.
   *
   * @throws CliException naming the topic, or the partition and how many the topic has
   */
  Bounds bounds() {
    List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
    if (partitions == null || partitions.isEmpty()) {
      throw new CliException("Topic '" + topic + "' does not exist at " + bootstrapServers);
    }
    int n = partitions.size();
    if (partitions.stream().noneMatch(pi -> pi.partition() == partition)) {
      throw new CliException(
          "Partition "
              + partition
              + " does not exist: topic '"
              + topic
              + "' has "
              + n
              + (n == 1 ? " partition" : " partitions"));
    }
    long begin = consumer.beginningOffsets(Set.of(tp), timeout).getOrDefault(tp, 0L);
    long end = consumer.endOffsets(Set.of(tp), timeout).getOrDefault(tp, 0L);
    return new Bounds(begin, end);
  }

  /**
   * Where reading starts for {@code --from-offset fromOffset}: there, or at the first offset still
   * held when the records before it are gone.
   *
   * @throws CliException when {@code fromOffset} is beyond the end
   */
  long startAt(Bounds b, long fromOffset) {
    if (fromOffset > b.end()) {
      throw new CliException(
          "Offset "
              + fromOffset
              + " is beyond the end of "
              + tp
              + ": "
              + (b.begin() < b.end()
                  ? "it holds offsets " + b.begin() + " to " + (b.end() - 1)
                  : "it holds no records")
              + " (--from-offset)");
    }
    return Math.max(fromOffset, b.begin());
  }

  /**
   * Hands every record from {@code first} up to (not including) {@code end} to {@code sink}, in
   * offset order.
   *
   * @throws CliException when nothing arrives for a whole timeout before the end is reached
   */
  void read(long first, long end, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    if (first >= end) {
      return;
    }
    consumer.assign(List.of(tp));
    consumer.seek(tp, first);
    long next = first;
    long idleSince = System.nanoTime();
    while (next < end) {
      long idleMs = (System.nanoTime() - idleSince) / 1_000_000;
      if (idleMs >= timeoutMs) {
        throw new CliException(
            "Timed out reading "
                + tp
                + " at offset "
                + next
                + " from "
                + bootstrapServers
                + ": nothing arrived within "
                + timeoutMs
                + " ms (end offset "
                + end
                + ")");
      }
      ConsumerRecords<byte[], byte[]> records =
          consumer.poll(Duration.ofMillis(Math.min(500, timeoutMs - idleMs)));
      for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
        if (r.offset() >= end) {
          break;
        }
        sink.accept(r);
      }
      long position = consumer.position(tp, timeout);
      if (position > next) {
        next = position;
        idleSince = System.nanoTime();
      }
    }
  }

  /** What the user is told about a failure of the Kafka client while reading. */
  CliException failure(KafkaException e) {
    if (e instanceof TimeoutException) {
      return new CliException(
          "Cannot reach Kafka at " + bootstrapServers + " within " + timeoutMs + " ms", e);
    }
    if (e instanceof InvalidTopicException) {
      return new CliException("Invalid topic name '" + topic + "': " + HandoffCli.message(e), e);
    }
    return new CliException(
        "Cannot read topic '"
            + topic
            + "' partition "
            + partition
            + " at "
            + bootstrapServers
            + ": "
            + HandoffCli.message(e),
        e);
  }

  @Override
  public void close() {
    // Nothing to commit and no group to leave: do not linger.
    consumer.close(CloseOptions.timeout(Duration.ZERO));
  }

  private static Throwable root(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
