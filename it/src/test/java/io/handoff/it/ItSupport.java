package io.handoff.it;

import static org.testng.Assert.fail;

import io.handoff.spi.HostResources;
import io.handoff.spi.WriteBarrier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Helpers shared by the integration tests: what a test lends an emitter, producer-thread
 * accounting, reading a partition, the observed-outcome log.
 */
final class ItSupport {

  /**
   * The name prefix of a Kafka producer's I/O thread: {@code kafka-producer-network-thread |
   * <client.id>}.
   */
  static final String PRODUCER_THREAD = "kafka-producer-network-thread";

  /** Where each class writes the outcomes it observed, one Markdown table row per case. */
  static final Path OBSERVED_DIR = Path.of("target", "it-observed");

  /**
   * The write barrier of a test that writes no data of its own: with no send outstanding there is
   * nothing a stamp has to be ordered after, so a barrier that is always complete tells the truth.
   */
  static final WriteBarrier NO_DATA_WRITTEN =
      (topic, partition) -> CompletableFuture.completedFuture(null);

  private ItSupport() {}

  /**
   * What a test that writes no data lends the stamp emitter: {@link #NO_DATA_WRITTEN}. The emitter
   * then stamps on a producer of its own, built from {@code server.leader.handover.kafka.*}.
   */
  static HostResources noDataWritten() {
    return HostResources.of(WriteBarrier.class, NO_DATA_WRITTEN);
  }

  /**
   * What a test that writes its data on {@code dataProducer} lends the stamp emitter: that
   * producer, so that Kafka orders each stamp after the data sent before it.
   */
  static HostResources dataProducer(Producer<byte[], byte[]> dataProducer) {
    return HostResources.of(Producer.class, dataProducer);
  }

  /** Names of the live producer I/O threads of this JVM, sorted. */
  static Set<String> producerThreads() {
    Set<String> names = new TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().contains(PRODUCER_THREAD)) {
        names.add(t.getName() + " #" + t.getId());
      }
    }
    return names;
  }

  /**
   * Fails if a producer I/O thread is alive now that was not alive in {@code before}. Allows the
   * threads a short grace period (1 s) to finish dying, then names every newcomer.
   */
  static void assertNoNewProducerThread(Set<String> before, String context) {
    long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    Set<String> extra;
    while (true) {
      extra = new TreeSet<>(producerThreads());
      extra.removeAll(before);
      if (extra.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        break;
      }
      sleep(20);
    }
    fail(context + ": producer thread(s) left behind: " + extra);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every record of {@code topic}-{@code partition}, from the beginning to the current end, in
   * offset order.
   */
  static List<ConsumerRecord<byte[], byte[]>> readPartition(
      String bootstrap, String topic, int partition) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "it-reader");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    TopicPartition tp = new TopicPartition(topic, partition);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      Map<TopicPartition, Long> end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(20));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (consumer.position(tp) < end.get(tp)) {
        if (System.nanoTime() - deadline >= 0) {
          fail(
              "could not read "
                  + tp
                  + " up to offset "
                  + end.get(tp)
                  + " in 30 s; got "
                  + out.size()
                  + " records");
        }
        consumer.poll(Duration.ofMillis(100)).forEach(out::add);
      }
    }
    return out;
  }

  /** Starts (truncates) the observed-outcome file of {@code name} with a Markdown table header. */
  static void startObserved(String name, String header) {
    try {
      Files.createDirectories(OBSERVED_DIR);
      Files.writeString(
          OBSERVED_DIR.resolve(name + ".md"),
          header + System.lineSeparator(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Appends one row to the observed-outcome file of {@code name}; '|' and newlines in cells are
   * escaped.
   */
  static synchronized void observed(String name, String... cells) {
    StringBuilder sb = new StringBuilder("|");
    for (String cell : cells) {
      sb.append(' ')
          .append(cell.replace("|", "\\|").replace("\r", "").replace("\n", " ⏎ "))
          .append(" |");
    }
    try {
      Files.createDirectories(OBSERVED_DIR);
      Files.writeString(
          OBSERVED_DIR.resolve(name + ".md"),
          sb + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code t} and its causes, outermost first, each as {@code toString()}. */
  static List<String> causeChain(Throwable t) {
    List<String> chain = new ArrayList<>();
    for (Throwable c = t;
        c != null && chain.size() < 20;
        c = c.getCause() == c ? null : c.getCause()) {
      chain.add(c.toString());
    }
    return chain;
  }

  /** Whether {@code t} or one of its causes is a {@code type}. */
  static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
