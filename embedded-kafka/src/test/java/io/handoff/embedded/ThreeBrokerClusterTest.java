package io.handoff.embedded;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartitionInfo;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Three brokers, replication factor 3, min.insync.replicas=2: losing one broker keeps acks=all
 * working.
 */
public class ThreeBrokerClusterTest {

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startCluster() {
    kafka =
        EmbeddedKafkaCluster.builder()
            .brokers(3)
            .brokerProperty("min.insync.replicas", "2")
            .brokerProperty("auto.create.topics.enable", "false")
            .start();
  }

  @AfterClass(alwaysRun = true)
  public void stopCluster() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  public void acksAllSurvivesOneStoppedBrokerAndBrokerRestartsOnSamePort() throws Exception {
    String topic = "replicated-events";
    kafka.createTopic(topic, 3, 3, Map.of("min.insync.replicas", "2"));
    String allBrokers = kafka.bootstrapServers();
    assertEquals(allBrokers.split(",").length, 3, allBrokers);

    try (KafkaProducer<String, String> producer = TestClients.producer(allBrokers)) {
      sendAll(producer, topic, "before", 9);

      kafka.stopBroker(1);
      assertFalse(kafka.isBrokerRunning(1));
      assertEquals(kafka.bootstrapServers().split(",").length, 2, kafka.bootstrapServers());
      sendAll(producer, topic, "one-down", 9);

      kafka.startBroker(1);
      assertTrue(kafka.isBrokerRunning(1));
      assertEquals(
          kafka.bootstrapServers(), allBrokers, "restarted broker must come back on the same port");
      sendAll(producer, topic, "after", 9);
    }
    awaitFullIsr(topic, 3);
  }

  private static void sendAll(
      KafkaProducer<String, String> producer, String topic, String prefix, int count)
      throws Exception {
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      acks.add(
          producer.send(
              new ProducerRecord<>(topic, i % 3, prefix + "-" + i, prefix + "-value-" + i)));
    }
    for (Future<RecordMetadata> ack : acks) {
      ack.get(30, TimeUnit.SECONDS);
    }
  }

  private void awaitFullIsr(String topic, int replicas) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        TopicDescription description =
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic);
        boolean full = description.partitions().stream().allMatch(p -> p.isr().size() == replicas);
        if (full) {
          return;
        }
        if (System.nanoTime() > deadline) {
          StringBuilder isrs = new StringBuilder();
          for (TopicPartitionInfo p : description.partitions()) {
            isrs.append(p.partition()).append('=').append(p.isr()).append(' ');
          }
          fail("restarted broker did not rejoin the ISR: " + isrs);
        }
        Thread.sleep(100);
      }
    }
  }
}
