package io.handoff.embedded;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.testng.annotations.Test;

/** A cluster whose controller and brokers are separate processes, and that leaves none behind. */
public class ForkedKafkaClusterTest {

  @Test
  public void threeBrokerProcessesReplicateAndStopWithTheCluster() throws Exception {
    List<Long> pids;
    ForkedKafkaCluster kafka =
        EmbeddedKafkaCluster.builder()
            .brokers(3)
            .brokerProperty("min.insync.replicas", "2")
            .startupTimeout(Duration.ofSeconds(90))
            .startForked();
    try {
      pids = kafka.pids();
      assertEquals(pids.size(), 4, "a controller and three brokers: " + pids);
      assertEquals(pids.stream().distinct().count(), 4L, pids.toString());
      assertFalse(pids.contains(ProcessHandle.current().pid()), pids.toString());
      assertEquals(kafka.bootstrapServers().split(",").length, 3, kafka.bootstrapServers());

      kafka.createTopic("forked", 6, 3, Map.of());
      try (Admin admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, (Object) kafka.bootstrapServers()))) {
        TopicDescription d =
            admin
                .describeTopics(List.of("forked"))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get("forked");
        for (TopicPartitionInfo p : d.partitions()) {
          assertEquals(p.isr().size(), 3, p.toString());
        }
      }
      try (KafkaProducer<String, String> producer =
          TestClients.producer(kafka.bootstrapServers())) {
        for (int p = 0; p < 6; p++) {
          long offset =
              producer
                  .send(new ProducerRecord<>("forked", p, "k", "v" + p))
                  .get(30, TimeUnit.SECONDS)
                  .offset();
          assertEquals(offset, 0L, "partition " + p);
        }
      }
      assertNotEquals(kafka.cpuTime(), Duration.ZERO, "the node processes did work");
    } finally {
      kafka.close();
    }
    for (long pid : pids) {
      assertTrue(
          ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true),
          "process " + pid + " outlived the cluster");
    }
    expectThrows(IllegalStateException.class, () -> kafka.createTopic("late", 1, 1, Map.of()));
  }

  @Test
  public void saslIsRefused() {
    IllegalStateException e =
        expectThrows(
            IllegalStateException.class,
            () -> EmbeddedKafkaCluster.builder().saslPlainUser("u", "p").startForked());
    assertTrue(e.getMessage().contains("SASL"), e.getMessage());
  }
}
