package io.handoff.stamp;

import io.handoff.spi.ConfigKey;
import io.handoff.spi.HandoffConfigException;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration of the producer a {@link KafkaStampEmitter} creates when it writes its stamps
 * on a producer of its own: the user's {@code server.leader.handover.kafka.*} properties with the
 * settings the emitter's bounds depend on forced.
 *
 * <p>{@link #KEYS} declares the Kafka settings the stamp strategy has rules for (its own bounds,
 * the forced settings, and, taken from Kafka's own {@code ProducerConfig.configDef()}, every
 * setting of type {@code PASSWORD} plus {@code sasl.jaas.config} as secrets); {@link
 * #kafkaProblems} checks the other given settings with Kafka's table. Both run when the strategy is
 * selected, so a bad producer setting fails the start with every other problem, rather than when
 * the first stamp is due. Secrets reach the producer only here: {@link #of} reveals them, as Kafka
 * {@link Password}s where Kafka types them so.
 */
public final class StampProducerConfig {

  private static final Logger LOG = LoggerFactory.getLogger(StampProducerConfig.class);

  /** Floor of the producer's request and delivery timeouts. */
  public static final long MIN_DELIVERY_TIMEOUT_MS = 1_000L;

  /** Floor of one metadata wait; see {@link #metadataWaitMs}. */
  public static final long MIN_METADATA_WAIT_MS = 100L;

  private static final String KAFKA = HandoffSettings.KAFKA_PREFIX;
  private static final String BOOTSTRAP = KAFKA + ProducerConfig.BOOTSTRAP_SERVERS_CONFIG;

  /** The Kafka settings the stamp strategy declares, secrets last. */
  public static final List<ConfigKey> KEYS = declareKeys();

  private static final Set<String> DECLARED =
      KEYS.stream().map(k -> k.name().substring(KAFKA.length())).collect(Collectors.toSet());

  private StampProducerConfig() {}

  private static List<ConfigKey> declareKeys() {
    List<ConfigKey> keys = new ArrayList<>();
    keys.add(
        ConfigKey.string(
            BOOTSTRAP,
            null,
            StampProducerConfig::hostPortProblem,
            "The brokers of the version topics, host:port, comma-separated. Required when the host"
                + " lends a WriteBarrier rather than its producer: the stamp emitter then writes on"
                + " a producer of its own."));
    keys.add(
        ConfigKey.string(
            KAFKA + ProducerConfig.CLIENT_ID_CONFIG,
            "handoff-stamp-emitter",
            ConfigKey.Validator.any(),
            "The client id of the stamp emitter's own producer."));
    keys.add(
        ConfigKey.number(
            KAFKA + ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
            1L,
            1,
            5,
            "Requests in flight per connection; at most 5, as the stamp producer is idempotent. A"
                + " broker handles one request per connection at a time, so with one the stamps of"
                + " a mass step-down that arrive while a request is out travel together in the next."));
    keys.add(
        ConfigKey.number(
            KAFKA + ProducerConfig.RETRIES_CONFIG,
            null,
            1,
            Integer.MAX_VALUE,
            "Retries of a send; at least 1, as the stamp producer is idempotent (Kafka's default"
                + " when absent)."));
    keys.add(
        ConfigKey.number(
            KAFKA + ProducerConfig.BATCH_SIZE_CONFIG,
            (long) StampProducerBuffer.STAMP_BATCH_BYTES,
            0,
            Integer.MAX_VALUE,
            "Bytes the stamp producer reserves out of buffer.memory for each partition with a"
                + " stamp waiting (the stamp's own size when larger). The default holds the largest"
                + " stamp ("
                + StampProducerBuffer.STAMP_RECORD_BYTES
                + " bytes, most of it the schema header) with room. Settings that hold fewer than "
                + StampProducerBuffer.MIN_PARTITIONS_AT_ONCE
                + " partitions at once (buffer.memory / batch.size) get a WARN at creation."));
    keys.add(
        ConfigKey.number(
            KAFKA + ProducerConfig.BUFFER_MEMORY_CONFIG,
            StampProducerBuffer.STAMP_BUFFER_MEMORY,
            0,
            Long.MAX_VALUE,
            "Bytes the stamp producer may hold in stamps waiting for their broker; with the"
                + " default batch.size, room for "
                + StampProducerBuffer.STAMP_BUFFER_MEMORY / StampProducerBuffer.STAMP_BATCH_BYTES
                + " partitions at once. When a mass step-down needs more, send blocks for"
                + " max.block.ms and the stamps beyond time out although the brokers are"
                + " healthy."));
    forced(keys, ProducerConfig.ACKS_CONFIG, "all: a stamp must survive a broker's failure");
    forced(keys, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true: a retried stamp lands once");
    forced(keys, ProducerConfig.LINGER_MS_CONFIG, "0: a demotion does not wait to batch");
    forced(keys, ProducerConfig.MAX_BLOCK_MS_CONFIG, "a slice of the ack timeout");
    forced(keys, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "the delivery bound");
    forced(keys, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "the delivery bound");
    Set<String> secrets = new TreeSet<>();
    ProducerConfig.configDef()
        .configKeys()
        .values()
        .forEach(
            k -> {
              if (k.type == ConfigDef.Type.PASSWORD) {
                secrets.add(k.name);
              }
            });
    secrets.add(SaslConfigs.SASL_JAAS_CONFIG);
    for (String name : secrets) {
      keys.add(
          ConfigKey.secret(
              KAFKA + name,
              "Kafka producer setting "
                  + name
                  + ", a secret: given to the producer, printed as "
                  + HandoffSettings.HIDDEN
                  + "."));
    }
    return List.copyOf(keys);
  }

  /** A producer setting the emitter overrides, checked with Kafka's own rules all the same. */
  private static void forced(List<ConfigKey> keys, String name, String why) {
    ConfigDef.ConfigKey kafka = ProducerConfig.configDef().configKeys().get(name);
    keys.add(
        ConfigKey.string(
            KAFKA + name,
            null,
            new ConfigKey.Validator() {
              @Override
              public String problem(Object value) {
                return kafkaReason(kafka, (String) value, false);
              }

              @Override
              public String describe() {
                return kafka.validator == null ? "" : String.valueOf(kafka.validator);
              }
            },
            "Forced to " + why + "; another value is overridden with a WARN."));
  }

  /**
   * The problems Kafka's own table ({@code ProducerConfig.configDef()}) finds in the given producer
   * settings that {@link #KEYS} does not declare: wrong types, values outside the allowed ones.
   * Settings Kafka does not know are left alone, as Kafka does. Secrets are never shown.
   */
  public static List<String> kafkaProblems(HandoffSettings settings) {
    List<String> problems = new ArrayList<>();
    Map<String, ConfigDef.ConfigKey> table = ProducerConfig.configDef().configKeys();
    settings
        .kafkaProperties()
        .forEach(
            (name, value) -> {
              ConfigDef.ConfigKey kafka = table.get(name);
              if (kafka != null && !DECLARED.contains(name)) {
                String reason = kafkaReason(kafka, Secret.reveal(value), value instanceof Secret);
                if (reason != null) {
                  problems.add(invalid(name, value, reason));
                }
              }
            });
    return problems;
  }

  /** Why Kafka rejects {@code text} for {@code kafka}, or null; a secret's text is scrubbed. */
  private static String kafkaReason(ConfigDef.ConfigKey kafka, String text, boolean secret) {
    try {
      Object parsed = ConfigDef.parseType(kafka.name, text, kafka.type);
      if (kafka.validator != null) {
        kafka.validator.ensureValid(kafka.name, parsed);
      }
      return null;
    } catch (ConfigException e) {
      // Kafka says "Invalid value <v> for configuration <name>: <reason>"; keep the reason only.
      String m = String.valueOf(e.getMessage());
      String marker = " for configuration " + kafka.name;
      int at = m.indexOf(marker);
      String reason = at < 0 ? m : m.substring(at + marker.length()).replaceFirst("^: ", "");
      if (secret && !text.isEmpty()) {
        reason = reason.replace(text, HandoffSettings.HIDDEN);
      }
      return reason.isBlank() ? "is not valid" : reason;
    }
  }

  private static String hostPortProblem(Object value) {
    for (String server : ((String) value).split(",")) {
      String s = server.trim();
      if (!s.isEmpty() && (Utils.getHost(s) == null || Utils.getPort(s) == null)) {
        return "must be a list of host:port, and '" + s + "' is not";
      }
    }
    return null;
  }

  /**
   * The user's Kafka properties, secrets revealed, with {@code acks=all}, idempotence, {@code
   * linger.ms=0}, {@code max.block.ms} of one metadata slice and request and delivery timeouts of
   * the delivery bound forced, and the defaults of {@link #KEYS}.
   *
   * @throws HandoffConfigException listing every invalid producer setting
   * @throws IllegalArgumentException naming the key if {@code bootstrap.servers} is missing
   */
  public static Properties of(HandoffSettings settings) {
    List<String> problems = new ArrayList<>(settings.problems(KEYS));
    problems.addAll(kafkaProblems(settings));
    if (!problems.isEmpty()) {
      throw new HandoffConfigException(problems);
    }
    Map<String, Object> user = settings.kafkaProperties();
    Object bootstrap = user.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    if (bootstrap == null || Secret.reveal(bootstrap).isBlank()) {
      throw new IllegalArgumentException(
          "Missing configuration "
              + BOOTSTRAP
              + ": the stamp producer needs the brokers of the version topics");
    }
    Properties p = new Properties();
    user.forEach((name, value) -> p.put(name, forProducer(name, value)));
    long delivery = deliveryBoundMs(settings.ackTimeoutMs());
    force(p, ProducerConfig.ACKS_CONFIG, "all");
    force(p, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    force(p, ProducerConfig.LINGER_MS_CONFIG, "0");
    force(
        p,
        ProducerConfig.MAX_BLOCK_MS_CONFIG,
        Long.toString(metadataWaitMs(settings.ackTimeoutMs())));
    force(p, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(delivery));
    force(p, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(delivery));
    force(p, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    force(p, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    for (ConfigKey k : KEYS) {
      if (k.defaultValue() != null) {
        p.putIfAbsent(k.name().substring(KAFKA.length()), k.defaultValue());
      }
    }
    Map<String, Object> parsed;
    try {
      // Cross-checks of Kafka's own table; no connection, no logging of the values.
      parsed = ProducerConfig.configDef().parse(p);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          "Invalid Kafka producer configuration under " + KAFKA + ": " + e.getMessage(), e);
    }
    StampProducerBuffer.warnIfFew(
        (Integer) parsed.get(ProducerConfig.BATCH_SIZE_CONFIG),
        (Long) parsed.get(ProducerConfig.BUFFER_MEMORY_CONFIG));
    return p;
  }

  /**
   * The value the producer gets: a secret revealed, as a Kafka {@link Password} (whose {@code
   * toString()} is also hidden) where Kafka's type is {@code PASSWORD}.
   */
  private static Object forProducer(String name, Object value) {
    if (!(value instanceof Secret secret)) {
      return value;
    }
    ConfigDef.ConfigKey kafka = ProducerConfig.configDef().configKeys().get(name);
    return kafka != null && kafka.type == ConfigDef.Type.PASSWORD
        ? new Password(secret.reveal())
        : secret.reveal();
  }

  /**
   * The producer's {@code max.block.ms}: one slice of the ack timeout (an eighth, at least {@value
   * #MIN_METADATA_WAIT_MS} ms). A metadata wait cannot be cut short, so the emitter waits in slices
   * and stops starting new ones at the deadline.
   */
  public static long metadataWaitMs(long ackTimeoutMs) {
    return Math.max(MIN_METADATA_WAIT_MS, ackTimeoutMs / 8);
  }

  /**
   * How long after its timestamp a stamp sent on the emitter's own producer can still land: {@code
   * max(ack timeout, }{@value #MIN_DELIVERY_TIMEOUT_MS}{@code ms)}, the producer's request and
   * delivery timeouts. The floor keeps a zero ack timeout ("send, don't wait") workable.
   */
  public static long deliveryBoundMs(long ackTimeoutMs) {
    return Math.max(ackTimeoutMs, MIN_DELIVERY_TIMEOUT_MS);
  }

  /** The problem message; a {@link Secret} value prints as hidden. */
  private static String invalid(String key, Object value, String reason) {
    return "Invalid value '" + value + "' for configuration " + KAFKA + key + ": " + reason;
  }

  private static void force(Properties p, String key, String value) {
    Object old = p.put(key, value);
    if (old != null && !old.toString().trim().equalsIgnoreCase(value)) {
      LOG.warn(
          "Configuration {}{}={} is overridden with {}: the stamp emitter depends on it",
          HandoffSettings.KAFKA_PREFIX,
          key,
          old,
          value);
    }
  }
}
