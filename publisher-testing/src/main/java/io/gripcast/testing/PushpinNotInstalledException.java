package io.gripcast.testing;

import java.nio.file.Path;

/**
 * Thrown when the {@code pushpin} binary is not where the harness looks for it.
 * {@link PushpinExtension} turns it into a skipped test, or into a failure when {@code CI=true}.
 */
public final class PushpinNotInstalledException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** The install command the message suggests. */
  public static final String INSTALL_HINT = "apt-get update && apt-get install -y pushpin";

  private final transient Path binary;

  PushpinNotInstalledException(Path binary, String source) {
    super("pushpin not found: " + binary + " (" + source + ") is not an executable file. Install "
        + "Pushpin with: " + INSTALL_HINT + " (Debian/Ubuntu, as root), or set PUSHPIN_BIN "
        + "(system property or environment variable) to the pushpin binary.");
    this.binary = binary;
  }

  /** The path that was looked at. */
  public Path binary() {
    return binary;
  }
}
