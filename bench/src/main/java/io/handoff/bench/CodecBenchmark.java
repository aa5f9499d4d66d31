package io.handoff.bench;

import io.handoff.stamp.DecodedEnvelope;
import io.handoff.stamp.StampCodec;
import io.handoff.stamp.StampKind;
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
 * The step-down stamp's wire codec: encode and decode of one stamp together, and each half alone,
 * in ns per stamp; {@link #encodeDecodeThroughput} gives the round trip in stamps per second on one
 * thread. Run every benchmark in throughput mode with {@code -bm thrpt -tu s}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CodecBenchmark {

  /** The stamp's inputs live in non-final fields, so the JIT cannot fold them into constants. */
  @State(Scope.Thread)
  public static class Stamp {
    StampCodec codec;
    StampKind kind;
    long term;
    int localClusterId;
    String writerId;
    long timestampMs;
    byte[] encoded;

    @Setup(Level.Trial)
    public void setup() {
      codec = new StampCodec();
      kind = StampKind.STEP_DOWN;
      term = 1_234L;
      localClusterId = 2;
      writerId = "venice-server-17.prod-lva1.example.com_1690";
      timestampMs = 1_767_225_600_000L;
      encoded = codec.encodeStamp(kind, term, localClusterId, writerId, timestampMs);
      if (codec.decode(encoded).term() != term || codec.readTerm(encoded) != term) {
        throw new IllegalStateException("the stamp does not round-trip its term");
      }
    }
  }

  /** Encode one step-down stamp, then decode it and read its term. */
  @Benchmark
  public long encodeDecode(Stamp s) {
    byte[] value = s.codec.encodeStamp(s.kind, s.term, s.localClusterId, s.writerId, s.timestampMs);
    return s.codec.decode(value).term();
  }

  /** {@link #encodeDecode} in stamps per second on one thread. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long encodeDecodeThroughput(Stamp s) {
    byte[] value = s.codec.encodeStamp(s.kind, s.term, s.localClusterId, s.writerId, s.timestampMs);
    return s.codec.decode(value).term();
  }

  /** Encode only. */
  @Benchmark
  public byte[] encode(Stamp s) {
    return s.codec.encodeStamp(s.kind, s.term, s.localClusterId, s.writerId, s.timestampMs);
  }

  /** Decode only: the whole envelope, checked. */
  @Benchmark
  public DecodedEnvelope decode(Stamp s) {
    return s.codec.decode(s.encoded);
  }

  /** The term only (decodes and checks the whole value, as the observer's record path does). */
  @Benchmark
  public long readTerm(Stamp s) {
    return s.codec.readTerm(s.encoded);
  }
}
