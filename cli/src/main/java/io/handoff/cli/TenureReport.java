package io.handoff.cli;

import io.handoff.codec.EnvelopeSummary;
import io.handoff.spi.HandoffEngine;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverExplanation;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.TenureListener;
import io.handoff.stamp.StampKeys;
import io.handoff.stamp.StampObserver;
import io.handoff.stamp.StampRecords;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What {@code handoff explain} finds on one partition. The records go through the stamp strategy's
 * own observer, exactly as a server feeds them, so the verdict is the one a server would reach; the
 * observer tells this report whenever a tenure begins, turns unclean or is closed, which gives the
 * table of tenures. {@link #conclude} then appends the new leader's declaration of leadership, as
 * that leader would write it and read it back, and asks the observer for its explanation.
 *
 * <p>One partition, one thread, used once.
 */
final class TenureReport implements TenureListener {

  /**
   * Consuming on: otherwise the observer would answer that consuming is off, whatever the records.
   */
  private static final HandoffSettings CONSUMING =
      HandoffSettings.from(Map.of(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true"));

  /**
   * The record that made a tenure unclean.
   *
   * @param kind as {@code handoff inspect} names it ({@code DATA}, {@code UNDECODABLE}, ...)
   * @param writer its writer id, or null when it has none or could not be decoded
   * @param term its term, or -1 for none
   * @param afterStamp whether it came after the tenure's own step-down stamp
   */
  record Culprit(long offset, String kind, String writer, long term, boolean afterStamp) {}

  /**
   * One tenure as read, in the order they began.
   *
   * @param writer the writer id of its declaration, or null when reading began inside it
   * @param term the term of its declaration, or -1 when reading began inside it
   * @param firstOffset the offset of its declaration, or -1 when reading began inside it
   * @param lastOffset the offset of its last record read
   * @param culprit the first record that made it unclean, or null
   * @param stampOffset the offset of its own step-down stamp, or -1 when none closed it
   */
  record Tenure(
      String writer,
      long term,
      long firstOffset,
      long lastOffset,
      Culprit culprit,
      long stampOffset) {

    /** Whether the rules hold it clean: begun in sight, and nothing foreign in it. */
    boolean clean() {
      return firstOffset >= 0 && culprit == null;
    }

    boolean stamped() {
      return stampOffset >= 0;
    }
  }

  /** A record the verdict rests on, and what it did. */
  record Evidence(long offset, String kind, String writer, long term, String role) {}

  /**
   * Everything {@code handoff explain} prints.
   *
   * @param fromOffset the first offset asked for
   * @param endOffset the partition's end offset when the command started, where the new leader's
   *     declaration is assumed
   * @param highestTermRead the highest term of a record read, or -1 when none carried one
   * @param termDefaulted whether the term was chosen as one above the highest term read
   */
  record Result(
      String topic,
      int partition,
      long fromOffset,
      long endOffset,
      long recordsRead,
      long highestTermRead,
      String writer,
      long term,
      boolean termDefaulted,
      HandoverExplanation explanation,
      List<Evidence> responsible,
      List<Tenure> tenures) {}

  /** The current tenure while it is being read. */
  private static final class Open {
    final String writer;
    final long term;
    final long firstOffset;
    long lastOffset;
    Culprit culprit;
    long stampOffset = -1;

    Open(String writer, long term, long firstOffset, long lastOffset) {
      this.writer = writer;
      this.term = term;
      this.firstOffset = firstOffset;
      this.lastOffset = lastOffset;
    }

    Tenure freeze() {
      return new Tenure(writer, term, firstOffset, lastOffset, culprit, stampOffset);
    }
  }

  private final String topic;
  private final int partition;
  private final String writer;
  private final LeadershipHandoffObserver observer;
  private final StampRecords records = new StampRecords();
  private final List<Open> tenures = new ArrayList<>();
  private Open current;
  private Evidence firstRecord;
  private long recordsRead;
  private long highestTerm = -1;
  private boolean concluded;

  /**
   * @param writer the writer id of the new leader the verdict is for
   */
  TenureReport(String topic, int partition, String writer) {
    this.topic = topic;
    this.partition = partition;
    this.writer = writer;
    this.observer =
        HandoffEngine.observer(
            CONSUMING,
            HandoffMetrics.NOOP,
            topic,
            writer,
            new StampObserver(HandoffMetrics.NOOP, topic, writer, this));
  }

  /** Takes in the next record of the partition, in offset order. */
  void observe(ConsumerRecord<byte[], byte[]> r) {
    if (concluded) {
      throw new IllegalStateException("the report is concluded");
    }
    EnvelopeSummary e = records.observe(observer, r); // may call back began, closed, unclean ...
    String kind = e == null ? InspectRecordKind.UNDECODABLE : InspectRecordKind.kindOf(r.key(), e);
    String recordWriter = e == null ? null : e.writerId();
    long recordTerm = e == null ? -1 : e.term();
    recordsRead++;
    highestTerm = Math.max(highestTerm, recordTerm);
    if (firstRecord == null) {
      firstRecord =
          new Evidence(
              r.offset(),
              kind,
              recordWriter,
              recordTerm,
              "first record read: the declaration of its tenure came before it");
    }
    current.lastOffset = r.offset();
    Culprit c = current.culprit;
    if (c != null && c.offset() == r.offset() && c.kind() == null) {
      // The listener is told before the record is classified for display: name it now.
      current.culprit = new Culprit(c.offset(), kind, c.writer(), c.term(), c.afterStamp());
    }
  }

  /**
   * The term the new leader is given when none is asked for: one above every term read, at least 1.
   */
  long defaultTerm() {
    if (highestTerm == Long.MAX_VALUE) {
      throw new CliException(
          "The highest term read on "
              + topic
              + "-"
              + partition
              + " is "
              + Long.MAX_VALUE
              + ": no term is above it; give one with --term");
    }
    return Math.max(1, highestTerm + 1);
  }

  /**
   * Appends the new leader's declaration of leadership at {@code endOffset} with {@code term} (or
   * the {@link #defaultTerm} when null) and returns the verdict with everything read.
   */
  Result conclude(long fromOffset, long endOffset, Long term) {
    if (concluded) {
      throw new IllegalStateException("the report is concluded");
    }
    long t = term == null ? defaultTerm() : term;
    List<Tenure> seen = tenures.stream().map(Open::freeze).toList();
    concluded = true;
    // The leader writes its declaration and must read it back before the rules let it cut (rule
    // R4).
    observer.observe(partition, endOffset, StampKeys.declarationOfLeadershipKey(), writer, t);
    HandoverExplanation explanation = observer.explain(partition, t);
    return new Result(
        topic,
        partition,
        fromOffset,
        endOffset,
        recordsRead,
        Math.max(-1, highestTerm),
        writer,
        t,
        term == null,
        explanation,
        responsible(seen, endOffset, t),
        seen);
  }

  /**
   * The records the verdict rests on: those of the tenure just before the new leader's (its
   * declaration or, when reading began inside it, the first record read; the record that made it
   * unclean; its stamp), and the new leader's own declaration.
   */
  private List<Evidence> responsible(List<Tenure> seen, long endOffset, long t) {
    List<Evidence> list = new ArrayList<>();
    if (!seen.isEmpty()) {
      Tenure before = seen.get(seen.size() - 1);
      Culprit c = before.culprit();
      if (before.firstOffset() < 0) {
        list.add(firstRecord);
      } else {
        boolean declarationIsCulprit = c != null && c.offset() == before.firstOffset();
        list.add(
            new Evidence(
                before.firstOffset(),
                InspectRecordKind.DOL,
                before.writer(),
                before.term(),
                declarationIsCulprit
                    ? "began the tenure before the new leader's, unclean from the start (no writer id"
                        + " or no positive term)"
                    : "began the tenure before the new leader's"));
      }
      if (c != null && c.offset() != before.firstOffset()) {
        list.add(
            new Evidence(
                c.offset(),
                c.kind(),
                c.writer(),
                c.term(),
                c.afterStamp()
                    ? "came after that tenure's own step-down stamp"
                    : "made that tenure unclean"));
      }
      if (before.stamped()) {
        list.add(
            new Evidence(
                before.stampOffset(),
                InspectRecordKind.STEP_DOWN_STAMP,
                before.writer(),
                before.term(),
                "closed that tenure"));
      }
    }
    list.add(
        new Evidence(
            endOffset,
            InspectRecordKind.DOL,
            writer,
            t,
            "the new leader's own declaration, assumed at the end offset (not written)"));
    list.sort(Comparator.comparingLong(Evidence::offset));
    return List.copyOf(list);
  }

  // ------------------------------------------------------------------------------ TenureListener

  @Override
  public void began(int p, long offset, String writerId, long term) {
    current = new Open(writerId, term, offset, offset);
    if (writerId == null || term <= 0) {
      // The rules hold such a declaration unclean from the start: nobody can be held to it.
      current.culprit = new Culprit(offset, InspectRecordKind.DOL, writerId, term, false);
    }
    tenures.add(current);
  }

  @Override
  public void startedInside(int p, long offset) {
    current = new Open(null, -1, -1, offset);
    tenures.add(current);
  }

  @Override
  public void closed(int p, long offset) {
    current.stampOffset = offset;
  }

  @Override
  public void unclean(
      int p, long offset, String writerId, long term, boolean undecodable, boolean afterStamp) {
    current.culprit = new Culprit(offset, null, writerId, term, afterStamp);
  }
}
