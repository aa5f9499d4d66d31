package io.handoff.bench;

import static io.handoff.bench.ObserverRecords.FOLLOWER;
import static io.handoff.bench.ObserverRecords.LEADERS;
import static io.handoff.bench.ObserverRecords.MASK;
import static io.handoff.bench.ObserverRecords.NO_TERM;
import static io.handoff.bench.ObserverRecords.PARTITIONS;
import static io.handoff.bench.ObserverRecords.SHIFT;
import static io.handoff.bench.ObserverRecords.build;
import static io.handoff.bench.ObserverRecords.checkCleanTenures;
import static io.handoff.bench.ObserverRecords.checkConsumingStampObserver;
import static io.handoff.bench.ObserverRecords.checkMix;
import static io.handoff.bench.ObserverRecords.open;

import io.handoff.bench.ObserverRecords.Rec;
import io.handoff.codec.RecordKeys;
import io.handoff.noop.NoopProvider;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.stamp.StampKeys;
import io.handoff.stamp.StampProvider;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The consume-side hot path: {@link LeadershipHandoffObserver#observe} once per version-topic
 * record, switched on (the stamp observer) and switched off (the no-op observer), and the new
 * leader's {@link LeadershipHandoffObserver#canSkipInactivityWait} question.
 *
 * <p>One record per invocation, so the score in ns/op is nanoseconds per record, and with {@code
 * -prof gc} {@code gc.alloc.rate.norm} is bytes allocated per record. In the observe benchmarks
 * both observers follow one version topic for a reader that never leads in the stream.
 *
 * <p>The records are pre-built in {@link Setup}: {@value ObserverRecords#RECORDS} records spread at
 * random over {@value ObserverRecords#PARTITIONS} partitions, with increasing offsets per
 * partition, written the Venice way:
 *
 * <ul>
 *   <li>about 95% data records (keys of 25 to 41 bytes made with {@link RecordKeys#dataKey}) of the
 *       partition's current leader: its host name as writer id, and no term ({@code -1});
 *   <li>about 2% step-down stamps of the current leader, with its writer id and term, each followed
 *       on its partition by the next leader's declaration of leadership (DoL): another host, a
 *       higher term;
 *   <li>about 1% heartbeats of the current leader, with its writer id and term.
 * </ul>
 *
 * Every partition's records start with a DoL and end with a stamp, so that the next pass goes on
 * with a clean handover. Every key and every writer id is its own object, as a consumer decoding
 * records would hand them over: a writer id equals the tenure's but is never the same instance, so
 * the observer compares its characters.
 *
 * <p>Terms only grow: pass {@code n} over the array adds {@code n} times a stride to every term
 * (offsets likewise), so every pass is a sequence of clean tenures, each closed by its own stamp.
 * {@link RecordStream#setup} checks this (three passes report no unclean tenure, and every DoL
 * after the first could cut its writer's wait), so the benchmark measures the normal path, not the
 * rare unclean-tenure report.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ObserverBenchmark {

  /** The pre-built records and both observers, one set per benchmark thread. */
  @State(Scope.Thread)
  public static class RecordStream {
    Rec[] records;
    long cursor;

    LeadershipHandoffObserver on;
    LeadershipHandoffObserver off;

    @Setup(Level.Trial)
    public void setup() {
      records = build(new SplittableRandom(42));
      on = open(new StampProvider(), HandoffMetrics.NOOP, FOLLOWER);
      off = open(new NoopProvider(), HandoffMetrics.NOOP, FOLLOWER);
      checkConsumingStampObserver(on, off);
      checkMix(records);
      checkCleanTenures(records);
      cursor = 0;
    }
  }

  /** Observers of a reader whose partitions hold a mix of states for its question. */
  @State(Scope.Thread)
  public static class Handover {
    static final String PREVIOUS = LEADERS[0];
    static final String ABANDONED = LEADERS[1];
    static final String READER = LEADERS[2];

    LeadershipHandoffObserver on;
    LeadershipHandoffObserver off;
    long myTerm;
    int cursor;

    @Setup(Level.Trial)
    public void setup() {
      on = open(new StampProvider(), HandoffMetrics.NOOP, READER);
      off = open(new NoopProvider(), HandoffMetrics.NOOP, READER);
      checkConsumingStampObserver(on, off);
      myTerm = 5;
      byte[] stamp = StampKeys.stepDownKey();
      byte[] dol = StampKeys.declarationOfLeadershipKey();
      byte[] data = RecordKeys.dataKey(new byte[32]);
      for (int p = 0; p < PARTITIONS; p++) {
        for (LeadershipHandoffObserver o : new LeadershipHandoffObserver[] {on, off}) {
          long offset = 0;
          o.observe(p, offset++, dol, PREVIOUS, 3);
          o.observe(p, offset++, data, PREVIOUS, NO_TERM);
          switch (p % 8) {
            case 0, 1, 4, 5 -> { // clean step-down, own DoL read back: the fast path
              o.observe(p, offset++, stamp, PREVIOUS, 3);
              o.observe(p, offset++, dol, READER, myTerm);
              o.observe(p, offset++, data, READER, NO_TERM);
            }
            case 2 -> o.observe(p, offset++, dol, READER, myTerm); // no stamp: wait
            case 3 -> o.observe(p, offset++, stamp, PREVIOUS, 3); // own DoL not read back yet: wait
            case 6 -> { // another leader declared itself after the stamp and never stamped: wait
              o.observe(p, offset++, stamp, PREVIOUS, 3);
              o.observe(p, offset++, dol, ABANDONED, 4);
              o.observe(p, offset++, dol, READER, myTerm);
            }
            default -> { // the previous leader wrote after its stamp: wait
              o.observe(p, offset++, stamp, PREVIOUS, 3);
              o.observe(p, offset++, data, PREVIOUS, NO_TERM);
              o.observe(p, offset++, dol, READER, myTerm);
            }
          }
        }
      }
      for (int p = 0; p < PARTITIONS; p++) {
        boolean expected = p % 4 < 2;
        if (on.canSkipInactivityWait(p, myTerm) != expected) {
          throw new IllegalStateException(
              "partition " + p + ": expected canSkipInactivityWait " + expected);
        }
        if (off.canSkipInactivityWait(p, myTerm)) {
          throw new IllegalStateException("the no-op observer cut the wait on partition " + p);
        }
      }
    }
  }

  /** Switched on: the stamp observer, one record per call. */
  @Benchmark
  public void observeOn(RecordStream s) {
    long i = s.cursor++;
    Rec r = s.records[(int) i & MASK];
    long pass = i >>> SHIFT;
    // observe returns nothing; its effect lands in the observer's partition state, which the
    // @State object keeps reachable, so the call cannot be eliminated.
    s.on.observe(
        r.partition(),
        r.offset() + pass * r.offsetStride(),
        r.key(),
        r.writerId(),
        r.term() + pass * r.termStride());
  }

  /** Switched off: the no-op observer, with the same record selection as {@link #observeOn}. */
  @Benchmark
  public void observeOff(RecordStream s) {
    long i = s.cursor++;
    Rec r = s.records[(int) i & MASK];
    long pass = i >>> SHIFT;
    s.off.observe(
        r.partition(),
        r.offset() + pass * r.offsetStride(),
        r.key(),
        r.writerId(),
        r.term() + pass * r.termStride());
  }

  /** The new leader's question, switched on; half the partitions answer true. */
  @Benchmark
  public boolean canSkipInactivityWaitOn(Handover h) {
    int p = h.cursor++ & (PARTITIONS - 1);
    return h.on.canSkipInactivityWait(p, h.myTerm);
  }

  /** The new leader's question, switched off: always false. */
  @Benchmark
  public boolean canSkipInactivityWaitOff(Handover h) {
    int p = h.cursor++ & (PARTITIONS - 1);
    return h.off.canSkipInactivityWait(p, h.myTerm);
  }
}
