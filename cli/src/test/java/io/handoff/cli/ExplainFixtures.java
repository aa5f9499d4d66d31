package io.handoff.cli;

import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.LeaderMetadata;
import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.Put;
import io.handoff.codec.RecordKeys;
import io.handoff.stamp.StampKind;
import io.handoff.stamp.Stamps;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Version-topic records for the {@code explain} tests, encoded as real writers encode them. */
final class ExplainFixtures {

  static final String ZOMBIE = "zombie-z";
  static final String LEADER = "leader-a";
  static final long T0 = 1_700_000_000_000L;

  private static final Stamps CODEC = new Stamps();
  private static final byte[] GUID = new byte[16];

  private ExplainFixtures() {}

  /** One record's key and value, and whether it carries the {@code vtp} header a stamp carries. */
  record Rec(byte[] key, byte[] value, boolean stamp) {}

  static Rec dol(String writer, long term) {
    return stamp(StampKind.DECLARATION_OF_LEADERSHIP, writer, term);
  }

  static Rec stepDown(String writer, long term) {
    return stamp(StampKind.STEP_DOWN, writer, term);
  }

  static Rec heartbeat(String writer, long term) {
    return stamp(StampKind.HEARTBEAT, writer, term);
  }

  private static Rec stamp(StampKind kind, String writer, long term) {
    return new Rec(kind.key(), CODEC.encode(kind, term, 0, writer, T0), true);
  }

  /** A put as Venice's leaders write it: their host name and no term. */
  static Rec put(String writer) {
    return put(writer, -1);
  }

  static Rec put(String writer, long term) {
    byte[] key = RecordKeys.dataKey("k".getBytes(StandardCharsets.UTF_8));
    return new Rec(
        key,
        EnvelopeCodec.encode(
            Envelope.of(
                ProducerMetadata.of(GUID, 0, 0, T0),
                Put.of("v".getBytes(StandardCharsets.UTF_8), 1),
                writer == null ? null : LeaderMetadata.of(writer, term))),
        false);
  }

  static Rec undecodable() {
    return new Rec(
        RecordKeys.dataKey(new byte[] {1}),
        "not an envelope".getBytes(StandardCharsets.UTF_8),
        false);
  }

  /**
   * A zombie writes inside a tenure whose leader then stamps: Z declares 100 (0) and writes (1); A
   * declares 200 (2) and writes (3); Z writes again (4); A writes (5) and stamps (6).
   */
  static List<Rec> zombieInsideATenure() {
    return List.of(
        dol(ZOMBIE, 100),
        put(ZOMBIE),
        dol(LEADER, 200),
        put(LEADER),
        put(ZOMBIE),
        put(LEADER),
        stepDown(LEADER, 200));
  }

  /** A clean tenure of A with term 300 at offsets 0 to 3, closed by its stamp. */
  static List<Rec> cleanTenure() {
    return List.of(dol(LEADER, 300), put(LEADER), heartbeat(LEADER, 300), stepDown(LEADER, 300));
  }
}
