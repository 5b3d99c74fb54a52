package io.gripcast.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.http.GripInstruct;
import io.gripcast.ws.EventLimits;
import io.gripcast.ws.WebSocketOptions;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The exact responses the helpers write, read straight from a real Tomcat (no proxy in between). */
class DirectResponsesTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static TestTomcat tomcat;

  @BeforeAll
  static void start() {
    tomcat = new TestTomcat()
        .servlet("/events", new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            GripResponses.eventStream(resp, "a", "b");
          }
        })
        .servlet("/poll", new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            GripResponses.longPoll(resp, 30, "jobs");
            resp.getWriter().write("pending");
          }
        })
        .servlet("/instruct", new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            GripResponses.writeInstructBody(resp, GripInstruct.builder().hold(io.gripcast.http.HoldMode.RESPONSE).channel("x").responseBody("hi").build());
          }
        })
        .servlet("/late", new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write("body first");
            resp.flushBuffer();
            try {
              GripResponses.hold(resp, GripInstruct.stream("x"));
            } catch (IllegalStateException e) {
              resp.getWriter().write(" | " + e.getMessage());
            }
          }
        })
        .servlet("/ws", new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            WebSocketOptions small = WebSocketOptions.builder().limits(EventLimits.of(64, 64)).build();
            ServletWebSockets.handle(req, resp, small, ws -> {
              ws.accept();
              ws.send("hello " + ws.queryParameter("name").orElse("?"));
            });
          }
        })
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    tomcat.close();
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
    return HTTP.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anEventStreamCarriesTheHoldHeaders() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(tomcat.uri("/events")));
    assertEquals(200, r.statusCode());
    assertEquals("stream", r.headers().firstValue("Grip-Hold").orElseThrow());
    assertEquals("a, b", r.headers().firstValue("Grip-Channel").orElseThrow());
    assertTrue(r.headers().firstValue("Grip-Keep-Alive").orElseThrow().contains("timeout=20"),
        r.headers().firstValue("Grip-Keep-Alive").orElseThrow());
    assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
    assertEquals("no-cache", r.headers().firstValue("Cache-Control").orElseThrow());
  }

  @Test
  void aLongPollCarriesHoldTimeoutAndTheTimeoutBody() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(tomcat.uri("/poll")));
    assertEquals("response", r.headers().firstValue("Grip-Hold").orElseThrow());
    assertEquals("jobs", r.headers().firstValue("Grip-Channel").orElseThrow());
    assertEquals("30", r.headers().firstValue("Grip-Timeout").orElseThrow());
    assertEquals("pending", r.body());
  }

  @Test
  void theInstructBodyIsJsonOfItsContentType() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(tomcat.uri("/instruct")));
    assertEquals(GripInstruct.CONTENT_TYPE, r.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(r.body().contains("\"x\""), r.body());
  }

  @Test
  void holdAfterTheBodyWasSentIsRefusedWithAReason() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(tomcat.uri("/late")));
    assertTrue(r.body().contains("already committed"), r.body());
    assertTrue(r.headers().firstValue("Grip-Hold").isEmpty());
  }

  @Test
  void aWebSocketOverHttpRequestIsAnswered() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(tomcat.uri("/ws?name=ann"))
        .header("Content-Type", "application/websocket-events")
        .header("Connection-Id", "c1")
        .POST(HttpRequest.BodyPublishers.ofString("OPEN\r\n")));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/websocket-events", r.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(r.body().startsWith("OPEN\r\n"), r.body());
    assertTrue(r.body().contains("hello ann"), r.body());
  }

  @Test
  void aPlainRequestGets400WithTheReason() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(tomcat.uri("/ws")));
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("expected POST"), r.body());
  }

  @Test
  void anOverLongBodyGets400NamingTheLimit() throws Exception {
    byte[] big = ("TEXT 5A\r\n" + "x".repeat(90) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    HttpResponse<String> r = send(HttpRequest.newBuilder(tomcat.uri("/ws"))
        .header("Content-Type", "application/websocket-events")
        .header("Connection-Id", "c1")
        .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("larger than 64 bytes"), r.body());
  }
}
