package io.handoff.bench;

import io.handoff.embedded.EmbeddedKafkaCluster;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openjdk.jol.vm.VM;

/**
 * Prints what the stamp strategy keeps in memory: the observers' bytes per partition at a server's
 * scale, and the emitter's bytes per topic, and shows that neither grows with the stamps sent or
 * the topics retired. Retained sizes are JOL's: every object reachable from the observers or the
 * emitter, each once, without what they share with the host (settings, metrics, the host's
 * producer) and without threads and classes.
 *
 * <pre>
 * java -Djdk.attach.allowAttachSelf=true -cp bench/target/benchmarks.jar \
 *     io.handoff.bench.MemoryFootprint \
 *     [topics partitions-per-topic cycles broker-topics]
 * </pre>
 *
 * Defaults: 1000 topics of 100 partitions, 10 cycles, 200 topics on an embedded broker (0 skips the
 * broker).
 */
public final class MemoryFootprint {

  private MemoryFootprint() {}

  public static void main(String[] args) throws Exception {
    if (!"true".equals(System.getProperty("jdk.attach.allowAttachSelf"))) {
      // Without it JOL cannot size a lambda (a hidden class), and the emitter holds some.
      System.err.println(
          "Run with -Djdk.attach.allowAttachSelf=true: JOL sizes objects through it");
      System.exit(2);
    }
    int topics = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int cycles = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int brokerTopics = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    System.out.println(VM.current().details().lines().limit(3).reduce("", (a, b) -> a + b + "\n"));
    observers(topics, partitions, cycles);
    mockHostProducer();
    if (brokerTopics > 0) {
      ownProducer(brokerTopics);
    }
  }

  private static void observers(int topics, int partitions, int cycles) {
    long heapBefore = usedHeapAfterGc();
    ObserverFootprint f = new ObserverFootprint(topics, partitions);
    int n = f.partitionCount();
    Table t = new Table("Stamp observers: " + topics + " topics x " + partitions + " partitions");
    long opened = f.retainedBytes();
    t.row(topics + " observers opened, nothing observed", opened, "per topic", topics);
    f.observeCycle();
    long one = f.retainedBytes();
    t.row("1 cycle per partition (DoL, 8 data, stamp)", one, "per partition", n, opened);
    long heapOne = usedHeapAfterGc() - heapBefore;
    f.observeCycle();
    long two = f.retainedBytes();
    t.row("2 cycles: the tenure before the current one known too", two, "per partition", n, opened);
    while (f.cycles() < cycles) {
      f.observeCycle();
    }
    long many = f.retainedBytes();
    t.row(cycles + " cycles per partition (" + cycles + "x the stamps)", many, "growth", 0, two);
    f.forgetAll();
    t.row("every partition forgotten", f.retainedBytes(), "per topic", topics);
    t.print();
    System.out.printf(
        Locale.ROOT,
        "Cross-check: heap used after GC grew by %,d bytes with the observers after one cycle"
            + " (%,.1f per partition, the JOL count gives %,.1f)%n%n",
        heapOne,
        heapOne / (double) n,
        one / (double) n);
  }

  private static void mockHostProducer() {
    try (EmitterFootprint e = EmitterFootprint.onMockHostProducer()) {
      Table t = new Table("Stamp emitter on the host's producer (a mock; the producer left out)");
      e.stamp(List.of(EmitterFootprint.WARM), 1);
      long base = e.retainedBytes();
      t.row("after its first stamp", base, "", 0);
      List<String> first = EmitterFootprint.topics("a", 1_000);
      e.stamp(first, 1);
      long stamped = e.retainedBytes();
      t.row("1,000 topics stamped once", stamped, "per topic", 1_000, base);
      e.stamp(first, 10);
      t.row("the same 1,000 topics stamped 10 more times", e.retainedBytes(), "growth", 0, stamped);
      e.retire(first);
      t.row("those 1,000 topics retired", e.retainedBytes(), "vs first stamp", 0, base);
      e.stamp(EmitterFootprint.topics("b", 10_000), 1);
      long bound = e.retainedBytes();
      t.row("10,000 other topics stamped once", bound, "per topic stamped", 10_000, base);
      List<String> many = EmitterFootprint.topics("c", 100_000);
      e.stamp(many, 1);
      t.row("100,000 more topics stamped once", e.retainedBytes(), "growth", 0, bound);
      e.retire(EmitterFootprint.topics("b", 10_000));
      e.retire(many);
      t.row("all of them retired", e.retainedBytes(), "vs first stamp", 0, base);
      t.print();
    }
  }

  private static void ownProducer(int n) {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(1).start()) {
      kafka.createTopic(EmitterFootprint.WARM, 1);
      for (String prefix : new String[] {"a", "b"}) {
        EmitterFootprint.topics(prefix, n).forEach(name -> kafka.createTopic(name, 1));
      }
      try (EmitterFootprint e = EmitterFootprint.onOwnProducer(kafka)) {
        Table t =
            new Table("Stamp emitter on its own producer, one embedded broker (producer counted)");
        e.stamp(List.of(EmitterFootprint.WARM), 1);
        long base = e.retainedBytes();
        t.row("after its first stamp", base, "", 0);
        List<String> a = EmitterFootprint.topics("a", n);
        e.stamp(a, 1);
        long stamped = e.retainedBytes();
        t.row(n + " topics stamped once", stamped, "per topic", n, base);
        var once = e.byClass();
        e.stamp(a, 10);
        long again = e.retainedBytes();
        t.row("the same " + n + " topics stamped 10 more times", again, "growth", 0, stamped);
        String restampGrowth = RetainedSize.largestGrowth(once, e.byClass(), 4);
        e.retire(a);
        long retired = e.retainedBytes();
        t.row("those " + n + " topics retired", retired, "vs before", 0, again);
        var before = e.byClass();
        e.stamp(EmitterFootprint.topics("b", n), 1);
        t.row(n + " other topics stamped once", e.retainedBytes(), "per topic", n, retired);
        t.print();
        System.out.println("Largest growth by class on stamping again: " + restampGrowth);
        System.out.println(
            "Largest growth by class over those "
                + n
                + " topics: "
                + RetainedSize.largestGrowth(before, e.byClass(), 6));
        System.out.println();
      }
    }
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** A table of retained sizes, each row with its change from a reference row, per unit. */
  private static final class Table {
    private final String title;
    private final List<String> rows = new ArrayList<>();

    Table(String title) {
      this.title = title;
    }

    void row(String what, long bytes, String unit, int units) {
      row(what, bytes, unit, units, 0);
    }

    void row(String what, long bytes, String unit, int units, long reference) {
      long delta = bytes - reference;
      String per =
          units > 0
              ? String.format(Locale.ROOT, "%,.1f B %s", delta / (double) units, unit)
              : unit.isEmpty() ? "" : String.format(Locale.ROOT, "%+,d B %s", delta, unit);
      rows.add(String.format(Locale.ROOT, "| %s | %,d | %s |", what, bytes, per));
    }

    void print() {
      System.out.println(title);
      System.out.println();
      System.out.println("| state | retained bytes | change |");
      System.out.println("|---|---|---|");
      rows.forEach(System.out::println);
      System.out.println();
    }
  }
}
