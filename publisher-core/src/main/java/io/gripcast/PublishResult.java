package io.gripcast;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The result of one publish call: one {@link EndpointResult} per endpoint, and whether that counts
 * as success under the publisher's {@link SuccessPolicy}.
 *
 * @param success whether the policy is met
 * @param policy the policy that decided {@code success}
 * @param items how many items (item-channel pairs) the call published
 * @param endpoints per-endpoint results, in the publisher's endpoint order
 */
public record PublishResult(boolean success, SuccessPolicy policy, int items, List<EndpointResult> endpoints) {

  public PublishResult {
    endpoints = List.copyOf(endpoints);
  }

  /** The endpoints that did not accept every item. */
  public List<EndpointResult> failures() {
    return endpoints.stream().filter(e -> !e.success()).collect(Collectors.toUnmodifiableList());
  }

  /**
   * The worst outcome over all endpoints, in the order PUBLISHED &lt; CANCELLED &lt; UNAVAILABLE
   * &lt; UNKNOWN &lt; REJECTED &lt; AUTH_REFUSED: see {@link #severity(Outcome)}.
   */
  public Outcome worstOutcome() {
    Outcome worst = Outcome.PUBLISHED;
    for (EndpointResult e : endpoints) {
      if (severity(e.outcome()) > severity(worst)) {
        worst = e.outcome();
      }
    }
    return worst;
  }

  /** Ranks outcomes so the most actionable failure wins: configuration problems before transient ones. */
  static int severity(Outcome o) {
    switch (o) {
      case PUBLISHED:
        return 0;
      case CANCELLED:
        return 1;
      case UNAVAILABLE:
        return 2;
      case UNKNOWN:
        return 3; // worse than unavailable: the caller must decide whether to publish again
      case REJECTED:
        return 4;
      case AUTH_REFUSED:
        return 5;
      default:
        throw new AssertionError(o);
    }
  }

  /** One line per endpoint, for messages. */
  public String summary() {
    long failed = endpoints.stream().filter(e -> !e.success()).count();
    String head = success
        ? "published " + items + (items == 1 ? " item" : " items") + " to " + endpoints.size() + " endpoint(s)"
        : "publish of " + items + (items == 1 ? " item" : " items") + " failed at " + failed + " of "
            + endpoints.size() + " endpoint(s) (policy " + policy + ")";
    return head + endpoints.stream().map(e -> "\n  " + e).collect(Collectors.joining());
  }
}
