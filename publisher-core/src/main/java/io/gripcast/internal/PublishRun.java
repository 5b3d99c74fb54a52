package io.gripcast.internal;

import io.gripcast.EndpointResult;
import io.gripcast.Outcome;
import java.util.concurrent.CompletableFuture;

/** One endpoint's (one instance's) part of a publish call, whatever carries it. */
public interface PublishRun {

  /** Completes, never exceptionally, with this endpoint's result. */
  CompletableFuture<EndpointResult> result();

  /** Ends the run now with {@code outcome} unless it already ended. */
  void abandon(Outcome outcome, String why);

  /** Ends the run now as CANCELLED unless it already ended. */
  default void abandon(String why) {
    abandon(Outcome.CANCELLED, why);
  }
}
