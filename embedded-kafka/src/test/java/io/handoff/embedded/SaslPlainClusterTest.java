package io.handoff.embedded;

import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** A SASL_PLAINTEXT listener with mechanism PLAIN next to the PLAINTEXT one. */
public class SaslPlainClusterTest {

  private static final String TOPIC = "sasl-events";
  private static final String ODD_PASSWORD = "p\"w\\with quotes; and=signs";

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startCluster() {
    kafka =
        EmbeddedKafkaCluster.builder()
            .saslPlainUser("alice", "alice-secret")
            .saslPlainUser("bob.the-builder_2", ODD_PASSWORD)
            .start();
    kafka.createTopic(TOPIC, 1);
  }

  @AfterClass(alwaysRun = true)
  public void stopCluster() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  public void saslListenerIsSeparateFromPlaintext() {
    assertTrue(
        kafka.saslBootstrapServers().matches("127\\.0\\.0\\.1:\\d+"), kafka.saslBootstrapServers());
    assertNotEquals(kafka.saslBootstrapServers(), kafka.bootstrapServers());
  }

  @Test
  public void correctCredentialsCanProduce() throws Exception {
    try (KafkaProducer<String, String> producer =
        TestClients.saslProducer(kafka.saslBootstrapServers(), "alice", "alice-secret")) {
      producer.send(new ProducerRecord<>(TOPIC, "k", "from alice")).get(30, TimeUnit.SECONDS);
    }
    try (KafkaProducer<String, String> producer =
        TestClients.saslProducer(kafka.saslBootstrapServers(), "bob.the-builder_2", ODD_PASSWORD)) {
      producer.send(new ProducerRecord<>(TOPIC, "k", "from bob")).get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  public void wrongPasswordFailsWithAuthenticationError() {
    long start = System.nanoTime();
    try (KafkaProducer<String, String> producer =
        TestClients.saslProducer(kafka.saslBootstrapServers(), "alice", "wrong-password")) {
      producer.send(new ProducerRecord<>(TOPIC, "k", "must not arrive")).get(20, TimeUnit.SECONDS);
      fail("producing with a wrong password must fail");
    } catch (Exception e) {
      assertTrue(
          hasCause(e, SaslAuthenticationException.class),
          "expected SaslAuthenticationException in " + e);
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertTrue(seconds < 20, "authentication failure took " + seconds + " s");
  }

  @Test
  public void unknownUserFailsWithAuthenticationError() {
    try (KafkaProducer<String, String> producer =
        TestClients.saslProducer(kafka.saslBootstrapServers(), "mallory", "alice-secret")) {
      producer.send(new ProducerRecord<>(TOPIC, "k", "must not arrive")).get(20, TimeUnit.SECONDS);
      fail("producing as an unknown user must fail");
    } catch (Exception e) {
      assertTrue(
          hasCause(e, SaslAuthenticationException.class),
          "expected SaslAuthenticationException in " + e);
    }
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
