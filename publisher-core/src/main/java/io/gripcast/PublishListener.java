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
   * @param endpoint the publish URL, without credentials
   * @param attempt 1 for the first attempt of a request
   * @param items items in the request
   * @param bodyBytes the request body size
   */
  record Attempt(String endpoint, int attempt, int items, int bodyBytes) {}

  /**
   * @param endpoint the publish URL, without credentials
   * @param failedAttempt the attempt that failed
   * @param delay the wait before the next attempt
   * @param reason why the attempt failed (status or exception message)
   */
  record Retry(String endpoint, int failedAttempt, Duration delay, String reason) {}
}
