package io.gripcast;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The result of one publish call: one {@link EndpointResult} per endpoint, and whether that counts
 * as success under the publisher's {@link SuccessPolicy}. Immutable.
 */
public final class PublishResult {
  private final boolean success;
  private final SuccessPolicy policy;
  private final int items;
  private final List<EndpointResult> endpoints;

  private PublishResult(SuccessPolicy policy, int items, List<EndpointResult> endpoints) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.items = items;
    this.endpoints = List.copyOf(endpoints);
    this.success = policy == SuccessPolicy.ALL
        ? this.endpoints.stream().allMatch(EndpointResult::success)
        : this.endpoints.stream().anyMatch(EndpointResult::success);
  }

  /**
   * The result of publishing {@code items} items to {@code endpoints}, a success when
   * {@code policy} says so. The publisher makes these; this is for tests of code that reads them.
   */
  public static PublishResult of(SuccessPolicy policy, int items, List<EndpointResult> endpoints) {
    return new PublishResult(policy, items, endpoints);
  }

  /** Whether the policy is met. */
  public boolean success() {
    return success;
  }

  /** The policy that decided {@link #success()}. */
  public SuccessPolicy policy() {
    return policy;
  }

  /** How many items (item-channel pairs) the call published. */
  public int items() {
    return items;
  }

  /** Per-endpoint results, in the publisher's endpoint order. */
  public List<EndpointResult> endpoints() {
    return endpoints;
  }

  /** The endpoints that did not accept every item. */
  public List<EndpointResult> failures() {
    return endpoints.stream().filter(e -> !e.success()).collect(Collectors.toUnmodifiableList());
  }

  /**
   * The worst outcome over all endpoints, ranked by {@link Outcome#isWorseThan(Outcome)}
   * (PUBLISHED &lt; CANCELLED &lt; UNAVAILABLE &lt; UNKNOWN &lt; REJECTED &lt; AUTH_REFUSED).
   */
  public Outcome worstOutcome() {
    Outcome worst = Outcome.PUBLISHED;
    for (EndpointResult e : endpoints) {
      if (e.outcome().isWorseThan(worst)) {
        worst = e.outcome();
      }
    }
    return worst;
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

  @Override
  public boolean equals(Object o) {
    return o instanceof PublishResult r && success == r.success && policy == r.policy && items == r.items
        && endpoints.equals(r.endpoints);
  }

  @Override
  public int hashCode() {
    return Objects.hash(success, policy, items, endpoints);
  }

  @Override
  public String toString() {
    return summary();
  }
}
