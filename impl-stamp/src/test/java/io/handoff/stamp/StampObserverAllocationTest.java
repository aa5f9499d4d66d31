package io.handoff.stamp;

import static io.handoff.tck.RuleRecords.A;
import static io.handoff.tck.RuleRecords.B;
import static io.handoff.tck.RuleRecords.NO_TERM;
import static io.handoff.tck.RuleRecords.READER;
import static io.handoff.tck.RuleRecords.Z;
import static io.handoff.tck.RuleRecords.ctl;
import static io.handoff.tck.RuleRecords.data;
import static io.handoff.tck.RuleRecords.dol;
import static io.handoff.tck.RuleRecords.hb;
import static io.handoff.tck.RuleRecords.noKey;
import static io.handoff.tck.RuleRecords.stamp;
import static io.handoff.tck.RuleRecords.undecodable;
import static org.testng.Assert.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.TenureTracker;
import io.handoff.tck.RuleRecords.Kind;
import io.handoff.tck.RuleRecords.Rec;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.testng.SkipException;
import org.testng.annotations.Test;

/**
 * {@code observe} is on the ingestion hot path: once a partition has been seen it allocates nothing
 * in the steady state of a healthy cluster, whatever the record (data with and without a term,
 * heartbeats, control messages, keyless records, repeated declarations and stamps), including the
 * declarations that start new tenures, and keep the tenure they end for explanations, when, as a
 * host's decoder gives them, writer ids are Strings. The decision itself allocates nothing either,
 * nor does a turn of a new leader's wait loop that answers {@link HandoverPath#WAIT}; and while
 * warnings are off, tenures that turn unclean in every way (a zombie inside, an undecodable record
 * inside, a write or an undecodable record after the stamp) allocate nothing as they name their
 * culprits.
 */
public class StampObserverAllocationTest {

  private static final int CALLS = 1_000_000;
  private static final int[] PARTITIONS = {0, 1, 17, 1000};

  /**
   * One partition's pass: three tenures, each closed by its own stamp; after record 11 the reader's
   * own tenure is current and A's clean tenure just before it, so the reader of term 2 may cut.
   */
  private static final List<Rec> SCRIPT =
      List.of(
          dol(A, 1),
          data(A),
          data(A, 1),
          hb(A, 1),
          ctl(A, NO_TERM),
          dol(A, 1),
          noKey(A, NO_TERM),
          stamp(A, 1),
          stamp(A, 1),
          dol(READER, 2),
          data(READER),
          data(READER, 2),
          hb(READER, 2),
          stamp(READER, 2),
          dol(B, 3),
          stamp(B, 3));

  private static final int CUT_AFTER = 11;

  /**
   * One partition's pass of unclean tenures, each followed by the reader's declaration, which makes
   * it the tenure the reader's explanation names: a zombie inside, an undecodable record inside,
   * A's write after its stamp, an undecodable record after A's stamp. After the last record the
   * reader's answer is {@link HandoverReason#STAMP_NOT_LAST}.
   */
  private static final List<Rec> UNCLEAN_SCRIPT =
      List.of(
          dol(A, 1),
          data(A),
          data(Z),
          stamp(A, 1),
          dol(READER, 2),
          data(READER),
          dol(A, 3),
          undecodable(),
          data(A),
          stamp(A, 3),
          dol(READER, 4),
          dol(A, 5),
          stamp(A, 5),
          data(A),
          dol(READER, 6),
          data(READER),
          dol(A, 7),
          hb(A, 7),
          stamp(A, 7),
          undecodable(),
          dol(READER, 8));

  private static final int UNCLEAN_TENURES_PER_PASS = 4;

  /** A script laid out for a measured loop, every partition taking the same record in turn. */
  private static final class Stream {
    final int steps;
    final int passLength;
    final int[] lanes;
    final byte[][] keys;
    final String[] writers;
    final long[] terms;
    final boolean[] undecodable;
    final int[] step;
    final long[] offsets = new long[PARTITIONS.length];

    Stream(List<Rec> script) {
      passLength = script.size();
      steps = passLength * PARTITIONS.length;
      lanes = new int[steps];
      keys = new byte[steps][];
      writers = new String[steps];
      terms = new long[steps];
      undecodable = new boolean[steps];
      step = new int[steps];
      for (int i = 0; i < steps; i++) {
        step[i] = i / PARTITIONS.length;
        Rec r = script.get(step[i]);
        lanes[i] = i % PARTITIONS.length;
        keys[i] = StampObserverFixtures.key(r.kind());
        writers[i] = r.writer();
        terms[i] = r.term();
        undecodable[i] = r.kind() == Kind.UNDECODABLE;
      }
    }

    /** Whole passes' worth of calls, about {@code calls}. */
    int calls(int calls) {
      return calls - calls % steps;
    }

    /** Feeds record {@code i} of the stream; returns the partition it went to. */
    int feed(LeadershipHandoffObserver o, int i) {
      int j = i % steps;
      int lane = lanes[j];
      if (undecodable[j]) {
        o.observeUndecodable(PARTITIONS[lane], offsets[lane]++);
      } else {
        o.observe(PARTITIONS[lane], offsets[lane]++, keys[j], writers[j], terms[j]);
      }
      return PARTITIONS[lane];
    }
  }

  /** Measured rounds after the warm-up; the first that allocates nothing ends the measurement. */
  private static final int MEASURED_ROUNDS = 5;

  private static com.sun.management.ThreadMXBean allocationBean() {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean)
        || !bean.isThreadAllocatedMemorySupported()) {
      throw new SkipException("this JVM cannot measure a thread's allocations");
    }
    if (!bean.isThreadAllocatedMemoryEnabled()) {
      bean.setThreadAllocatedMemoryEnabled(true);
    }
    return bean;
  }

  /**
   * Feeds {@code calls} records; returns how many times the reader was allowed the cut. After every
   * record a reader of term 9, declared nowhere, takes a turn of its wait loop, which must answer
   * WAIT.
   */
  private static long run(Stream s, LeadershipHandoffObserver o, int calls) {
    long cuts = 0;
    for (int i = 0; i < calls; i++) {
      int partition = s.feed(o, i);
      if (s.step[i % s.steps] == CUT_AFTER && o.canSkipInactivityWait(partition, 2)) {
        cuts++;
      }
      if (o.decideHandover(partition, 9, false) != HandoverPath.WAIT) {
        throw new AssertionError("a reader of term 9 was let through at record " + i);
      }
    }
    return cuts;
  }

  @Test
  public void observeAllocatesNothingOnceThePartitionsHaveBeenSeen() {
    com.sun.management.ThreadMXBean bean = allocationBean();
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    LeadershipHandoffObserver o = StampObserverFixtures.observer(metrics);
    Stream s = new Stream(SCRIPT);
    int calls = s.calls(CALLS);

    // warm-up: every partition seen, hot code compiled
    long warmCuts = run(s, o, 3 * calls);
    assertEquals(
        warmCuts,
        3L * calls / SCRIPT.size(),
        "every pass must end with the reader's cut on every partition");

    // A loaded machine may still be compiling the hot code after the warm-up, and code that is not
    // yet optimised may allocate; the steady state must reach zero within a few rounds.
    long allocated = Long.MAX_VALUE;
    for (int round = 0; round < MEASURED_ROUNDS && allocated != 0; round++) {
      long before = bean.getCurrentThreadAllocatedBytes();
      long cuts = run(s, o, calls);
      allocated = bean.getCurrentThreadAllocatedBytes() - before;
      assertEquals(
          cuts, (long) calls / SCRIPT.size(), "the measured loop decided as the warm-up did");
    }
    long cuts = (long) calls / SCRIPT.size();
    assertEquals(metrics.uncleanTenure(), 0, "a healthy cluster: no tenure turned unclean");
    assertEquals(
        metrics.legacyWait() + metrics.fastPath(), 0L, "turns of the wait loop are no handovers");
    assertEquals(
        allocated,
        0L,
        calls
            + " observe() calls, "
            + cuts
            + " decisions and "
            + calls
            + " turns of a wait loop allocated "
            + allocated
            + " bytes");
  }

  @Test
  public void uncleanTenuresAllocateNothingWhileWarningsAreOff() {
    com.sun.management.ThreadMXBean bean = allocationBean();
    Logger logger = (Logger) LoggerFactory.getLogger(TenureTracker.class);
    Level previous = logger.getLevel();
    logger.setLevel(Level.ERROR);
    try {
      CountingHandoffMetrics metrics = new CountingHandoffMetrics();
      LeadershipHandoffObserver o = StampObserverFixtures.observer(metrics);
      Stream s = new Stream(UNCLEAN_SCRIPT);
      int calls = s.calls(CALLS);
      for (int i = 0; i < 3 * calls; i++) {
        s.feed(o, i);
      }

      long allocated = Long.MAX_VALUE;
      int rounds = 0;
      while (rounds < MEASURED_ROUNDS && allocated != 0) {
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
          s.feed(o, i);
        }
        allocated = bean.getCurrentThreadAllocatedBytes() - before;
        rounds++;
      }

      long passes = (3L + rounds) * calls / UNCLEAN_SCRIPT.size();
      assertEquals(
          metrics.uncleanTenure(),
          UNCLEAN_TENURES_PER_PASS * passes,
          "every tenure of A turned unclean");
      for (int partition : PARTITIONS) {
        assertEquals(
            o.explain(partition, 8).reason(),
            HandoverReason.STAMP_NOT_LAST,
            "partition " + partition + " ended with an undecodable record after A's stamp");
      }
      assertEquals(
          allocated,
          0L,
          calls + " observe() calls in tenures turning unclean allocated " + allocated + " bytes");
    } finally {
      logger.setLevel(previous);
    }
  }
}
