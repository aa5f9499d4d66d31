package io.handoff.embedded;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** One broker: topic creation, produce with acks=all and consume back with a consumer group. */
public class SingleNodeClusterTest {

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startCluster() {
    kafka = EmbeddedKafkaCluster.builder().start();
  }

  @AfterClass(alwaysRun = true)
  public void stopCluster() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  public void exposesOneLoopbackPlaintextListener() {
    assertEquals(kafka.brokerCount(), 1);
    assertTrue(kafka.isBrokerRunning(0));
    assertTrue(kafka.bootstrapServers().matches("127\\.0\\.0\\.1:\\d+"), kafka.bootstrapServers());
    assertThrows(IllegalStateException.class, kafka::saslBootstrapServers);
  }

  @Test
  public void producesAndConsumesAcrossThreePartitions() throws Exception {
    String topic = "single-node-events";
    kafka.createTopic(topic, 3);

    int count = 30;
    Set<String> sent = new HashSet<>();
    try (KafkaProducer<String, String> producer = TestClients.producer(kafka.bootstrapServers())) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String value = "value-" + i;
        sent.add(value);
        acks.add(producer.send(new ProducerRecord<>(topic, i % 3, "key-" + i, value)));
      }
      for (Future<RecordMetadata> ack : acks) {
        ack.get(30, TimeUnit.SECONDS);
      }
    }

    Set<String> received = new HashSet<>();
    Set<Integer> partitions = new HashSet<>();
    try (KafkaConsumer<String, String> consumer =
        TestClients.consumer(kafka.bootstrapServers(), "single-node-group")) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (received.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          received.add(record.value());
          partitions.add(record.partition());
        }
      }
      consumer.commitSync(Duration.ofSeconds(10));
    }
    assertEquals(received, sent);
    assertEquals(partitions, Set.of(0, 1, 2));
  }
}
