package io.gripcast;

import java.time.Duration;
import java.util.Objects;

/**
 * How a publisher retries an endpoint that is unavailable: exponential backoff with jitter,
 * bounded by a number of attempts and by a total time budget.
 *
 * <p>Retried: connection failures, timeouts, answers that could not be read after the whole request
 * went out ({@link Outcome#UNKNOWN}), and the statuses of {@link #RETRIED_STATUSES}: 429 and 503
 * (waiting as long as Retry-After says, when that fits in the budget), 502 and 504. Never retried:
 * any other status, and any other 4xx. With
 * {@link Publisher.Builder#idempotentIds(boolean)} on (the default), every attempt carries the same
 * item ids, so Pushpin's id cache drops the copy of a publish whose response was lost. Keep the
 * budget well under Pushpin's id cache window ({@code id_cache_ttl}, 60 s by default).
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()}, or start from {@link #defaults()}
 * or {@link #none()} and change what you need with the {@code with*} methods or {@link #toBuilder()}.
 */
public final class RetryPolicy {

  /**
   * The HTTP statuses that are retried, as text for messages and help (a constant, so that
   * annotations such as the CLI's option descriptions can use it). {@link #retriesStatus(int)}
   * reads this same text: there is no second list.
   */
  public static final String RETRIED_STATUSES = "429, 502, 503, 504";

  private static final java.util.Set<Integer> RETRIED = parseStatuses(RETRIED_STATUSES);

  private static java.util.Set<Integer> parseStatuses(String text) {
    java.util.Set<Integer> out = new java.util.HashSet<>();
    for (String s : text.split(",")) {
      out.add(Integer.parseInt(s.strip()));
    }
    return java.util.Set.copyOf(out);
  }

  /**
   * Whether a publish that got {@code status} is retried: 429, 502, 503 and 504
   * ({@link #RETRIED_STATUSES}). 429 and 503 wait as long as their Retry-After says, when that fits
   * in the budget. Failures without a status (connection, timeouts, a lost answer) are retried too.
   */
  public static boolean retriesStatus(int status) {
    return RETRIED.contains(status);
  }

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final double multiplier;
  private final Duration maxBackoff;
  private final double jitter;
  private final Duration totalBudget;

  private RetryPolicy(Builder b) {
    Objects.requireNonNull(b.initialBackoff, "initialBackoff");
    Objects.requireNonNull(b.maxBackoff, "maxBackoff");
    Objects.requireNonNull(b.totalBudget, "totalBudget");
    if (b.maxAttempts < 1) {
      throw new IllegalArgumentException("retry maxAttempts must be at least 1 (1 = no retry), but was " + b.maxAttempts);
    }
    if (b.initialBackoff.isNegative() || b.maxBackoff.isNegative() || b.totalBudget.isNegative()) {
      throw new IllegalArgumentException("retry durations must not be negative: initialBackoff " + b.initialBackoff
          + ", maxBackoff " + b.maxBackoff + ", totalBudget " + b.totalBudget);
    }
    if (!(b.multiplier >= 1.0) || Double.isInfinite(b.multiplier)) {
      throw new IllegalArgumentException("retry multiplier must be a finite number >= 1, but was " + b.multiplier);
    }
    if (!(b.jitter >= 0.0 && b.jitter <= 1.0)) {
      throw new IllegalArgumentException("retry jitter must be between 0 and 1, but was " + b.jitter);
    }
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.multiplier = b.multiplier;
    this.maxBackoff = b.maxBackoff;
    this.jitter = b.jitter;
    this.totalBudget = b.totalBudget;
  }

  /** A builder that starts from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this policy's values. */
  public Builder toBuilder() {
    return new Builder()
        .maxAttempts(maxAttempts)
        .backoff(initialBackoff, multiplier, maxBackoff)
        .jitter(jitter)
        .totalBudget(totalBudget);
  }

  /** 4 attempts, 200 ms doubling to at most 5 s, jitter 0.5, 30 s budget. */
  public static RetryPolicy defaults() {
    return builder().build();
  }

  /** One attempt, no retry. */
  public static RetryPolicy none() {
    return builder().maxAttempts(1).backoff(Duration.ZERO, 1.0, Duration.ZERO).jitter(0).totalBudget(Duration.ZERO).build();
  }

  /** Attempts in all, the first included (1 means no retry). */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The wait before the first retry. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** How much each wait grows. */
  public double multiplier() {
    return multiplier;
  }

  /** The longest single wait. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** The random spread of each wait, 0 (none) to 1 (anywhere from 0 to twice the wait). */
  public double jitter() {
    return jitter;
  }

  /** The longest time from the first attempt to giving up, waits and attempts included. */
  public Duration totalBudget() {
    return totalBudget;
  }

  /** This policy with another number of attempts. */
  public RetryPolicy withMaxAttempts(int attempts) {
    return toBuilder().maxAttempts(attempts).build();
  }

  /** This policy with another total budget. */
  public RetryPolicy withTotalBudget(Duration budget) {
    return toBuilder().totalBudget(budget).build();
  }

  /** This policy with another backoff: initial wait, growth and cap. */
  public RetryPolicy withBackoff(Duration initial, double growth, Duration max) {
    return toBuilder().backoff(initial, growth, max).build();
  }

  /** This policy with another jitter. */
  public RetryPolicy withJitter(double spread) {
    return toBuilder().jitter(spread).build();
  }

  /**
   * The wait before retry number {@code retry} (1 for the first retry), before jitter:
   * {@code initialBackoff * multiplier^(retry-1)}, capped at {@code maxBackoff}.
   */
  public Duration backoff(int retry) {
    double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, retry - 1));
    return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryPolicy p && maxAttempts == p.maxAttempts && initialBackoff.equals(p.initialBackoff)
        && Double.compare(multiplier, p.multiplier) == 0 && maxBackoff.equals(p.maxBackoff)
        && Double.compare(jitter, p.jitter) == 0 && totalBudget.equals(p.totalBudget);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, totalBudget);
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", multiplier=" + multiplier
        + ", maxBackoff=" + maxBackoff + ", jitter=" + jitter + ", totalBudget=" + totalBudget + "]";
  }

  /** Builds a {@link RetryPolicy}; starts from the defaults. Not thread-safe. */
  public static final class Builder {
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofMillis(200);
    private double multiplier = 2.0;
    private Duration maxBackoff = Duration.ofSeconds(5);
    private double jitter = 0.5;
    private Duration totalBudget = Duration.ofSeconds(30);

    private Builder() {}

    /** Attempts in all, the first included (1 means no retry); default 4. */
    public Builder maxAttempts(int attempts) {
      maxAttempts = attempts;
      return this;
    }

    /** The wait before the first retry; default 200 ms. */
    public Builder initialBackoff(Duration d) {
      initialBackoff = d;
      return this;
    }

    /** How much each wait grows (at least 1); default 2. */
    public Builder multiplier(double m) {
      multiplier = m;
      return this;
    }

    /** The longest single wait; default 5 s. */
    public Builder maxBackoff(Duration d) {
      maxBackoff = d;
      return this;
    }

    /** The initial wait, its growth and its cap at once. */
    public Builder backoff(Duration initial, double growth, Duration max) {
      return initialBackoff(initial).multiplier(growth).maxBackoff(max);
    }

    /** The random spread of each wait, 0 to 1; default 0.5. */
    public Builder jitter(double spread) {
      jitter = spread;
      return this;
    }

    /**
     * The longest time from the first attempt to giving up, waits and attempts included; default
     * 30 s. Keep it well under Pushpin's id cache window ({@code id_cache_ttl}, 60 s by default).
     */
    public Builder totalBudget(Duration d) {
      totalBudget = d;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the value that is out of range
     */
    public RetryPolicy build() {
      return new RetryPolicy(this);
    }
  }
}
