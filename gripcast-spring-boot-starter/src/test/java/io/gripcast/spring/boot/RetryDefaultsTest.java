package io.gripcast.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gripcast.RetryPolicy;
import org.junit.jupiter.api.Test;

/**
 * {@code gripcast.retry.*} spells its defaults as literals, because the configuration processor
 * puts only constant initializers into the IDE metadata; they must stay the core's defaults, so an
 * application that sets nothing retries as a plain {@code Publisher} does.
 */
class RetryDefaultsTest {
  @Test
  void propertyDefaultsAreTheCoresRetryDefaults() {
    GripcastProperties.Retry p = new GripcastProperties().getRetry();
    RetryPolicy core = RetryPolicy.defaults();
    assertEquals(core.maxAttempts(), p.getMaxAttempts());
    assertEquals(core.initialBackoff(), p.getInitialBackoff());
    assertEquals(core.multiplier(), p.getMultiplier());
    assertEquals(core.maxBackoff(), p.getMaxBackoff());
    assertEquals(core.jitter(), p.getJitter());
    assertEquals(core.totalBudget(), p.getTotalBudget());
  }
}
