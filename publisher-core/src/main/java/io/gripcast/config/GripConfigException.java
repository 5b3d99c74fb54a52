package io.gripcast.config;

import io.gripcast.GripException;
import java.util.Objects;

/**
 * A GRIP URL, environment or key that cannot be used. The message names the bad {@link #part()}
 * (scheme, host, a query parameter, a key, an environment variable) and says how to fix it.
 *
 * <p>Messages never contain a secret: no key, token, password or whole URL. That is why this
 * exception never carries the JDK exception that found the problem as its cause
 * ({@code URISyntaxException} and friends quote their input).
 */
public final class GripConfigException extends GripException {
  private static final long serialVersionUID = 1L;

  private final String part;

  /**
   * @param part the part of the configuration that is wrong, e.g. {@code "scheme"} or
   *     {@code "query parameter 'key'"}
   * @param message what is wrong and how to fix it; must not contain a secret
   */
  public GripConfigException(String part, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.part = Objects.requireNonNull(part, "part");
  }

  /** The part of the configuration that is wrong, e.g. {@code scheme}, {@code host}, {@code key}. */
  public String part() {
    return part;
  }
}
