package io.handoff.helix;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.HandoverPath;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every event of the transitions, as text, and the step-down outcomes. */
final class RecordingListener implements LeadershipTransitions.Listener<HandoverPath> {
  final List<String> events = new CopyOnWriteArrayList<>();
  final List<EmitOutcome> outcomes = new CopyOnWriteArrayList<>();

  @Override
  public void promoting(int partition, long term) {
    events.add("promoting " + partition + " " + term);
  }

  @Override
  public void writable(int partition, long term, HandoverPath path) {
    events.add("writable " + partition + " " + term + " " + path);
  }

  @Override
  public void promotionEnded(int partition, long term, Throwable cause) {
    events.add("ended " + partition + " " + term);
  }

  @Override
  public void steppedDown(
      int partition,
      LeadershipTransitions.Cause cause,
      EmitOutcome outcome,
      long startedAtNanos,
      long endedAtNanos) {
    events.add("steppedDown " + partition + " " + cause + " " + outcome.status());
    outcomes.add(outcome);
  }
}
