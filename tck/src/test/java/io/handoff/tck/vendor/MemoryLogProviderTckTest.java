package io.handoff.tck.vendor;

import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.tck.LeadershipHandoffProviderTck;

/** The example vendor strategy passes the contract kit: this is all a vendor writes. */
public class MemoryLogProviderTckTest extends LeadershipHandoffProviderTck {

  @Override
  protected LeadershipHandoffProvider newProvider() {
    return new MemoryLogProvider();
  }

  @Override
  protected boolean writesStamps() {
    return true;
  }

  @Override
  protected byte[] stepDownKey() {
    return MemoryLogProvider.STEP_DOWN_KEY.clone();
  }

  @Override
  protected byte[] declarationKey() {
    return MemoryLogProvider.DECLARATION_KEY.clone();
  }
}
