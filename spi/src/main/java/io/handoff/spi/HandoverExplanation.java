package io.handoff.spi;

import static java.util.Objects.requireNonNull;

/**
 * What a new leader would decide about the inactivity wait, and why, naming the records
 * responsible. Computed on request ({@link LeadershipHandoffObserver#explain}), never on the
 * per-record path. Immutable.
 *
 * @param versionTopic the version topic
 * @param partition the partition
 * @param reader the writer id of the replica that would decide
 * @param myTerm the reader's term
 * @param reason why; {@link HandoverReason#cuts()} says whether the wait may be skipped
 * @param culprit the record that made the deciding tenure unclean, when the reason is about one and
 *     it is known, else null
 * @param earlier the tenure before the reader's, when there was one in sight, else null
 * @param current the current tenure (the reader's, when its declaration was read), or null
 */
public record HandoverExplanation(
    String versionTopic,
    int partition,
    String reader,
    long myTerm,
    HandoverReason reason,
    Record culprit,
    Tenure earlier,
    Tenure current) {

  public HandoverExplanation {
    requireNonNull(versionTopic, "versionTopic is null");
    requireNonNull(reason, "reason is null");
  }

  /**
   * One record, as the rules saw it.
   *
   * @param offset its offset, or -1 when not known (state restored from a checkpoint)
   * @param writerId its writer id, or null when it carries none or could not be decoded
   * @param term its term, or -1 for none
   * @param undecodable whether nobody could decode it
   */
  public record Record(long offset, String writerId, long term, boolean undecodable) {
    @Override
    public String toString() {
      String where = offset < 0 ? "a record" : "the record at offset " + offset;
      if (undecodable) {
        return where + " that could not be decoded";
      }
      return where
          + (writerId == null ? " without writer id" : " of " + writerId)
          + (term < 0 ? "" : " with term " + term);
    }
  }

  /**
   * A tenure: a writer's leadership from its declaration to its stamp.
   *
   * @param writerId the writer id of its declaration, or null when unknown
   * @param term the term of its declaration, or -1 when unknown
   * @param declarationOffset the offset of its declaration, or -1 when not seen or not known
   * @param stamped whether its own stamp closed it
   * @param clean whether nothing foreign appeared in it
   */
  public record Tenure(
      String writerId, long term, long declarationOffset, boolean stamped, boolean clean) {
    @Override
    public String toString() {
      String details =
          (term < 0 ? "" : "term " + term)
              + (declarationOffset < 0
                  ? ""
                  : (term < 0 ? "" : ", ") + "declared at offset " + declarationOffset);
      return (writerId == null ? "an unknown writer" : writerId)
          + (details.isEmpty() ? "" : " (" + details + ")");
    }
  }

  /** Whether the reader may skip the inactivity wait. */
  public boolean mayCut() {
    return reason.cuts();
  }

  /** The explanation in plain words, one or two sentences. */
  public String describe() {
    String who = reader + " (term " + myTerm + ") on " + versionTopic + "-" + partition;
    String verdict =
        mayCut()
            ? who + " may skip the inactivity wait: "
            : who + " must wait out the inactivity window: ";
    return verdict
        + switch (reason) {
          case CLEAN_STEP_DOWN ->
              "the tenure of "
                  + earlier
                  + " began in sight, stayed clean and ended with its own"
                  + " step-down stamp, and nothing but the reader's own declaration came after it.";
          case CONSUMING_OFF ->
              "consuming step-down stamps is switched off ("
                  + HandoffSettings.CONSUME_STEPDOWN_STAMP
                  + "), or the strategy never cuts.";
          case NOT_LEADER -> "it holds no leadership term.";
          case OWN_DECLARATION_NOT_READ ->
              "its own declaration of leadership for term "
                  + myTerm
                  + " has not been read"
                  + " back yet"
                  + (current == null ? "." : "; the current tenure is that of " + current + ".");
          case OWN_TENURE_UNCLEAN ->
              culpritOr("a record of another writer") + " came after its own declaration.";
          case OWN_TENURE_STEPPED_DOWN -> "it has already stamped its own tenure.";
          case NO_EARLIER_TENURE ->
              "nothing was read before its declaration, so no earlier leader is known to have"
                  + " stopped.";
          case STARTED_INSIDE_A_TENURE ->
              "reading began inside the earlier tenure, whose declaration was never seen"
                  + " (a restart from a checkpoint without the observer's state?).";
          case EARLIER_TENURE_UNCLEAN ->
              culpritOr("a record of another writer")
                  + " appeared inside the tenure of "
                  + earlier
                  + ", so its stamp cannot vouch for every writer.";
          case STAMP_NOT_LAST ->
              culpritOr("a record")
                  + " came after the step-down stamp of "
                  + earlier
                  + ", so the stamp was not the last word.";
          case NO_STAMP ->
              "the tenure of " + earlier + " was never closed by its own step-down stamp.";
          case STAMP_TERM_NOT_BELOW_MINE ->
              "the stamp of " + earlier + " has a term not below " + myTerm + ".";
          case STRATEGY_FAILED ->
              "the strategy failed while reading this partition (see the log), so its records"
                  + " prove nothing until the partition is forgotten or its state restored.";
        };
  }

  private String culpritOr(String otherwise) {
    String s = culprit == null ? otherwise : culprit.toString();
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
