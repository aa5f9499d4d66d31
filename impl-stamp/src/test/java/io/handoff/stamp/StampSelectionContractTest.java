package io.handoff.stamp;

import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.spi.WriteBarrier;
import io.handoff.tck.SelectionContract;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * The stamp strategy against the selection contract. Selection creates emitters but never emits,
 * and the stamp emitter connects on its first emit, so no broker is needed: the address below is
 * never contacted.
 */
public class StampSelectionContractTest extends SelectionContract {

  @Override
  protected LeadershipHandoffProvider newProvider() {
    return new StampProvider();
  }

  @Override
  protected Properties baseProperties() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", "127.0.0.1:9");
    return p;
  }

  @Override
  protected HostResources hostResources() {
    WriteBarrier nothingWritten = (topic, partition) -> CompletableFuture.completedFuture(null);
    return HostResources.of(WriteBarrier.class, nothingWritten);
  }
}
