package io.gripcast.internal;

import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketException;
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

  /** The last URL converted, since one transport nearly always serves one endpoint. */
  private volatile Converted last;

  private record Converted(PublishUrl from, HttpUrl to) {}

  private HttpUrl httpUrl(PublishUrl url) {
    Converted c = last;
    if (c == null || !c.from().equals(url)) {
      c = new Converted(url, HttpUrl.get(url.toString()));
      last = c;
    }
    return c.to();
  }

  @Override
  public Exchange newExchange(PublishUrl url, String authorization, Batches.Batch batch, long callTimeoutNanos) {
    BatchBody body = new BatchBody(batch);
    Request.Builder rb = new Request.Builder().url(httpUrl(url)).post(body);
    if (authorization != null) {
      rb.header("Authorization", authorization);
    }
    rb.header("Accept", "text/plain");
    rb.header("User-Agent", UserAgent.VALUE);
    Call call = http.newCall(rb.build());
    if (callTimeoutNanos > 0) {
      call.timeout().timeout(callTimeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    return new Exchange() {
      @Override
      public CompletableFuture<Response> start() {
        CompletableFuture<Response> f = new CompletableFuture<>();
        call.enqueue(new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            IOException reported = explained(e);
            complete(() -> f.completeExceptionally(reported));
          }

          @Override
          public void onResponse(Call c, okhttp3.Response response) {
            ProtocolException unreadable = unreadableHead(response);
            if (unreadable != null) {
              response.close();
              complete(() -> f.completeExceptionally(unreadable));
              return;
            }
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

  /**
   * The JDK's "Protocol family unavailable" (an IPv6 address in a JVM that cannot open IPv6
   * sockets, e.g. one run with {@code -Djava.net.preferIPv4Stack=true}) in the selector
   * transport's words, which say what to do; other failures as they are.
   */
  static IOException explained(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SocketException && "Protocol family unavailable".equals(t.getMessage())) {
        return new Ipv6UnavailableException(e);
      }
    }
    return e;
  }

  /**
   * A head the selector transport's parser ({@link ResponseParser}) refuses, and OkHttp takes: a
   * head over {@link ResponseParser#MAX_HEAD} bytes or with a line over {@link ResponseParser#MAX_LINE}
   * (OkHttp reads up to 256 KiB), or a Content-Length that is not one non-negative number (OkHttp
   * uses the first of conflicting values, where RFC 9112 section 6.3 says to discard the response).
   * Refused alike, so that both transports report such an answer as unreadable (UNKNOWN); null
   * when the head is fine.
   */
  static ProtocolException unreadableHead(okhttp3.Response response) {
    okhttp3.Headers headers = response.headers();
    // "HTTP/1.1 200 OK\r\n", the header lines, and the empty line that ends the head
    long size = response.protocol().toString().length() + 5 + response.message().length() + 2 + headers.byteCount() + 2;
    if (size > ResponseParser.MAX_HEAD) {
      return new ProtocolException("the response head is over " + ResponseParser.MAX_HEAD + " bytes");
    }
    for (int i = 0; i < headers.size(); i++) {
      if (headers.name(i).length() + 2 + headers.value(i).length() > ResponseParser.MAX_LINE) {
        return new ProtocolException("a response line is over " + ResponseParser.MAX_LINE + " bytes");
      }
    }
    long length = -1;
    for (String value : headers.values("Content-Length")) {
      for (String part : value.split(",", -1)) {
        long n;
        try {
          n = Long.parseLong(part.trim());
        } catch (NumberFormatException e) {
          n = -1;
        }
        if (n < 0 || (length >= 0 && n != length)) {
          String all = String.join(", ", headers.values("Content-Length"));
          return new ProtocolException("bad Content-Length in the response: "
              + (all.length() > 80 ? all.substring(0, 80) + "..." : all));
        }
        length = n;
      }
    }
    return null;
  }

  private void complete(Runnable r) {
    Threads.executeOrRun(callbacks, r);
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
