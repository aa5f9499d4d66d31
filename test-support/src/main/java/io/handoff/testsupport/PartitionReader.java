package io.handoff.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what landed in a topic, as raw bytes: every record from the beginning of the given
 * partitions up to their end offsets at the time of the call. Each call uses a consumer of its own
 * with no group, so calls do not disturb each other or commit anything.
 */
public final class PartitionReader {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private PartitionReader() {}

  /**
   * Every record of {@code topic}-{@code partition}, in offset order.
   *
   * @throws AssertionError if the records up to the end offset cannot be read within 60 s
   */
  public static List<ConsumerRecord<byte[], byte[]>> readPartition(
      String bootstrapServers, String topic, int partition) {
    return read(bootstrapServers, topic, List.of(partition));
  }

  /**
   * Every record of partitions {@code 0 .. partitions-1} of {@code topic}, ordered by partition,
   * then offset.
   *
   * @throws AssertionError if the records up to the end offsets cannot be read within 60 s
   */
  public static List<ConsumerRecord<byte[], byte[]>> readAll(
      String bootstrapServers, String topic, int partitions) {
    List<Integer> all = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      all.add(p);
    }
    return read(bootstrapServers, topic, all);
  }

  /**
   * Every record of the given partitions of {@code topic}, ordered by partition, then offset.
   *
   * @throws AssertionError if the records up to the end offsets cannot be read within 60 s
   */
  public static List<ConsumerRecord<byte[], byte[]>> read(
      String bootstrapServers, String topic, List<Integer> partitions) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers is null");
    Objects.requireNonNull(topic, "topic is null");
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "test-reader-" + topic);
    List<TopicPartition> tps = new ArrayList<>();
    for (int p : partitions) {
      tps.add(new TopicPartition(topic, p));
    }
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(20));
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (!atEnd(consumer, tps, end)) {
        if (System.nanoTime() - deadline >= 0) {
          throw new AssertionError(
              "could not read "
                  + tps
                  + " up to end offsets "
                  + end
                  + " in "
                  + READ_TIMEOUT.toSeconds()
                  + " s; got "
                  + out.size()
                  + " records");
        }
        consumer.poll(Duration.ofMillis(100)).forEach(out::add);
      }
    }
    out.sort(
        Comparator.comparingInt((ConsumerRecord<byte[], byte[]> r) -> r.partition())
            .thenComparingLong(ConsumerRecord::offset));
    return out;
  }

  private static boolean atEnd(
      KafkaConsumer<?, ?> consumer, List<TopicPartition> tps, Map<TopicPartition, Long> end) {
    for (TopicPartition tp : tps) {
      if (consumer.position(tp) < end.get(tp)) {
        return false;
      }
    }
    return true;
  }
}
