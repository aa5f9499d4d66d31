package io.handoff.stamp;

import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.tck.Capability;
import io.handoff.tck.ObserverContract;
import io.handoff.tck.RuleKeys;
import java.util.EnumSet;
import java.util.Set;

/**
 * The stamp strategy's observer against the observer contract and its rules table, with the
 * strategy's real keys: declarations, stamps, data, heartbeats and other control messages.
 */
public class StampObserverContractTest extends ObserverContract {

  @Override
  protected LeadershipHandoffProvider newProvider() {
    return new StampProvider();
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.of(Capability.CUTS_THE_WAIT, Capability.KEEPS_EXPORTABLE_STATE);
  }

  @Override
  protected RuleKeys recordKeys() {
    return StampObserverFixtures.STAMP_KEYS;
  }
}
