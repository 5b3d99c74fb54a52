package io.gripcast.internal;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;

/**
 * Attempts through OkHttp: https endpoints, endpoints behind a proxy, and every endpoint of a
 * publisher built with {@link io.gripcast.HttpTransport#OKHTTP}. OkHttp runs each call on its
 * dispatcher's threads; the futures are completed on the {@code callbacks} executor instead, as
 * the selector transport does, so a caller's blocking stage holds a callback thread, never one of
 * the dispatcher's (which would count against its request limit).
 */
public final class OkHttpTransport implements Transport {
  private static final MediaType JSON = MediaType.get("application/json");

  private final OkHttpClient http;
  private final Executor callbacks;

  public OkHttpTransport(OkHttpClient http, Executor callbacks) {
    this.http = http;
    this.callbacks = callbacks;
  }

  @Override
  public Exchange newExchange(HttpUrl url, String authorization, Batches.Batch batch) {
    BatchBody body = new BatchBody(batch);
    Request.Builder rb = new Request.Builder().url(url).post(body);
    if (authorization != null) {
      rb.header("Authorization", authorization);
    }
    rb.header("Accept", "text/plain");
    rb.header("User-Agent", UserAgent.VALUE);
    Call call = http.newCall(rb.build());
    return new Exchange() {
      @Override
      public CompletableFuture<Response> start() {
        CompletableFuture<Response> f = new CompletableFuture<>();
        call.enqueue(new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            complete(() -> f.completeExceptionally(e));
          }

          @Override
          public void onResponse(Call c, okhttp3.Response response) {
            Response r;
            try (response) {
              // the status arrived, so the proxy did answer; a body cut short still leaves the status
              r = new Response(response.code(), response.header("Retry-After"), excerpt(response.body()));
            }
            Response done = r;
            complete(() -> f.complete(done));
          }
        });
        return f;
      }

      @Override
      public void cancel() {
        call.cancel();
      }

      @Override
      public boolean requestWritten() {
        return body.written;
      }

      @Override
      public String phase() {
        return body.written ? "waiting for the answer" : "connecting or sending the request";
      }
    };
  }

  private void complete(Runnable r) {
    try {
      callbacks.execute(r);
    } catch (RuntimeException e) { // shutting down: nothing else will run it
      r.run();
    }
  }

  /** Nothing of its own to stop: the publisher owns (or the caller owns) the client's dispatcher. */
  @Override
  public void shutdown() {}

  /**
   * Reads at most one byte past the excerpt, to know whether the body went on, and cuts it as the
   * other transport does. A body cut short (the connection ended or went silent in its middle)
   * keeps what arrived, as with the selector transport: the proxy's message is in those bytes.
   */
  private static String excerpt(ResponseBody body) {
    if (body == null) {
      return "";
    }
    BufferedSource source = body.source();
    try {
      source.request(EXCERPT_BYTES + 1);
    } catch (IOException e) {
      // cut short: what was read before the failure is still in the buffer
    }
    Buffer arrived = source.getBuffer();
    byte[] head = arrived.snapshot((int) Math.min(EXCERPT_BYTES + 1, arrived.size())).toByteArray();
    // fewer than EXCERPT_BYTES + 1 bytes means the body ended (or broke) before the excerpt did;
    // more is marked by Transport.excerpt from the length alone
    return Transport.excerpt(head, head.length, false);
  }

  /** The request body: the envelope around a slice of the shared buffer, with a fixed length (Pushpin answers 411 to chunked bodies). */
  private static final class BatchBody extends RequestBody {
    private final Batches.Batch batch;
    // set once OkHttp has taken the whole body (it flushes right after); a failure after that
    // leaves the outcome unknown, as with the selector transport
    volatile boolean written;

    BatchBody(Batches.Batch batch) {
      this.batch = batch;
    }

    @Override
    public MediaType contentType() {
      return JSON;
    }

    @Override
    public long contentLength() {
      return batch.bodyBytes();
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      for (java.nio.ByteBuffer part : batch.bodyParts()) {
        sink.write(part);
      }
      sink.flush(); // on the socket, not in OkHttp's buffer: only then may the proxy have it
      written = true;
    }
  }
}
