package io.gripcast;

import java.time.Duration;

/**
 * What happened at one endpoint during one publish call.
 *
 * @param endpoint the endpoint's publish URL, without credentials
 * @param outcome how it ended
 * @param status the last HTTP status received, or 0 when no response arrived
 * @param attempts HTTP attempts made, retries included, over all the request's batches
 * @param requests POST requests the endpoint accepted (one per batch)
 * @param itemsPublished items the endpoint accepted; on failure, those of the batches before the failed one
 * @param elapsed wall time from the first attempt to the outcome
 * @param message the proxy's own answer (for example Pushpin's "Invalid format: ..." on a 400), or a
 *     description of the failure; never contains secrets
 * @param failure the exception behind a failure without a response (connection, timeout), or null
 */
public record EndpointResult(
    String endpoint,
    Outcome outcome,
    int status,
    int attempts,
    int requests,
    int itemsPublished,
    Duration elapsed,
    String message,
    Throwable failure) {

  /** True when the endpoint accepted every item. */
  public boolean success() {
    return outcome == Outcome.PUBLISHED;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(endpoint).append(": ").append(outcome);
    if (status > 0) {
      sb.append(" (HTTP ").append(status).append(')');
    }
    sb.append(", ").append(attempts).append(attempts == 1 ? " attempt" : " attempts");
    sb.append(", ").append(elapsed.toMillis()).append(" ms");
    if (message != null && !message.isEmpty()) {
      sb.append(": ").append(message);
    }
    return sb.toString();
  }
}
