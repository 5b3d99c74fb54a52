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
 * @param maxAttempts attempts in all, the first included (1 means no retry)
 * @param initialBackoff the wait before the first retry
 * @param multiplier how much each wait grows
 * @param maxBackoff the longest single wait
 * @param jitter the random spread of each wait, 0 (none) to 1 (anywhere from 0 to twice the wait)
 * @param totalBudget the longest time from the first attempt to giving up, waits and attempts included
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    double multiplier,
    Duration maxBackoff,
    double jitter,
    Duration totalBudget) {

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

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(totalBudget, "totalBudget");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("retry maxAttempts must be at least 1 (1 = no retry), but was " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.isNegative() || totalBudget.isNegative()) {
      throw new IllegalArgumentException("retry durations must not be negative: initialBackoff " + initialBackoff
          + ", maxBackoff " + maxBackoff + ", totalBudget " + totalBudget);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("retry multiplier must be a finite number >= 1, but was " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("retry jitter must be between 0 and 1, but was " + jitter);
    }
  }

  /** 4 attempts, 200 ms doubling to at most 5 s, jitter 0.5, 30 s budget. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(4, Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), 0.5, Duration.ofSeconds(30));
  }

  /** One attempt, no retry. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO, 0.0, Duration.ZERO);
  }

  /** This policy with another number of attempts. */
  public RetryPolicy withMaxAttempts(int attempts) {
    return new RetryPolicy(attempts, initialBackoff, multiplier, maxBackoff, jitter, totalBudget);
  }

  /** This policy with another total budget. */
  public RetryPolicy withTotalBudget(Duration budget) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, budget);
  }

  /** This policy with another backoff: initial wait, growth and cap. */
  public RetryPolicy withBackoff(Duration initial, double growth, Duration max) {
    return new RetryPolicy(maxAttempts, initial, growth, max, jitter, totalBudget);
  }

  /** This policy with another jitter. */
  public RetryPolicy withJitter(double spread) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, spread, totalBudget);
  }

  /**
   * The wait before retry number {@code retry} (1 for the first retry), before jitter:
   * {@code initialBackoff * multiplier^(retry-1)}, capped at {@code maxBackoff}.
   */
  public Duration backoff(int retry) {
    double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, retry - 1));
    return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
  }
}
