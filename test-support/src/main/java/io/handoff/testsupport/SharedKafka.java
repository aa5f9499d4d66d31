package io.handoff.testsupport;

import io.handoff.embedded.EmbeddedKafkaCluster;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One single-broker embedded Kafka cluster for all the test classes of a test JVM (a module's
 * surefire run, or its failsafe run), started on first use and closed by a shutdown hook when the
 * JVM exits. Starting a broker costs seconds; most tests only need a place to write topics to.
 *
 * <p>Tests that share it must not disturb each other: each uses topics of its own (see {@link
 * #topic(String)}), and none stops the broker, changes broker settings or depends on a topic not
 * existing unless its name is unique. A test that needs a special cluster (a broker it stops,
 * several brokers, SASL, non-default broker settings) starts its own.
 *
 * <p>Thread-safe.
 */
public final class SharedKafka {

  private static final AtomicInteger TOPICS = new AtomicInteger();

  private SharedKafka() {}

  /**
   * The shared cluster, started on the first call (blocks for the startup, seconds). Never close
   * it: other test classes of the same JVM use it after this one.
   *
   * @return the running shared cluster
   */
  public static EmbeddedKafkaCluster cluster() {
    return Holder.CLUSTER;
  }

  /**
   * A topic name no other caller in this JVM gets: {@code base} followed by a sequence number, so
   * that the test classes sharing the cluster cannot see each other's records.
   *
   * @param base a readable prefix, e.g. the test's own topic name
   * @return {@code base + "-" + n}
   */
  public static String topic(String base) {
    return base + "-" + TOPICS.incrementAndGet();
  }

  /** Starts the cluster when first touched (class initialisation is lazy and thread-safe). */
  private static final class Holder {
    static final EmbeddedKafkaCluster CLUSTER = start();

    private static EmbeddedKafkaCluster start() {
      EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().start();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(cluster::close, "handoff-shared-kafka-shutdown"));
      return cluster;
    }
  }
}
