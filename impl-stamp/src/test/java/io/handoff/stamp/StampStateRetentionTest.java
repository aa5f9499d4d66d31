package io.handoff.stamp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.handoff.codec.RecordKeys;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.openjdk.jol.info.GraphLayout;
import org.testng.annotations.Test;

/**
 * Nothing the stamp strategy keeps grows with the number of stamps it sends or observes, nor with
 * the number of topics a host retired: the retained size (JOL: every object reachable, each once)
 * after N stamps and after 10N more is the same, within a generous tolerance. The bytes themselves
 * are measured at scale by {@code io.handoff.bench.MemoryFootprint}.
 */
public class StampStateRetentionTest {

  private static final int TOPICS = 10;
  private static final int PARTITIONS = 50;
  private static final int N = 5;

  /**
   * Room for a few small objects that come and go (a lock's wait node); far below one per topic.
   */
  private static final long TOLERANCE_BYTES = 512;

  private static final byte[] DECLARATION = StampKeys.declarationOfLeadershipKey();
  private static final byte[] STEP_DOWN = StampKeys.stepDownKey();
  private static final byte[] DATA =
      RecordKeys.dataKey("user-key".getBytes(StandardCharsets.UTF_8));

  static {
    // JOL cannot ask Unsafe for the offsets of some JDK 17 fields (those of hidden and record
    // classes); it then reads them from the object layout instead, before its first use here.
    System.setProperty("jol.magicFieldOffset", "true");
  }

  private static long retained(Object... roots) {
    return GraphLayout.parseInstance(roots).totalSize();
  }

  // ---------------------------------------------------------------------------------------------
  // Observer
  // ---------------------------------------------------------------------------------------------

  /**
   * Per partition: a declaration, data with no term, the leader's stamp; writer ids decoded anew.
   */
  private static void cycles(List<LeadershipHandoffObserver> observers, int from, int count) {
    for (int c = from; c < from + count; c++) {
      String host = c % 2 == 0 ? "host-a" : "host-b";
      long term = 1_000L + c;
      for (LeadershipHandoffObserver o : observers) {
        for (int p = 0; p < PARTITIONS; p++) {
          long offset = c * 4L;
          o.observe(p, offset, DECLARATION, new String(host), term);
          o.observe(p, offset + 1, DATA, new String(host), -1);
          o.observe(p, offset + 2, DATA, new String(host), -1);
          o.observe(p, offset + 3, STEP_DOWN, new String(host), term);
        }
      }
    }
  }

  @Test
  public void observerStateDoesNotGrowWithTheStampsObserved() {
    Properties props = new Properties();
    props.setProperty(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true");
    HandoffSettings settings = HandoffSettings.from(props);
    var factory = LeadershipHandoffs.observers(settings, HandoffMetrics.NOOP);
    List<LeadershipHandoffObserver> observers = new ArrayList<>();
    for (int t = 0; t < TOPICS; t++) {
      observers.add(factory.open("store" + t + "_v1", "host-c"));
    }
    long fresh = retained(observers, settings);
    // Two cycles first: from the second on, the tenure before the current one is known too.
    cycles(observers, 0, 2);
    long steady = retained(observers, settings);
    cycles(observers, 2, N);
    long afterN = retained(observers, settings);
    cycles(observers, 2 + N, 10 * N);
    long after10N = retained(observers, settings);

    int partitions = TOPICS * PARTITIONS;
    assertTrue(
        steady - fresh >= partitions * 64L,
        "the measure must see the partitions' state: " + fresh + " -> " + steady + " bytes");
    assertTrue(
        afterN <= steady + TOLERANCE_BYTES,
        "after " + N + " more stamps per partition: " + steady + " -> " + afterN + " bytes");
    assertTrue(
        after10N <= afterN + TOLERANCE_BYTES,
        "after " + 10 * N + " more stamps per partition: " + afterN + " -> " + after10N + " bytes");
    for (LeadershipHandoffObserver o : observers) {
      for (int p = 0; p < PARTITIONS; p++) {
        o.forget(p);
      }
    }
    long forgotten = retained(observers, settings);
    assertTrue(
        forgotten < fresh + partitions * 8L,
        "forgetting every partition leaves at most its slot: " + fresh + " -> " + forgotten);
  }

  // ---------------------------------------------------------------------------------------------
  // Emitter
  // ---------------------------------------------------------------------------------------------

  /** A host producer that knows every topic, with one partition, and acks at once. */
  private static final class AnyTopicProducer extends MockProducer<byte[], byte[]> {
    AnyTopicProducer() {
      super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized List<PartitionInfo> partitionsFor(String topic) {
      return List.of(new PartitionInfo(topic, 0, null, null, null));
    }
  }

  private static List<String> topics(String prefix, int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // One length for every name: the emitter keeps names, and longer ones would look like growth.
      names.add(String.format(Locale.ROOT, "%s%05d_v1", prefix, i));
    }
    return names;
  }

  private long term = 1;

  private void stamp(KafkaStampEmitter emitter, AnyTopicProducer producer, List<String> topics) {
    List<StepDown> batch = new ArrayList<>();
    for (String t : topics) {
      batch.add(StepDown.established(t, 0, term++, 0, "host-a"));
    }
    for (EmitOutcome o : emitter.emitStepDowns(batch)) {
      assertTrue(o.isAcked(), o.toString());
    }
    producer.clear(); // the mock's history of records is the mock's, not the emitter's
    // A call returns once every stamp is acked; the sender thread may still be learning from the
    // acks. prepare() runs on that thread after it, about a topic already known.
    emitter.prepare(topics.get(0));
  }

  /** What the emitter keeps about topics, and the producer it holds; not its thread. */
  private static StampSender sender(KafkaStampEmitter emitter) throws ReflectiveOperationException {
    Field f = KafkaStampEmitter.class.getDeclaredField("sender");
    f.setAccessible(true);
    return (StampSender) f.get(emitter);
  }

  /**
   * The sender's retained size: its metadata cache and what it keeps to encode stamps. It holds no
   * producer (the host's producer is the host's, and lives outside the sender). The sender thread
   * is idle: {@link #stamp} ends with prepare().
   */
  private static long retainedWithoutProducer(StampSender sender) {
    return retained(sender);
  }

  @Test
  public void emitterStateDoesNotGrowWithTheStampsSentNorTheTopicsRetired() throws Exception {
    Properties props = new Properties();
    props.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    props.setProperty(HandoffSettings.ACK_TIMEOUT_MS, "30000");
    AnyTopicProducer producer = new AnyTopicProducer();
    try (KafkaStampEmitter emitter =
        KafkaStampEmitter.onHostProducer(
            HandoffSettings.from(props), HandoffMetrics.NOOP, producer)) {
      StampSender sender = sender(emitter);
      int n = 200;
      List<String> kept = topics("k", n);
      stamp(emitter, producer, kept);
      long afterN = retainedWithoutProducer(sender);
      for (int i = 0; i < 10; i++) {
        stamp(emitter, producer, kept);
      }
      long after10N = retainedWithoutProducer(sender);
      assertTrue(
          after10N <= afterN + TOLERANCE_BYTES,
          "10x the stamps on the same " + n + " topics: " + afterN + " -> " + after10N + " bytes");

      // Topics stamped and retired, N of them and then 10N: what is kept stays the same.
      List<String> first = topics("r", n);
      stamp(emitter, producer, first);
      assertTrue(
          retainedWithoutProducer(sender) >= afterN + n * 32L,
          "the measure must see the topics known: "
              + afterN
              + " -> "
              + retainedWithoutProducer(sender));
      first.forEach(emitter::retire);
      long retiredN = retainedWithoutProducer(sender);
      for (int round = 1; round <= 10; round++) {
        List<String> more = topics("r" + (char) ('a' + round), n);
        stamp(emitter, producer, more);
        more.forEach(emitter::retire);
      }
      long retired10N = retainedWithoutProducer(sender);
      assertEquals(sender.counts().knownTopics(), n, "only the topics never retired are known");
      assertTrue(
          retired10N <= retiredN + TOLERANCE_BYTES,
          n
              + " then "
              + 11 * n
              + " topics stamped and retired: "
              + retiredN
              + " -> "
              + retired10N
              + " bytes");
    }
  }
}
