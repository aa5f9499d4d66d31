package io.handoff.tck;

/**
 * What a strategy does, as its contract subclasses declare it in {@link
 * ProviderContract#capabilities()}. The contracts assert the rule that goes with each capability,
 * and its absence just as strictly: a strategy that does not declare {@link #WRITES_STAMPS} must
 * answer {@link io.handoff.spi.EmitStatus#SKIPPED_DISABLED} to every step-down.
 */
public enum Capability {
  /**
   * The emitter, switched on, writes stamps to a backend the subclass prepares: a valid step-down
   * comes back {@link io.handoff.spi.EmitStatus#ACKED}.
   */
  WRITES_STAMPS,
  /**
   * The emitter, switched on, needs something of the host ({@link io.handoff.spi.HostResources}) to
   * order its stamps after the leader's records (rule E2), and refuses to be built without it.
   */
  NEEDS_HOST_RESOURCES,
  /**
   * The observer lets a new leader skip the wait when the rules allow it; its subclass names the
   * strategy's record keys ({@link ObserverContract#recordKeys()}).
   */
  CUTS_THE_WAIT,
  /**
   * The observer's {@code exportState} carries the partition's state, which {@code restoreState}
   * validates and restores (rule R5).
   */
  KEEPS_EXPORTABLE_STATE
}
