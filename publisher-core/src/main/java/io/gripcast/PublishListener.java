package io.gripcast;

import java.time.Duration;

/**
 * Hooks for metrics and logging; gripcast itself logs nothing. Methods run on the publisher's
 * HTTP and retry threads, so keep them quick; an exception thrown by a listener is ignored.
 */
public interface PublishListener {

  /** An HTTP attempt is about to be sent. */
  default void onAttempt(Attempt attempt) {}

  /** An attempt failed in a retryable way and another is scheduled after {@code retry.delay()}. */
  default void onRetry(Retry retry) {}

  /** A publish call finished, successfully or not. */
  default void onResult(PublishResult result) {}

  /**
   * An attempt about to be sent. A final class rather than a record, so that fields can be added
   * (with a new constructor) without breaking code that reads or makes these.
   */
  final class Attempt {
    private final String endpoint;
    private final int attempt;
    private final int items;
    private final int bodyBytes;

    /**
     * @param endpoint the publish URL, without credentials
     * @param attempt 1 for the first attempt of a request
     * @param items items in the request
     * @param bodyBytes the request body size
     */
    public Attempt(String endpoint, int attempt, int items, int bodyBytes) {
      this.endpoint = java.util.Objects.requireNonNull(endpoint, "endpoint");
      this.attempt = attempt;
      this.items = items;
      this.bodyBytes = bodyBytes;
    }

    /** The publish URL, without credentials. */
    public String endpoint() {
      return endpoint;
    }

    /** 1 for the first attempt of a request. */
    public int attempt() {
      return attempt;
    }

    /** Items in the request. */
    public int items() {
      return items;
    }

    /** The request body size in bytes. */
    public int bodyBytes() {
      return bodyBytes;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Attempt a && endpoint.equals(a.endpoint) && attempt == a.attempt && items == a.items
          && bodyBytes == a.bodyBytes;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(endpoint, attempt, items, bodyBytes);
    }

    @Override
    public String toString() {
      return "Attempt[endpoint=" + endpoint + ", attempt=" + attempt + ", items=" + items + ", bodyBytes=" + bodyBytes + "]";
    }
  }

  /** A retry about to be scheduled. A final class, for the reason {@link Attempt} is one. */
  final class Retry {
    private final String endpoint;
    private final int failedAttempt;
    private final Duration delay;
    private final String reason;

    /**
     * @param endpoint the publish URL, without credentials
     * @param failedAttempt the attempt that failed
     * @param delay the wait before the next attempt
     * @param reason why the attempt failed (status or exception message)
     */
    public Retry(String endpoint, int failedAttempt, Duration delay, String reason) {
      this.endpoint = java.util.Objects.requireNonNull(endpoint, "endpoint");
      this.failedAttempt = failedAttempt;
      this.delay = java.util.Objects.requireNonNull(delay, "delay");
      this.reason = java.util.Objects.requireNonNull(reason, "reason");
    }

    /** The publish URL, without credentials. */
    public String endpoint() {
      return endpoint;
    }

    /** The attempt that failed. */
    public int failedAttempt() {
      return failedAttempt;
    }

    /** The wait before the next attempt. */
    public Duration delay() {
      return delay;
    }

    /** Why the attempt failed (status or exception message); never a secret. */
    public String reason() {
      return reason;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Retry r && endpoint.equals(r.endpoint) && failedAttempt == r.failedAttempt
          && delay.equals(r.delay) && reason.equals(r.reason);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(endpoint, failedAttempt, delay, reason);
    }

    @Override
    public String toString() {
      return "Retry[endpoint=" + endpoint + ", failedAttempt=" + failedAttempt + ", delay=" + delay + ", reason=" + reason + "]";
    }
  }
}
