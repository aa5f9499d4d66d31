package io.handoff.helix;

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
 * Reads every partition of a version topic from the start and finds two writers interleaving: a
 * record of an earlier tenure after a later leader's first write. A tenure starts with its writer's
 * declaration of leadership; records without a term belong to their writer's latest declaration.
 */
final class VersionTopicAudit {

  /** What one partition holds. */
  record Partition(
      int partition,
      int declarations,
      int stamps,
      Map<String, Integer> dataByWriter,
      List<String> interleavings) {}

  static List<Partition> audit(String bootstrap, String topic, int partitions) {
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
        Map<String, Long> declarationOf = new HashMap<>();
        Map<String, Integer> data = new HashMap<>();
        List<String> interleavings = new ArrayList<>();
        long latestWritingTenure = -1;
        int declarations = 0;
        int stamps = 0;
        while (c.position(tp) < end) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
            EnvelopeSummary e = EnvelopeCodec.summarize(r.value());
            String writer = e.writerId();
            if (Arrays.equals(r.key(), StampKind.DECLARATION_OF_LEADERSHIP.key())) {
              declarationOf.put(writer, r.offset());
              declarations++;
              continue;
            }
            boolean stamp = Arrays.equals(r.key(), StampKind.STEP_DOWN.key());
            stamps += stamp ? 1 : 0;
            long tenure = declarationOf.getOrDefault(writer, -1L);
            if (tenure < latestWritingTenure) {
              interleavings.add(
                  (stamp ? "stamp" : "record")
                      + " of "
                      + writer
                      + " at offset "
                      + r.offset()
                      + " after a later tenure (declared at "
                      + latestWritingTenure
                      + ") wrote");
            }
            if (!stamp) {
              data.merge(writer, 1, Integer::sum);
              latestWritingTenure = Math.max(latestWritingTenure, tenure);
            }
          }
        }
        result.add(new Partition(partition, declarations, stamps, data, interleavings));
      }
    }
    return result;
  }
}
