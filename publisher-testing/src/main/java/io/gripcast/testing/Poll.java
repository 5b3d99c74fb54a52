package io.gripcast.testing;

/**
 * The pause between two looks of the harness's polling loops (readiness, stop, pause, log
 * tailing): Pushpin and the kernel announce none of these events, so the harness looks again.
 */
final class Poll {

  private Poll() {}

  /**
   * Sleeps; an interrupt ends the wait with an {@link IllegalStateException} and keeps the
   * thread's interrupt flag, so a test runner's timeout stops the loop instead of being swallowed.
   */
  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
