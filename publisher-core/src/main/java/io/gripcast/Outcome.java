package io.gripcast;

/** How a publish to one endpoint ended. */
public enum Outcome {
  /** The proxy accepted every item (HTTP 2xx). Accepted is not delivered: see docs/reliability.md. */
  PUBLISHED(false, 0),
  /**
   * A ZeroMQ endpoint ({@link io.gripcast.config.ZmqEndpoint}): every item was handed to a ZeroMQ
   * socket that had a live connection to the instance. This is <em>not</em> an acknowledgement:
   * ZeroMQ gives none, Pushpin only logs an item it cannot parse, and items still queued when the
   * connection drops are lost. For PUB, an instance whose SUB socket has not (yet) subscribed to
   * the channel gets nothing: ZeroMQ drops it at the sender, and
   * {@link EndpointResult#message()} says so. Counts as a success.
   */
  SENT(false, 0),
  /** The proxy rejected the request (a 4xx other than 401, 403 and 429, or a redirect); do not retry as is. */
  REJECTED(false, 4),
  /** The proxy refused the credentials (401 or 403); fix the key or token. */
  AUTH_REFUSED(false, 5),
  /**
   * The proxy could not be reached or was overloaded after all retries: a connection failure, a
   * timeout before the request went out whole, 429, 502, 503 or 504, or another 5xx.
   */
  UNAVAILABLE(true, 2),
  /**
   * The request went out whole, but its answer could not be read after all retries: garbage, a cut
   * or oversized response head, a reset or silence where the answer should be. The proxy may have
   * accepted the items. Publishing the same items again with the same ids is safe: the proxy's id
   * cache drops the copy (see docs/reliability.md).
   */
  UNKNOWN(true, 3),
  /** The caller cancelled the publish, or the publisher was closed before it finished. */
  CANCELLED(false, 1);

  private final boolean retryable;
  private final int severity; // the most actionable failure wins: configuration problems before transient ones

  Outcome(boolean retryable, int severity) {
    this.retryable = retryable;
    this.severity = severity;
  }

  /**
   * Whether this outcome is worse than {@code other} when several endpoints end differently, in
   * the order PUBLISHED = SENT &lt; CANCELLED &lt; UNAVAILABLE &lt; UNKNOWN &lt; REJECTED &lt;
   * AUTH_REFUSED: what retrying cannot fix outranks what it may, and UNKNOWN outranks UNAVAILABLE
   * because the caller must decide whether to publish again.
   */
  public boolean isWorseThan(Outcome other) {
    return severity > other.severity;
  }

  /** Whether publishing the same items again later may succeed. */
  public boolean retryable() {
    return retryable;
  }

  /** True for {@link #PUBLISHED} and {@link #SENT}. */
  public boolean isSuccess() {
    return this == PUBLISHED || this == SENT;
  }
}
