package io.handoff.spi;

import static java.util.Objects.requireNonNull;

/**
 * One leader stepping down from one version-topic partition: the facts a stamp carries.
 *
 * <p>Instances are immutable and may be shared between threads. Validation happens here, on the
 * caller's thread, so that an emitter never sees a half-formed request: a blank topic, a negative
 * partition or a missing writer id are programming errors and fail fast with {@link
 * IllegalArgumentException} or {@link NullPointerException} naming the field.
 *
 * <p>A {@code leaderTerm} of zero or less is <em>not</em> rejected: a host that lost track of its
 * term may still call the emitter, which then answers {@link EmitStatus#SKIPPED_NO_TERM} without
 * writing anything. Likewise a term that is not {@code established} is sent to the emitter, which
 * answers {@link EmitStatus#SKIPPED_UNESTABLISHED} (rule E1): hosts get step-downs from {@link
 * LeaderTerms#demoted}, which knows.
 *
 * @param versionTopic the version topic the leader wrote to; non-blank
 * @param partition the partition of that topic; {@code >= 0}
 * @param leaderTerm the leadership term the leader held, as recorded in {@link LeaderTerms}
 * @param established whether that term's handover had finished (rule E1); only such a term is
 *     stamped
 * @param localClusterId the id of the local pub-sub cluster, written as {@code
 *     upstreamKafkaClusterId}
 * @param writerId the id of the demoting host, written as {@code hostName}; non-blank
 */
public record StepDown(
    String versionTopic,
    int partition,
    long leaderTerm,
    boolean established,
    int localClusterId,
    String writerId) {

  public StepDown {
    requireNonNull(versionTopic, "versionTopic is null");
    requireNonNull(writerId, "writerId is null");
    if (versionTopic.isBlank()) {
      throw new IllegalArgumentException("versionTopic is blank");
    }
    if (partition < 0) {
      throw new IllegalArgumentException(
          "partition must be >= 0, got " + partition + " for topic " + versionTopic);
    }
    if (writerId.isBlank()) {
      throw new IllegalArgumentException("writerId is blank");
    }
  }

  /**
   * A step-down of an established term, for tools and tests that stamp a term they know was
   * established (an operator's manual stamp). Hosts use {@link LeaderTerms#demoted}.
   */
  public static StepDown established(
      String versionTopic, int partition, long leaderTerm, int localClusterId, String writerId) {
    return new StepDown(versionTopic, partition, leaderTerm, true, localClusterId, writerId);
  }

  /**
   * Why no stamp may be written for this step-down whatever the strategy, or null when one may:
   * {@link EmitStatus#SKIPPED_NO_TERM} for a term {@code <= 0}, else {@link
   * EmitStatus#SKIPPED_UNESTABLISHED} for a term that was not established.
   */
  public EmitStatus skipStatus() {
    if (leaderTerm <= 0) {
      return EmitStatus.SKIPPED_NO_TERM;
    }
    return established ? null : EmitStatus.SKIPPED_UNESTABLISHED;
  }

  /** {@code topic-partition}, the way Kafka prints it; used in log lines and errors. */
  public String topicPartition() {
    return versionTopic + "-" + partition;
  }

  @Override
  public String toString() {
    return "StepDown{"
        + topicPartition()
        + ", term="
        + leaderTerm
        + (established ? "" : " (not established)")
        + ", cluster="
        + localClusterId
        + ", writer="
        + writerId
        + "}";
  }
}
