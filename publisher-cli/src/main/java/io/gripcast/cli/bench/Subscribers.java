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

    /** True for a WebSocket subscriber, false for an HTTP stream. */
    public boolean webSocket() {
      return url.regionMatches(true, 0, "ws", 0, 2);
    }

    /**
     * The items of {@code phase} that the proxy accepted (their publish call succeeded) but this
     * subscriber did not receive.
     */
    public synchronized Missing missing(PublishLoop.Phase phase) {
      long count = 0;
      List<String> ranges = new ArrayList<>();
      long moreRanges = 0;
      long runStart = -1;
      for (long seq = phase.firstSeq(); seq <= phase.endSeq(); seq++) {
        boolean missed = seq < phase.endSeq() && !phase.failedSeq(seq) && !seen(seq);
        if (missed) {
          count++;
          if (runStart < 0) {
            runStart = seq;
          }
        } else if (runStart >= 0) {
          if (ranges.size() < Missing.MAX_RANGES) {
            ranges.add(seq - 1 == runStart ? Long.toString(runStart) : runStart + "-" + (seq - 1));
          } else {
            moreRanges++;
          }
          runStart = -1;
        }
      }
      return new Missing(count, ranges, moreRanges);
    }

    private boolean seen(long seq) {
      return seq >= rangeStart && seq - rangeStart <= Integer.MAX_VALUE && seen.get((int) (seq - rangeStart));
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

  /**
   * Accepted items a subscriber did not receive: how many, and the first {@link #MAX_RANGES}
   * runs of their sequence numbers (e.g. {@code 1008-1057}), which is where to look in the
   * proxy's logs. Pushpin drops in runs: while a connection's buffer is full, every item for it.
   */
  public record Missing(long count, List<String> ranges, long moreRanges) {
    static final int MAX_RANGES = 5;

    public Missing {
      ranges = List.copyOf(ranges);
    }

    /** {@code "1008-1057, 1100, 2210-2250 (+3 more ranges)"}, or "" when nothing is missing. */
    public String rangesText() {
      return String.join(", ", ranges) + (moreRanges > 0 ? " (+" + moreRanges + " more ranges)" : "");
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

  /**
   * Why a subscriber that stayed connected likely missed items, for the report; null when it
   * missed none. {@code waitTimedOut}: deliveries were still arriving when --subscribe-timeout
   * ended the wait.
   */
  public static String lossReason(Subscriber s, Missing missing, boolean waitTimedOut, Duration timeout) {
    if (missing.count() == 0) {
      return null;
    }
    if (s.error() != null) {
      return "the subscriber's connection failed or closed during the run (see its error)";
    }
    if (waitTimedOut) {
      return "items were still arriving when --subscribe-timeout (" + timeout.toMillis() + " ms) ended the wait: raise it";
    }
    if (s.webSocket()) {
      return "the proxy did not send them while the connection stayed open. Pushpin drops a ws-message,"
          + " without logging it, when the WebSocket connection's send buffer is full ([runner] client_buffer_size,"
          + " 8192 bytes by default): publish fewer or smaller items at once, or raise client_buffer_size";
    }
    return "the proxy did not send them while the connection stayed open. Pushpin queues at most 100 items for an"
        + " HTTP stream connection whose send buffer is full ([runner] client_buffer_size) and drops the rest (logged at"
        + " debug level only): publish fewer or smaller items at once, or raise client_buffer_size";
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
