package io.gripcast;

/**
 * A publish did not succeed under the publisher's {@link SuccessPolicy}. Carries the result of
 * every endpoint, so callers can see which endpoints accepted the items and which did not, and
 * whether retrying later makes sense.
 */
public class PublishException extends GripException {
  private static final long serialVersionUID = 1L;

  private final transient PublishResult result;

  public PublishException(PublishResult result) {
    super(result.summary());
    this.result = result;
    for (EndpointResult e : result.endpoints()) {
      if (e.failure() != null) {
        addSuppressed(e.failure());
      }
    }
  }

  /** The per-endpoint results. */
  public PublishResult result() {
    return result;
  }

  /** True when every failed endpoint failed in a way that a later retry may fix (unavailable). */
  public boolean retryable() {
    return result.failures().stream().allMatch(e -> e.outcome().retryable());
  }
}
