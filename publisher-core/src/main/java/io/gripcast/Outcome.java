package io.gripcast;

/** How a publish to one endpoint ended. */
public enum Outcome {
  /** The proxy accepted every item (HTTP 2xx). Accepted is not delivered: see docs/reliability.md. */
  PUBLISHED(false),
  /** The proxy rejected the request (a 4xx other than 401, 403 and 429, or a redirect); do not retry as is. */
  REJECTED(false),
  /** The proxy refused the credentials (401 or 403); fix the key or token. */
  AUTH_REFUSED(false),
  /**
   * The proxy could not be reached or was overloaded after all retries: a connection failure, a
   * timeout before the request went out whole, 429, 502, 503 or 504, or another 5xx.
   */
  UNAVAILABLE(true),
  /**
   * The request went out whole, but its answer could not be read after all retries: garbage, a cut
   * or oversized response head, a reset or silence where the answer should be. The proxy may have
   * accepted the items. Publishing the same items again with the same ids is safe: the proxy's id
   * cache drops the copy (see docs/reliability.md).
   */
  UNKNOWN(true),
  /** The caller cancelled the publish, or the publisher was closed before it finished. */
  CANCELLED(false);

  private final boolean retryable;

  Outcome(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether publishing the same items again later may succeed. */
  public boolean retryable() {
    return retryable;
  }

  /** True for {@link #PUBLISHED}. */
  public boolean isSuccess() {
    return this == PUBLISHED;
  }
}
