package io.handoff.tck.vendor;

import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.tck.SelectionContract;

/** The example vendor strategy is discovered and selected as the selection contract says. */
public class MemoryLogSelectionContractTest extends SelectionContract {

  @Override
  protected LeadershipHandoffProvider newProvider() {
    return new MemoryLogProvider();
  }
}
