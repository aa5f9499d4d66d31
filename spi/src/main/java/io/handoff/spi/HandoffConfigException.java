package io.handoff.spi;

import java.util.List;

/**
 * Invalid handoff configuration. Carries every problem found, so that one failed start shows all of
 * them; each message names the key and the offending value.
 */
public final class HandoffConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final List<String> errors;

  /** One exception for all of {@code errors}, one message each; at least one. */
  public HandoffConfigException(List<String> errors) {
    super(format(errors));
    this.errors = List.copyOf(errors);
  }

  /** One problem. */
  public HandoffConfigException(String error) {
    this(List.of(error));
  }

  /** The individual problems, one message each. */
  public List<String> errors() {
    return errors;
  }

  private static String format(List<String> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("no errors given");
    }
    if (errors.size() == 1) {
      return errors.get(0);
    }
    StringBuilder sb =
        new StringBuilder("Invalid handoff configuration (")
            .append(errors.size())
            .append(" errors):");
    for (String e : errors) {
      sb.append(System.lineSeparator()).append("  ").append(e);
    }
    return sb.toString();
  }
}
