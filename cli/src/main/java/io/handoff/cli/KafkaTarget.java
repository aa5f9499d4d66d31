package io.handoff.cli;

import io.handoff.embedded.EmbeddedKafkaCluster;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The Kafka cluster a command plays on: the one named by {@code --bootstrap-servers}, or an
 * embedded single-node broker started for the command and removed when it is closed.
 */
final class KafkaTarget implements AutoCloseable {

  private final EmbeddedKafkaCluster embedded;
  private final String servers;

  private KafkaTarget(EmbeddedKafkaCluster embedded, String servers) {
    this.embedded = embedded;
    this.servers = servers;
  }

  /**
   * Uses {@code bootstrapServers}, or starts an embedded broker when it is null, saying so on
   * {@code out}.
   */
  static KafkaTarget open(String bootstrapServers, PrintWriter out) {
    return open(bootstrapServers, 1, out);
  }

  /**
   * Uses {@code bootstrapServers}, or starts an embedded cluster of {@code brokers} brokers when it
   * is null. With three brokers or more it is shaped like production: topics get replication factor
   * 3 and {@code min.insync.replicas=2}, so an {@code acks=all} write waits for two replicas.
   */
  static KafkaTarget open(String bootstrapServers, int brokers, PrintWriter out) {
    if (bootstrapServers != null) {
      return new KafkaTarget(null, bootstrapServers);
    }
    if (brokers < 1) {
      throw new CliException("--brokers must be >= 1, got " + brokers);
    }
    out.print(
        brokers == 1
            ? "Starting an embedded Kafka broker (KRaft, one node, temporary data)... "
            : "Starting an embedded Kafka cluster (KRaft, "
                + brokers
                + " brokers, replication factor "
                + Math.min(brokers, 3)
                + (brokers >= 3 ? ", min.insync.replicas=2" : "")
                + ", temporary data)... ");
    out.flush();
    long t = System.nanoTime();
    var builder = EmbeddedKafkaCluster.builder().brokers(brokers);
    if (brokers >= 3) {
      builder.brokerProperty("min.insync.replicas", "2");
    }
    EmbeddedKafkaCluster cluster = builder.start();
    out.printf(
        Locale.ROOT,
        "ready at %s in %s%n",
        cluster.bootstrapServers(),
        GapStats.human(System.nanoTime() - t));
    out.flush();
    return new KafkaTarget(cluster, cluster.bootstrapServers());
  }

  String servers() {
    return servers;
  }

  /**
   * Creates {@code topic} with {@code partitions} partitions and the cluster's default replication,
   * and returns once its partitions are served.
   *
   * @throws CliException naming the topic and the servers when the cluster refuses or is
   *     unreachable
   */
  void createTopic(String topic, int partitions) {
    if (embedded != null) {
      embedded.createTopic(topic, partitions);
      return;
    }
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("Interrupted while creating topic " + topic);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new CliException(
          "Cannot create topic " + topic + " at " + servers + ": " + HandoffCli.message(e), e);
    }
  }

  /** Stops and removes the embedded broker, if one was started. */
  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
