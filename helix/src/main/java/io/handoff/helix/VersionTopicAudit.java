package io.handoff.helix;

import static java.util.Objects.requireNonNull;

import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.EnvelopeSummary;
import io.handoff.stamp.StampKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * An independent audit of a version topic, read from the start after a run: it knows nothing of the
 * servers' own account of their handovers, only the records.
 *
 * <p>A tenure starts with its writer's declaration of leadership; records without a term belong to
 * their writer's latest declaration. Two findings matter:
 *
 * <ul>
 *   <li><b>interleaving</b>: a record of an earlier tenure after a later tenure's first write (two
 *       writers interleaving, what the inactivity wait and the stamp exist to prevent);
 *   <li><b>zombie record</b>: a record of an earlier tenure after a later declaration but before
 *       that tenure's first write (an old leader writing again while the new one waits: harmless
 *       only if the new leader refused the fast path and waited for silence).
 * </ul>
 *
 * Not thread-safe; one audit per call.
 */
public final class VersionTopicAudit {

  /**
   * One tenure as the log shows it.
   *
   * @param writer the writer id of the declaration
   * @param term the declaration's term
   * @param declaredAt offset of the declaration of leadership
   * @param firstWriteAt offset of the tenure's first data record, or -1 when it wrote none
   * @param closedByStamp whether the last record before the declaration (declarations aside) was a
   *     step-down stamp of the writer of the tenure that wrote last: the only case in which a fast
   *     path is justified
   * @param zombieRecords records of earlier tenures between the declaration and the first write
   */
  public record Tenure(
      String writer,
      long term,
      long declaredAt,
      long firstWriteAt,
      boolean closedByStamp,
      int zombieRecords) {}

  /**
   * What one partition holds.
   *
   * @param interleavings each record of an earlier tenure after a later tenure's first write
   * @param zombieRecords each record of an earlier tenure after a later declaration, before that
   *     tenure's first write
   * @param tenures every tenure, in log order
   */
  public record Partition(
      int partition,
      int declarations,
      int stamps,
      Map<String, Integer> dataByWriter,
      List<String> interleavings,
      List<String> zombieRecords,
      List<Tenure> tenures) {

    /**
     * The tenure of {@code writer} with {@code term}, or null when its declaration is not there.
     */
    public Tenure tenure(String writer, long term) {
      for (Tenure t : tenures) {
        if (t.writer().equals(writer) && t.term() == term) {
          return t;
        }
      }
      return null;
    }
  }

  private VersionTopicAudit() {}

  /**
   * Reads partitions {@code 0 .. partitions-1} of {@code topic} up to their end offsets at the time
   * of the call. Blocks on the broker; fails when a record cannot be decoded.
   */
  public static List<Partition> audit(String bootstrap, String topic, int partitions) {
    requireNonNull(bootstrap, "bootstrap is null");
    requireNonNull(topic, "topic is null");
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<Partition> result = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      for (int partition = 0; partition < partitions; partition++) {
        TopicPartition tp = new TopicPartition(topic, partition);
        c.assign(List.of(tp));
        c.seekToBeginning(List.of(tp));
        long end = c.endOffsets(List.of(tp)).get(tp);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        while (c.position(tp) < end) {
          c.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        result.add(audit(partition, records));
      }
    }
    return result;
  }

  /** Audits the records of one partition, given in offset order. */
  public static Partition audit(int partition, List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, Integer> tenureOf = new HashMap<>(); // writer -> index in tenures
    List<Tenure> tenures = new ArrayList<>();
    Map<String, Integer> data = new HashMap<>();
    List<String> interleavings = new ArrayList<>();
    List<String> zombies = new ArrayList<>();
    int latestWriting = -1; // index of the latest tenure that wrote data
    int stamps = 0;
    ConsumerRecord<byte[], byte[]> lastNonDeclaration = null;
    String lastNonDeclarationWriter = null;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      EnvelopeSummary e = EnvelopeCodec.summarize(r.value());
      String writer = e.writerId();
      if (Arrays.equals(r.key(), StampKind.DECLARATION_OF_LEADERSHIP.key())) {
        String previousWriter = latestWriting < 0 ? null : tenures.get(latestWriting).writer();
        boolean closed =
            lastNonDeclaration != null
                && Arrays.equals(lastNonDeclaration.key(), StampKind.STEP_DOWN.key())
                && lastNonDeclarationWriter.equals(previousWriter);
        tenureOf.put(writer, tenures.size());
        tenures.add(new Tenure(writer, e.term(), r.offset(), -1, closed, 0));
        continue;
      }
      boolean stamp = Arrays.equals(r.key(), StampKind.STEP_DOWN.key());
      stamps += stamp ? 1 : 0;
      lastNonDeclaration = r;
      lastNonDeclarationWriter = writer;
      int tenure = tenureOf.getOrDefault(writer, -1);
      String what = (stamp ? "stamp" : "record") + " of " + writer + " at offset " + r.offset();
      if (tenure < latestWriting) {
        interleavings.add(
            what
                + " after a later tenure ("
                + tenures.get(latestWriting).writer()
                + ", declared at "
                + tenures.get(latestWriting).declaredAt()
                + ") wrote");
      } else if (tenure < tenures.size() - 1) {
        // A later tenure declared and has not written yet: the old writer came back.
        int later = tenures.size() - 1;
        Tenure t = tenures.get(later);
        tenures.set(
            later,
            new Tenure(
                t.writer(),
                t.term(),
                t.declaredAt(),
                t.firstWriteAt(),
                t.closedByStamp(),
                t.zombieRecords() + 1));
        zombies.add(what + " after " + t.writer() + " declared at " + t.declaredAt());
      }
      if (!stamp) {
        data.merge(writer, 1, Integer::sum);
        if (tenure >= 0 && tenures.get(tenure).firstWriteAt() < 0) {
          Tenure t = tenures.get(tenure);
          tenures.set(
              tenure,
              new Tenure(
                  t.writer(),
                  t.term(),
                  t.declaredAt(),
                  r.offset(),
                  t.closedByStamp(),
                  t.zombieRecords()));
        }
        latestWriting = Math.max(latestWriting, tenure);
      }
    }
    return new Partition(
        partition,
        tenures.size(),
        stamps,
        data,
        List.copyOf(interleavings),
        List.copyOf(zombies),
        List.copyOf(tenures));
  }
}
