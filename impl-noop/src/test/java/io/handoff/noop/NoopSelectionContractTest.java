package io.handoff.noop;

import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.tck.SelectionContract;

public class NoopSelectionContractTest extends SelectionContract {

  @Override
  protected LeadershipHandoffProvider newProvider() {
    return new NoopProvider();
  }
}
