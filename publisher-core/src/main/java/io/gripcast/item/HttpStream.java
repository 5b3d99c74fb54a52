package io.gripcast.item;

import java.util.List;

/**
 * The {@code http-stream} format: content appended to held streaming responses (chunked HTTP,
 * Server-Sent Events), or a close or hint of those streams.
 *
 * @param action SEND (append content), CLOSE (end the stream cleanly) or HINT (re-request the origin)
 * @param content the content to append; required for SEND, absent otherwise
 * @param contentFilters content filters that must equal the subscription's (usually empty)
 */
public record HttpStream(Action action, Content content, List<String> contentFilters) implements Format {

  public HttpStream {
    Validation.required(action, "http-stream action");
    contentFilters = Validation.contentFilters(contentFilters, "http-stream");
    if (content instanceof Content.Text t) {
      Validation.utf8Text(t.value(), "http-stream content");
    }
    if (action == Action.SEND && content == null) {
      throw new IllegalArgumentException("http-stream SEND needs content: use HttpStream.text(..) or HttpStream.binary(..)");
    }
    if (action != Action.SEND && content != null) {
      throw new IllegalArgumentException("http-stream " + action + " carries no content");
    }
  }

  /** Appends text to the stream (add your own newline or SSE framing). */
  public static HttpStream text(String text) {
    return new HttpStream(Action.SEND, Content.text(text), List.of());
  }

  /** Appends bytes to the stream; the bytes are copied. */
  public static HttpStream binary(byte[] bytes) {
    return new HttpStream(Action.SEND, Content.bytes(bytes), List.of());
  }

  /** Appends {@code content} to the stream. */
  public static HttpStream of(Content content) {
    return new HttpStream(Action.SEND, Validation.required(content, "http-stream content"), List.of());
  }

  /** Ends the stream (the proxy sends the chunked terminator). */
  public static HttpStream close() {
    return new HttpStream(Action.CLOSE, null, List.of());
  }

  /** Asks the proxy to drop the session's queue and re-request the origin. */
  public static HttpStream hint() {
    return new HttpStream(Action.HINT, null, List.of());
  }

  /** This format with the given content filters. */
  public HttpStream withContentFilters(List<String> filters) {
    return new HttpStream(action, content, filters);
  }
}
