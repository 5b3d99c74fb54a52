package io.gripcast.item;

import java.util.List;

/**
 * The {@code http-response} format: the response that completes held long-poll requests.
 *
 * @param action SEND (complete the held request) or HINT (re-request the origin); CLOSE does not
 *     apply to responses and is rejected
 * @param code the status code, 0-999 (200 by default)
 * @param reason the reason phrase, or null for the standard one
 * @param headers headers that replace same-named headers of the held response; names may repeat
 * @param body the body: text, bytes, or a JSON Patch applied to the held body; required for SEND
 * @param contentFilters content filters that must equal the subscription's (usually empty)
 */
public record HttpResponse(
    Action action, int code, String reason, List<Header> headers, Body body, List<String> contentFilters)
    implements Format {

  public HttpResponse {
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

  /** A builder for a SEND response with code, reason and headers. */
  public static Builder builder() {
    return new Builder();
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

    /** A text body. */
    record Text(Content.Text content) implements Body {
      public Text {
        Validation.required(content, "http-response body");
        Validation.utf8Text(content.value(), "http-response body");
      }
    }

    /** A binary body. */
    record Binary(Content.Binary content) implements Body {
      public Binary {
        Validation.required(content, "http-response body");
      }
    }

    /**
     * A JSON Patch: the JSON text of an array of operations. It is checked to be a JSON array when
     * the item is serialized.
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

  /** Builds a SEND http-response. */
  public static final class Builder {
    private int code = 200;
    private String reason;
    private final java.util.ArrayList<Header> headers = new java.util.ArrayList<>();
    private Body body;
    private List<String> contentFilters = List.of();

    private Builder() {}

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

    public HttpResponse build() {
      return new HttpResponse(Action.SEND, code, reason, headers, body, contentFilters);
    }
  }
}
