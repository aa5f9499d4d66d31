package io.handoff.noop;

import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.tck.Capability;
import io.handoff.tck.EmitterContract;
import java.util.EnumSet;
import java.util.Set;

public class NoopEmitterContractTest extends EmitterContract {

  @Override
  protected LeadershipHandoffProvider newProvider() {
    return new NoopProvider();
  }

  /** The no-op strategy does none of it: it writes nothing and never cuts the wait. */
  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.noneOf(Capability.class);
  }
}
