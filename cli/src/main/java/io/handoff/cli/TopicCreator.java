package io.handoff.cli;

import io.handoff.embedded.EmbeddedKafkaCluster;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates the topics the demo and the benchmark play on, in the embedded broker or a given cluster. */
final class TopicCreator {

  private TopicCreator() {
  }

  /**
   * Creates {@code topic} with {@code partitions} partitions and the cluster's default replication.
   *
   * @param embedded the embedded cluster, or null to use {@code servers}
   * @throws CliException naming the topic and the servers when the cluster refuses or is unreachable
   */
  static void create(EmbeddedKafkaCluster embedded, String servers, String topic, int partitions) {
    if (embedded != null) {
      embedded.createTopic(topic, partitions);
      return;
    }
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("Interrupted while creating topic " + topic);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new CliException("Cannot create topic " + topic + " at " + servers + ": " + HandoffCli.message(e), e);
    }
  }
}
