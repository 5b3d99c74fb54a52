package io.gripcast.internal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cancellation handle shared by every attempt of one publish call, across endpoints: cancelling
 * it cancels the HTTP calls in flight and stops any pending retry from sending.
 */
public final class PublishCall {
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final java.util.Set<Transport.Exchange> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public boolean isCancelled() {
    return cancelled.get();
  }

  public void cancel() {
    if (cancelled.compareAndSet(false, true)) {
      for (Transport.Exchange c : inFlight) {
        c.cancel();
      }
    }
  }

  /** Registers a call; returns false (and cancels it) when the publish was already cancelled. */
  boolean track(Transport.Exchange call) {
    inFlight.add(call);
    if (cancelled.get()) {
      call.cancel();
      inFlight.remove(call);
      return false;
    }
    return true;
  }

  void untrack(Transport.Exchange call) {
    inFlight.remove(call);
  }
}
