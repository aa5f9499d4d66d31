package io.handoff.spi;

/**
 * Told by a {@link TenureTracker} when a tenure changes: for tools that show an operator the
 * tenures of a partition (the {@code handoff explain} command), never needed by a server. Called on
 * the observing thread, only when something changes (a declaration, a closing stamp, the first
 * foreign record of a tenure), never for the ordinary records of a tenure. Must not block or throw.
 */
public interface TenureListener {

  /**
   * A declaration of leadership at {@code offset} began a tenure of {@code writerId} with {@code
   * term}.
   */
  default void began(int partition, long offset, String writerId, long term) {}

  /** Reading began inside a tenure whose declaration was not seen, at {@code offset}. */
  default void startedInside(int partition, long offset) {}

  /** The current tenure's own step-down stamp at {@code offset} closed it. */
  default void closed(int partition, long offset) {}

  /**
   * The record at {@code offset} made the current tenure unclean: of {@code writerId} (null when it
   * had none or could not be decoded) with {@code term}, after the tenure's stamp or not.
   */
  default void unclean(
      int partition,
      long offset,
      String writerId,
      long term,
      boolean undecodable,
      boolean afterStamp) {}
}
