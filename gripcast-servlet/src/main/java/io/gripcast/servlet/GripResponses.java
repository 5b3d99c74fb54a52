package io.gripcast.servlet;

import io.gripcast.http.GripInstruct;
import io.gripcast.http.HoldMode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Answers a request with GRIP instructions, so the proxy holds it open (a stream or a long-poll)
 * on channels. The header names and values come from {@link GripInstruct}; these helpers only put
 * them on a servlet response.
 *
 * <pre>{@code
 * // a server-sent-events stream of channel "room-1", with a comment every 20 s of silence
 * GripResponses.eventStream(response, "room-1");
 *
 * // a long-poll: held until something is published to "jobs-42", or 30 s
 * GripResponses.hold(response, GripInstruct.builder().hold(HoldMode.RESPONSE).channel("jobs-42").timeout(30).build());
 * response.setContentType("application/json");
 * response.getWriter().write("{\"status\":\"pending\"}");   // what the client gets on timeout
 * }</pre>
 *
 * <p>Only a GRIP proxy understands these headers (it removes them); a client reaching the app
 * directly would get an ordinary response instead of a held one. Put {@link GripSigFilter} on such
 * paths, or check {@link GripRequest#isSigned()} first.
 */
public final class GripResponses {
  /** The keep-alive of {@link #eventStream}: an SSE comment line, which event sources ignore. */
  public static final String SSE_KEEP_ALIVE = ":\n\n";
  /** How long an {@link #eventStream} may be silent before the proxy sends the keep-alive. */
  public static final int SSE_KEEP_ALIVE_SECONDS = 20;

  private GripResponses() {}

  /**
   * Puts {@code instruct}'s {@code Grip-*} headers on {@code response}; status, other headers and
   * body stay the caller's.
   *
   * @throws IllegalStateException when the response is already committed (headers sent), or when
   *     the instruct carries a response header or body (those exist only in the instruct body: use
   *     {@link #writeInstructBody})
   * @throws IllegalArgumentException when a value cannot be written in a header (see
   *     {@link GripInstruct#headers()})
   */
  public static void hold(HttpServletResponse response, GripInstruct instruct) {
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(instruct, "instruct");
    if (response.isCommitted()) {
      throw new IllegalStateException("the response is already committed: set GRIP instructions before writing the body");
    }
    instruct.headers().forEach(response::setHeader);
  }

  /**
   * Starts a server-sent-events stream held on {@code channels}: status 200, content type
   * {@code text/event-stream}, {@code Cache-Control: no-cache}, a stream hold with an SSE comment
   * as keep-alive every {@value #SSE_KEEP_ALIVE_SECONDS} s of silence. Published
   * {@code http-stream} content (for example {@code "data: hi\n\n"}) then reaches the client. The
   * caller may still write an initial body.
   *
   * @throws IllegalArgumentException when no channel is given
   */
  public static void eventStream(HttpServletResponse response, String... channels) {
    hold(response, eventStreamInstruct(channels));
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType("text/event-stream");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setHeader("Cache-Control", "no-cache");
  }

  /**
   * The instruction of {@link #eventStream}: a stream hold on {@code channels} with an SSE comment
   * as keep-alive after {@value #SSE_KEEP_ALIVE_SECONDS} s of silence. For frameworks that write
   * the response themselves (the Spring Boot starter's {@code GripEntities}).
   *
   * @throws IllegalArgumentException when no channel is given
   */
  public static GripInstruct eventStreamInstruct(String... channels) {
    GripInstruct.Builder b = GripInstruct.builder()
        .hold(HoldMode.STREAM)
        .keepAlive(SSE_KEEP_ALIVE, SSE_KEEP_ALIVE_SECONDS);
    addChannels(b, channels);
    return b.build();
  }

  /**
   * A long-poll on {@code channels}: the proxy holds the request until an {@code http-response}
   * item is published to one of them, or {@code timeoutSeconds} pass; then the client gets the
   * response the caller writes now (status, headers, body).
   *
   * @throws IllegalArgumentException when no channel is given or the timeout is below 1
   */
  public static void longPoll(HttpServletResponse response, int timeoutSeconds, String... channels) {
    if (timeoutSeconds < 1) {
      throw new IllegalArgumentException("long-poll timeout must be at least 1 second, but was " + timeoutSeconds);
    }
    GripInstruct.Builder b = GripInstruct.builder().hold(HoldMode.RESPONSE).timeout(timeoutSeconds);
    addChannels(b, channels);
    hold(response, b.build());
  }

  /**
   * Answers with the JSON instruct body instead of headers: status 200, content type
   * {@value GripInstruct#CONTENT_TYPE}. The response the client gets is the one described in
   * {@code instruct} (its status, response headers and body).
   */
  public static void writeInstructBody(HttpServletResponse response, GripInstruct instruct) throws IOException {
    Objects.requireNonNull(response, "response");
    byte[] body = Objects.requireNonNull(instruct, "instruct").toInstructBody().getBytes(StandardCharsets.UTF_8);
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType(GripInstruct.CONTENT_TYPE);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static void addChannels(GripInstruct.Builder b, String... channels) {
    if (channels == null || channels.length == 0) {
      throw new IllegalArgumentException("a hold needs at least one channel");
    }
    for (String c : channels) {
      b.channel(c);
    }
  }
}
