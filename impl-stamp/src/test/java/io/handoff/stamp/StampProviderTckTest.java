package io.handoff.stamp;

import io.handoff.embedded.EmbeddedKafkaCluster;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.tck.LeadershipHandoffProviderTck;
import java.util.Properties;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/** The stamp strategy against the contract kit, writing to a real embedded broker. */
public class StampProviderTckTest extends LeadershipHandoffProviderTck {

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

  @Override
  protected boolean writesStamps() {
    return true;
  }

  @Override
  protected byte[] stepDownKey() {
    return StampKeys.stepDownKey();
  }

  @Override
  protected byte[] declarationKey() {
    return StampKeys.declarationOfLeadershipKey();
  }
}
