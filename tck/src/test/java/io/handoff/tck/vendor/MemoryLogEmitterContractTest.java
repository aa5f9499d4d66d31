package io.handoff.tck.vendor;

import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.tck.Capability;
import io.handoff.tck.EmitterContract;
import java.util.EnumSet;
import java.util.Set;

/** The example vendor strategy's emitter passes the emitter contract. */
public class MemoryLogEmitterContractTest extends EmitterContract {

  @Override
  protected LeadershipHandoffProvider newProvider() {
    return new MemoryLogProvider();
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.of(Capability.WRITES_STAMPS);
  }
}
