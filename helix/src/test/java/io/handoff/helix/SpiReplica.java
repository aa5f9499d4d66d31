package io.handoff.helix;

import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeaderTerms;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import io.handoff.stamp.StampKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A replica that follows the SPI's contract for hosts with the real {@link LeaderTerms} and the
 * stamp strategy's emitter on the replica's own (mock) producer, with a handover the test finishes
 * by hand and a step-down the test can make fail or hang.
 */
final class SpiReplica implements LeadershipTransitions.Replica<HandoverPath>, AutoCloseable {

  static final String TOPIC = "store_v1";
  static final String WRITER = "host-a";
  static final long ACK_TIMEOUT_MS = 200;
  private static final byte[] DATA_KEY = {1};

  final LeaderTerms terms = new LeaderTerms(TOPIC);
  final MockProducer<byte[], byte[]> producer;
  final LeadershipHandoffEmitter emitter;
  final List<String> calls = new CopyOnWriteArrayList<>();
  final Set<String> promoteThreads = ConcurrentHashMap.newKeySet();
  private final Map<Integer, CompletableFuture<HandoverPath>> pending = new ConcurrentHashMap<>();
  private final Set<Integer> writable = new HashSet<>();
  volatile RuntimeException stepDownFailure;
  volatile RuntimeException promoteFailure;
  volatile CountDownLatch stepDownGate;

  SpiReplica() {
    Node node = new Node(0, "localhost", 9092);
    List<PartitionInfo> partitions =
        IntStream.range(0, 4)
            .mapToObj(p -> new PartitionInfo(TOPIC, p, node, new Node[] {node}, new Node[] {node}))
            .toList();
    Cluster cluster = new Cluster("c", List.of(node), partitions, Set.of(), Set.of());
    producer =
        new MockProducer<>(
            cluster, true, null, new ByteArraySerializer(), new ByteArraySerializer());
    HandoffSettings settings =
        HandoffSettings.from(
            Map.of(
                HandoffSettings.EMIT_STEPDOWN_STAMP,
                "true",
                HandoffSettings.CONSUME_STEPDOWN_STAMP,
                "true",
                HandoffSettings.ACK_TIMEOUT_MS,
                Long.toString(ACK_TIMEOUT_MS)));
    emitter =
        LeadershipHandoffs.emitter(
            settings, new CountingHandoffMetrics(), HostResources.of(Producer.class, producer));
  }

  @Override
  public LeaderTerms terms() {
    return terms;
  }

  @Override
  public String writerId() {
    return WRITER;
  }

  @Override
  public int clusterId() {
    return 0;
  }

  @Override
  public CompletableFuture<HandoverPath> promote(int partition, long term) {
    promoteThreads.add(Thread.currentThread().getName());
    if (promoteFailure != null) {
      calls.add("promote " + partition + " " + term);
      throw promoteFailure;
    }
    CompletableFuture<HandoverPath> f = new CompletableFuture<>();
    synchronized (this) {
      terms.promoted(partition, term);
      pending.put(partition, f);
    }
    // Recorded last: a test that waits for the call may then finish the handover at once.
    calls.add("promote " + partition + " " + term);
    return f;
  }

  /** The observer answered {@code path}: the replica may write if its term is still held. */
  void finishHandover(int partition, long term, HandoverPath path) {
    CompletableFuture<HandoverPath> f;
    synchronized (this) {
      f = pending.remove(partition);
      if (terms.established(partition, term)) {
        writable.add(partition);
      }
    }
    f.complete(path);
  }

  /** A data record as the leader; false if not writable. */
  synchronized boolean write(int partition) {
    if (!writable.contains(partition)) {
      return false;
    }
    producer.send(new ProducerRecord<>(TOPIC, partition, DATA_KEY, new byte[] {0}));
    return true;
  }

  @Override
  public List<EmitOutcome> stepDown(Collection<Integer> partitions) {
    calls.add("stepDown " + partitions);
    CountDownLatch gate = stepDownGate;
    if (gate != null) {
      try {
        gate.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (stepDownFailure != null) {
      throw stepDownFailure;
    }
    List<StepDown> stepDowns = new ArrayList<>();
    synchronized (this) {
      for (int p : partitions) {
        writable.remove(p);
        stepDowns.add(terms.demoted(p, clusterId(), WRITER));
        CompletableFuture<HandoverPath> f = pending.remove(p);
        if (f != null) {
          f.cancel(false);
        }
      }
    }
    return emitter.emitStepDowns(stepDowns);
  }

  /** What the producer was given for {@code partition}, in order: "data" or "stamp". */
  List<String> sent(int partition) {
    return producer.history().stream()
        .filter(r -> r.partition() == partition)
        .map(r -> Arrays.equals(r.key(), StampKind.STEP_DOWN.key()) ? "stamp" : "data")
        .toList();
  }

  @Override
  public void close() {
    emitter.close();
    producer.close();
  }
}
