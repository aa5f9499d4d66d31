package io.handoff.noop;

import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.tck.LeadershipHandoffProviderTck;

public class NoopProviderTckTest extends LeadershipHandoffProviderTck {

  @Override
  protected LeadershipHandoffProvider newProvider() {
    return new NoopProvider();
  }
}
