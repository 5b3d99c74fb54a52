package io.gripcast.examples.chat;

import io.gripcast.testing.PushpinInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example as it runs for real: the app on a random loopback port, and a real Pushpin signing
 * with a fresh key and routing everything to the app (WebSocket-over-HTTP on).
 */
final class ChatStack implements AutoCloseable {
  final String sigKey = "chat-" + UUID.randomUUID();
  final PushpinInstance pushpin;
  final ConfigurableApplicationContext app;
  final int appPort;

  ChatStack() {
    appPort = freePort();
    pushpin = PushpinInstance.builder()
        .logLevel(2)
        .set("proxy.sig_key", sigKey)
        .route("* 127.0.0.1:" + appPort + ",over_http").startOrSkip();
    try {
      app = new SpringApplicationBuilder(ChatApplication.class).run(
          "--server.port=" + appPort,
          "--GRIP_CONTROL_URL=" + pushpin.gripUrl(),
          "--PUSHPIN_SIG_KEY=" + sigKey);
    } catch (RuntimeException e) {
      pushpin.close();
      throw e;
    }
  }

  /** A URL through Pushpin. */
  URI viaPushpin(String pathAndQuery) {
    return pushpin.clientUri(pathAndQuery);
  }

  /** A URL straight to the app, bypassing Pushpin. */
  URI direct(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + appPort + pathAndQuery);
  }

  @Override
  public void close() {
    try {
      app.close();
    } finally {
      pushpin.close();
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
