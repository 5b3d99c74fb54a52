package io.gripcast.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * GRIP instructions for an ordinary HTTP handler behind a GRIP proxy: hold the request open
 * (long-polling or streaming) and subscribe it to channels, so that what is later published to
 * those channels reaches this client.
 *
 * <p>Two renderings of the same instruction:
 *
 * <ul>
 *   <li>{@link #headers()}: {@code Grip-*} headers to add to your own response (your status,
 *       headers and body go out as usual; the proxy removes every {@code Grip-*} header).
 *   <li>{@link #toInstructBody()}: an {@code application/grip-instruct} JSON body, sent with
 *       status 200 and content type {@link #CONTENT_TYPE} instead of your own response; the
 *       response the client gets is described inside it ({@link Builder#status},
 *       {@link Builder#responseHeader}, {@link Builder#responseBody}).
 * </ul>
 *
 * <pre>{@code
 * GripInstruct grip = GripInstruct.builder()
 *     .hold(HoldMode.STREAM)
 *     .channel("news")
 *     .keepAlive(":\n\n", 20)          // an SSE comment every 20 s of silence
 *     .build();
 * grip.headers().forEach(response::setHeader);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class GripInstruct {

  /** The content type of the JSON instruct body. */
  public static final String CONTENT_TYPE = "application/grip-instruct";

  static final String HOLD = "Grip-Hold";
  static final String CHANNEL = "Grip-Channel";
  static final String TIMEOUT = "Grip-Timeout";
  static final String KEEP_ALIVE = "Grip-Keep-Alive";
  static final String LINK = "Grip-Link";
  static final String SET_META = "Grip-Set-Meta";
  static final String STATUS = "Grip-Status";

  private final HoldMode hold;
  private final List<GripChannel> channels;
  private final Integer timeout;
  private final KeepAlive keepAlive;
  private final URI nextLink;
  private final Integer nextLinkTimeout;
  private final Map<String, String> meta;
  private final Integer statusCode;
  private final String statusReason;
  private final List<Map.Entry<String, String>> responseHeaders;
  private final String responseText;
  private final byte[] responseBytes;

  /** A keep-alive: data, timeout, mode; text is kept as text for the JSON body. */
  record KeepAlive(String text, byte[] bytes, int timeoutSeconds, KeepAliveMode mode) {
    byte[] data() {
      return text != null ? text.getBytes(StandardCharsets.UTF_8) : bytes.clone();
    }
  }

  private GripInstruct(Builder b) {
    this.hold = b.hold;
    this.channels = List.copyOf(b.channels);
    this.timeout = b.timeout;
    this.keepAlive = b.keepAlive;
    this.nextLink = b.nextLink;
    this.nextLinkTimeout = b.nextLinkTimeout;
    this.meta = Collections.unmodifiableMap(new LinkedHashMap<>(b.meta));
    this.statusCode = b.statusCode;
    this.statusReason = b.statusReason;
    this.responseHeaders = List.copyOf(b.responseHeaders);
    this.responseText = b.responseText;
    this.responseBytes = b.responseBytes == null ? null : b.responseBytes.clone();
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A stream hold on the given channels. */
  public static GripInstruct stream(String... channels) {
    Builder b = builder().hold(HoldMode.STREAM);
    for (String c : channels) {
      b.channel(c);
    }
    return b.build();
  }

  /** A response hold (long-poll) on the given channels, with Pushpin's default timeout (55 s). */
  public static GripInstruct response(String... channels) {
    Builder b = builder().hold(HoldMode.RESPONSE);
    for (String c : channels) {
      b.channel(c);
    }
    return b.build();
  }

  /** The hold mode, if the request is held. */
  public Optional<HoldMode> hold() {
    return Optional.ofNullable(hold);
  }

  /** The channels, in order. */
  public List<GripChannel> channels() {
    return channels;
  }

  /** The response-hold timeout in seconds, if set. */
  public OptionalInt timeout() {
    return timeout == null ? OptionalInt.empty() : OptionalInt.of(timeout);
  }

  /** Subscriber meta ({@code Grip-Set-Meta}), in order. */
  public Map<String, String> meta() {
    return meta;
  }

  /**
   * The {@code Grip-*} headers, in a fixed order (Grip-Hold, Grip-Channel, Grip-Timeout,
   * Grip-Keep-Alive, Grip-Link, Grip-Set-Meta, Grip-Status). Several channels share one
   * {@code Grip-Channel} header: {@code a, b; prev-id=1; filter=skip-self}.
   *
   * @throws IllegalStateException when a response header or body was set: those exist only in
   *     the instruct body (with headers, write them on your own response)
   * @throws IllegalArgumentException when a channel name, prev-id, filter or meta value cannot be
   *     written in a header (use {@link #toInstructBody()} for those)
   */
  public Map<String, String> headers() {
    if (!responseHeaders.isEmpty() || responseText != null || responseBytes != null) {
      throw new IllegalStateException(
          "responseHeader(..) and responseBody(..) are carried only by toInstructBody(); with headers(),"
              + " write them on your own response instead");
    }
    LinkedHashMap<String, String> h = new LinkedHashMap<>();
    if (hold != null) {
      h.put(HOLD, hold == HoldMode.RESPONSE ? "response" : "stream");
    }
    if (!channels.isEmpty()) {
      List<String> parts = new ArrayList<>();
      for (GripChannel c : channels) {
        parts.add(channelHeaderPart(c));
      }
      h.put(CHANNEL, String.join(", ", parts));
    }
    if (timeout != null) {
      h.put(TIMEOUT, Integer.toString(timeout));
    }
    if (keepAlive != null) {
      h.put(KEEP_ALIVE, keepAliveHeader(keepAlive));
    }
    if (nextLink != null) {
      h.put(LINK, "<" + nextLink.toASCIIString() + ">; rel=next" + (nextLinkTimeout == null ? "" : "; timeout=" + nextLinkTimeout));
    }
    if (!meta.isEmpty()) {
      List<String> parts = new ArrayList<>();
      meta.forEach((k, v) -> {
        int bad = HeaderSyntax.firstUnsendable(v);
        if (bad >= 0) {
          throw new IllegalArgumentException(
              "meta " + k + " value cannot be written in a Grip-Set-Meta header: " + HeaderSyntax.describe(v.charAt(bad))
                  + " at index " + bad + " (headers take printable ASCII); use toInstructBody()");
        }
        parts.add(k + "=" + HeaderSyntax.quoted(v));
      });
      h.put(SET_META, String.join(", ", parts));
    }
    if (statusCode != null) {
      h.put(STATUS, statusCode + (statusReason == null ? "" : " " + statusReason));
    }
    return Collections.unmodifiableMap(h);
  }

  private static String channelHeaderPart(GripChannel c) {
    String name = c.name();
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (ch <= 0x20 || ch >= 0x7f || ch == ',' || ch == ';' || ch == '"') {
        throw new IllegalArgumentException(
            "channel name \"" + name + "\" cannot be written in a Grip-Channel header: " + HeaderSyntax.describe(ch)
                + " at index " + i + " (header channel names are printable ASCII without spaces, ',', ';' or '\"');"
                + " use toInstructBody() for such names");
      }
    }
    StringBuilder b = new StringBuilder(name);
    if (c.prevId() != null) {
      b.append("; prev-id=").append(headerParam(c.prevId(), "prev-id of channel " + name));
    }
    for (String f : c.filters()) {
      b.append("; filter=").append(headerParam(f, "filter of channel " + name));
    }
    return b.toString();
  }

  private static String headerParam(String value, String what) {
    int bad = HeaderSyntax.firstUnsendable(value);
    if (bad >= 0) {
      throw new IllegalArgumentException(
          what + " cannot be written in a header: " + HeaderSyntax.describe(value.charAt(bad)) + " at index " + bad
              + "; use toInstructBody()");
    }
    return HeaderSyntax.paramValue(value);
  }

  /**
   * {@code <data>; [format=cstring|base64; ]timeout=N[; mode=interval]}. Raw when the data is
   * plain printable ASCII; otherwise text is written as a cstring ({@code \\ \r \n \xHH}) and bytes
   * as base64. Pushpin takes the data up to the first {@code ;} and trims it, so {@code ;} and
   * edge spaces force the cstring form too.
   */
  private static String keepAliveHeader(KeepAlive k) {
    byte[] data = k.data();
    String value;
    if (isRaw(data)) {
      value = new String(data, StandardCharsets.US_ASCII);
    } else if (k.text() != null) {
      value = cstring(data) + "; format=cstring";
    } else {
      value = java.util.Base64.getEncoder().encodeToString(data) + "; format=base64";
    }
    value += "; timeout=" + k.timeoutSeconds();
    if (k.mode() == KeepAliveMode.INTERVAL) {
      value += "; mode=interval";
    }
    return value;
  }

  private static boolean isRaw(byte[] data) {
    if (data.length == 0 || data[0] == ' ' || data[data.length - 1] == ' ') {
      return false;
    }
    for (byte b : data) {
      if (b < 0x20 || b > 0x7e || b == ';') {
        return false;
      }
    }
    return true;
  }

  private static String cstring(byte[] data) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < data.length; i++) {
      int c = data[i] & 0xff;
      boolean edgeSpace = c == ' ' && (i == 0 || i == data.length - 1);
      if (c == '\\') {
        b.append("\\\\");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c < 0x20 || c > 0x7e || c == ';' || edgeSpace) {
        b.append(String.format("\\x%02x", c));
      } else {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  /**
   * The {@code application/grip-instruct} JSON body: {@code {"hold":{"mode",..,"channels":[..],
   * "timeout",..,"keep-alive":{..},"meta":{..}},"response":{"code",..,"reason",..,"headers",..,
   * "body"|"body-bin",..}}}. Send it with status 200 and content type {@link #CONTENT_TYPE}.
   *
   * <p>The body has no field for the keep-alive mode (Pushpin 1.36 then never restarts the
   * keep-alive timer on activity, i.e. it behaves like INTERVAL).
   *
   * @throws IllegalStateException when a next link was set: it has no place in the body (send
   *     {@link #headers()} instead, or add the {@code Grip-Link} header next to the body)
   */
  public String toInstructBody() {
    if (nextLink != null) {
      throw new IllegalStateException(
          "Grip-Link has no field in the application/grip-instruct body: send it as a header (headers()) instead");
    }
    return InstructJson.write(this);
  }

  // package-private views for InstructJson

  HoldMode holdMode() {
    return hold;
  }

  Integer timeoutValue() {
    return timeout;
  }

  KeepAlive keepAlive() {
    return keepAlive;
  }

  Integer statusCode() {
    return statusCode;
  }

  String statusReason() {
    return statusReason;
  }

  List<Map.Entry<String, String>> responseHeaders() {
    return responseHeaders;
  }

  String responseText() {
    return responseText;
  }

  byte[] responseBytes() {
    return responseBytes;
  }

  @Override
  public String toString() {
    return "GripInstruct[hold=" + hold + ", channels=" + channels.size() + ", timeout=" + timeout + ", keepAlive="
        + (keepAlive != null) + ", nextLink=" + (nextLink != null) + ", meta=" + meta.keySet() + ", status=" + statusCode + "]";
  }

  /** Builds a {@link GripInstruct}. Not thread-safe. */
  public static final class Builder {
    private HoldMode hold;
    private final List<GripChannel> channels = new ArrayList<>();
    private Integer timeout;
    private KeepAlive keepAlive;
    private URI nextLink;
    private Integer nextLinkTimeout;
    private final LinkedHashMap<String, String> meta = new LinkedHashMap<>();
    private Integer statusCode;
    private String statusReason;
    private final List<Map.Entry<String, String>> responseHeaders = new ArrayList<>();
    private String responseText;
    private byte[] responseBytes;

    private Builder() {}

    /** Holds the request: {@code Grip-Hold}. */
    public Builder hold(HoldMode hold) {
      this.hold = Objects.requireNonNull(hold, "hold");
      return this;
    }

    /** Adds a channel. */
    public Builder channel(String name) {
      return channel(GripChannel.of(name));
    }

    /** Adds a channel with its prev-id and filters. */
    public Builder channel(GripChannel channel) {
      channels.add(Objects.requireNonNull(channel, "channel"));
      return this;
    }

    /**
     * The response-hold timeout in seconds ({@code Grip-Timeout}); Pushpin's default is 55, and
     * it raises values under 5 to 5. Only for {@link HoldMode#RESPONSE}.
     */
    public Builder timeout(int seconds) {
      if (seconds < 0) {
        throw new IllegalArgumentException("Grip-Timeout must not be negative, but was " + seconds);
      }
      this.timeout = seconds;
      return this;
    }

    /** A keep-alive: {@code text} after {@code timeoutSeconds} of silence (stream holds). */
    public Builder keepAlive(String text, int timeoutSeconds) {
      return keepAlive(text, timeoutSeconds, KeepAliveMode.IDLE);
    }

    /** A keep-alive of text; see {@link #keepAlive(byte[], int, KeepAliveMode)}. */
    public Builder keepAlive(String text, int timeoutSeconds, KeepAliveMode mode) {
      Objects.requireNonNull(text, "keep-alive text");
      checkKeepAlive(text.isEmpty(), timeoutSeconds, mode);
      this.keepAlive = new KeepAlive(text, null, timeoutSeconds, mode);
      return this;
    }

    /**
     * A keep-alive ({@code Grip-Keep-Alive}) for stream holds: the proxy sends {@code data} to the
     * client after {@code timeoutSeconds} of silence (IDLE) or every {@code timeoutSeconds}
     * (INTERVAL).
     */
    public Builder keepAlive(byte[] data, int timeoutSeconds, KeepAliveMode mode) {
      Objects.requireNonNull(data, "keep-alive data");
      checkKeepAlive(data.length == 0, timeoutSeconds, mode);
      this.keepAlive = new KeepAlive(null, data.clone(), timeoutSeconds, mode);
      return this;
    }

    private static void checkKeepAlive(boolean empty, int timeoutSeconds, KeepAliveMode mode) {
      Objects.requireNonNull(mode, "keep-alive mode");
      if (empty) {
        throw new IllegalArgumentException("keep-alive data must not be empty (Pushpin rejects an empty Grip-Keep-Alive)");
      }
      if (timeoutSeconds < 1) {
        throw new IllegalArgumentException("keep-alive timeout must be at least 1 second, but was " + timeoutSeconds);
      }
    }

    /** A next link ({@code Grip-Link: <uri>; rel=next}) with Pushpin's default timeout (120 s). */
    public Builder nextLink(URI uri) {
      return nextLink(uri, null);
    }

    /** A next link with a timeout in seconds. */
    public Builder nextLink(URI uri, int timeoutSeconds) {
      if (timeoutSeconds < 0) {
        throw new IllegalArgumentException("Grip-Link timeout must not be negative, but was " + timeoutSeconds);
      }
      return nextLink(uri, Integer.valueOf(timeoutSeconds));
    }

    private Builder nextLink(URI uri, Integer timeoutSeconds) {
      Objects.requireNonNull(uri, "next link");
      String s = uri.toASCIIString();
      if (s.isEmpty() || s.indexOf('>') >= 0) {
        throw new IllegalArgumentException("next link \"" + s + "\" cannot be written as <uri> in Grip-Link");
      }
      this.nextLink = uri;
      this.nextLinkTimeout = timeoutSeconds;
      return this;
    }

    /**
     * Subscriber meta for filters ({@code Grip-Set-Meta: name="value"}), e.g. {@code user} for
     * {@code skip-self}. A repeated name replaces the earlier value.
     */
    public Builder setMeta(String name, String value) {
      Objects.requireNonNull(name, "meta name");
      Objects.requireNonNull(value, () -> "value of meta " + name);
      if (!HeaderSyntax.isToken(name)) {
        throw new IllegalArgumentException(
            "meta name \"" + name + "\" must be a token (letters, digits and !#$%&'*+-.^_`|~)");
      }
      meta.put(name, value);
      return this;
    }

    /** The status the client gets ({@code Grip-Status}, or the body's response code). */
    public Builder status(int code) {
      return status(code, null);
    }

    /** The status and reason phrase the client gets. */
    public Builder status(int code, String reason) {
      if (code < 100 || code > 999) {
        throw new IllegalArgumentException("status code must be 100-999, but was " + code);
      }
      if (reason != null) {
        if (reason.isEmpty()) {
          reason = null;
        } else {
          int bad = HeaderSyntax.firstUnsendable(reason);
          if (bad >= 0) {
            throw new IllegalArgumentException(
                "status reason has " + HeaderSyntax.describe(reason.charAt(bad)) + " at index " + bad + "; use printable ASCII");
          }
        }
      }
      this.statusCode = code;
      this.statusReason = reason;
      return this;
    }

    /** A header of the response the client gets (instruct body only); names may repeat. */
    public Builder responseHeader(String name, String value) {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(value, () -> "value of header " + name);
      if (!HeaderSyntax.isToken(name)) {
        throw new IllegalArgumentException("header name \"" + name + "\" must be a token (letters, digits and !#$%&'*+-.^_`|~)");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\r' || c == '\n' || c == 0) {
          throw new IllegalArgumentException("header " + name + " has a CR, LF or NUL in its value at index " + i);
        }
      }
      responseHeaders.add(Map.entry(name, value));
      return this;
    }

    /** The text body of the response the client gets (instruct body only). */
    public Builder responseBody(String text) {
      this.responseText = Objects.requireNonNull(text, "body");
      this.responseBytes = null;
      return this;
    }

    /** The binary body of the response the client gets (instruct body only); copied. */
    public Builder responseBody(byte[] bytes) {
      this.responseBytes = Objects.requireNonNull(bytes, "body").clone();
      this.responseText = null;
      return this;
    }

    /**
     * @throws IllegalArgumentException when the parts do not fit together: a hold without
     *     channels, channels without a hold, a timeout on a stream hold, a keep-alive on a
     *     response hold
     */
    public GripInstruct build() {
      if (hold != null && channels.isEmpty()) {
        throw new IllegalArgumentException("a hold needs at least one channel: add channel(..)");
      }
      if (hold == null && !channels.isEmpty()) {
        throw new IllegalArgumentException("channels need a hold: add hold(HoldMode.STREAM) or hold(HoldMode.RESPONSE)");
      }
      if (timeout != null && hold != HoldMode.RESPONSE) {
        throw new IllegalArgumentException(
            "Grip-Timeout applies to response holds (long-polling) only; it needs hold(HoldMode.RESPONSE)"
                + (hold == null ? "" : ", not " + hold));
      }
      if (keepAlive != null && hold != HoldMode.STREAM) {
        throw new IllegalArgumentException(
            "Grip-Keep-Alive applies to stream holds only; it needs hold(HoldMode.STREAM)" + (hold == null ? "" : ", not " + hold));
      }
      return new GripInstruct(this);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof GripInstruct g)) {
      return false;
    }
    return hold == g.hold && channels.equals(g.channels) && Objects.equals(timeout, g.timeout)
        && keepAliveEquals(keepAlive, g.keepAlive) && Objects.equals(nextLink, g.nextLink)
        && Objects.equals(nextLinkTimeout, g.nextLinkTimeout) && meta.equals(g.meta)
        && Objects.equals(statusCode, g.statusCode) && Objects.equals(statusReason, g.statusReason)
        && responseHeaders.equals(g.responseHeaders) && Objects.equals(responseText, g.responseText)
        && Arrays.equals(responseBytes, g.responseBytes);
  }

  private static boolean keepAliveEquals(KeepAlive a, KeepAlive b) {
    if (a == null || b == null) {
      return a == b;
    }
    return Objects.equals(a.text(), b.text()) && Arrays.equals(a.bytes(), b.bytes())
        && a.timeoutSeconds() == b.timeoutSeconds() && a.mode() == b.mode();
  }

  @Override
  public int hashCode() {
    return Objects.hash(hold, channels, timeout, nextLink, meta, statusCode, responseText, Arrays.hashCode(responseBytes));
  }
}
