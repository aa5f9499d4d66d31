package io.handoff.embedded;

/**
 * Thrown when the embedded Kafka cluster cannot be started, cannot complete an administrative
 * operation (for example creating a topic), or does not reach the expected state in time.
 */
public class EmbeddedKafkaException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed
   */
  public EmbeddedKafkaException(String message) {
    super(message);
  }

  /**
   * @param message what failed
   * @param cause the underlying failure
   */
  public EmbeddedKafkaException(String message, Throwable cause) {
    super(message, cause);
  }
}
