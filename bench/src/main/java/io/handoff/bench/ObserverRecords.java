package io.handoff.bench;

import io.handoff.codec.RecordKeys;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.HandoffEngine;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.spi.TenureTracker;
import io.handoff.stamp.StampKeys;
import io.handoff.stamp.StampObserver;
import io.handoff.stamp.StampProvider;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The input of {@link ObserverBenchmark}: a version topic's records as a server's consumer hands
 * them to the observer, built once and checked to be the normal path (clean tenures, the intended
 * mix), so that the benchmark measures what a server pays for almost every record.
 */
final class ObserverRecords {

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

  /**
   * The engine's observer around {@code provider}'s evidence, consuming on: what a host holds, hot
   * path guard included.
   */
  static LeadershipHandoffObserver open(
      LeadershipHandoffProvider provider, HandoffMetrics metrics, String reader) {
    return HandoffEngine.observer(
        consumeOn(),
        metrics,
        VERSION_TOPIC,
        reader,
        provider.newEvidence(consumeOn(), metrics, VERSION_TOPIC, reader));
  }

  static void checkConsumingStampObserver(
      LeadershipHandoffObserver on, LeadershipHandoffObserver off) {
    if (!(HandoffEngine.evidenceOf(on) instanceof StampObserver)
        || !on.toString().contains("consume=true")) {
      throw new IllegalStateException("expected a consuming StampObserver, got " + on);
    }
    if (HandoffEngine.evidenceOf(on).getClass() == HandoffEngine.evidenceOf(off).getClass()) {
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

  /** The mix is as intended: about 95% data, 2% stamps each followed by a DoL, 1% heartbeats. */
  static void checkMix(Rec[] records) {
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
   * the tenure before it cleanly closed: an observer reading as that DoL's writer may cut the wait
   * right after it.
   */
  static void checkCleanTenures(Rec[] records) {
    CountingHandoffMetrics counting = new CountingHandoffMetrics();
    LeadershipHandoffObserver[] asLeader = new LeadershipHandoffObserver[LEADERS.length];
    for (int h = 0; h < LEADERS.length; h++) {
      asLeader[h] = open(new StampProvider(), counting, LEADERS[h]);
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

  private ObserverRecords() {}
}
