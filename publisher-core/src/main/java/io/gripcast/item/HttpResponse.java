package io.gripcast.item;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code http-response} format: the response that completes held long-poll requests.
 *
 * <p>Immutable; two formats are equal when all their values are. Make one with the factories
 * ({@link #text(String)}, {@link #of(Body)}, {@link #hint()}) or with {@link #builder()}.
 */
public final class HttpResponse implements Format {

  private final Action action;
  private final int code;
  private final String reason;
  private final List<Header> headers;
  private final Body body;
  private final List<String> contentFilters;

  private HttpResponse(
      Action action, int code, String reason, List<Header> headers, Body body, List<String> contentFilters) {
    Validation.required(action, "http-response action");
    headers = headers == null ? List.of() : List.copyOf(headers);
    contentFilters = Validation.contentFilters(contentFilters, "http-response");
    Validation.utf8Text(reason, "http-response reason");
    if (code < 0 || code > 999) {
      throw new IllegalArgumentException("http-response code must be 0-999, but was " + code);
    }
    switch (action) {
      case SEND -> {
        if (body == null) {
          throw new IllegalArgumentException(
              "http-response SEND needs a body: Body.text(..), Body.bytes(..) or Body.patch(..)");
        }
      }
      case HINT -> {
        if (body != null || !headers.isEmpty() || reason != null) {
          throw new IllegalArgumentException("http-response HINT carries nothing but the action");
        }
      }
      case CLOSE -> throw new IllegalArgumentException(
          "http-response has no CLOSE action (Pushpin ignores it): close streams with HttpStream.close()"
              + " and WebSockets with WsMessage.close()");
    }
    this.action = action;
    this.code = code;
    this.reason = reason;
    this.headers = headers;
    this.body = body;
    this.contentFilters = contentFilters;
  }

  /** A 200 response with a text body. */
  public static HttpResponse text(String body) {
    return of(Body.text(body));
  }

  /** A 200 response with {@code body}. */
  public static HttpResponse of(Body body) {
    return new HttpResponse(Action.SEND, 200, null, List.of(), Validation.required(body, "http-response body"), List.of());
  }

  /** A hint: the proxy re-requests the origin for each held request. */
  public static HttpResponse hint() {
    return new HttpResponse(Action.HINT, 200, null, List.of(), null, List.of());
  }

  /**
   * A builder for a response with code, reason and headers: action SEND, code 200 and nothing else
   * until set. {@link Builder#build()} checks the combination as the factories do.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this format's values. */
  public Builder toBuilder() {
    Builder b = new Builder().action(action).code(code).reason(reason).body(body).contentFilters(contentFilters);
    b.headers.addAll(headers);
    return b;
  }

  /**
   * SEND (complete the held request) or HINT (re-request the origin); CLOSE does not apply to
   * responses and is rejected.
   */
  @Override
  public Action action() {
    return action;
  }

  /** The status code, 0-999 (200 by default). */
  public int code() {
    return code;
  }

  /** The reason phrase, or null for the standard one. */
  public String reason() {
    return reason;
  }

  /** Headers that replace same-named headers of the held response; names may repeat; unmodifiable. */
  public List<Header> headers() {
    return headers;
  }

  /** The body: text, bytes, or a JSON Patch applied to the held body; present for SEND, null for HINT. */
  public Body body() {
    return body;
  }

  /** Content filters that must equal the subscription's (usually empty); unmodifiable. */
  public List<String> contentFilters() {
    return contentFilters;
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || o instanceof HttpResponse r
            && action == r.action
            && code == r.code
            && Objects.equals(reason, r.reason)
            && headers.equals(r.headers)
            && Objects.equals(body, r.body)
            && contentFilters.equals(r.contentFilters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(action, code, reason, headers, body, contentFilters);
  }

  @Override
  public String toString() {
    return "HttpResponse[action=" + action + ", code=" + code + ", reason=" + reason + ", headers=" + headers
        + ", body=" + body + ", contentFilters=" + contentFilters + "]";
  }

  /** The body of a published http-response. */
  public sealed interface Body permits Body.Text, Body.Binary, Body.Patch {

    /** A UTF-8 text body. */
    static Body text(String text) {
      return new Text(Content.text(text));
    }

    /** A binary body; the bytes are copied. */
    static Body bytes(byte[] bytes) {
      return new Binary(Content.bytes(bytes));
    }

    /**
     * A JSON Patch (RFC 6902) applied to the held response's JSON body, given as the JSON text of
     * the operations array, for example {@code [{"op":"replace","path":"/count","value":2}]}.
     */
    static Body patch(String jsonPatchArray) {
      return new Patch(jsonPatchArray);
    }

    /**
     * A text body ({@code body} on the wire).
     *
     * <p>A record: its shape is fixed by the protocol.
     */
    record Text(Content.Text content) implements Body {
      public Text {
        Validation.required(content, "http-response body");
        Validation.utf8Text(content.value(), "http-response body");
      }
    }

    /**
     * A binary body ({@code body-bin} on the wire).
     *
     * <p>A record: its shape is fixed by the protocol.
     */
    record Binary(Content.Binary content) implements Body {
      public Binary {
        Validation.required(content, "http-response body");
      }
    }

    /**
     * A JSON Patch: the JSON text of an array of operations. It is checked to be a JSON array when
     * the item is serialized.
     *
     * <p>A record: its shape is fixed by the protocol.
     */
    record Patch(String json) implements Body {
      public Patch {
        Validation.required(json, "http-response body-patch");
        Validation.utf8Text(json, "http-response body-patch");
        String t = json.strip();
        if (!t.startsWith("[") || !t.endsWith("]")) {
          throw new IllegalArgumentException(
              "http-response body-patch must be a JSON array of RFC 6902 operations, but was: "
                  + (t.length() > 60 ? t.substring(0, 60) + "..." : t));
        }
      }
    }
  }

  /** Builds an {@link HttpResponse}. Not thread-safe. */
  public static final class Builder {
    private Action action = Action.SEND;
    private int code = 200;
    private String reason;
    private final ArrayList<Header> headers = new ArrayList<>();
    private Body body;
    private List<String> contentFilters = List.of();

    private Builder() {}

    /** SEND unless set; HINT carries no reason, headers or body. */
    public Builder action(Action action) {
      this.action = action;
      return this;
    }

    public Builder code(int code) {
      this.code = code;
      return this;
    }

    public Builder reason(String reason) {
      this.reason = reason;
      return this;
    }

    /** Adds a header; names may repeat, order is kept. */
    public Builder header(String name, String value) {
      headers.add(new Header(name, value));
      return this;
    }

    public Builder header(Header header) {
      headers.add(Validation.required(header, "header"));
      return this;
    }

    public Builder body(Body body) {
      this.body = body;
      return this;
    }

    public Builder body(String text) {
      return body(Body.text(text));
    }

    public Builder contentFilters(List<String> filters) {
      this.contentFilters = filters;
      return this;
    }

    /**
     * The response.
     *
     * @throws IllegalArgumentException when the values do not fit together or a value is invalid,
     *     with the same messages as the factories
     * @throws NullPointerException when the action was set to null
     */
    public HttpResponse build() {
      return new HttpResponse(action, code, reason, headers, body, contentFilters);
    }
  }
}
