package io.gripcast.item;

import java.util.List;
import java.util.Objects;

/**
 * The {@code http-stream} format: content appended to held streaming responses (chunked HTTP,
 * Server-Sent Events), or a close or hint of those streams.
 *
 * <p>Immutable; two formats are equal when all their values are. Make one with the factories
 * ({@link #text(String)}, {@link #close()}, ...) or with {@link #builder()}.
 */
public final class HttpStream implements Format {

  private final Action action;
  private final Content content;
  private final List<String> contentFilters;

  private HttpStream(Action action, Content content, List<String> contentFilters) {
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
    this.action = action;
    this.content = content;
    this.contentFilters = contentFilters;
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

  /**
   * A builder for any http-stream format, the factories' cases included: action SEND and nothing
   * else until set. {@link Builder#build()} checks the combination as the factories do.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this format's values. */
  public Builder toBuilder() {
    return new Builder().action(action).content(content).contentFilters(contentFilters);
  }

  /** This format with the given content filters. */
  public HttpStream withContentFilters(List<String> filters) {
    return new HttpStream(action, content, filters);
  }

  /** SEND (append content), CLOSE (end the stream cleanly) or HINT (re-request the origin). */
  @Override
  public Action action() {
    return action;
  }

  /** The content to append; present for SEND, null otherwise. */
  public Content content() {
    return content;
  }

  /** Content filters that must equal the subscription's (usually empty); unmodifiable. */
  public List<String> contentFilters() {
    return contentFilters;
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || o instanceof HttpStream s
            && action == s.action
            && Objects.equals(content, s.content)
            && contentFilters.equals(s.contentFilters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(action, content, contentFilters);
  }

  @Override
  public String toString() {
    return "HttpStream[action=" + action + ", content=" + content + ", contentFilters=" + contentFilters + "]";
  }

  /** Builds an {@link HttpStream}. Not thread-safe. */
  public static final class Builder {
    private Action action = Action.SEND;
    private Content content;
    private List<String> contentFilters = List.of();

    private Builder() {}

    /** SEND unless set. */
    public Builder action(Action action) {
      this.action = action;
      return this;
    }

    /** The content to append; for SEND only. */
    public Builder content(Content content) {
      this.content = content;
      return this;
    }

    /** The content filters; null means none. */
    public Builder contentFilters(List<String> filters) {
      this.contentFilters = filters;
      return this;
    }

    /**
     * The format.
     *
     * @throws IllegalArgumentException when the values do not fit together or a value is invalid,
     *     with the same messages as the factories
     * @throws NullPointerException when the action was set to null
     */
    public HttpStream build() {
      return new HttpStream(action, content, contentFilters);
    }
  }
}
