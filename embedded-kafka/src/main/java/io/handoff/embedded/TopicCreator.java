package io.handoff.embedded;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** Creates topics through an admin client and waits until every partition is served. */
final class TopicCreator {

  static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(30);

  /** Whether every broker knows a leader for each of the first {@code partitions} of a topic. */
  interface LeadersKnown {
    boolean of(String topic, int partitions);
  }

  private final Supplier<String> bootstrapServers;
  private final LeadersKnown leadersKnown;
  private final ClusterTasks tasks;

  /**
   * @param leadersKnown asked until it holds after a topic is created; null when the brokers cannot
   *     be asked (they run in other processes), and the partitions are then asked for until served
   */
  TopicCreator(Supplier<String> bootstrapServers, LeadersKnown leadersKnown, ClusterTasks tasks) {
    this.bootstrapServers = bootstrapServers;
    this.leadersKnown = leadersKnown;
    this.tasks = tasks;
  }

  void create(String name, int partitions, int replicationFactor, Map<String, String> configs) {
    NewTopic topic =
        new NewTopic(name, partitions, (short) replicationFactor)
            .configs(configs == null ? Map.of() : new HashMap<>(configs));
    long deadline = ClusterTasks.deadlineAfter(OPERATION_TIMEOUT);
    try (Admin admin = newAdmin()) {
      admin
          .createTopics(List.of(topic))
          .all()
          .get(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new EmbeddedKafkaException("Could not create topic " + name + ": " + cause, cause);
    } catch (TimeoutException e) {
      throw new EmbeddedKafkaException(
          "Creating topic " + name + " timed out after " + OPERATION_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("Interrupted while creating topic " + name, e);
    }
    if (leadersKnown != null) {
      tasks.waitUntil(
          "all partitions of topic " + name + " to have a leader known to every running broker",
          () -> leadersKnown.of(name, partitions),
          deadline);
    }
    awaitServing(name, partitions, deadline);
  }

  /**
   * Waits until every partition's leader answers for it. Metadata names a leader before that broker
   * has opened the partition's log, and a broker opening a thousand logs takes seconds; a client
   * writing in that window sees NOT_LEADER_OR_FOLLOWER and its first writes time out.
   */
  private void awaitServing(String name, int partitions, long deadline) {
    Map<TopicPartition, OffsetSpec> all = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      all.put(new TopicPartition(name, p), OffsetSpec.latest());
    }
    try (Admin admin = newAdmin()) {
      while (true) {
        long remaining = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        try {
          // The admin client retries NOT_LEADER_OR_FOLLOWER until its timeout.
          admin.listOffsets(all).all().get(remaining, TimeUnit.MILLISECONDS);
          return;
        } catch (ExecutionException e) {
          // A broker that has not learned of the topic yet makes the admin client fail at once.
          // Brokers that could be asked first know it; others are asked again until the deadline.
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          if (leadersKnown != null || System.nanoTime() - deadline > 0) {
            throw new EmbeddedKafkaException(
                "Partitions of topic " + name + " are not served: " + cause, cause);
          }
          Thread.sleep(50);
        }
      }
    } catch (TimeoutException e) {
      throw new EmbeddedKafkaException(
          "Partitions of topic " + name + " were not served within " + OPERATION_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("Interrupted while waiting for topic " + name, e);
    }
  }

  private Admin newAdmin() {
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.get());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) OPERATION_TIMEOUT.toMillis());
    return Admin.create(props);
  }
}
