package io.gripcast.cli;

import static io.gripcast.cli.Cli.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.junit.jupiter.api.Test;

/**
 * {@code gripcast listen} against MockWebServer playing the proxy's client side. (What a real
 * Pushpin delivers is checked by the process-level tests.)
 */
class ListenCommandTest extends MockServerTest {

  // ------------------------------------------------------------------------------ HTTP

  @Test
  void printsAStreamAsItArrivesUntilTheServerEndsIt() {
    server.enqueue(new MockResponse.Builder().chunkedBody("stream open\nhello\nwörld\n", 5).build());
    Cli.Result r = cli().run("listen", url("/stream"));
    assertEquals(0, r.code(), r.toString());
    assertEquals("stream open\nhello\nwörld\n", r.out());
  }

  @Test
  void countStopsAfterNLines() {
    server.enqueue(new MockResponse.Builder().chunkedBody("one\ntwo\nthree\n", 3).build());
    Cli.Result r = cli().run("listen", "--count", "2", url("/stream"));
    assertEquals(0, r.code(), r.toString());
    assertEquals("one\ntwo\n", r.out());
  }

  @Test
  void countCountsEventsOfAnEventStream() {
    server.enqueue(new MockResponse.Builder().addHeader("Content-Type", "text/event-stream")
        .chunkedBody("data: a\n\ndata: b\nid: 2\n\ndata: c\n\n", 4).build());
    Cli.Result r = cli().run("listen", "-n", "2", url("/sse"));
    assertEquals(0, r.code(), r.toString());
    assertEquals("data: a\n\ndata: b\nid: 2\n\n", r.out());
  }

  @Test
  void printsALongPollResponseWholeWithIncludeShowingStatusAndHeaders() {
    server.enqueue(new MockResponse.Builder().code(201).status("HTTP/1.1 201 Made")
        .addHeader("X-Test", "yes").body("{\"msg\":\"hi\"}\n").build());
    Cli.Result r = cli().run("listen", "-i", url("/response"));
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("HTTP/1.1 201 Made\n"), r.out());
    assertTrue(r.out().contains("\nX-Test: yes\n"), r.out());
    assertTrue(r.out().endsWith("\n\n{\"msg\":\"hi\"}\n"), r.out());
  }

  @Test
  void sendsRequestHeaders() throws Exception {
    server.enqueue(new MockResponse.Builder().body("ok\n").build());
    Cli.Result r = cli().run("listen", "-H", "Authorization: Bearer t", url("/x"));
    assertEquals(0, r.code(), r.toString());
    assertEquals("Bearer t", server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"));
  }

  @Test
  void timeoutEndsAQuietStream() {
    server.enqueue(new MockResponse.Builder().body("first\n" + "x".repeat(100))
        .throttleBody(6, 10, TimeUnit.SECONDS).build());
    Cli.Result r = cli().run("listen", "--timeout", "500ms", url("/stream"));
    assertEquals(0, r.code(), r.toString());
    assertEquals("first\n", r.out());
  }

  @Test
  void timeoutBeforeCountExits75() {
    server.enqueue(new MockResponse.Builder().body("first\n" + "x".repeat(100))
        .throttleBody(6, 10, TimeUnit.SECONDS).build());
    Cli.Result r = cli().run("listen", "--timeout", "300ms", "--count", "3", url("/stream"));
    assertEquals(75, r.code(), r.toString());
    assertTrue(r.err().contains("1 of 3 messages"), r.err());
  }

  @Test
  void errorStatusesMapToExitCodes() {
    server.enqueue(new MockResponse.Builder().code(404).body("Not Found\n").build());
    assertEquals(76, cli().run("listen", url("/nope")).code());
    server.enqueue(new MockResponse.Builder().code(403).body("no\n").build());
    assertEquals(77, cli().run("listen", url("/nope")).code());
    server.enqueue(new MockResponse.Builder().code(502).body("bad gateway\n").build());
    assertEquals(69, cli().run("listen", url("/nope")).code());
  }

  @Test
  void closedPortExits69() throws IOException {
    Cli.Result r = cli().run("listen", "http://127.0.0.1:" + closedPort() + "/stream");
    assertEquals(69, r.code(), r.toString());
    assertEquals(1, r.errLines().length, r.toString());
    assertTrue(r.err().startsWith("gripcast listen: cannot connect to http://127.0.0.1:"), r.err());
  }

  @Test
  void badUrlsAreUsageErrors() {
    assertEquals(64, cli().run("listen", "ftp://example.com").code());
    assertEquals(64, cli().run("listen", "http://").code());
    assertEquals(64, cli().run("listen", "--count", "0", "http://127.0.0.1:1").code());
    assertEquals(64, cli().run("listen").code());
  }

  // ------------------------------------------------------------------------------ WebSocket

  /** A server side that answers the client's close, as a proxy does. */
  abstract static class Acking extends WebSocketListener {
    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      webSocket.close(code, null);
    }
  }

  @Test
  void printsTextAndBinaryMessagesAndTheClose() {
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(new Acking() {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        webSocket.send("hello ws");
        webSocket.send(ByteString.of((byte) 0, (byte) 1, (byte) 2, (byte) 0xff));
        webSocket.close(4001, "bye");
      }
    }).build());
    Cli.Result r = cli().run("listen", wsUrl("/ws"));
    assertEquals(0, r.code(), r.toString());
    assertEquals("hello ws\n[binary, 4 bytes, hex] 000102ff\n", r.out());
    assertTrue(r.err().contains("closed by the server: 4001 bye"), r.err());
  }

  @Test
  void binaryAsBase64() {
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(new Acking() {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        webSocket.send(ByteString.of((byte) 0, (byte) 1, (byte) 2, (byte) 3));
        webSocket.close(1000, null);
      }
    }).build());
    Cli.Result r = cli().run("listen", "--binary-format", "base64", wsUrl("/ws"));
    assertEquals(0, r.code(), r.toString());
    assertEquals("[binary, 4 bytes, base64] AAECAw==\n", r.out());
  }

  @Test
  void countClosesTheWebSocketAfterNMessages() {
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(new Acking() {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        for (int i = 1; i <= 5; i++) {
          webSocket.send("m" + i);
        }
      }
    }).build());
    Cli.Result r = cli().run("listen", "-n", "3", wsUrl("/ws"));
    assertEquals(0, r.code(), r.toString());
    assertEquals("m1\nm2\nm3\n", r.out());
  }

  @Test
  void webSocketTimeout() {
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(new Acking() {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        webSocket.send("only one");
      }
    }).build());
    Cli.Result r = cli().run("listen", "--timeout", "400ms", wsUrl("/ws"));
    assertEquals(0, r.code(), r.toString());
    assertEquals("only one\n", r.out());
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(new Acking() {}).build());
    Cli.Result r2 = cli().run("listen", "--timeout", "300ms", "-n", "1", wsUrl("/ws"));
    assertEquals(75, r2.code(), r2.toString());
  }

  @Test
  void refusedUpgradeIsARejection() {
    server.enqueue(new MockResponse.Builder().code(404).body("Not Found\n").build());
    Cli.Result r = cli().run("listen", wsUrl("/nope"));
    assertEquals(76, r.code(), r.toString());
    assertTrue(r.err().contains("answered 404"), r.err());
    assertEquals(1, r.errLines().length, r.toString());
  }

  @Test
  void webSocketToClosedPortExits69() throws IOException {
    Cli.Result r = cli().run("listen", "ws://127.0.0.1:" + closedPort() + "/ws");
    assertEquals(69, r.code(), r.toString());
    assertEquals(1, r.errLines().length, r.toString());
  }
}
