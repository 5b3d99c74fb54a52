package io.gripcast.cli;

/**
 * A failure the CLI reports as one line on stderr and an exit code. The message names the problem
 * and the fix, and never contains a secret: callers build it from redacted values only.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }

  static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message);
  }

  static CliException data(String message, Throwable cause) {
    return new CliException(ExitCodes.DATA, message, cause);
  }

  static CliException config(String message, Throwable cause) {
    return new CliException(ExitCodes.CONFIG, message, cause);
  }
}
