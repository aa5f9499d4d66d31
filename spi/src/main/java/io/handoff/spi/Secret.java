package io.handoff.spi;

import static java.util.Objects.requireNonNull;

/**
 * A configuration value that must never be printed: {@link #toString()} is {@value
 * HandoffSettings#HIDDEN}, so a map, a log line or an exception message that holds it shows no
 * clear text. Only the code that hands the value to its consumer (for the stamp strategy, where its
 * producer's configuration is built) calls {@link #reveal()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Secret {

  private final String value;

  /**
   * Wraps {@code value}.
   *
   * @throws NullPointerException if {@code value} is null
   */
  public Secret(String value) {
    this.value = requireNonNull(value, "value is null");
  }

  /** The clear text, for the consumer of the setting only. */
  public String reveal() {
    return value;
  }

  /**
   * The clear text of a configuration value that may or may not be a secret: {@link #reveal()} of a
   * {@link Secret}, {@code String.valueOf} of anything else.
   */
  public static String reveal(Object value) {
    return value instanceof Secret s ? s.value : String.valueOf(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && value.equals(s.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return HandoffSettings.HIDDEN;
  }
}
