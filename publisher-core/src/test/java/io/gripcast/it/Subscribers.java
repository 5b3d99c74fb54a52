package io.gripcast.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.BufferedSource;
import okio.ByteString;

/** Real subscribers for integration tests: OkHttp streams, long-polls and WebSockets. */
final class Subscribers {
  static final OkHttpClient CLIENT = new OkHttpClient.Builder()
      .readTimeout(Duration.ofSeconds(20))
      .callTimeout(Duration.ofSeconds(60))
      .build();

  private Subscribers() {}

  /** An HTTP stream held open through Pushpin; collects every byte until the stream ends. */
  static final class Stream implements AutoCloseable {
    private final Response response;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    Stream(URI uri) throws IOException {
      response = CLIENT.newCall(new Request.Builder().url(uri.toString()).build()).execute();
      if (response.code() != 200) {
        throw new IOException("stream subscribe got HTTP " + response.code());
      }
    }

    int status() {
      return response.code();
    }

    /** Reads until {@code bytes} bytes arrived in all (bounded by the client's read timeout). */
    byte[] readAtLeast(int bytes) throws IOException {
      BufferedSource source = response.body().source();
      while (received.size() < bytes) {
        if (!source.request(1)) {
          break;
        }
        byte[] chunk = source.getBuffer().readByteArray();
        received.writeBytes(chunk);
      }
      return received.toByteArray();
    }

    /** Reads until the proxy ends the stream; true when it ended cleanly (chunked terminator). */
    boolean readToEnd() throws IOException {
      BufferedSource source = response.body().source();
      while (source.request(1)) {
        received.writeBytes(source.getBuffer().readByteArray());
      }
      return source.exhausted();
    }

    byte[] received() {
      return received.toByteArray();
    }

    @Override
    public void close() {
      response.close();
    }
  }

  /** A long-poll request in flight. */
  static CompletableFuture<Response> longPoll(URI uri) {
    CompletableFuture<Response> f = new CompletableFuture<>();
    CLIENT.newCall(new Request.Builder().url(uri.toString()).build()).enqueue(new okhttp3.Callback() {
      @Override
      public void onFailure(okhttp3.Call call, IOException e) {
        f.completeExceptionally(e);
      }

      @Override
      public void onResponse(okhttp3.Call call, Response response) {
        f.complete(response);
      }
    });
    return f;
  }

  /** A WebSocket client through Pushpin: every text and binary message, and the close. */
  static final class Ws implements AutoCloseable {
    final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>(); // String or ByteString
    final CompletableFuture<int[]> closed = new CompletableFuture<>();
    volatile String closeReason;
    private final WebSocket socket;
    private final CountDownLatch open = new CountDownLatch(1);
    private volatile Throwable failure;

    Ws(URI uri) throws InterruptedException {
      socket = CLIENT.newWebSocket(new Request.Builder().url(uri.toString()).build(), new WebSocketListener() {
        @Override
        public void onOpen(WebSocket ws, Response response) {
          open.countDown();
        }

        @Override
        public void onMessage(WebSocket ws, String text) {
          messages.add(text);
        }

        @Override
        public void onMessage(WebSocket ws, ByteString bytes) {
          messages.add(bytes);
        }

        @Override
        public void onClosing(WebSocket ws, int code, String reason) {
          closeReason = reason;
          closed.complete(new int[] {code});
          ws.close(1000, null);
        }

        @Override
        public void onFailure(WebSocket ws, Throwable t, Response response) {
          failure = t;
          open.countDown();
          closed.completeExceptionally(t);
        }
      });
      if (!open.await(10, TimeUnit.SECONDS) || failure != null) {
        throw new IllegalStateException("WebSocket did not open: " + failure, failure);
      }
    }

    boolean send(String text) {
      return socket.send(text);
    }

    boolean send(ByteString bytes) {
      return socket.send(bytes);
    }

    Object next(Duration timeout) throws InterruptedException {
      return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Collects text messages until {@code n} arrived or the deadline passed. */
    List<String> texts(int n, Duration timeout) throws InterruptedException {
      List<String> out = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        Object m = messages.poll(left, TimeUnit.NANOSECONDS);
        if (m instanceof String s) {
          out.add(s);
        }
      }
      return out;
    }

    @Override
    public void close() {
      socket.cancel();
    }
  }
}
