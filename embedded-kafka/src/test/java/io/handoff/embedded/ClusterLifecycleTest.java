package io.handoff.embedded;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.testng.annotations.Test;

/** Builder validation and close(): idempotent, deletes storage, leaves no non-daemon threads. */
public class ClusterLifecycleTest {

  @Test
  public void builderRejectsInvalidSettings() {
    assertThrows(IllegalArgumentException.class, () -> EmbeddedKafkaCluster.builder().brokers(0));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            EmbeddedKafkaCluster.builder().brokerProperty("listeners", "PLAINTEXT://0.0.0.0:9092"));
    assertThrows(
        IllegalArgumentException.class,
        () -> EmbeddedKafkaCluster.builder().brokerProperty("node.id", "7"));
    assertThrows(
        IllegalArgumentException.class,
        () -> EmbeddedKafkaCluster.builder().saslPlainUser("white space", "pw"));
  }

  @Test
  public void invalidBrokerPropertyFailsFastWithoutLeftovers() throws Exception {
    Set<String> dirsBefore = storageDirs();
    EmbeddedKafkaException e =
        expectThrows(
            EmbeddedKafkaException.class,
            () ->
                EmbeddedKafkaCluster.builder()
                    .brokerProperty("min.insync.replicas", "not-a-number")
                    .start());
    assertTrue(e.getMessage().contains("min.insync.replicas"), e.getMessage());
    assertEquals(storageDirs(), dirsBefore);
  }

  @Test
  public void startupTimeoutFailsWithClearExceptionAndCleansUp() throws Exception {
    Set<String> dirsBefore = storageDirs();
    long start = System.nanoTime();
    EmbeddedKafkaException e =
        expectThrows(
            EmbeddedKafkaException.class,
            () -> EmbeddedKafkaCluster.builder().startupTimeout(Duration.ofMillis(1)).start());
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertTrue(seconds < 30, "failing start took " + seconds + " s");
    assertTrue(e.getMessage().startsWith("Embedded Kafka"), e.getMessage());
    assertEquals(storageDirs(), dirsBefore);
  }

  @Test
  public void closeIsIdempotentDeletesStorageAndStopsThreads() throws Exception {
    Set<String> dirsBefore = storageDirs();
    Set<Thread> threadsBefore = nonDaemonThreads();

    EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().start();
    assertEquals(storageDirs().size(), dirsBefore.size() + 1);
    kafka.close();
    kafka.close();

    assertEquals(storageDirs(), dirsBefore);
    assertEquals(kafka.bootstrapServers(), "");
    assertThrows(IllegalStateException.class, () -> kafka.createTopic("too-late", 1));
    assertThrows(IllegalStateException.class, () -> kafka.startBroker(0));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Set<String> leaked;
    do {
      leaked =
          nonDaemonThreads().stream()
              .filter(t -> !threadsBefore.contains(t))
              .map(Thread::getName)
              .collect(Collectors.toSet());
      if (leaked.isEmpty()) {
        break;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    assertTrue(leaked.isEmpty(), "non-daemon threads left after close(): " + leaked);
  }

  private static Set<Thread> nonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon())
        .collect(Collectors.toSet());
  }

  private static Set<String> storageDirs() throws IOException {
    Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
    try (Stream<Path> entries = Files.list(tmp)) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(name -> name.startsWith("handoff-embedded-kafka-"))
          .collect(Collectors.toSet());
    }
  }
}
