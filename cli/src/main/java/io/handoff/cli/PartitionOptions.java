package io.handoff.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of the commands that read one partition of a topic ({@code inspect}, {@code
 * explain}): where the cluster is, which partition, and how long to wait for the broker.
 */
final class PartitionOptions {

  static final long DEFAULT_TIMEOUT_MS = 10_000L;

  @Option(
      names = {"-b", "--bootstrap-servers"},
      required = true,
      paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(
      names = {"-t", "--topic"},
      required = true,
      paramLabel = "TOPIC",
      description = "The version topic.")
  String topic;

  @Option(
      names = {"-p", "--partition"},
      required = true,
      paramLabel = "P",
      description = "The partition.")
  int partition;

  @Option(
      names = "--timeout-ms",
      paramLabel = "MS",
      defaultValue = "" + DEFAULT_TIMEOUT_MS,
      description = "Longest wait for the broker, for each step (default: ${DEFAULT-VALUE}).")
  long timeoutMs;

  /** Rejects values no broker could answer, as a usage error of {@code cl}. */
  void validate(CommandLine cl) {
    if (bootstrapServers.isBlank()) {
      throw new CommandLine.ParameterException(cl, "--bootstrap-servers must not be blank");
    }
    if (topic.isBlank()) {
      throw new CommandLine.ParameterException(cl, "--topic must not be blank");
    }
    if (partition < 0) {
      throw new CommandLine.ParameterException(cl, "--partition must be >= 0, got " + partition);
    }
    if (timeoutMs <= 0 || timeoutMs > Integer.MAX_VALUE) {
      throw new CommandLine.ParameterException(
          cl, "--timeout-ms must be between 1 and " + Integer.MAX_VALUE + ", got " + timeoutMs);
    }
  }

  /**
   * A reader of the partition these options name; {@code clientId} tells the broker which command
   * asks.
   */
  PartitionReader open(String clientId) {
    return PartitionReader.open(bootstrapServers, topic, partition, timeoutMs, clientId);
  }
}
