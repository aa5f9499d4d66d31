package io.handoff.spi;

/**
 * Why a new leader may, or may not, skip the inactivity wait: a small closed set, so that metrics
 * can count legacy waits by reason and an operator can read why a handover took minutes. The rules
 * behind each are in {@code docs/ARCHITECTURE.md}.
 */
public enum HandoverReason {
  /**
   * The tenure before the reader's was clean and closed by its own writer's stamp: the wait may be
   * cut.
   */
  CLEAN_STEP_DOWN(true),
  /**
   * Consuming stamps is switched off ({@code server.leader.handover.consume.stepdown.stamp}), or
   * the strategy never cuts.
   */
  CONSUMING_OFF(false),
  /** The reader holds no term of this partition: it is not leader. */
  NOT_LEADER(false),
  /**
   * The reader's own declaration of leadership for its term has not been read back yet (rule R4).
   */
  OWN_DECLARATION_NOT_READ(false),
  /** Another writer appended after the reader's own declaration (rule R4). */
  OWN_TENURE_UNCLEAN(false),
  /** The reader has already stamped its own tenure: it stepped down. */
  OWN_TENURE_STEPPED_DOWN(false),
  /**
   * Nothing came before the reader's declaration: a new partition, or nothing consumed before it.
   */
  NO_EARLIER_TENURE(false),
  /**
   * The observer started inside the tenure before the reader's and never saw it begin: a replica
   * restarted from a checkpoint without restoring the observer's state (rule R5).
   */
  STARTED_INSIDE_A_TENURE(false),
  /**
   * A record of another writer, or one nobody could decode, appeared in the tenure before the
   * reader's (rule R2).
   */
  EARLIER_TENURE_UNCLEAN(false),
  /**
   * The earlier leader appended after its own stamp, or someone else did before the reader's
   * declaration (rule R3).
   */
  STAMP_NOT_LAST(false),
  /**
   * The tenure before the reader's was never closed by its writer's stamp: it crashed, or is still
   * writing.
   */
  NO_STAMP(false),
  /** The stamp's term is not below the reader's (rule R4). */
  STAMP_TERM_NOT_BELOW_MINE(false),
  /**
   * The strategy threw while taking in or judging this partition's records, so its evidence is not
   * trusted there until the partition is forgotten or its state restored; the engine logged the
   * failure with the topic-partition and offset.
   */
  STRATEGY_FAILED(false);

  private final boolean cuts;

  HandoverReason(boolean cuts) {
    this.cuts = cuts;
  }

  /**
   * Whether this reason lets the new leader skip the wait; true only for {@link #CLEAN_STEP_DOWN}.
   */
  public boolean cuts() {
    return cuts;
  }

  /** The reason as a metric tag value: lower case with underscores, e.g. {@code no_stamp}. */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
