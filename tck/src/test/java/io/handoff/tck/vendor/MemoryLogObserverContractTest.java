package io.handoff.tck.vendor;

import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.tck.Capability;
import io.handoff.tck.ObserverContract;
import io.handoff.tck.RuleKeys;
import java.util.EnumSet;
import java.util.Set;

/** The example vendor strategy's observer passes the observer contract and its rules table. */
public class MemoryLogObserverContractTest extends ObserverContract {

  @Override
  protected LeadershipHandoffProvider newProvider() {
    return new MemoryLogProvider();
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.of(Capability.CUTS_THE_WAIT, Capability.KEEPS_EXPORTABLE_STATE);
  }

  @Override
  protected RuleKeys recordKeys() {
    return RuleKeys.of(MemoryLogProvider.DECLARATION_KEY, MemoryLogProvider.STEP_DOWN_KEY);
  }
}
