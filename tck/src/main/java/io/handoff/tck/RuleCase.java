package io.handoff.tck;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;
import io.handoff.tck.RuleRecords.Rec;
import java.util.List;

/**
 * One row of the observer rules table ({@link ObserverRules#cases()}): records fed, in offset
 * order, to one partition of an observer for {@link ObserverRules#READER}, then one question of the
 * reader with its term, and the answer worked out by hand from rules R1 to R5 of {@code
 * docs/ARCHITECTURE.md}.
 *
 * @param name what the case shows, in a few words
 * @param records what the partition holds, oldest first
 * @param readerTerm the term the reader asks with
 * @param expected the reason a strategy that cuts the wait gives; {@link HandoverReason#cuts()}
 *     says whether it may skip the wait
 */
public record RuleCase(String name, List<Rec> records, long readerTerm, HandoverReason expected) {

  public RuleCase {
    requireNonNull(name, "name is null");
    requireNonNull(expected, "expected is null");
    records = List.copyOf(records);
  }

  /** Whether a strategy that cuts the wait must let the reader skip it. */
  public boolean expectedCut() {
    return expected.cuts();
  }

  /** The path a strategy that cuts the wait answers on one turn of the reader's wait loop. */
  public HandoverPath expectedPath(boolean inactivityWindowElapsed) {
    return HandoverPath.choose(expectedCut(), inactivityWindowElapsed);
  }

  /** The whole case in one line, for assertion messages. */
  public String describe() {
    return name
        + ": records "
        + records
        + ", reader "
        + ObserverRules.READER
        + " with term "
        + readerTerm
        + ", expected "
        + expected;
  }

  @Override
  public String toString() {
    return name;
  }
}
