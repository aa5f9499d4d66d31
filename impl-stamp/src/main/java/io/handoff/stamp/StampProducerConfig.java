package io.handoff.stamp;

import io.handoff.spi.HandoffSettings;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration of the producer a {@link KafkaStampEmitter} creates when it writes its stamps
 * on a producer of its own: the user's {@code server.leader.handover.kafka.*} properties with the
 * settings the emitter's bounds depend on forced, checked the way {@code KafkaProducer} would check
 * them, but when the emitter is created rather than when the first stamp is due.
 */
public final class StampProducerConfig {

  private static final Logger LOG = LoggerFactory.getLogger(StampProducerConfig.class);

  /** Floor of the producer's request and delivery timeouts. */
  public static final long MIN_DELIVERY_TIMEOUT_MS = 1_000L;

  /** Floor of one metadata wait; see {@link #metadataWaitMs}. */
  public static final long MIN_METADATA_WAIT_MS = 100L;

  private StampProducerConfig() {}

  /**
   * The user's Kafka properties with {@code acks=all}, idempotence, {@code linger.ms=0}, {@code
   * max.block.ms} of one metadata slice and request and delivery timeouts of the delivery bound
   * forced.
   *
   * @throws IllegalArgumentException naming the key of a missing or invalid producer setting
   */
  public static Properties of(HandoffSettings settings) {
    Map<String, String> user = settings.kafkaProperties();
    String bootstrap = user.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException(
          "Missing configuration "
              + HandoffSettings.KAFKA_PREFIX
              + ProducerConfig.BOOTSTRAP_SERVERS_CONFIG
              + ": the stamp producer needs the brokers of the version topics");
    }
    Properties p = new Properties();
    p.putAll(user);
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
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "handoff-stamp-emitter");
    // A broker handles one request per connection at a time, so more requests in flight buy
    // nothing but more, smaller requests: with one, the stamps of a mass step-down that arrive
    // while the first request is out travel together in the next.
    p.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    Map<String, Object> parsed;
    try {
      // Type and validator checks only: no connection, no logging of the values.
      parsed = ProducerConfig.configDef().parse(p);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          "Invalid Kafka producer configuration under "
              + HandoffSettings.KAFKA_PREFIX
              + ": "
              + e.getMessage(),
          e);
    }
    int inFlight = (Integer) parsed.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
    if (inFlight > 5) {
      throw invalid(
          ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
          inFlight,
          "must be at most 5 (the stamp producer is idempotent)");
    }
    int retries = (Integer) parsed.get(ProducerConfig.RETRIES_CONFIG);
    if (retries == 0) {
      throw invalid(
          ProducerConfig.RETRIES_CONFIG,
          retries,
          "must be at least 1 (the stamp producer is idempotent)");
    }
    @SuppressWarnings("unchecked")
    List<String> servers = (List<String>) parsed.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    for (String server : servers) {
      String s = server.trim();
      if (!s.isEmpty() && (Utils.getHost(s) == null || Utils.getPort(s) == null)) {
        throw invalid(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s, "must be a list of host:port");
      }
    }
    return p;
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

  private static IllegalArgumentException invalid(String key, Object value, String reason) {
    return new IllegalArgumentException(
        "Invalid value '"
            + value
            + "' for configuration "
            + HandoffSettings.KAFKA_PREFIX
            + key
            + ": "
            + reason);
  }

  private static void force(Properties p, String key, String value) {
    Object old = p.put(key, value);
    if (old != null && !old.toString().trim().equalsIgnoreCase(value)) {
      LOG.warn(
          "Configuration {}{}={} is overridden with {}: the stamp emitter depends on it",
          HandoffSettings.KAFKA_PREFIX,
          key,
          HandoffSettings.isSecret(key) ? HandoffSettings.HIDDEN : old,
          value);
    }
  }
}
