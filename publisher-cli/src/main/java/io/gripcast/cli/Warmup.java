package io.gripcast.cli;

import io.gripcast.GripJson;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;

/**
 * Start-up work a publish will need, begun on a second thread while the main thread parses the
 * command line.
 *
 * <p>Building the first OkHttpClient initializes OkHttp's platform detection, which instantiates
 * every JCA security provider, and its task runner, which initializes java.util.logging: about a
 * quarter of a cold publish, and independent of the arguments. Jackson's JSON writer is the same.
 * On two or more cores that work overlaps picocli's parsing instead of following it.
 */
final class Warmup {
  private Warmup() {}

  private static volatile CompletableFuture<OkHttpClient> warmed;

  /** Starts the warm-up thread (a daemon: it never holds the JVM up). */
  static void start() {
    CompletableFuture<OkHttpClient> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        GripJson.toBody(List.of());
        f.complete(cleartext());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "gripcast-warmup");
    t.setDaemon(true);
    t.start();
    warmed = f;
  }

  /** An HTTP client without TLS: the warmed-up one the first time after {@link #start()}, else a new one. */
  static OkHttpClient cleartextClient() {
    CompletableFuture<OkHttpClient> f = warmed;
    warmed = null;
    if (f != null) {
      try {
        return f.join();
      } catch (RuntimeException failed) {
        // build one here instead; whatever failed will fail again and be reported properly
      }
    }
    return cleartext();
  }

  /**
   * Only http:// endpoints: an OkHttpClient without TLS connection specs never initializes an
   * SSLContext or loads the trust store.
   */
  private static OkHttpClient cleartext() {
    return new OkHttpClient.Builder().connectionSpecs(List.of(ConnectionSpec.CLEARTEXT)).build();
  }
}
