package io.handoff.tck;

import java.util.ArrayList;
import java.util.List;

/**
 * The vocabulary of the observer rules table ({@link ObserverRules}): writers, kinds of records,
 * and short factories to write record sequences with writer ids and terms, independent of any
 * strategy's key bytes ({@link RuleKeys} maps them).
 */
public final class RuleRecords {

  private RuleRecords() {}

  /** The replica the observers decide for. */
  public static final String READER = "host-r";

  /** Writers other than the reader. */
  public static final String A = "host-a";

  public static final String B = "host-b";
  public static final String Z = "host-z";

  /** The term of a record that carries none, as Venice's leaders write their data. */
  public static final long NO_TERM = -1;

  /**
   * What a record is, as far as an observer can tell from its key, or that it could not be decoded.
   */
  public enum Kind {
    /** A declaration of leadership. */
    DOL,
    /** A step-down stamp. */
    STEP_DOWN,
    /** A data record. */
    DATA,
    /** A heartbeat: no stamp, whoever writes it. */
    HEARTBEAT,
    /** A control message of no stamp kind. */
    OTHER_CONTROL,
    /** A record without key: no stamp. */
    NO_KEY,
    /** A record nobody could decode. */
    UNDECODABLE
  }

  /**
   * One consumed record: its kind, the writer id of its leader metadata (null: none) and its term
   * ({@link #NO_TERM}: none).
   */
  public record Rec(Kind kind, String writer, long term) {

    @Override
    public String toString() {
      if (kind == Kind.UNDECODABLE) {
        return "undecodable";
      }
      return kind + "(" + writer + (term == NO_TERM ? "" : ", " + term) + ")";
    }
  }

  public static Rec dol(String writer, long term) {
    return new Rec(Kind.DOL, writer, term);
  }

  public static Rec stamp(String writer, long term) {
    return new Rec(Kind.STEP_DOWN, writer, term);
  }

  public static Rec data(String writer, long term) {
    return new Rec(Kind.DATA, writer, term);
  }

  /** Data the way Venice's leaders write it: a writer id, no term. */
  public static Rec data(String writer) {
    return data(writer, NO_TERM);
  }

  public static Rec hb(String writer, long term) {
    return new Rec(Kind.HEARTBEAT, writer, term);
  }

  public static Rec ctl(String writer, long term) {
    return new Rec(Kind.OTHER_CONTROL, writer, term);
  }

  public static Rec noKey(String writer, long term) {
    return new Rec(Kind.NO_KEY, writer, term);
  }

  public static Rec undecodable() {
    return new Rec(Kind.UNDECODABLE, null, NO_TERM);
  }

  /** {@code writer}'s whole clean tenure of {@code term}: its DoL, data, its stamp. */
  public static List<Rec> cleanTenure(String writer, long term) {
    return List.of(dol(writer, term), data(writer), data(writer, term), stamp(writer, term));
  }

  /** Concatenates records and lists of records, in order. */
  public static List<Rec> seq(Object... parts) {
    List<Rec> out = new ArrayList<>();
    for (Object part : parts) {
      if (part instanceof Rec r) {
        out.add(r);
      } else if (part instanceof List<?> l) {
        for (Object o : l) {
          out.add((Rec) o);
        }
      } else {
        throw new IllegalArgumentException("not a record: " + part);
      }
    }
    return out;
  }
}
