package io.handoff.cli;

/** A failure a command explains in one line: the message is what the user sees. */
public final class CliException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public CliException(String message) {
    super(message);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
