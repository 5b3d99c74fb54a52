package io.gripcast;

import java.time.Duration;
import java.util.Objects;

/**
 * What happened at one endpoint during one publish call. Immutable; the publisher builds them, and
 * {@link #builder(String, Outcome)} is there for tests of code that consumes them (a listener, a metrics binder).
 */
public final class EndpointResult {
  private final String endpoint;
  private final Outcome outcome;
  private final int status;
  private final int attempts;
  private final int requests;
  private final int itemsPublished;
  private final Duration elapsed;
  private final String message;
  private final Throwable failure;

  private EndpointResult(Builder b) {
    this.endpoint = Objects.requireNonNull(b.endpoint, "endpoint");
    this.outcome = Objects.requireNonNull(b.outcome, "outcome");
    this.status = b.status;
    this.attempts = b.attempts;
    this.requests = b.requests;
    this.itemsPublished = b.itemsPublished;
    this.elapsed = Objects.requireNonNull(b.elapsed, "elapsed");
    this.message = b.message == null ? "" : b.message;
    this.failure = b.failure;
  }

  /** A builder for an endpoint's result: endpoint and outcome are required. */
  public static Builder builder(String endpoint, Outcome outcome) {
    return new Builder(endpoint, outcome);
  }

  /** The endpoint's publish URL, without credentials. */
  public String endpoint() {
    return endpoint;
  }

  /** How it ended. */
  public Outcome outcome() {
    return outcome;
  }

  /** The last HTTP status received, or 0 when no response arrived. */
  public int status() {
    return status;
  }

  /** HTTP attempts made, retries included, over all the request's batches (ZeroMQ: messages sent). */
  public int attempts() {
    return attempts;
  }

  /** POST requests the endpoint accepted (one per batch). */
  public int requests() {
    return requests;
  }

  /** Items the endpoint accepted (ZeroMQ: items sent); on failure, those of the batches before the failed one. */
  public int itemsPublished() {
    return itemsPublished;
  }

  /** Wall time from the first attempt to the outcome. */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * The proxy's own answer (for example Pushpin's "Invalid format: ..." on a 400), or a description
   * of the failure; empty when there is none. Never contains secrets.
   */
  public String message() {
    return message;
  }

  /** The exception behind a failure without a response (connection, timeout), or null. */
  public Throwable failure() {
    return failure;
  }

  /** True when the endpoint accepted every item, or (ZeroMQ) every item was sent: {@link Outcome#isSuccess()}. */
  public boolean success() {
    return outcome.isSuccess();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EndpointResult r && endpoint.equals(r.endpoint) && outcome == r.outcome && status == r.status
        && attempts == r.attempts && requests == r.requests && itemsPublished == r.itemsPublished
        && elapsed.equals(r.elapsed) && message.equals(r.message) && Objects.equals(failure, r.failure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(endpoint, outcome, status, attempts, requests, itemsPublished, elapsed, message, failure);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(endpoint).append(": ").append(outcome);
    if (status > 0) {
      sb.append(" (HTTP ").append(status).append(')');
    }
    sb.append(", ").append(attempts).append(attempts == 1 ? " attempt" : " attempts");
    sb.append(", ").append(elapsed.toMillis()).append(" ms");
    if (!message.isEmpty()) {
      sb.append(": ").append(message);
    }
    return sb.toString();
  }

  /** Builds an {@link EndpointResult}. Not thread-safe. */
  public static final class Builder {
    private final String endpoint;
    private final Outcome outcome;
    private int status;
    private int attempts;
    private int requests;
    private int itemsPublished;
    private Duration elapsed = Duration.ZERO;
    private String message = "";
    private Throwable failure;

    private Builder(String endpoint, Outcome outcome) {
      this.endpoint = endpoint;
      this.outcome = outcome;
    }

    public Builder status(int s) {
      status = s;
      return this;
    }

    public Builder attempts(int n) {
      attempts = n;
      return this;
    }

    public Builder requests(int n) {
      requests = n;
      return this;
    }

    public Builder itemsPublished(int n) {
      itemsPublished = n;
      return this;
    }

    public Builder elapsed(Duration d) {
      elapsed = d;
      return this;
    }

    /** Must not contain secrets. */
    public Builder message(String m) {
      message = m;
      return this;
    }

    public Builder failure(Throwable t) {
      failure = t;
      return this;
    }

    public EndpointResult build() {
      return new EndpointResult(this);
    }
  }
}
