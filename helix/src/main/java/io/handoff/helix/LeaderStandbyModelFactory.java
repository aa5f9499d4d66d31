package io.handoff.helix;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import org.apache.helix.NotificationContext;
import org.apache.helix.model.Message;
import org.apache.helix.participant.statemachine.StateModel;
import org.apache.helix.participant.statemachine.StateModelFactory;
import org.apache.helix.participant.statemachine.StateModelInfo;
import org.apache.helix.participant.statemachine.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The participant side of Helix's built-in {@code LeaderStandby} state model, wired to {@link
 * LeadershipTransitions}: one Helix resource is one version topic, and its partition {@code
 * <resource>_<n>} is partition {@code n} of that topic.
 *
 * <ul>
 *   <li>OFFLINE -> STANDBY: the resource's transitions are opened (the replica starts following);
 *   <li>STANDBY -> LEADER: {@link LeadershipTransitions#becomeLeader} with the message's creation
 *       time as the term (the controller's wall clock: increasing per partition, equal across the
 *       partitions of one controller pass, which is fine since terms are per partition);
 *   <li>LEADER -> STANDBY: {@link LeadershipTransitions#becomeStandby}. The model has no LEADER ->
 *       OFFLINE: a leader always passes through STANDBY;
 *   <li>STANDBY -> OFFLINE: {@link LeadershipTransitions#becomeOffline} (a step-down only if still
 *       leading);
 *   <li>{@code reset()}: {@link LeadershipTransitions#reset}. Helix resets every partition of a
 *       participant that disconnects, gracefully or not, without a LEADER -> STANDBY first: a
 *       leader that ignored it would never stamp during a rolling restart.
 * </ul>
 *
 * <p>Handlers never throw and return within {@link LeadershipTransitions#handlerBound()}.
 */
public final class LeaderStandbyModelFactory extends StateModelFactory<StateModel> {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderStandbyModelFactory.class);

  /** Helix's name of the state model this factory serves. */
  public static final String STATE_MODEL = "LeaderStandby";

  private final Function<String, LeadershipTransitions<?>> transitionsOf;

  /**
   * @param transitionsOf the transitions of a resource (a version topic), opened on the first call
   *     for it and the same object afterwards; called on Helix's threads
   */
  public LeaderStandbyModelFactory(Function<String, LeadershipTransitions<?>> transitionsOf) {
    this.transitionsOf = requireNonNull(transitionsOf, "transitionsOf is null");
  }

  @Override
  public StateModel createNewStateModel(String resourceName, String partitionName) {
    return new PartitionModel(resourceName, partitionOf(resourceName, partitionName));
  }

  /**
   * The partition number of Helix's partition name {@code <resource>_<n>}.
   *
   * @throws IllegalArgumentException for a name of another form
   */
  public static int partitionOf(String resourceName, String partitionName) {
    requireNonNull(resourceName, "resourceName is null");
    requireNonNull(partitionName, "partitionName is null");
    String prefix = resourceName + "_";
    if (partitionName.startsWith(prefix)) {
      try {
        int p = Integer.parseInt(partitionName.substring(prefix.length()));
        if (p >= 0) {
          return p;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(
        "Helix partition '"
            + partitionName
            + "' of resource '"
            + resourceName
            + "' is not <resource>_<number>");
  }

  /** One partition's state machine; Helix runs its transitions one at a time. */
  @StateModelInfo(
      initialState = "OFFLINE",
      states = {"LEADER", "STANDBY", "OFFLINE", "DROPPED", "ERROR"})
  public final class PartitionModel extends StateModel {
    private final String resource;
    private final int partition;
    private volatile LeadershipTransitions<?> transitions;

    PartitionModel(String resource, int partition) {
      this.resource = resource;
      this.partition = partition;
    }

    private LeadershipTransitions<?> transitions() {
      LeadershipTransitions<?> t = transitions;
      if (t == null) {
        t = requireNonNull(transitionsOf.apply(resource), "no transitions for " + resource);
        transitions = t;
      }
      return t;
    }

    @Transition(from = "OFFLINE", to = "STANDBY")
    public void onBecomeStandbyFromOffline(Message message, NotificationContext context) {
      transitions();
    }

    @Transition(from = "STANDBY", to = "LEADER")
    public void onBecomeLeaderFromStandby(Message message, NotificationContext context) {
      transitions().becomeLeader(partition, message.getCreateTimeStamp());
    }

    @Transition(from = "LEADER", to = "STANDBY")
    public void onBecomeStandbyFromLeader(Message message, NotificationContext context) {
      transitions().becomeStandby(partition);
    }

    @Transition(from = "STANDBY", to = "OFFLINE")
    public void onBecomeOfflineFromStandby(Message message, NotificationContext context) {
      transitions().becomeOffline(partition);
    }

    @Transition(from = "OFFLINE", to = "DROPPED")
    public void onBecomeDroppedFromOffline(Message message, NotificationContext context) {
      // Nothing is held for a partition that is OFFLINE.
    }

    @Override
    public void reset() {
      LeadershipTransitions<?> t = transitions;
      if (t == null) {
        return; // never became STANDBY: nothing to step down from
      }
      try {
        t.reset(partition);
      } catch (RuntimeException e) {
        LOG.warn("Reset of {}_{} failed: {}", resource, partition, e.toString(), e);
      }
    }

    @Override
    public String toString() {
      return resource + "_" + partition + " " + getCurrentState();
    }
  }
}
