package io.gripcast.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one publish attempt: a POST of one batch body to one URL. Retries, classification and
 * listeners live above it, in {@link EndpointClient}; a transport only moves bytes and reports
 * what came back.
 *
 * <p>Two implementations, chosen per endpoint by {@link io.gripcast.HttpTransport}:
 * {@link OkHttpTransport} (https endpoints, proxies, a caller's OkHttpClient) and {@link NioTransport}
 * (plain http endpoints reached directly; one selector thread, no thread per call).
 */
public interface Transport {

  /** The longest body excerpt kept for messages. */
  int EXCERPT_BYTES = 512;

  /**
   * Prepares an attempt; nothing is sent until {@link Exchange#start()}.
   *
   * @param authorization the Authorization header value, or null for none
   */
  default Exchange newExchange(PublishUrl url, String authorization, Batches.Batch batch) {
    return newExchange(url, authorization, batch, 0);
  }

  /**
   * Prepares an attempt whose call timeout is {@code callTimeoutNanos} (0 or less: the transport's
   * own). Why per attempt: a retry gets only what is left of the retry budget, so that the budget
   * bounds the attempts too, not just the waits between them.
   */
  Exchange newExchange(PublishUrl url, String authorization, Batches.Batch batch, long callTimeoutNanos);

  /** Ends the attempts in flight (they fail with an IOException) and stops the transport's threads. */
  void shutdown();

  /** One attempt. */
  interface Exchange {
    /**
     * Sends the request. The future completes with the response, or exceptionally with an
     * IOException (ConnectException when refused, SocketTimeoutException on a timeout, another
     * IOException for a reset or an end of stream before a whole response head). It never completes
     * on a thread that must not block: the retry, the next batch and the caller's stages run there.
     */
    CompletableFuture<Response> start();

    /** Closes the connection; the attempt then fails (CancellationException or IOException). Safe from any thread, any time. */
    void cancel();

    /**
     * True once the whole request (head and body) was handed to the network. A failure after that
     * leaves the outcome unknown: the proxy may have read the request and accepted its items.
     * Safe from any thread.
     */
    boolean requestWritten();

    /** Where the attempt is, for a timeout's message ("connecting to host:port"). Safe from any thread. */
    String phase();
  }

  /**
   * What came back.
   *
   * @param status the HTTP status code
   * @param retryAfter the Retry-After header, or null
   * @param excerpt at most the first 512 bytes of the body as UTF-8, stripped, with "..." when cut
   */
  record Response(int status, String retryAfter, String excerpt) {}

  /** The excerpt of a body: {@code bytes} holds its first {@code length} bytes; {@code more} when others followed. */
  static String excerpt(byte[] bytes, int length, boolean more) {
    String text = new String(bytes, 0, Math.min(length, EXCERPT_BYTES), StandardCharsets.UTF_8).strip();
    return more || length > EXCERPT_BYTES ? text + "..." : text;
  }
}
