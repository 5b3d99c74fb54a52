package io.gripcast.internal;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import okio.BufferedSink;
import okio.BufferedSource;

/**
 * Attempts through OkHttp: used for https endpoints and whenever the caller passed their own
 * OkHttpClient. Completions run on OkHttp's dispatcher threads.
 */
public final class OkHttpTransport implements Transport {
  private static final MediaType JSON = MediaType.get("application/json");

  private final OkHttpClient http;

  public OkHttpTransport(OkHttpClient http) {
    this.http = http;
  }

  @Override
  public Exchange newExchange(HttpUrl url, String authorization, Batches.Batch batch) {
    Request.Builder rb = new Request.Builder().url(url).post(new BatchBody(batch));
    if (authorization != null) {
      rb.header("Authorization", authorization);
    }
    rb.header("Accept", "text/plain");
    Call call = http.newCall(rb.build());
    return new Exchange() {
      @Override
      public CompletableFuture<Response> start() {
        CompletableFuture<Response> f = new CompletableFuture<>();
        call.enqueue(new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            f.completeExceptionally(e);
          }

          @Override
          public void onResponse(Call c, okhttp3.Response response) {
            try (response) {
              f.complete(new Response(response.code(), response.header("Retry-After"), excerpt(response.body())));
            } catch (IOException e) {
              // the status arrived, so the proxy did answer; an unreadable body still leaves the status
              f.complete(new Response(response.code(), response.header("Retry-After"), ""));
            }
          }
        });
        return f;
      }

      @Override
      public void cancel() {
        call.cancel();
      }
    };
  }

  /** Nothing of its own to stop: the publisher owns (or the caller owns) the client's dispatcher. */
  @Override
  public void shutdown() {}

  /** Reads at most one byte past the excerpt, to know whether the body went on, and cuts it as the other transport does. */
  private static String excerpt(ResponseBody body) throws IOException {
    if (body == null) {
      return "";
    }
    BufferedSource source = body.source();
    source.request(EXCERPT_BYTES + 1);
    byte[] head = source.getBuffer().readByteArray(Math.min(EXCERPT_BYTES + 1, source.getBuffer().size()));
    return Transport.excerpt(head, head.length, !source.exhausted());
  }

  /** The request body: the envelope around a slice of the shared buffer, with a fixed length (Pushpin answers 411 to chunked bodies). */
  private static final class BatchBody extends RequestBody {
    private final Batches.Batch batch;

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
    }
  }
}
