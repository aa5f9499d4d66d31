package io.handoff.stamp;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.spi.WriteBarrier;
import io.handoff.tck.Capability;
import io.handoff.tck.EmitterContract;
import java.util.EnumSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The stamp strategy's emitter against the emitter contract, writing to a real embedded broker on
 * the emitter's own producer, and refusing to be built without something that orders its stamps
 * after the leader's records.
 */
public class StampEmitterContractTest extends EmitterContract {

  private EmbeddedKafkaCluster kafka;

  @BeforeClass
  public void startKafka() {
    kafka = EmbeddedKafkaCluster.builder().start();
    kafka.createTopic(topic(), partitions());
  }

  @AfterClass(alwaysRun = true)
  public void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Override
  protected LeadershipHandoffProvider newProvider() {
    return new StampProvider();
  }

  @Override
  protected Properties baseProperties() {
    Properties p = new Properties();
    p.setProperty(HandoffSettings.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers());
    return p;
  }

  /**
   * A write barrier that is always complete: the kit writes no data to its topic, so no host write
   * is ever outstanding when a stamp is due. The emitter stamps on its own producer.
   */
  @Override
  protected HostResources hostResources() {
    WriteBarrier nothingWritten = (topic, partition) -> CompletableFuture.completedFuture(null);
    return HostResources.of(WriteBarrier.class, nothingWritten);
  }

  /**
   * It writes stamps, and switched on it refuses to exist without a producer or barrier of the host
   * (rule E2).
   */
  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.of(Capability.WRITES_STAMPS, Capability.NEEDS_HOST_RESOURCES);
  }
}
