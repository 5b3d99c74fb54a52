package io.gripcast.cli;

import io.gripcast.GripJson;
import java.util.List;
import java.util.Locale;
import okhttp3.OkHttpClient;

/**
 * Start-up work a publish will need, begun on a second thread while the main thread parses the
 * command line.
 *
 * <p>Jackson's JSON writer is always needed. OkHttp is needed only for https endpoints (plain
 * http goes through the publisher's own selector transport): its first client initializes the
 * platform detection, which instantiates every JCA security provider, and java.util.logging,
 * about a quarter of a cold publish. Which endpoints a publish has is known only after parsing, so
 * OkHttp is warmed when {@code https://} appears in the arguments or in GRIP_URL, the only places
 * an endpoint comes from; a wrong guess costs a second core's idle time, never correctness.
 */
final class Warmup {
  private Warmup() {}

  /** Starts the warm-up thread (a daemon: it never holds the JVM up); with OkHttp when {@code tls}. */
  static void start(boolean tls) {
    Thread t = new Thread(() -> {
      try {
        GripJson.toBody(List.of());
        if (tls) {
          new OkHttpClient.Builder().build();
        }
      } catch (Throwable e) {
        // only a warm-up: the publish itself meets and reports whatever failed here
      }
    }, "gripcast-warmup");
    t.setDaemon(true);
    t.start();
  }

  /** True when an endpoint may be https: the arguments or GRIP_URL mention it. */
  static boolean mayNeedTls(String[] args, String gripUrl) {
    if (gripUrl != null && gripUrl.toLowerCase(Locale.ROOT).contains("https://")) {
      return true;
    }
    for (String a : args) {
      if (a.toLowerCase(Locale.ROOT).contains("https://")) {
        return true;
      }
    }
    return false;
  }
}
