package io.gripcast.internal;

import io.gripcast.EndpointResult;
import io.gripcast.Outcome;
import io.gripcast.PublishListener;
import io.gripcast.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Publishes batches to one endpoint: one POST per batch, in order, each retried under the
 * publisher's {@link RetryPolicy}. Nothing here blocks a thread: attempts run on the
 * {@link Transport} and waits between them are scheduled on the retry scheduler.
 *
 * <p>The retry is a plain loop ({@link #tryOnce}), not resilience4j's {@code Retry}, which gripcast
 * used until 1.0. Each decision needs the request it belongs to (its budget, what is left of it for
 * the next attempt's timeout, whether the request went out whole, the Retry-After of the answer),
 * and resilience4j's predicates and interval function see only a result or an exception: the state
 * had to ride inside them, with the delay planned as a side effect of a predicate. The loop is
 * shorter than that adapter was, and a cold publish loads 33 classes fewer (docs/performance.md).
 */
public final class EndpointClient {

  /** The least time a retry must have left in the budget after its wait: a shorter attempt is futile. */
  static final long MIN_ATTEMPT_NANOS = 100_000_000L;

  private final Target target;
  private final Transport transport;
  private final RetryPolicy policy;
  private final Supplier<ScheduledExecutorService> scheduler;
  private final PublishListener listener;
  private final BooleanSupplier closed;
  private final Watchdog watchdog;
  private final long callTimeoutNanos;
  private final Executor callbacks;

  /**
   * @param watchdog ends attempts that outlive {@code callTimeout} (plus its grace) whatever the transport does
   * @param callbacks where the watchdog completes what it ends: never on its own thread, since the
   *     caller's stages run on the completing thread
   */
  public EndpointClient(
      Target target,
      Transport transport,
      RetryPolicy policy,
      Supplier<ScheduledExecutorService> scheduler,
      PublishListener listener,
      BooleanSupplier closed,
      Watchdog watchdog,
      Duration callTimeout,
      Executor callbacks) {
    this.target = target;
    this.transport = transport;
    this.policy = policy;
    this.scheduler = scheduler;
    this.listener = listener;
    this.closed = closed;
    this.watchdog = watchdog;
    this.callTimeoutNanos = callTimeout.toNanos();
    this.callbacks = callbacks;
  }

  public Target target() {
    return target;
  }

  /** Sends the batches in order; the run's future completes (never exceptionally) with this endpoint's result. */
  public Run publish(List<Batches.Batch> batches, PublishCall call) {
    Run run = new Run(new Progress(System.nanoTime()));
    sendFrom(0, batches, call, run.progress, run.result);
    return run;
  }

  /** One endpoint's part of a publish call. */
  public final class Run implements PublishRun {
    private final Progress progress;
    private final CompletableFuture<EndpointResult> result = new CompletableFuture<>();

    private Run(Progress progress) {
      this.progress = progress;
    }

    @Override
    public CompletableFuture<EndpointResult> result() {
      return result;
    }

    /** Ends the run now with {@code outcome} unless it already ended (close() abandons as CANCELLED). */
    @Override
    public void abandon(Outcome outcome, String why) {
      result.complete(failure(progress, outcome, progress.lastStatus, why, null));
    }
  }

  private static final class Progress {
    final long startNanos;
    volatile int attempts;
    volatile int requests;
    volatile int items;
    volatile int lastStatus;

    Progress(long startNanos) {
      this.startNanos = startNanos;
    }

    Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - startNanos);
    }
  }

  private void sendFrom(
      int index, List<Batches.Batch> batches, PublishCall call, Progress progress,
      CompletableFuture<EndpointResult> result) {
    if (index == batches.size()) {
      result.complete(EndpointResult.builder(target.display(), Outcome.PUBLISHED).status(progress.lastStatus)
          .attempts(progress.attempts).requests(progress.requests).itemsPublished(progress.items)
          .elapsed(progress.elapsed()).message("Published").build());
      return;
    }
    Batches.Batch batch = batches.get(index);
    Attempts attempts = new Attempts(call, progress);
    CompletableFuture<AttemptResult> stage = new CompletableFuture<>();
    tryOnce(batch, attempts, call, stage);
    stage.whenComplete((r, t) -> {
      if (t != null) {
        result.complete(fromFailure(progress, t));
        return;
      }
      if (r.status >= 200 && r.status < 300) {
        progress.requests++;
        progress.items += batch.items();
        sendFrom(index + 1, batches, call, progress, result);
      } else {
        result.complete(failure(progress, classify(r.status), r.status, r.message(), null));
      }
    });
  }

  private EndpointResult failure(Progress p, Outcome outcome, int status, String message, Throwable cause) {
    return EndpointResult.builder(target.display(), outcome).status(status).attempts(p.attempts).requests(p.requests)
        .itemsPublished(p.items).elapsed(p.elapsed()).message(message).failure(cause).build();
  }

  private EndpointResult fromFailure(Progress p, Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    boolean requestWritten = false;
    if (cause instanceof AttemptFailure && cause.getCause() != null) {
      requestWritten = ((AttemptFailure) cause).requestWritten;
      cause = cause.getCause();
    }
    if (cause instanceof CancellationException) {
      return failure(p, Outcome.CANCELLED, 0, cause.getMessage() == null ? "cancelled" : cause.getMessage(), null);
    }
    if (requestWritten) {
      return failure(p, Outcome.UNKNOWN, 0, "the request went out, but no answer could be read ("
          + describe(cause) + "); the proxy may have accepted the items", cause);
    }
    return failure(p, Outcome.UNAVAILABLE, 0, describe(cause), cause);
  }

  /** What a final non-2xx status means for the caller. */
  static Outcome classify(int status) {
    if (status == 401 || status == 403) {
      return Outcome.AUTH_REFUSED;
    }
    if (status == 429 || status >= 500) {
      return Outcome.UNAVAILABLE;
    }
    return Outcome.REJECTED;
  }

  static String describe(Throwable t) {
    if (t instanceof Ipv6UnavailableException) {
      return t.getMessage();
    }
    if (t instanceof ConnectException) {
      return "connection refused or failed (" + t.getMessage() + "): is the proxy running and is the GRIP_URL's host and port right?";
    }
    if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
      return "timed out (" + t.getMessage() + ")";
    }
    if (t instanceof UnknownHostException) {
      return "unknown host " + t.getMessage() + ": check the GRIP_URL's host";
    }
    if (t instanceof java.net.ProtocolException) {
      return "protocol error: " + t.getMessage();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  // ------------------------------------------------------------------ the retry loop

  /**
   * One attempt, then, if {@link Attempts#plan} says so, the next one after its delay on the retry
   * scheduler; {@code done} gets the last attempt's response or failure.
   */
  private void tryOnce(Batches.Batch batch, Attempts attempts, PublishCall call, CompletableFuture<AttemptResult> done) {
    attempt(batch, attempts, call).whenComplete((r, t) -> {
      AttemptFailure failed = t == null ? null : unwrapFailure(t);
      Plan next = attempts.plan(r, failed);
      if (next == null) {
        if (t != null) {
          done.completeExceptionally(t);
        } else {
          done.complete(r);
        }
        return;
      }
      safely(() -> listener.onRetry(new PublishListener.Retry(target.display(), attempts.count,
          Duration.ofMillis(next.delayMillis), next.reason)));
      try {
        scheduler.get().schedule(() -> tryOnce(batch, attempts, call, done), next.delayMillis, TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) { // the scheduler was shut down by close(): no retry will run
        done.completeExceptionally(new AttemptFailure(attempts, new CancellationException("publisher closed before retry")));
      }
    });
  }

  /** A retry: when, and why (for the listener). */
  private record Plan(long delayMillis, String reason) {}

  // ------------------------------------------------------------------ one attempt

  private CompletableFuture<AttemptResult> attempt(Batches.Batch batch, Attempts attempts, PublishCall call) {
    CompletableFuture<AttemptResult> f = new CompletableFuture<>();
    if (call.isCancelled()) {
      f.completeExceptionally(new AttemptFailure(attempts, new CancellationException("publish cancelled")));
      return f;
    }
    if (attempts.count > 0 && closed.getAsBoolean()) {
      f.completeExceptionally(new AttemptFailure(attempts, new CancellationException("publisher closed before retry")));
      return f;
    }
    attempts.count++;
    attempts.progress.attempts++;
    String auth = target.authorization() == null ? null : target.authorization().get();
    // The first attempt gets the whole call timeout; a retry only what is left of the budget, so that
    // the budget bounds "from the first attempt to giving up, attempts included", as RetryPolicy says.
    long timeout = attempts.count == 1 ? callTimeoutNanos
        : Math.max(1, Math.min(callTimeoutNanos, attempts.deadlineNanos - System.nanoTime()));
    Transport.Exchange exchange = transport.newExchange(target.publishUrl(), auth, batch, timeout);
    safely(() -> listener.onAttempt(new PublishListener.Attempt(target.display(), attempts.count, batch.items(), batch.bodyBytes())));
    if (!call.track(exchange)) {
      f.completeExceptionally(new AttemptFailure(attempts, new CancellationException("publish cancelled")));
      return f;
    }
    Deadline deadline = new Deadline(exchange, f, attempts, timeout);
    watchdog.watch(deadline);
    CompletableFuture<Transport.Response> sent;
    try {
      sent = exchange.start();
    } catch (RuntimeException e) { // a transport that breaks its contract fails this attempt only
      sent = CompletableFuture.failedFuture(NioTransport.unexpected(e));
    }
    sent.whenComplete((response, e) -> {
      watchdog.unwatch(deadline);
      call.untrack(exchange);
      if (e != null) {
        Throwable cause = call.isCancelled() ? new CancellationException("publish cancelled") : e;
        f.completeExceptionally(new AttemptFailure(attempts, cause, exchange.requestWritten()));
        return;
      }
      attempts.progress.lastStatus = response.status();
      f.complete(new AttemptResult(attempts, response.status(), response.retryAfter(), response.excerpt()));
    });
    return f;
  }

  /** One attempt as the watchdog sees it: past its call timeout and grace, it is cancelled and failed. */
  private final class Deadline implements Watchdog.Guarded {
    private final Transport.Exchange exchange;
    private final CompletableFuture<AttemptResult> attempt;
    private final Attempts attempts;
    private final long timeoutNanos;
    private final long deadlineNanos;

    Deadline(Transport.Exchange exchange, CompletableFuture<AttemptResult> attempt, Attempts attempts, long timeoutNanos) {
      this.exchange = exchange;
      this.attempt = attempt;
      this.attempts = attempts;
      this.timeoutNanos = timeoutNanos;
      this.deadlineNanos = System.nanoTime() + timeoutNanos + Watchdog.GRACE_MILLIS * 1_000_000L;
    }

    @Override
    public long deadlineNanos() {
      return deadlineNanos;
    }

    @Override
    public void expire() {
      boolean written = exchange.requestWritten();
      SocketTimeoutException timeout = new SocketTimeoutException("no answer within the call timeout of "
          + timeoutNanos / 1_000_000 + " ms, " + exchange.phase());
      exchange.cancel();
      // the caller's stages run on the completing thread: not this one
      Threads.executeOrRun(callbacks, () -> attempt.completeExceptionally(new AttemptFailure(attempts, timeout, written)));
    }
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException ignored) {
      // a broken listener must not break publishing
    }
  }

  // ------------------------------------------------------------------ retry decisions

  /** The attempt-by-attempt state of one batch's request. */
  private final class Attempts {
    final PublishCall call;
    final Progress progress;
    final long deadlineNanos;
    volatile int count; // attempts made: each runs on whichever thread completed the last one

    Attempts(PublishCall call, Progress progress) {
      this.call = call;
      this.progress = progress;
      this.deadlineNanos = System.nanoTime() + policy.totalBudget().toNanos();
    }

    /**
     * Whether to retry after a response ({@code r}) or a failure ({@code f}), and after how long:
     * null for no retry. Reads the policy and this request's state; changes nothing (the jitter is
     * random, so two calls may plan different delays).
     */
    Plan plan(AttemptResult r, AttemptFailure f) {
      if (call.isCancelled() || closed.getAsBoolean() || count >= policy.maxAttempts()) {
        return null;
      }
      String reason;
      if (r != null) {
        if (!RetryPolicy.retriesStatus(r.status)) {
          return null;
        }
        reason = "HTTP " + r.status;
      } else {
        Throwable t = f == null ? null : f.getCause();
        boolean written = f != null && f.requestWritten;
        // Retried: any network failure. A protocol error only when the request went out whole: then
        // the proxy may have taken it, and the same ids make a second copy harmless; before that,
        // the peer is not speaking HTTP and will not start. gripcast's own failures are not retried,
        // nor failures that every attempt would meet again.
        if (!(t instanceof IOException) || t instanceof TransportException
            || (t instanceof java.net.ProtocolException && !written) || isCertificateProblem(t)
            || t instanceof Ipv6UnavailableException) {
          return null;
        }
        reason = (written ? "no readable answer: " : "") + describe(t);
      }
      long delay = jittered(policy.backoff(count).toMillis());
      if (r != null && (r.status == 429 || r.status == 503) && r.retryAfter != null) {
        long ra = retryAfterMillis(r.retryAfter);
        if (ra >= 0) {
          delay = ra; // the server said how long; jitter would only make us early
        }
      }
      // a retry needs room for an attempt after its wait, not just for the wait
      if (System.nanoTime() + delay * 1_000_000L + Math.min(callTimeoutNanos, MIN_ATTEMPT_NANOS) > deadlineNanos) {
        return null;
      }
      return new Plan(delay, reason);
    }
  }

  /**
   * A TLS peer that is not trusted, or not the host asked for: the same certificate comes back on
   * every attempt, so retrying only spends the budget (OkHttp's own retry skips these too).
   */
  static boolean isCertificateProblem(Throwable t) {
    if (t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
      return true;
    }
    if (t instanceof javax.net.ssl.SSLHandshakeException) {
      for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
        if (c instanceof java.security.cert.CertificateException) {
          return true;
        }
      }
    }
    return false;
  }

  private long jittered(long millis) {
    double j = policy.jitter();
    if (j == 0 || millis == 0) {
      return millis;
    }
    double factor = 1 - j + ThreadLocalRandom.current().nextDouble() * 2 * j;
    return Math.max(0, Math.round(millis * factor));
  }

  /** Retry-After as delta-seconds or an HTTP date; -1 when unparsable. */
  static long retryAfterMillis(String value) {
    String v = value.trim();
    try {
      return Math.max(0, Long.parseLong(v)) * 1000;
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime when = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, Duration.between(ZonedDateTime.now(when.getZone()), when).toMillis());
      } catch (DateTimeParseException e2) {
        return -1;
      }
    }
  }

  private static AttemptFailure unwrapFailure(Throwable t) {
    while (t != null && !(t instanceof AttemptFailure)) {
      t = t.getCause();
    }
    return (AttemptFailure) t;
  }

  /** A response, as the retry sees it. */
  private static final class AttemptResult {
    final Attempts attempts;
    final int status;
    final String retryAfter;
    final String body;

    AttemptResult(Attempts attempts, int status, String retryAfter, String body) {
      this.attempts = attempts;
      this.status = status;
      this.retryAfter = retryAfter;
      this.body = body;
    }

    String message() {
      if (status >= 300 && status < 400) {
        return "redirected (HTTP " + status + "); point the GRIP_URL at the final location" + (body.isEmpty() ? "" : ": " + body);
      }
      return body.isEmpty() ? "HTTP " + status : body;
    }
  }

  /** A failed attempt, carrying whether its request went out whole. */
  private static final class AttemptFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Attempts attempts;
    final boolean requestWritten;

    AttemptFailure(Attempts attempts, Throwable cause) {
      this(attempts, cause, false);
    }

    AttemptFailure(Attempts attempts, Throwable cause, boolean requestWritten) {
      super(cause.getMessage(), cause, false, false);
      this.attempts = attempts;
      this.requestWritten = requestWritten;
    }
  }
}
