package io.handoff.bench;

import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.stamp.StampKind;
import io.handoff.stamp.Stamps;
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
    Stamps stamps;
    StampKind kind;
    long term;
    int localClusterId;
    String writerId;
    long timestampMs;
    byte[] encoded;

    @Setup(Level.Trial)
    public void setup() {
      stamps = new Stamps();
      kind = StampKind.STEP_DOWN;
      term = 1_234L;
      localClusterId = 2;
      writerId = "venice-server-17.prod-lva1.example.com_1690";
      timestampMs = 1_767_225_600_000L;
      encoded = stamps.encode(kind, term, localClusterId, writerId, timestampMs);
      if (EnvelopeCodec.decode(encoded).term() != term || EnvelopeCodec.readTerm(encoded) != term) {
        throw new IllegalStateException("the stamp does not round-trip its term");
      }
    }
  }

  /** Encode one step-down stamp, then decode it and read its term. */
  @Benchmark
  public long encodeDecode(Stamp s) {
    byte[] value = s.stamps.encode(s.kind, s.term, s.localClusterId, s.writerId, s.timestampMs);
    return EnvelopeCodec.decode(value).term();
  }

  /** {@link #encodeDecode} in stamps per second on one thread. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long encodeDecodeThroughput(Stamp s) {
    byte[] value = s.stamps.encode(s.kind, s.term, s.localClusterId, s.writerId, s.timestampMs);
    return EnvelopeCodec.decode(value).term();
  }

  /** Encode only. */
  @Benchmark
  public byte[] encode(Stamp s) {
    return s.stamps.encode(s.kind, s.term, s.localClusterId, s.writerId, s.timestampMs);
  }

  /** Decode only: the whole envelope, checked. */
  @Benchmark
  public Envelope decode(Stamp s) {
    return EnvelopeCodec.decode(s.encoded);
  }

  /**
   * The term only (checks the whole value without copying its payload, as the observer's path
   * does).
   */
  @Benchmark
  public long readTerm(Stamp s) {
    return EnvelopeCodec.readTerm(s.encoded);
  }
}
