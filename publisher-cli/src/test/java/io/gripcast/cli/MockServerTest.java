package io.gripcast.cli;

import java.io.IOException;
import java.net.ServerSocket;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the CLI tests that run gripcast (in-process or as a process) against a MockWebServer
 * standing in for the proxy: a fresh server on a free 127.0.0.1 port for each test, closed after
 * it. One place for the set-up that the publish, batch, listen and launcher tests all need.
 */
abstract class MockServerTest {

  /** The stand-in proxy; started before each test. */
  MockWebServer server;

  /** The server as a GRIP URL, {@code http://127.0.0.1:<port>}, for {@code --spec}. */
  String spec;

  @BeforeEach
  void startServer() throws IOException {
    server = new MockWebServer();
    server.start();
    spec = url("");
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** {@code http://127.0.0.1:<port><path>} of the server. */
  String url(String path) {
    return "http://127.0.0.1:" + server.getPort() + path;
  }

  /** {@code ws://127.0.0.1:<port><path>} of the server. */
  String wsUrl(String path) {
    return "ws://127.0.0.1:" + server.getPort() + path;
  }

  /** Pushpin's answer to a good publish. */
  static MockResponse published() {
    return new MockResponse.Builder().code(200).body("Published\n").build();
  }

  /** A port that was free a moment ago and is closed now: connecting to it is refused. */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
