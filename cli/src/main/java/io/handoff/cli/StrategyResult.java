package io.handoff.cli;

import java.util.List;

/** What one strategy's part of the demo produced, with every handover told moment by moment. */
record StrategyResult(
    String strategy,
    List<Long> gapsNanos,
    long stampsEmitted,
    long fastPaths,
    long legacyWaits,
    List<HandoverStory> stories) {

  GapStats stats() {
    return GapStats.of(gapsNanos);
  }
}
