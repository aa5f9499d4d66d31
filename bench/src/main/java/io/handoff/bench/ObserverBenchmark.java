package io.handoff.bench;

import io.handoff.codec.RecordKeys;
import io.handoff.noop.NoopProvider;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.TenureTracker;
import io.handoff.stamp.StampKeys;
import io.handoff.stamp.StampObserver;
import io.handoff.stamp.StampProvider;
import java.util.Arrays;
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
 * record, switched on (the stamp observer) and switched off (the no-op observer), and the new
 * leader's {@link LeadershipHandoffObserver#canSkipInactivityWait} question.
 *
 * <p>One record per invocation, so the score in ns/op is nanoseconds per record, and with {@code
 * -prof gc} {@code gc.alloc.rate.norm} is bytes allocated per record. In the observe benchmarks
 * both observers follow one version topic for a reader that never leads in the stream.
 *
 * <p>The records are pre-built in {@link Setup}: {@value #RECORDS} records spread at random over
 * {@value #PARTITIONS} partitions, with increasing offsets per partition, written the Venice way:
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

  static final int PARTITIONS = 16;
  static final int SHIFT = 12;
  static final int RECORDS = 1 << SHIFT;
  static final int MASK = RECORDS - 1;
  static final String VERSION_TOPIC = "bench_store_v7";
  static final String[] LEADERS = {
    "venice-server-01.prod.example.com_7010",
    "venice-server-02.prod.example.com_7010",
    "venice-server-03.prod.example.com_7010",
    "venice-server-04.prod.example.com_7010",
    "venice-server-05.prod.example.com_7010",
  };

  /** The reader of the observe benchmarks: a host that never leads in the stream. */
  static final String FOLLOWER = "venice-server-06.prod.example.com_7010";

  static final long NO_TERM = TenureTracker.NO_TERM;

  static HandoffSettings consumeOn() {
    return HandoffSettings.from(Map.of(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true"));
  }

  static void checkConsumingStampObserver(
      LeadershipHandoffObserver on, LeadershipHandoffObserver off) {
    if (!(on instanceof StampObserver) || !on.toString().contains("consume=true")) {
      throw new IllegalStateException("expected a consuming StampObserver, got " + on);
    }
    if (on.getClass() == off.getClass()) {
      throw new IllegalStateException("the switched-off observer is not the no-op one: " + off);
    }
  }

  /** What a record is, for building and checking the stream. */
  enum Kind {
    DATA,
    STEP_DOWN,
    DECLARATION,
    HEARTBEAT
  }

  /**
   * One pre-built record. Pass {@code n} observes it at {@code offset + n * offsetStride} with term
   * {@code term + n * termStride}; a data record has term -1 and a term stride of 0.
   */
  record Rec(
      int partition,
      long offset,
      long offsetStride,
      byte[] key,
      String writerId,
      long term,
      long termStride,
      Kind kind) {}

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
      on =
          new StampProvider()
              .newObserver(consumeOn(), HandoffMetrics.NOOP, VERSION_TOPIC, FOLLOWER);
      off =
          new NoopProvider().newObserver(consumeOn(), HandoffMetrics.NOOP, VERSION_TOPIC, FOLLOWER);
      checkConsumingStampObserver(on, off);
      checkMix();
      checkCleanTenures();
      cursor = 0;
    }

    /** The mix is as intended: about 95% data, 2% stamps each followed by a DoL, 1% heartbeats. */
    private void checkMix() {
      int[] counts = new int[Kind.values().length];
      for (Rec r : records) {
        counts[r.kind().ordinal()]++;
      }
      int data = counts[Kind.DATA.ordinal()];
      int stamps = counts[Kind.STEP_DOWN.ordinal()];
      int declarations = counts[Kind.DECLARATION.ordinal()];
      int heartbeats = counts[Kind.HEARTBEAT.ordinal()];
      String mix =
          data
              + " data records, "
              + stamps
              + " stamps, "
              + declarations
              + " DoLs, "
              + heartbeats
              + " heartbeats in "
              + RECORDS;
      if (data < RECORDS * 93 / 100
          || data > RECORDS * 97 / 100
          || stamps < RECORDS * 15 / 1000
          || stamps > RECORDS * 3 / 100
          || declarations != stamps
          || heartbeats < RECORDS * 5 / 1000
          || heartbeats > RECORDS * 15 / 1000) {
        throw new IllegalStateException("unexpected mix: " + mix);
      }
    }

    /**
     * Three passes make no tenure unclean, and every DoL but the very first of each partition finds
     * the tenure before it cleanly closed: an observer reading as that DoL's writer may cut the
     * wait right after it.
     */
    private void checkCleanTenures() {
      CountingHandoffMetrics counting = new CountingHandoffMetrics();
      LeadershipHandoffObserver[] asLeader = new LeadershipHandoffObserver[LEADERS.length];
      for (int h = 0; h < LEADERS.length; h++) {
        asLeader[h] =
            new StampProvider().newObserver(consumeOn(), counting, VERSION_TOPIC, LEADERS[h]);
      }
      int declarations = 0;
      int fastPaths = 0;
      for (long i = 0; i < 3L * RECORDS; i++) {
        Rec r = records[(int) i & MASK];
        long pass = i >>> SHIFT;
        long offset = r.offset() + pass * r.offsetStride();
        long term = r.term() + pass * r.termStride();
        for (LeadershipHandoffObserver o : asLeader) {
          o.observe(r.partition(), offset, r.key(), r.writerId(), term);
        }
        if (r.kind() == Kind.DECLARATION) {
          declarations++;
          if (asLeader[Arrays.asList(LEADERS).indexOf(r.writerId())].canSkipInactivityWait(
              r.partition(), term)) {
            fastPaths++;
          }
        }
      }
      if (counting.uncleanTenure() != 0) {
        throw new IllegalStateException("the record stream has unclean tenures: " + counting);
      }
      if (fastPaths != declarations - PARTITIONS) {
        throw new IllegalStateException(
            "expected "
                + (declarations - PARTITIONS)
                + " DoLs after a clean step-down, got "
                + fastPaths
                + " of "
                + declarations);
      }
    }
  }

  /**
   * Builds the stream: partitions first, then each partition's records in order (a DoL first, a
   * stamp last, a DoL after every stamp), then the leaders of each partition's tenures, each
   * another host than the one before it, the first one included (the next pass follows the last).
   */
  static Rec[] build(SplittableRandom rnd) {
    int[] partitionOf = new int[RECORDS];
    int[] perPartition = new int[PARTITIONS];
    for (int i = 0; i < RECORDS; i++) {
      partitionOf[i] = rnd.nextInt(PARTITIONS);
      perPartition[partitionOf[i]]++;
    }
    Kind[] kinds = new Kind[RECORDS];
    int[] tenureOf = new int[RECORDS];
    long[] termOf = new long[RECORDS];
    long[] offsetOf = new long[RECORDS];
    int[] seen = new int[PARTITIONS];
    int[] tenures = new int[PARTITIONS];
    long[] term = new long[PARTITIONS];
    boolean[] declarationDue = new boolean[PARTITIONS];
    long highestTerm = 0;
    for (int i = 0; i < RECORDS; i++) {
      int p = partitionOf[i];
      int remaining = perPartition[p] - seen[p] - 1;
      offsetOf[i] = seen[p]++;
      int roll = rnd.nextInt(100);
      if (offsetOf[i] == 0 || declarationDue[p]) {
        kinds[i] = Kind.DECLARATION;
        tenures[p] += offsetOf[i] == 0 ? 0 : 1;
        term[p] += 1 + rnd.nextInt(3);
        declarationDue[p] = false;
      } else if (remaining == 0 || (roll < 2 && remaining >= 2)) {
        kinds[i] = Kind.STEP_DOWN;
        declarationDue[p] = true;
      } else if (roll < 3) {
        kinds[i] = Kind.HEARTBEAT;
      } else {
        kinds[i] = Kind.DATA;
      }
      tenureOf[i] = tenures[p];
      termOf[i] = kinds[i] == Kind.DATA ? NO_TERM : term[p];
      highestTerm = Math.max(highestTerm, term[p]);
    }

    int[][] leaderOf = new int[PARTITIONS][];
    for (int p = 0; p < PARTITIONS; p++) {
      int n = tenures[p] + 1;
      if (n < 2) {
        throw new IllegalStateException(
            "partition " + p + " has a single tenure: no handover to another host");
      }
      leaderOf[p] = new int[n];
      for (int t = 0; t < n; t++) {
        int h;
        do {
          h = rnd.nextInt(LEADERS.length);
        } while (t > 0 && h == leaderOf[p][t - 1] || t == n - 1 && h == leaderOf[p][0]);
        leaderOf[p][t] = h;
      }
    }

    long termStride = highestTerm + 1;
    Rec[] records = new Rec[RECORDS];
    for (int i = 0; i < RECORDS; i++) {
      int p = partitionOf[i];
      byte[] key =
          switch (kinds[i]) {
            case DECLARATION -> StampKeys.declarationOfLeadershipKey();
            case STEP_DOWN -> StampKeys.stepDownKey();
            case HEARTBEAT -> StampKeys.heartbeatKey();
            case DATA -> {
              byte[] userKey = new byte[24 + rnd.nextInt(17)]; // data keys of 25 to 41 bytes
              rnd.nextBytes(userKey);
              yield RecordKeys.dataKey(userKey);
            }
          };
      String writerId =
          new String(LEADERS[leaderOf[p][tenureOf[i]]]); // equal, never the same instance
      records[i] =
          new Rec(
              p,
              offsetOf[i],
              perPartition[p],
              key,
              writerId,
              termOf[i],
              kinds[i] == Kind.DATA ? 0 : termStride,
              kinds[i]);
    }
    return records;
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
      on = new StampProvider().newObserver(consumeOn(), HandoffMetrics.NOOP, VERSION_TOPIC, READER);
      off = new NoopProvider().newObserver(consumeOn(), HandoffMetrics.NOOP, VERSION_TOPIC, READER);
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
