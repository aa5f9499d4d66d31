package io.handoff.stamp;

import static io.handoff.spi.HandoffSettings.ACK_TIMEOUT_MS;
import static io.handoff.spi.HandoffSettings.EMIT_STEPDOWN_STAMP;
import static io.handoff.spi.HandoffSettings.KAFKA_PREFIX;
import static io.handoff.spi.HandoffSettings.STRATEGY;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.spi.ConfigKey;
import io.handoff.spi.HandoffConfigException;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.WriteBarrier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;
import org.testng.annotations.Test;

/**
 * The stamp strategy's part of the configuration table: the keys it declares, the secrets it takes
 * from Kafka's own producer table, the producer settings it checks at selection with every other
 * problem, and the real values that still reach its producer.
 */
public class StampConfigTest {

  private static final String BOOTSTRAP = KAFKA_PREFIX + "bootstrap.servers";
  private static final String JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required"
          + " username=\"u\" password=\"Jaas-Pw-Mm64\";";
  private static final String CERTIFICATES = "-----BEGIN CERTIFICATE----- Cert-Nn35";

  private static final HostResources BARRIER =
      HostResources.of(
          WriteBarrier.class, (topic, partition) -> CompletableFuture.completedFuture(null));

  private static Properties props(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  private static HandoffConfigException startFails(Properties props) {
    return expectThrows(
        HandoffConfigException.class,
        () -> LeadershipHandoffs.emitter(props, HandoffMetrics.NOOP, BARRIER));
  }

  @Test
  public void secretNamesComeFromKafkasPasswordKeysAndTheJaasConfig() {
    Set<String> passwords =
        ProducerConfig.configDef().configKeys().values().stream()
            .filter(k -> k.type == ConfigDef.Type.PASSWORD)
            .map(k -> KAFKA_PREFIX + k.name)
            .collect(Collectors.toCollection(TreeSet::new));
    passwords.add(KAFKA_PREFIX + "sasl.jaas.config");
    Set<String> declared =
        new StampProvider()
            .configKeys().stream()
                .filter(ConfigKey::secret)
                .map(ConfigKey::name)
                .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(declared, passwords, "the stamp's secret keys");
    assertTrue(
        passwords.contains(KAFKA_PREFIX + "ssl.truststore.certificates"),
        "a PASSWORD whose name says nothing of a secret");
  }

  @Test
  public void theStampDeclaresItsProducerKeysWithDefaultsAndDocs() {
    Map<String, ConfigKey> keys = new LinkedHashMap<>();
    new StampProvider().configKeys().forEach(k -> keys.put(k.name(), k));
    assertEquals(keys.get(BOOTSTRAP).defaultValue(), null, "bootstrap.servers has no default");
    assertEquals(
        keys.get(KAFKA_PREFIX + "client.id").defaultValue(), "handoff-stamp-emitter", "client.id");
    assertEquals(
        keys.get(KAFKA_PREFIX + "max.in.flight.requests.per.connection").defaultValue(),
        "1",
        "max.in.flight.requests.per.connection");
    assertTrue(keys.get(KAFKA_PREFIX + "acks").doc().startsWith("Forced to all"), "acks doc");
    keys.values().forEach(k -> assertFalse(k.doc().isBlank(), "no doc for " + k.name()));
    assertEquals(
        LeadershipHandoffs.registry().configDef().keys().stream()
            .filter(k -> k.name().startsWith(KAFKA_PREFIX))
            .count(),
        (long) keys.size(),
        "the class path's table lists the stamp's keys");
  }

  @Test
  public void aBadTimeoutABadAcksAndAnUnknownStrategyFailTheStartTogether() {
    HandoffConfigException e =
        startFails(
            props(
                EMIT_STEPDOWN_STAMP,
                "true",
                ACK_TIMEOUT_MS,
                "-1",
                KAFKA_PREFIX + "acks",
                "banana",
                STRATEGY,
                "stmap",
                BOOTSTRAP,
                "127.0.0.1:9"));
    assertEquals(
        e.errors(),
        List.of(
            "Invalid value '-1' for configuration " + ACK_TIMEOUT_MS + ": must be at least 0",
            "Unknown strategy 'stmap' for " + STRATEGY + ". Available: [noop, stamp]",
            "Invalid value 'banana' for configuration "
                + KAFKA_PREFIX
                + "acks: String must be one of: all, -1, 0, 1"),
        e.getMessage());
    assertTrue(
        e.getMessage().startsWith("Invalid handoff configuration (3 errors):"), e.getMessage());
  }

  @Test
  public void kafkasOwnTableChecksTheOtherProducerSettingsAtSelection() {
    HandoffConfigException e =
        startFails(
            props(
                EMIT_STEPDOWN_STAMP,
                "true",
                BOOTSTRAP,
                "localhost",
                KAFKA_PREFIX + "retries",
                "0",
                KAFKA_PREFIX + "compression.type",
                "zip",
                KAFKA_PREFIX + "batch.size",
                "lots",
                KAFKA_PREFIX + "max.request.size",
                "lots",
                KAFKA_PREFIX + "linger.ms",
                "soon"));
    assertEquals(
        e.errors(),
        List.of(
            "Invalid value 'localhost' for configuration "
                + BOOTSTRAP
                + ": must be a list of host:port, and 'localhost' is not",
            "Invalid value '0' for configuration " + KAFKA_PREFIX + "retries: must be at least 1",
            // batch.size is declared, with the stamp's own default: checked by its declaration.
            "Invalid value 'lots' for configuration "
                + KAFKA_PREFIX
                + "batch.size: must be a whole number between 0 and 2147483647",
            "Invalid value 'soon' for configuration "
                + KAFKA_PREFIX
                + "linger.ms: Not a number of type LONG",
            "Invalid value 'zip' for configuration "
                + KAFKA_PREFIX
                + "compression.type: String must be one of: none, gzip, snappy, lz4, zstd",
            "Invalid value 'lots' for configuration "
                + KAFKA_PREFIX
                + "max.request.size: Not a number of type INT"),
        e.getMessage());
  }

  @Test
  public void observersFailOnTheSameProblems() {
    Properties p = props(EMIT_STEPDOWN_STAMP, "true", KAFKA_PREFIX + "compression.type", "zip");
    HandoffConfigException e =
        expectThrows(HandoffConfigException.class, () -> LeadershipHandoffs.observers(p));
    assertEquals(e.errors(), startFails(p).errors(), "the same pass on either side");
  }

  @Test
  public void secretsAreHiddenInSettingsButTheProducerGetsThem() {
    Properties p =
        props(
            EMIT_STEPDOWN_STAMP,
            "true",
            BOOTSTRAP,
            "127.0.0.1:9",
            KAFKA_PREFIX + "sasl.jaas.config",
            JAAS,
            KAFKA_PREFIX + "ssl.truststore.certificates",
            CERTIFICATES);
    HandoffSettings s = HandoffSettings.from(p);
    for (String shown :
        List.of(s.toString(), s.effective().toString(), s.kafkaProperties().toString())) {
      assertFalse(shown.contains("Jaas-Pw-Mm64"), shown);
      assertFalse(shown.contains("Cert-Nn35"), shown);
    }
    assertEquals(
        s.effective().get(KAFKA_PREFIX + "ssl.truststore.certificates"),
        HandoffSettings.HIDDEN,
        "declared secret by Kafka's PASSWORD type");

    Properties producer = StampProducerConfig.of(s);
    assertEquals(((Password) producer.get("sasl.jaas.config")).value(), JAAS, "the real JAAS text");
    assertEquals(
        ((Password) producer.get("ssl.truststore.certificates")).value(),
        CERTIFICATES,
        "the real certificates");
    assertFalse(producer.toString().contains("Jaas-Pw-Mm64"), producer.toString());
    new ProducerConfig(producer); // Kafka accepts what the producer will be given
  }

  @Test
  public void theStampsDefaultsComeFromItsTable() {
    Properties producer =
        StampProducerConfig.of(
            HandoffSettings.from(props(EMIT_STEPDOWN_STAMP, "true", BOOTSTRAP, "127.0.0.1:9")));
    assertEquals(producer.get("client.id"), "handoff-stamp-emitter", "client.id");
    assertEquals(
        producer.get("max.in.flight.requests.per.connection"),
        "1",
        "max.in.flight.requests.per.connection");
  }
}
