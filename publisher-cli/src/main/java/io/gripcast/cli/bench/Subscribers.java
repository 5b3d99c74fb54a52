package io.gripcast.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.BufferedSource;
import okio.ByteString;

/**
 * The bench's own subscribers, connected through the proxy's client side: WebSocket ({@code ws://},
 * {@code wss://}) or a streaming HTTP response ({@code http://}, {@code https://}). They count the
 * run's items and time each from its publish to its receipt.
 */
public final class Subscribers implements AutoCloseable {

  /** One subscriber's view of the run. */
  public static final class Subscriber {
    final String url;
    final LatencyHistogram latency = new LatencyHistogram();
    private final BitSet seen = new BitSet();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong received = new AtomicLong();
    volatile boolean probed;
    volatile String error;
    volatile long rangeStart = Long.MAX_VALUE;
    volatile long rangeEnd = Long.MAX_VALUE;
    private WebSocket webSocket;
    private Call call;

    Subscriber(String url) {
      this.url = url;
    }

    public String url() {
      return url;
    }

    public boolean probed() {
      return probed;
    }

    public String error() {
      return error;
    }

    public LatencyHistogram latency() {
      return latency;
    }

    /** Distinct measured items received. */
    public synchronized long delivered() {
      return seen.cardinality();
    }

    public long duplicates() {
      return duplicates.get();
    }

    void onText(Payloads payloads, String text) {
      long now = System.nanoTime();
      int start = 0;
      while (start < text.length()) {
        int nl = text.indexOf('\n', start);
        int end = nl < 0 ? text.length() : nl;
        Payloads.Marker m = payloads.parse(text.substring(start, end));
        if (m != null) {
          if (m.probe()) {
            probed = true;
          } else if (m.seq() >= rangeStart && m.seq() < rangeEnd) {
            received.incrementAndGet();
            boolean dup;
            synchronized (this) {
              int bit = (int) (m.seq() - rangeStart);
              dup = seen.get(bit);
              seen.set(bit);
            }
            if (dup) {
              duplicates.incrementAndGet();
            } else {
              latency.record(now - m.sendNanos());
            }
          }
        }
        start = end + 1;
      }
    }
  }

  private final OkHttpClient client;
  private final List<Subscriber> subscribers = new ArrayList<>();
  private final Payloads payloads;

  public Subscribers(List<String> urls, Payloads payloads) {
    this.payloads = payloads;
    this.client = new OkHttpClient.Builder()
        .readTimeout(0, TimeUnit.MILLISECONDS) // a stream may be quiet for long
        .pingInterval(Duration.ZERO)
        .build();
    for (String u : urls) {
      subscribers.add(new Subscriber(check(u)));
    }
  }

  /** Validates a --subscribe URL; returns it. */
  public static String check(String url) {
    URI uri;
    try {
      uri = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--subscribe '" + url + "' is not a URL: " + e.getMessage());
    }
    String s = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(s.equals("ws") || s.equals("wss") || s.equals("http") || s.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException("--subscribe '" + url + "' must be a ws://, wss:// (WebSocket) or http://, https://"
          + " (streaming response) URL of the proxy's client side, e.g. ws://localhost:7999/ws");
    }
    return url.strip();
  }

  public List<Subscriber> all() {
    return subscribers;
  }

  /** Opens every subscriber. */
  public void open() {
    for (Subscriber s : subscribers) {
      String scheme = s.url.substring(0, s.url.indexOf(':')).toLowerCase(Locale.ROOT);
      if (scheme.startsWith("ws")) {
        s.webSocket = client.newWebSocket(new Request.Builder().url(s.url).build(), new WebSocketListener() {
          @Override
          public void onMessage(WebSocket ws, String text) {
            s.onText(payloads, text);
          }

          @Override
          public void onMessage(WebSocket ws, ByteString bytes) {
            s.onText(payloads, bytes.utf8());
          }

          @Override
          public void onFailure(WebSocket ws, Throwable t, Response response) {
            s.error = "WebSocket failed: " + (response != null ? "HTTP " + response.code() + " " : "") + t;
          }

          @Override
          public void onClosing(WebSocket ws, int code, String reason) {
            s.error = "WebSocket closed by the server (" + code + (reason.isEmpty() ? "" : " " + reason) + ")";
            ws.close(1000, null);
          }
        });
      } else {
        s.call = client.newCall(new Request.Builder().url(s.url).build());
        s.call.enqueue(new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            if (!c.isCanceled()) {
              s.error = "stream failed: " + e;
            }
          }

          @Override
          public void onResponse(Call c, Response response) {
            try (response) {
              if (!response.isSuccessful()) {
                s.error = "stream answered HTTP " + response.code();
                return;
              }
              BufferedSource src = response.body().source();
              String line;
              while ((line = src.readUtf8Line()) != null) {
                s.onText(payloads, line);
              }
              if (!c.isCanceled()) {
                s.error = "stream ended by the server";
              }
            } catch (IOException e) {
              if (!c.isCanceled()) {
                s.error = "stream failed: " + e;
              }
            }
          }
        });
      }
    }
  }

  /** True when every subscriber saw a probe item. */
  public boolean allProbed() {
    return subscribers.stream().allMatch(s -> s.probed);
  }

  /** The first subscriber that failed, or null. */
  public Subscriber failed() {
    return subscribers.stream().filter(s -> s.error != null && !s.probed).findFirst().orElse(null);
  }

  /** Counts only items numbered [start, end) from now on. */
  public void measure(long start, long end) {
    for (Subscriber s : subscribers) {
      s.rangeStart = start;
      s.rangeEnd = end;
    }
  }

  /** Total distinct measured items over all subscribers. */
  public long delivered() {
    return subscribers.stream().mapToLong(Subscriber::delivered).sum();
  }

  @Override
  public void close() {
    for (Subscriber s : subscribers) {
      if (s.webSocket != null) {
        s.webSocket.cancel();
      }
      if (s.call != null) {
        s.call.cancel();
      }
    }
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
