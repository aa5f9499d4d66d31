package io.handoff.bench;

import io.handoff.noop.NoopProvider;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.stamp.StampCodec;
import io.handoff.stamp.StampKeys;
import io.handoff.stamp.StampObserver;
import io.handoff.stamp.StampProvider;
import java.util.Map;
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
 * record, switched on (the stamp observer) and switched off (the no-op observer), and the
 * new leader's {@link LeadershipHandoffObserver#canSkipInactivityWait} question.
 *
 * <p>One record per invocation, so the score in ns/op is nanoseconds per record, and with
 * {@code -prof gc} {@code gc.alloc.rate.norm} is bytes allocated per record.
 *
 * <p>The records are pre-built in {@link Setup}: {@value #RECORDS} records spread at random over
 * {@value #PARTITIONS} partitions, about 95% data records (keys of 25 to 41 bytes made with
 * {@link StampCodec#dataKey}), 2% step-down stamps, each followed on its partition by the next
 * leader's declaration of leadership (2%), and 1% heartbeats. Every key is its own array, as a
 * consumer would hand them over. The reader is a follower ({@code myTerm = -1}).
 *
 * <p>Terms only grow: each pass over the array adds a stride to every term, so no pass ever looks
 * like a stale leader still writing after its stamp (which {@link RecordStream#setup} checks),
 * and the benchmark measures the normal path, not the rare stale-write report.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ObserverBenchmark {

  static final int PARTITIONS = 16;
  static final int SHIFT = 12;
  static final int RECORDS = 1 << SHIFT;
  static final int MASK = RECORDS - 1;
  static final long FOLLOWER = -1L;

  static HandoffSettings consumeOn() {
    return HandoffSettings.from(Map.of(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true"));
  }

  /** The pre-built records and both observers, one set per benchmark thread. */
  @State(Scope.Thread)
  public static class RecordStream {
    int[] partitions;
    byte[][] keys;
    /** Term of each record in the first pass; pass {@code n} adds {@code n * stride}. */
    long[] baseTerms;
    long stride;
    long cursor;

    LeadershipHandoffObserver on;
    LeadershipHandoffObserver off;

    int stamps;
    int declarations;
    int heartbeats;

    @Setup(Level.Trial)
    public void setup() {
      build(new SplittableRandom(42));

      on = new StampProvider().newObserver(consumeOn(), HandoffMetrics.NOOP);
      off = new NoopProvider().newObserver(consumeOn(), HandoffMetrics.NOOP);
      if (!(on instanceof StampObserver) || !on.toString().contains("consume=true")) {
        throw new IllegalStateException("expected a consuming StampObserver, got " + on);
      }
      if (on.getClass() == off.getClass()) {
        throw new IllegalStateException("the switched-off observer is not the no-op one: " + off);
      }

      // Check the stream: three passes must report no stale writes, and leave the mix as intended.
      CountingHandoffMetrics counting = new CountingHandoffMetrics();
      LeadershipHandoffObserver check = new StampProvider().newObserver(consumeOn(), counting);
      for (long i = 0; i < 3L * RECORDS; i++) {
        int k = (int) i & MASK;
        check.observe(partitions[k], keys[k], termAt(i, k), FOLLOWER);
      }
      if (counting.staleTermWrite() != 0) {
        throw new IllegalStateException("the record stream has stale writes: " + counting);
      }
      if (stamps == 0 || declarations == 0 || stamps + declarations + heartbeats > RECORDS / 10) {
        throw new IllegalStateException("unexpected mix: " + stamps + " stamps, " + declarations
            + " DoLs, " + heartbeats + " heartbeats in " + RECORDS);
      }
      cursor = 0;
    }

    private void build(SplittableRandom rnd) {
      partitions = new int[RECORDS];
      keys = new byte[RECORDS][];
      baseTerms = new long[RECORDS];
      long[] term = new long[PARTITIONS];
      boolean[] declarationDue = new boolean[PARTITIONS];
      java.util.Arrays.fill(term, 1L);
      long highest = 1L;
      for (int i = 0; i < RECORDS; i++) {
        int p = rnd.nextInt(PARTITIONS);
        partitions[i] = p;
        int roll = rnd.nextInt(100);
        if (declarationDue[p]) {
          // The next leader declares itself right after the old leader's stamp.
          keys[i] = StampKeys.declarationOfLeadershipKey();
          baseTerms[i] = term[p];
          declarationDue[p] = false;
          declarations++;
        } else if (roll < 2) {
          keys[i] = StampKeys.stepDownKey();
          baseTerms[i] = term[p];
          term[p]++;
          declarationDue[p] = true;
          stamps++;
        } else if (roll < 3) {
          keys[i] = StampKeys.heartbeatKey();
          baseTerms[i] = term[p];
          heartbeats++;
        } else {
          byte[] userKey = new byte[24 + rnd.nextInt(17)]; // data keys of 25 to 41 bytes
          for (int b = 0; b < userKey.length; b++) {
            userKey[b] = (byte) rnd.nextInt(256);
          }
          keys[i] = StampCodec.dataKey(userKey);
          baseTerms[i] = term[p];
        }
        highest = Math.max(highest, term[p]);
      }
      stride = highest + 1;
    }

    long termAt(long i, int k) {
      return baseTerms[k] + (i >>> SHIFT) * stride;
    }
  }

  /** Observers whose partitions hold a mix of states for the new leader's question. */
  @State(Scope.Thread)
  public static class Handover {
    LeadershipHandoffObserver on;
    LeadershipHandoffObserver off;
    long myTerm;
    int cursor;
    int canSkip;

    @Setup(Level.Trial)
    public void setup() {
      on = new StampProvider().newObserver(consumeOn(), HandoffMetrics.NOOP);
      off = new NoopProvider().newObserver(consumeOn(), HandoffMetrics.NOOP);
      byte[] stamp = StampKeys.stepDownKey();
      byte[] dol = StampKeys.declarationOfLeadershipKey();
      byte[] data = StampCodec.dataKey(new byte[32]);
      for (int p = 0; p < PARTITIONS; p++) {
        for (LeadershipHandoffObserver o : new LeadershipHandoffObserver[] {on, off}) {
          o.observe(p, dol, 3, FOLLOWER);
          o.observe(p, data, 3, FOLLOWER);
          switch (p % 4) {
            case 0, 1 -> o.observe(p, stamp, 3, FOLLOWER); // clean step-down: the fast path
            case 2 -> o.observe(p, data, 3, FOLLOWER); // no stamp: wait
            default -> { // a newer leader declared itself after the stamp and died: wait
              o.observe(p, stamp, 3, FOLLOWER);
              o.observe(p, dol, 4, FOLLOWER);
            }
          }
        }
      }
      myTerm = 5;
      for (int p = 0; p < PARTITIONS; p++) {
        if (on.canSkipInactivityWait(p, myTerm)) {
          canSkip++;
        }
        if (off.canSkipInactivityWait(p, myTerm)) {
          throw new IllegalStateException("the no-op observer cut the wait on partition " + p);
        }
      }
      if (canSkip != PARTITIONS / 2) {
        throw new IllegalStateException("expected " + PARTITIONS / 2 + " fast paths, got " + canSkip);
      }
    }
  }

  /** Switched on: the stamp observer, one record per call. */
  @Benchmark
  public void observeOn(RecordStream s) {
    long i = s.cursor++;
    int k = (int) i & MASK;
    // observe returns nothing; its effect lands in the observer's partition state, which the
    // @State object keeps reachable, so the call cannot be eliminated.
    s.on.observe(s.partitions[k], s.keys[k], s.termAt(i, k), FOLLOWER);
  }

  /** Switched off: the no-op observer, with the same record selection as {@link #observeOn}. */
  @Benchmark
  public void observeOff(RecordStream s) {
    long i = s.cursor++;
    int k = (int) i & MASK;
    s.off.observe(s.partitions[k], s.keys[k], s.termAt(i, k), FOLLOWER);
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
