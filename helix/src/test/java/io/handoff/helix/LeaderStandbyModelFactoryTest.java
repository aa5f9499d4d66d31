package io.handoff.helix;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoverPath;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.helix.model.Message;
import org.testng.annotations.Test;

public class LeaderStandbyModelFactoryTest {

  @Test
  public void partitionNumbersComeFromHelixPartitionNames() {
    assertEquals(LeaderStandbyModelFactory.partitionOf("store_v1", "store_v1_0"), 0);
    assertEquals(LeaderStandbyModelFactory.partitionOf("store_v1", "store_v1_17"), 17);
    for (String bad : List.of("store_v1", "store_v2_3", "store_v1_", "store_v1_x", "store_v1_-1")) {
      IllegalArgumentException e =
          expectThrows(
              IllegalArgumentException.class,
              () -> LeaderStandbyModelFactory.partitionOf("store_v1", bad));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  public void transitionsTakeTheTermFromTheMessageAndResetOfALeaderStepsDown() {
    try (SpiReplica replica = new SpiReplica()) {
      RecordingListener listener = new RecordingListener();
      LeadershipTransitions<HandoverPath> transitions =
          new LeadershipTransitions<>(
              replica, Duration.ofMillis(SpiReplica.ACK_TIMEOUT_MS), listener);
      List<String> opened = new CopyOnWriteArrayList<>();
      LeaderStandbyModelFactory factory =
          new LeaderStandbyModelFactory(
              resource -> {
                opened.add(resource);
                return transitions;
              });
      LeaderStandbyModelFactory.PartitionModel model =
          (LeaderStandbyModelFactory.PartitionModel)
              factory.createNewStateModel(SpiReplica.TOPIC, SpiReplica.TOPIC + "_2");

      model.reset(); // before OFFLINE -> STANDBY: nothing opened, nothing stepped down
      assertEquals(opened, List.of());

      model.onBecomeStandbyFromOffline(message(1_000), null);
      assertEquals(opened, List.of(SpiReplica.TOPIC));
      model.onBecomeLeaderFromStandby(message(1_700_000_000_123L), null);
      LeadershipTransitionsTest.awaitTrue(() -> replica.calls.contains("promote 2 1700000000123"));
      replica.finishHandover(2, 1_700_000_000_123L, HandoverPath.LEGACY_WAIT);

      model.reset(); // a graceful disconnect: no LEADER -> STANDBY comes

      assertEquals(listener.outcomes.size(), 1);
      assertEquals(listener.outcomes.get(0).status(), EmitStatus.ACKED);
      assertEquals(listener.outcomes.get(0).stepDown().leaderTerm(), 1_700_000_000_123L);
      assertFalse(replica.terms.isLeader(2));
      assertEquals(replica.sent(2), List.of("stamp"));

      model.onBecomeOfflineFromStandby(message(3_000), null);
      assertEquals(listener.outcomes.size(), 1, "a standby going offline stamps nothing");
      transitions.close();
    }
  }

  private static Message message(long createdAt) {
    Message m = new Message(Message.MessageType.STATE_TRANSITION, "m-" + createdAt);
    m.setCreateTimeStamp(createdAt);
    return m;
  }
}
