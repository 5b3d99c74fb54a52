package io.gripcast.spring.boot;

import io.gripcast.PublishListener;
import io.gripcast.PublishResult;
import java.util.List;

/**
 * The publisher takes one listener; the context may hold several (the meters', the
 * application's). Kept here rather than calling GripcastMetrics.chain, whose class needs Micrometer,
 * which the application may not have.
 */
final class ListenerChain implements PublishListener {
  private final List<PublishListener> listeners;

  ListenerChain(List<PublishListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  static PublishListener of(List<PublishListener> listeners) {
    return listeners.size() == 1 ? listeners.get(0) : new ListenerChain(listeners);
  }

  @Override
  public void onAttempt(Attempt attempt) {
    for (PublishListener l : listeners) {
      try {
        l.onAttempt(attempt);
      } catch (RuntimeException ignored) {
        // as the publisher does: one broken listener must not keep the event from the others
      }
    }
  }

  @Override
  public void onRetry(Retry retry) {
    for (PublishListener l : listeners) {
      try {
        l.onRetry(retry);
      } catch (RuntimeException ignored) {
        // as above
      }
    }
  }

  @Override
  public void onResult(PublishResult result) {
    for (PublishListener l : listeners) {
      try {
        l.onResult(result);
      } catch (RuntimeException ignored) {
        // as above
      }
    }
  }
}
