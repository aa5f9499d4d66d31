package io.handoff.cli;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of the commands that read one partition of a topic ({@code inspect}, {@code
 * explain}): where the cluster is, which partition, and how long to wait for the broker.
 */
final class PartitionOptions {

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
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "Longest wait for the broker, for each step, e.g. 10s or 500ms (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  /** The milliseconds {@code --timeout} took before every duration was written alike. */
  @Option(names = "--timeout-ms", hidden = true)
  Long timeoutMs;

  /** The timeout asked for, in either spelling. */
  Duration timeout() {
    return timeoutMs != null ? Duration.ofMillis(timeoutMs) : timeout;
  }

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
    long ms = timeout().toMillis();
    if (ms <= 0 || ms > Integer.MAX_VALUE) {
      throw new CommandLine.ParameterException(
          cl, "--timeout must be between 1ms and " + Integer.MAX_VALUE + "ms, got " + ms + "ms");
    }
  }

  /**
   * A reader of the partition these options name; {@code clientId} tells the broker which command
   * asks.
   */
  PartitionReader open(String clientId) {
    return PartitionReader.open(bootstrapServers, topic, partition, timeout().toMillis(), clientId);
  }
}
