package io.handoff.spi;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume-side safety rules R1 to R5 of {@code docs/ARCHITECTURE.md} for every partition of one
 * version topic: which tenure is current, whether it is clean, and whether the tenure before it was
 * closed by its own writer's step-down stamp with nothing after it.
 *
 * <p>A strategy classifies each record (a declaration of leadership, a step-down stamp, anything
 * else, or a record it cannot read) and hands it here; the rules themselves live in this class
 * only, so that every strategy that uses it, ours and a vendor's, decides the same way. The
 * evidence a strategy accepts is its own business; the rules are not.
 *
 * <p><b>Threads.</b> Calls for one partition must be ordered by the host (one thread at a time,
 * with a happens-before edge between threads, as a consumer loop or a lock gives); calls for
 * different partitions may run on different threads at once. Per-partition fields are plain: a
 * decision taken on a thread that has no happens-before edge to the observing thread may read a
 * stale or torn state.
 *
 * <p><b>Cost.</b> Recording a record allocates nothing, except the first time a partition is seen,
 * and when a declaration of leadership starts a new tenure or a record first makes a tenure unclean
 * and the writer id is not a {@code String} (it is copied then, once).
 */
public final class TenureTracker {

  private static final Logger LOG = LoggerFactory.getLogger(TenureTracker.class);

  /** Highest partition number accepted; state is an array indexed by partition. */
  public static final int MAX_PARTITION = (1 << 20) - 1;

  /** The term of a record that carries none: Venice's leaders write their data this way. */
  public static final long NO_TERM = -1L;

  private static final byte NOTHING_SEEN = 0;
  private static final byte OPEN = 1;
  private static final byte CLOSED = 2;

  private static final short EXPORT_MAGIC = 0x4854; // "HT"
  private static final byte EXPORT_VERSION = 2;

  // Why the tenure before the current one does (not) count, in an export.
  private static final byte EARLIER_NONE = 0;
  private static final byte EARLIER_NOT_SEEN_BEGIN = 1;
  private static final byte EARLIER_UNCLEAN = 2;
  private static final byte EARLIER_UNCLEAN_AFTER_STAMP = 3;
  private static final byte EARLIER_NOT_CLOSED = 4;
  private static final byte EARLIER_CLOSED_CLEANLY = 5;
  private static final int FLAG_BEGUN_IN_SIGHT = 1;
  private static final int FLAG_UNCLEAN_AFTER_STAMP = 2;
  private static final int NULL_STRING = 0xFFFF;

  private final String versionTopic;
  private final HandoffMetrics metrics;
  private final TenureListener listener;
  private final Object growLock = new Object();
  private volatile Partition[] partitions = new Partition[8];

  /** One partition's view of the log. Confined to the partition's observing thread. */
  private static final class Partition {
    /** Offset after the last record taken in, or -1 before the first. */
    long nextOffset = -1;

    byte phase = NOTHING_SEEN;

    /** The current tenure: who declared it and with which term (null and -1 when unknown). */
    String writer;

    long term = NO_TERM;
    boolean clean;

    /**
     * The term of the tenure before the current one when its own stamp closed it cleanly, else 0.
     */
    long previousStampTerm;

    // What an explanation needs and a decision does not; written on tenure changes only.
    Facts facts = new Facts();
    Facts previous = new Facts();
  }

  /**
   * A tenure as an explanation names it. Two per partition, swapped when a declaration begins a new
   * tenure, so that keeping them allocates nothing.
   */
  private static final class Facts {
    byte phase = NOTHING_SEEN;
    String writer;
    long term = NO_TERM;
    boolean clean;
    boolean begunInSight;
    long declarationOffset = -1;
    long culpritOffset = -1;
    String culpritWriter;
    long culpritTerm = NO_TERM;
    boolean culpritUndecodable;
    boolean culpritAfterStamp;

    void culprit(long offset, String writer, long term, boolean undecodable, boolean afterStamp) {
      culpritOffset = offset;
      culpritWriter = writer;
      culpritTerm = term;
      culpritUndecodable = undecodable;
      culpritAfterStamp = afterStamp;
    }

    void reset() {
      phase = NOTHING_SEEN;
      writer = null;
      term = NO_TERM;
      clean = false;
      begunInSight = false;
      declarationOffset = -1;
      culpritOffset = -1;
      culpritWriter = null;
      culpritTerm = NO_TERM;
      culpritUndecodable = false;
      culpritAfterStamp = false;
    }
  }

  /**
   * @param versionTopic the version topic whose partitions this tracker follows; non-blank
   * @param metrics where tenures that turn unclean are counted
   */
  public TenureTracker(String versionTopic, HandoffMetrics metrics) {
    this(versionTopic, metrics, null);
  }

  /**
   * @param listener told when a tenure changes, or null; for tools that show tenures to an operator
   */
  public TenureTracker(String versionTopic, HandoffMetrics metrics, TenureListener listener) {
    requireNonNull(versionTopic, "versionTopic is null");
    if (versionTopic.isBlank()) {
      throw new IllegalArgumentException("versionTopic is blank");
    }
    this.versionTopic = versionTopic;
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.listener = listener;
  }

  /** The version topic this tracker follows. */
  public String versionTopic() {
    return versionTopic;
  }

  /**
   * A declaration of leadership of {@code writerId} with {@code term}. It always starts a new
   * tenure, even when it repeats the writer and term of the open one: a second session of the same
   * host can hold an equal wall-clock term, and the log cannot tell it from a re-sent declaration,
   * so the tenure it ends (never closed by a stamp) does not count. The tenure it ends counts as
   * cleanly closed only if its writer's stamp closed it and nothing followed that stamp.
   */
  public void declaration(int partition, long offset, CharSequence writerId, long term) {
    Partition p = stateFor(partition);
    p.nextOffset = offset + 1;
    p.previousStampTerm = p.phase == CLOSED && p.clean ? p.term : 0;
    p.phase = OPEN;
    p.writer = writerId == null ? null : writerId.toString();
    p.term = term;
    p.clean = writerId != null && term > 0;
    Facts ended = p.facts;
    p.facts = p.previous;
    p.previous = ended;
    Facts f = p.facts;
    f.reset();
    f.phase = OPEN;
    f.writer = p.writer;
    f.term = term;
    f.clean = p.clean;
    f.begunInSight = true;
    f.declarationOffset = offset;
    if (!p.clean) {
      f.culprit(offset, p.writer, term, false, false); // a declaration nobody can be held to
    }
    if (listener != null) {
      listener.began(partition, offset, p.writer, term);
    }
  }

  /**
   * A step-down stamp of {@code writerId} with {@code term}. It closes the current tenure when it
   * is that tenure's writer and term; anything else makes the tenure unclean. A repeat of the stamp
   * that closed the tenure changes nothing.
   */
  public void stepDown(int partition, long offset, CharSequence writerId, long term) {
    Partition p = stateFor(partition);
    p.nextOffset = offset + 1;
    boolean ownStamp =
        p.phase != NOTHING_SEEN && term == p.term && belongsToTenure(p, writerId, term);
    if (p.phase == OPEN && ownStamp) {
      p.phase = CLOSED;
      p.facts.phase = CLOSED;
      if (listener != null) {
        listener.closed(partition, offset);
      }
    } else if (!(p.phase == CLOSED && ownStamp)) {
      foreign(p, partition, offset, writerId, term, false);
    }
  }

  /**
   * Any other record: data, heartbeat, control message. It belongs to the current open tenure when
   * it has the tenure's writer id and either the tenure's term or none; anything else, and anything
   * at all after the tenure's stamp, makes the tenure unclean.
   */
  public void other(int partition, long offset, CharSequence writerId, long term) {
    Partition p = stateFor(partition);
    p.nextOffset = offset + 1;
    if (p.phase != OPEN || !belongsToTenure(p, writerId, term)) {
      foreign(p, partition, offset, writerId, term, false);
    }
  }

  /**
   * A record the strategy could not read: written by a writer of another format version, or
   * corrupt. Nobody can say whose it is, so the current tenure is unclean.
   */
  public void undecodable(int partition, long offset) {
    Partition p = stateFor(partition);
    p.nextOffset = offset + 1;
    foreign(p, partition, offset, null, NO_TERM, true);
  }

  /**
   * Rule R4: whether {@code localWriterId}, leader of {@code partition} with {@code myTerm}, may
   * skip the inactivity wait. True only when the current tenure is the reader's own, declared with
   * {@code myTerm} and read back here, with nothing of another writer since; and the tenure before
   * it began in this tracker's sight, stayed clean, and was closed by its writer's stamp of a term
   * {@code 0 < stampTerm < myTerm} with nothing after that stamp. Pure query.
   */
  public boolean mayCut(int partition, CharSequence localWriterId, long myTerm) {
    Partition p = existing(partition);
    return p != null
        && myTerm > 0
        && p.phase == OPEN
        && p.clean
        && p.term == myTerm
        && localWriterId != null
        && p.writer != null
        && p.writer.contentEquals(localWriterId)
        && p.previousStampTerm > 0
        && p.previousStampTerm < myTerm;
  }

  /**
   * Why {@link #mayCut} answers what it answers, naming the tenures and the record responsible;
   * {@code consume} is whether consuming stamps is switched on. Computed on request: it allocates,
   * the per-record path does not. After a restore, the records responsible are no longer known.
   */
  public HandoverExplanation explain(
      int partition, String localWriterId, long myTerm, boolean consume) {
    Partition p = existing(partition);
    HandoverExplanation.Tenure current =
        p == null || p.phase == NOTHING_SEEN ? null : tenure(p.facts, p.phase == CLOSED);
    HandoverExplanation.Tenure earlier =
        p == null || p.previous.phase == NOTHING_SEEN
            ? null
            : tenure(p.previous, p.previous.phase == CLOSED);
    HandoverReason reason;
    HandoverExplanation.Record culprit = null;
    if (!consume) {
      reason = HandoverReason.CONSUMING_OFF;
    } else if (myTerm <= 0) {
      reason = HandoverReason.NOT_LEADER;
    } else if (p == null
        || p.phase == NOTHING_SEEN
        || p.term != myTerm
        || p.writer == null
        || localWriterId == null
        || !p.writer.contentEquals(localWriterId)) {
      reason = HandoverReason.OWN_DECLARATION_NOT_READ;
    } else if (p.phase == CLOSED) {
      reason = HandoverReason.OWN_TENURE_STEPPED_DOWN;
    } else if (!p.clean) {
      reason = HandoverReason.OWN_TENURE_UNCLEAN;
      culprit = culprit(p.facts);
    } else if (p.previousStampTerm > 0) {
      reason =
          p.previousStampTerm < myTerm
              ? HandoverReason.CLEAN_STEP_DOWN
              : HandoverReason.STAMP_TERM_NOT_BELOW_MINE;
    } else {
      Facts e = p.previous;
      if (e.phase == NOTHING_SEEN) {
        reason = HandoverReason.NO_EARLIER_TENURE;
      } else if (!e.begunInSight) {
        reason = HandoverReason.STARTED_INSIDE_A_TENURE;
      } else if (!e.clean) {
        culprit = culprit(e);
        reason =
            e.culpritAfterStamp
                ? HandoverReason.STAMP_NOT_LAST
                : HandoverReason.EARLIER_TENURE_UNCLEAN;
      } else {
        reason = HandoverReason.NO_STAMP;
      }
    }
    return new HandoverExplanation(
        versionTopic, partition, localWriterId, myTerm, reason, culprit, earlier, current);
  }

  private static HandoverExplanation.Tenure tenure(Facts f, boolean stamped) {
    return new HandoverExplanation.Tenure(f.writer, f.term, f.declarationOffset, stamped, f.clean);
  }

  /** The record responsible, or null when none is known (after a restore only its kind is). */
  private static HandoverExplanation.Record culprit(Facts f) {
    return f.culpritOffset >= 0
        ? new HandoverExplanation.Record(
            f.culpritOffset, f.culpritWriter, f.culpritTerm, f.culpritUndecodable)
        : null;
  }

  /** Drops the state of {@code partition}: it starts again as if nothing had been seen. */
  public void forget(int partition) {
    checkPartition(partition);
    synchronized (growLock) {
      Partition[] a = partitions;
      if (partition < a.length) {
        a[partition] = null;
      }
    }
  }

  /**
   * Rule R5: the state of {@code partition} as a few bytes, for a host that checkpoints its
   * consumption. Restore it with {@link #restore} before resuming at the offset the export names
   * ({@link #resumeOffsetOf}). Carries the topic and partition, so that it cannot be restored into
   * another.
   */
  public byte[] export(int partition) {
    checkPartition(partition);
    Partition p = existing(partition);
    if (p == null) {
      p = new Partition();
    }
    byte[] topic = versionTopic.getBytes(StandardCharsets.UTF_8);
    byte[] writer = p.writer == null ? null : p.writer.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(
            2
                + 1
                + 2
                + topic.length
                + 4
                + 8
                + 1
                + 1
                + 8
                + 8
                + 2
                + (writer == null ? 0 : writer.length)
                + 1
                + 1
                + 4);
    b.putShort(EXPORT_MAGIC).put(EXPORT_VERSION);
    putString(b, topic);
    b.putInt(partition).putLong(p.nextOffset).put(p.phase).put((byte) (p.clean ? 1 : 0));
    b.putLong(p.term).putLong(p.previousStampTerm);
    putString(b, writer);
    // Beyond the decision, what an explanation needs to name the right reason after a restore.
    b.put(earlierStatus(p));
    int flags =
        (p.facts.begunInSight ? FLAG_BEGUN_IN_SIGHT : 0)
            | (p.facts.culpritAfterStamp ? FLAG_UNCLEAN_AFTER_STAMP : 0);
    b.put((byte) flags);
    CRC32 crc = new CRC32();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  private static byte earlierStatus(Partition p) {
    if (p.previousStampTerm > 0) {
      return EARLIER_CLOSED_CLEANLY;
    }
    Facts e = p.previous;
    if (e.phase == NOTHING_SEEN) {
      return EARLIER_NONE;
    }
    if (!e.begunInSight) {
      return EARLIER_NOT_SEEN_BEGIN;
    }
    if (!e.clean) {
      return e.culpritAfterStamp ? EARLIER_UNCLEAN_AFTER_STAMP : EARLIER_UNCLEAN;
    }
    return EARLIER_NOT_CLOSED;
  }

  /**
   * The offset from which a host must resume consuming after restoring {@code state}, or -1 when
   * the state was exported before any record was seen (any offset will do).
   *
   * @throws IllegalArgumentException if {@code state} is not a valid export
   */
  public static long resumeOffsetOf(byte[] state) {
    return parse(state).nextOffset;
  }

  /**
   * Restores {@code partition} from an {@link #export} of this version topic and partition, for a
   * host that resumes consuming at {@code resumeOffset}. Anything that does not fit (garbage, a
   * checksum mismatch, another topic or partition, an export taken at another offset) is rejected
   * and leaves the partition as if nothing had been seen, which never cuts the wait until a new
   * tenure begins in sight.
   *
   * @throws IllegalArgumentException naming what does not fit; the partition is then reset
   */
  public void restore(int partition, long resumeOffset, byte[] state) {
    checkPartition(partition);
    forget(partition);
    String where = versionTopic + "-" + partition;
    Parsed s;
    try {
      s = parse(state);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Cannot restore the handoff state of " + where + ": " + e.getMessage(), e);
    }
    if (!s.topic.equals(versionTopic) || s.partition != partition) {
      throw new IllegalArgumentException(
          "Cannot restore the handoff state of "
              + where
              + ": it was exported for "
              + s.topic
              + "-"
              + s.partition);
    }
    if (s.nextOffset >= 0 && s.nextOffset != resumeOffset) {
      throw new IllegalArgumentException(
          "Cannot restore the handoff state of "
              + where
              + ": it was exported at offset "
              + s.nextOffset
              + " but consumption resumes at offset "
              + resumeOffset);
    }
    Partition p = stateFor(partition);
    p.nextOffset = s.nextOffset;
    p.phase = s.phase;
    p.clean = s.clean;
    p.term = s.term;
    p.previousStampTerm = s.previousStampTerm;
    p.writer = s.writer;
    // The offsets and the records responsible are not exported: an explanation after a restore
    // names the reason and the tenures' writers and terms it still knows, not the records.
    Facts f = p.facts;
    f.phase = s.phase;
    f.writer = s.writer;
    f.term = s.term;
    f.clean = s.clean;
    f.begunInSight = (s.flags & FLAG_BEGUN_IN_SIGHT) != 0;
    // The record responsible is not kept across a restore, only whether it came after the stamp.
    f.culpritAfterStamp =
        (s.flags & FLAG_UNCLEAN_AFTER_STAMP) != 0; // parse rejects it on a clean tenure
    Facts e = p.previous;
    // A tenure that turned unclean after its stamp was stamped: it is closed, only not cleanly.
    e.phase =
        s.earlier == EARLIER_NONE
            ? NOTHING_SEEN
            : s.earlier == EARLIER_CLOSED_CLEANLY || s.earlier == EARLIER_UNCLEAN_AFTER_STAMP
                ? CLOSED
                : OPEN;
    e.begunInSight = s.earlier != EARLIER_NOT_SEEN_BEGIN;
    e.clean = s.earlier == EARLIER_NOT_CLOSED || s.earlier == EARLIER_CLOSED_CLEANLY;
    e.term = s.earlier == EARLIER_CLOSED_CLEANLY ? s.previousStampTerm : NO_TERM;
    if (s.earlier == EARLIER_UNCLEAN_AFTER_STAMP) {
      e.culprit(-1, null, NO_TERM, false, true);
    }
  }

  private record Parsed(
      String topic,
      int partition,
      long nextOffset,
      byte phase,
      boolean clean,
      long term,
      long previousStampTerm,
      String writer,
      byte earlier,
      int flags) {}

  private static Parsed parse(byte[] state) {
    if (state == null) {
      throw new IllegalArgumentException("the state is null");
    }
    if (state.length < 7) {
      throw new IllegalArgumentException(
          "the state is " + state.length + " bytes, too short to be an export");
    }
    ByteBuffer b = ByteBuffer.wrap(state);
    if (b.getShort() != EXPORT_MAGIC) {
      throw new IllegalArgumentException("the state does not start with the export magic bytes");
    }
    byte version = b.get();
    if (version != EXPORT_VERSION) {
      throw new IllegalArgumentException(
          "unknown export format version " + version + ", expected " + EXPORT_VERSION);
    }
    CRC32 crc = new CRC32();
    crc.update(state, 0, state.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(state, state.length - 4, 4).getInt()) {
      throw new IllegalArgumentException("checksum mismatch: the state is corrupt or truncated");
    }
    try {
      String topic = getString(b);
      int partition = b.getInt();
      long nextOffset = b.getLong();
      byte phase = b.get();
      byte clean = b.get();
      long term = b.getLong();
      long previousStampTerm = b.getLong();
      String writer = getString(b);
      byte earlier = b.get();
      int flags = b.get() & 0xFF;
      boolean consistent =
          b.remaining() == 4
              && earlier >= EARLIER_NONE
              && earlier <= EARLIER_CLOSED_CLEANLY
              && (flags & ~3) == 0
              && (clean == 0 || (flags & FLAG_UNCLEAN_AFTER_STAMP) == 0)
              && (earlier == EARLIER_CLOSED_CLEANLY) == (previousStampTerm > 0)
              && (phase != NOTHING_SEEN || (earlier == EARLIER_NONE && flags == 0))
              && topic != null
              && partition >= 0
              && nextOffset >= -1
              && phase >= NOTHING_SEEN
              && phase <= CLOSED
              && (clean & ~1) == 0
              && previousStampTerm >= 0
              && (clean == 0 || (phase != NOTHING_SEEN && writer != null && term > 0))
              && (phase != NOTHING_SEEN
                  || (writer == null && term == NO_TERM && previousStampTerm == 0));
      if (!consistent) {
        throw new IllegalArgumentException(
            "the state's fields are out of range or contradict each other");
      }
      return new Parsed(
          topic,
          partition,
          nextOffset,
          phase,
          clean == 1,
          term,
          previousStampTerm,
          writer,
          earlier,
          flags);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("the state is truncated", e);
    }
  }

  private static void putString(ByteBuffer b, byte[] utf8) {
    if (utf8 == null) {
      b.putShort((short) NULL_STRING);
    } else {
      if (utf8.length >= NULL_STRING) {
        throw new IllegalArgumentException(
            "a name of " + utf8.length + " bytes is too long to export");
      }
      b.putShort((short) utf8.length).put(utf8);
    }
  }

  private static String getString(ByteBuffer b) {
    int length = b.getShort() & 0xFFFF;
    if (length == NULL_STRING) {
      return null;
    }
    byte[] bytes = new byte[length];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------------------- internals

  /** Rule R2: the tenure's writer id, and either the tenure's term or none. */
  private static boolean belongsToTenure(Partition p, CharSequence writerId, long term) {
    return p.writer != null
        && writerId != null
        && (term == NO_TERM || term == p.term)
        && p.writer.contentEquals(writerId);
  }

  private void foreign(
      Partition p,
      int partition,
      long offset,
      CharSequence writerId,
      long term,
      boolean undecodable) {
    if (p.phase == NOTHING_SEEN) {
      // Started inside a tenure whose beginning this tracker never saw (rule R5).
      p.phase = OPEN;
      p.writer = null;
      p.term = NO_TERM;
      p.clean = false;
      p.previousStampTerm = 0;
      p.facts.reset();
      p.facts.phase = OPEN;
      if (listener != null) {
        listener.startedInside(partition, offset);
      }
      return;
    }
    if (p.clean) {
      p.clean = false;
      Facts f = p.facts;
      f.clean = false;
      // Kept for explanations. A String's toString() is itself: no copy for the writer ids hosts
      // usually hand over; another CharSequence is copied once per tenure that turns unclean.
      String writer = writerId == null ? null : writerId.toString();
      f.culprit(offset, writer, term, undecodable, p.phase == CLOSED);
      if (listener != null) {
        listener.unclean(partition, offset, writer, term, undecodable, p.phase == CLOSED);
      }
      metrics.uncleanTenure(versionTopic, partition);
      if (!LOG.isWarnEnabled()) {
        return;
      }
      LOG.warn(
          "{}-{} offset {}: {} {} the tenure of {} (term {}); the next leader will not skip the inactivity wait",
          versionTopic,
          partition,
          offset,
          writerId == null && term == NO_TERM
              ? "a record without writer id (or undecodable)"
              : "a record of writer " + writerId + " with term " + term,
          p.phase == CLOSED ? "follows the step-down stamp of" : "is not part of",
          p.writer,
          p.term);
    }
  }

  private static void checkPartition(int partition) {
    if (partition < 0 || partition > MAX_PARTITION) {
      throw new IllegalArgumentException(
          "partition must be between 0 and " + MAX_PARTITION + ", got " + partition);
    }
  }

  private Partition existing(int partition) {
    Partition[] a = partitions;
    return partition >= 0 && partition < a.length ? a[partition] : null;
  }

  private Partition stateFor(int partition) {
    Partition[] a = partitions;
    if (partition >= 0 && partition < a.length) {
      Partition p = a[partition];
      if (p != null) {
        return p;
      }
    }
    checkPartition(partition);
    synchronized (growLock) {
      a = partitions;
      if (partition >= a.length) {
        a = Arrays.copyOf(a, Math.min(MAX_PARTITION + 1, Math.max(partition + 1, a.length * 2)));
      }
      Partition p = a[partition];
      if (p == null) {
        p = new Partition();
        a[partition] = p;
      }
      partitions = a;
      return p;
    }
  }

  @Override
  public String toString() {
    return "TenureTracker{" + versionTopic + "}";
  }
}
