package io.gripcast.ws;

import io.gripcast.http.KeepAliveMode;
import io.gripcast.item.Content;
import io.gripcast.item.WsType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One WebSocket-over-HTTP request of one connection, seen from the backend: read the client's
 * events, say what to do, and turn that into the {@link WebSocketResponse}.
 *
 * <p>A GRIP proxy (Pushpin with {@code over_http}, Fastly Fanout) turns each burst of WebSocket
 * activity into a POST carrying {@code application/websocket-events}. The backend answers with
 * events of its own. The typical handler:
 *
 * <pre>{@code
 * WebSocketContext ws = WebSocketContext.fromRequest(method, headers, body); // or LambdaWebSockets.context(event)
 * if (ws.isOpening()) {
 *   ws.accept();
 *   ws.subscribe("room");
 * }
 * while (ws.canReceive()) {
 *   Content message = ws.receive();
 *   if (message == null) {   // the client closed (or dropped) the connection
 *     ws.close();
 *     break;
 *   }
 *   ws.send(message);        // echo
 * }
 * WebSocketResponse response = ws.toResponse();
 * }</pre>
 *
 * <p><b>GRIP mode.</b> When the proxy offers the {@code grip} extension (it sends
 * {@code Sec-WebSocket-Extensions: grip} on every request) and {@link WebSocketOptions#grip()} is
 * on, {@link #accept()} takes the extension, {@link #send(String)} puts the message prefix
 * ({@code m:} by default) before every message, and the control messages ({@link #subscribe},
 * {@link #unsubscribe}, {@link #detach}, {@link #setFilterMeta}, {@link #keepAlive}) are available.
 * Without GRIP mode, messages go out as they are and control messages are refused, because the
 * proxy would show them to the client as text.
 *
 * <p><b>Pings.</b> Unless {@link WebSocketOptions#autoPong()} is off, every PING of the client is
 * answered with a PONG of the same content, placed right after OPEN and before anything the
 * handler sends. Pushpin does not answer pings itself in this mode. {@link #receive()} skips PING
 * and PONG events.
 *
 * <p><b>Retries and batching.</b> The proxy may batch several client messages into one request
 * (process them all: loop while {@link #canReceive()}), and may re-send a request whose response
 * it did not get, so handlers should tolerate seeing a message twice.
 *
 * <p>Not thread-safe: one context per request, used by the thread handling that request.
 */
public final class WebSocketContext {

  private static final String CONTENT_TYPE_HEADER = "Content-Type";
  private static final String CONNECTION_ID_HEADER = "Connection-Id";
  private static final String EXTENSIONS_HEADER = "Sec-WebSocket-Extensions";
  private static final String GRIP_EXTENSION = "grip";
  private static final String MESSAGE_PREFIX_PARAM = "message-prefix";
  private static final String META_REQUEST_PREFIX = "meta-";
  private static final String SET_META_PREFIX = "Set-Meta-";
  private static final String KEEP_ALIVE_INTERVAL_HEADER = "Keep-Alive-Interval";

  private final WebSocketRequest request;
  private final WebSocketOptions options;
  private final String connectionId;
  private final boolean gripMode;
  private final List<WebSocketEvent> incoming;
  private final List<WebSocketEvent> autoPongs;
  private final Map<String, String> originalMeta;

  private int readIndex;
  private WebSocketEvent.Close clientClose;
  private boolean disconnected;

  private boolean accepted;
  private WebSocketResponse rejection;
  private boolean closeSent;
  private boolean disconnectSent;
  private final List<WebSocketEvent> outgoing = new ArrayList<>();
  private final LinkedHashMap<String, String> meta;
  /** Lower-case meta name to the spelling the handler used, in the order of the changes. */
  private final LinkedHashMap<String, String> touchedMeta = new LinkedHashMap<>();
  private Integer keepAliveInterval;
  private final LinkedHashMap<String, String> extraHeaders = new LinkedHashMap<>();

  private WebSocketContext(
      WebSocketRequest request, WebSocketOptions options, String connectionId, List<WebSocketEvent> incoming) {
    this.request = request;
    this.options = options;
    this.connectionId = connectionId;
    this.incoming = incoming;
    this.gripMode = options.grip() && offersGrip(request);

    LinkedHashMap<String, String> m = new LinkedHashMap<>();
    request.headers().forEach((name, values) -> {
      if (name.startsWith(META_REQUEST_PREFIX) && name.length() > META_REQUEST_PREFIX.length() && !values.isEmpty()) {
        m.put(name.substring(META_REQUEST_PREFIX.length()), values.get(0));
      }
    });
    this.originalMeta = Collections.unmodifiableMap(new LinkedHashMap<>(m));
    this.meta = m;

    List<WebSocketEvent> pongs = new ArrayList<>();
    if (options.autoPong()) {
      for (WebSocketEvent e : incoming) {
        if (e.type() == WebSocketEvent.Type.CLOSE || e.type() == WebSocketEvent.Type.DISCONNECT) {
          break; // no pongs once the client has closed
        }
        if (e instanceof WebSocketEvent.Ping p) {
          pongs.add(new WebSocketEvent.Pong(p.unsafeBytes()));
        }
      }
    }
    this.autoPongs = List.copyOf(pongs);
  }

  /**
   * A context for a request given as its parts, with the default options.
   *
   * @param method the HTTP method
   * @param headers the request headers; names in any case
   * @param body the request body
   * @throws NotWebSocketOverHttpException when the request is not WebSocket-over-HTTP (answer 400)
   */
  public static WebSocketContext fromRequest(String method, Map<String, List<String>> headers, byte[] body) {
    return from(WebSocketRequest.of(method, headers, body), WebSocketOptions.defaults());
  }

  /**
   * A context for a request, with the default options.
   *
   * @throws NotWebSocketOverHttpException when the request is not WebSocket-over-HTTP (answer 400)
   */
  public static WebSocketContext from(WebSocketRequest request) {
    return from(request, WebSocketOptions.defaults());
  }

  /**
   * A context for a request. The request must be a POST with content type
   * {@code application/websocket-events} (parameters ignored), carry a {@code Connection-Id}, and
   * have a well-formed events body within the limits.
   *
   * @throws NotWebSocketOverHttpException when it is not (answer 400 with the message)
   */
  public static WebSocketContext from(WebSocketRequest request, WebSocketOptions options) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(options, "options");
    if (!"POST".equalsIgnoreCase(request.method())) {
      throw new NotWebSocketOverHttpException("method " + clip(request.method()) + ", expected POST");
    }
    Optional<String> contentType = request.header(CONTENT_TYPE_HEADER);
    if (contentType.isEmpty()) {
      throw new NotWebSocketOverHttpException("no Content-Type header, expected " + WebSocketEvents.CONTENT_TYPE);
    }
    String mediaType = contentType.get();
    int semicolon = mediaType.indexOf(';');
    mediaType = (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon)).trim();
    if (!mediaType.equalsIgnoreCase(WebSocketEvents.CONTENT_TYPE)) {
      throw new NotWebSocketOverHttpException(
          "Content-Type is \"" + clip(contentType.get()) + "\", expected " + WebSocketEvents.CONTENT_TYPE);
    }
    String connectionId = request.header(CONNECTION_ID_HEADER).map(String::trim).orElse("");
    if (connectionId.isEmpty()) {
      throw new NotWebSocketOverHttpException(
          "no Connection-Id header (a GRIP proxy sends one with every WebSocket-over-HTTP request)");
    }
    List<WebSocketEvent> events;
    try {
      events = WebSocketEvents.decode(request.body(), options.limits());
    } catch (WebSocketEventException e) {
      throw new NotWebSocketOverHttpException(e.getMessage(), e);
    }
    return new WebSocketContext(request, options, connectionId, events);
  }

  private static boolean offersGrip(WebSocketRequest request) {
    for (String value : request.headerValues(EXTENSIONS_HEADER)) {
      for (String extension : value.split(",")) {
        int semicolon = extension.indexOf(';');
        String name = (semicolon < 0 ? extension : extension.substring(0, semicolon)).trim();
        if (name.equalsIgnoreCase(GRIP_EXTENSION)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String clip(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }

  // ---------------------------------------------------------------- the request

  /** The connection's id: a UUID that stays the same for the connection's whole life. */
  public String connectionId() {
    return connectionId;
  }

  /** The request this context was made from. */
  public WebSocketRequest request() {
    return request;
  }

  /** The options in use. */
  public WebSocketOptions options() {
    return options;
  }

  /** All query parameters of the client's WebSocket URL. */
  public Map<String, List<String>> queryParameters() {
    return request.queryParameters();
  }

  /** The first value of a query parameter of the client's WebSocket URL, e.g. {@code channel}. */
  public Optional<String> queryParameter(String name) {
    return request.queryParameter(name);
  }

  /** The events of the request, in order, including those already received. */
  public List<WebSocketEvent> incomingEvents() {
    return incoming;
  }

  /**
   * True when GRIP mode is in use: the proxy offers the {@code grip} extension and the options
   * allow it. On later requests of a connection this assumes the opening request was accepted by a
   * context with the same options (which takes the extension).
   */
  public boolean isGripMode() {
    return gripMode;
  }

  /** True when this is the first request of a new connection (its first event is OPEN). */
  public boolean isOpening() {
    return !incoming.isEmpty() && incoming.get(0).type() == WebSocketEvent.Type.OPEN;
  }

  /**
   * The connection meta, as sent by the proxy in {@code Meta-*} headers (stored earlier with
   * {@link #setMeta}), with this request's changes applied. Names are in lower case (header names
   * are case-insensitive).
   */
  public Map<String, String> meta() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(meta));
  }

  /** One connection meta value (name in any case), with this request's changes applied. */
  public Optional<String> meta(String name) {
    return Optional.ofNullable(meta.get(name.toLowerCase(Locale.ROOT)));
  }

  // ---------------------------------------------------------------- receiving

  /**
   * True when {@link #receive()} has something to return: a message, or the client's close or
   * disconnect. False once a close or disconnect has been received.
   */
  public boolean canReceive() {
    if (clientClose != null || disconnected) {
      return false;
    }
    for (int i = readIndex; i < incoming.size(); i++) {
      switch (incoming.get(i).type()) {
        case TEXT:
        case BINARY:
        case CLOSE:
        case DISCONNECT:
          return true;
        default:
          break;
      }
    }
    return false;
  }

  /**
   * The next message of the client: {@link Content.Text} or {@link Content.Binary}. Returns null
   * when the client closed the connection (a CLOSE event: see {@link #closeCode()}) or it dropped
   * (a DISCONNECT event: see {@link #isDisconnected()}); answer a close with {@link #close()}.
   * PING and PONG events are skipped (pings are answered automatically, see the class comment).
   *
   * @throws NoSuchElementException when nothing is left: check {@link #canReceive()} first
   */
  public Content receive() {
    if (clientClose != null || disconnected) {
      throw new NoSuchElementException("the client already closed the connection in this request; nothing more to receive");
    }
    while (readIndex < incoming.size()) {
      WebSocketEvent e = incoming.get(readIndex++);
      switch (e.type()) {
        case TEXT:
          return Content.text(((WebSocketEvent.Text) e).text());
        case BINARY:
          return new Content.Binary(((WebSocketEvent.Binary) e).unsafeBytes());
        case CLOSE:
          clientClose = (WebSocketEvent.Close) e;
          return null;
        case DISCONNECT:
          disconnected = true;
          return null;
        default:
          break; // OPEN, PING, PONG
      }
    }
    throw new NoSuchElementException("no message left in this request: check canReceive() before receive()");
  }

  /**
   * The close code the client sent, once {@link #receive()} has returned null for its CLOSE;
   * 1005 ({@link WebSocketEvent.Close#NO_STATUS}) when its close frame had no code. Empty before.
   */
  public OptionalInt closeCode() {
    return clientClose == null ? OptionalInt.empty() : OptionalInt.of(clientClose.code());
  }

  /** The close reason the client sent ("" for none, or before a close was received). */
  public String closeReason() {
    return clientClose == null ? "" : clientClose.reason();
  }

  /**
   * True once {@link #receive()} has returned null for a DISCONNECT: the connection dropped
   * without a close handshake, and nothing sent now reaches the client.
   */
  public boolean isDisconnected() {
    return disconnected;
  }

  // ---------------------------------------------------------------- opening

  /**
   * Accepts the new connection: the response starts with OPEN and, in GRIP mode, takes the
   * {@code grip} extension. May be called before or after queuing messages: OPEN always goes first.
   *
   * @throws IllegalStateException when this is not the opening request, or it was rejected
   */
  public void accept() {
    if (!isOpening()) {
      throw new IllegalStateException("accept() applies only to the opening request (isOpening() is false)");
    }
    if (rejection != null) {
      throw new IllegalStateException("the connection was already rejected with reject(..)");
    }
    accepted = true;
  }

  /** True once {@link #accept()} was called. */
  public boolean isAccepted() {
    return accepted;
  }

  /**
   * Refuses the new connection: the proxy passes this status and message to the client as the
   * handshake's answer.
   *
   * @param status an HTTP error status, 400-599
   * @param message a plain-text body
   * @throws IllegalStateException when this is not the opening request, or it was accepted
   */
  public void reject(int status, String message) {
    if (!isOpening()) {
      throw new IllegalStateException("reject(..) applies only to the opening request; close() an open connection instead");
    }
    if (accepted) {
      throw new IllegalStateException("the connection was already accepted with accept()");
    }
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("reject status must be an HTTP error status (400-599), but was " + status);
    }
    rejection = WebSocketResponse.plain(status, Objects.requireNonNull(message, "message"));
  }

  // ---------------------------------------------------------------- sending

  /** Sends a text message (with the message prefix in GRIP mode). */
  public void send(String text) {
    Objects.requireNonNull(text, "text must not be null");
    checkCanSend("send");
    if (gripMode) {
      if (options.messagePrefix().isEmpty() && text.startsWith(ControlMessages.PREFIX)) {
        throw new IllegalArgumentException(
            "with an empty message prefix, text starting with \"c:\" would be taken for a control message; use a prefix");
      }
      outgoing.add(new WebSocketEvent.Text(options.messagePrefix() + text));
    } else {
      outgoing.add(new WebSocketEvent.Text(text));
    }
  }

  /** Sends a binary message (with the message prefix's bytes in GRIP mode); the bytes are copied. */
  public void send(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes must not be null");
    checkCanSend("send");
    if (gripMode) {
      byte[] prefix = options.messagePrefix().getBytes(StandardCharsets.UTF_8);
      byte[] content = new byte[prefix.length + bytes.length];
      System.arraycopy(prefix, 0, content, 0, prefix.length);
      System.arraycopy(bytes, 0, content, prefix.length, bytes.length);
      outgoing.add(new WebSocketEvent.Binary(content));
    } else {
      outgoing.add(new WebSocketEvent.Binary(bytes));
    }
  }

  /** Sends text or binary content, as {@link #send(String)} or {@link #send(byte[])}. */
  public void send(Content content) {
    Objects.requireNonNull(content, "content must not be null");
    if (content instanceof Content.Text t) {
      send(t.value());
    } else {
      send(content.toBytes());
    }
  }

  /** Sends a ping frame without content. */
  public void ping() {
    ping(new byte[0]);
  }

  /** Sends a ping frame (at most 125 bytes of content, a WebSocket control-frame limit). */
  public void ping(byte[] content) {
    checkControlFrame(content, "ping");
    checkCanSend("ping");
    outgoing.add(new WebSocketEvent.Ping(content));
  }

  /** Sends a pong frame without content. */
  public void pong() {
    pong(new byte[0]);
  }

  /** Sends a pong frame (at most 125 bytes of content). */
  public void pong(byte[] content) {
    checkControlFrame(content, "pong");
    checkCanSend("pong");
    outgoing.add(new WebSocketEvent.Pong(content));
  }

  private static void checkControlFrame(byte[] content, String what) {
    Objects.requireNonNull(content, what + " content must not be null (use new byte[0])");
    if (content.length > 125) {
      throw new IllegalArgumentException(what + " content is " + content.length + " bytes; WebSocket allows at most 125");
    }
  }

  /** Closes the connection with code 1000 (normal closure). Nothing can be sent after it. */
  public void close() {
    close(WebSocketEvent.Close.NORMAL, "");
  }

  /**
   * Closes the connection with a code and a reason. Nothing can be sent after it.
   *
   * @param code 1000 (normal), another registered code (1001-3999) or 4000-4999 for your
   *     application; never 0, 1004, 1005, 1006 or 1015
   * @param reason a reason of at most 123 UTF-8 bytes, "" for none
   */
  public void close(int code, String reason) {
    Objects.requireNonNull(reason, "reason must not be null (use \"\" for none)");
    if (code == WebSocketEvent.Close.NO_STATUS) {
      throw new IllegalArgumentException("close code 1005 means \"no code\" and cannot be sent; use close() for a normal close (1000)");
    }
    CloseCodes.checkSendable(code, reason);
    checkCanSend("close");
    outgoing.add(new WebSocketEvent.Close(code, reason));
    closeSent = true;
  }

  /** Asks the proxy to drop the connection at once, without a close handshake. */
  public void disconnect() {
    checkCanSend("disconnect");
    outgoing.add(WebSocketEvent.disconnect());
    disconnectSent = true;
  }

  private void checkCanSend(String what) {
    if (rejection != null) {
      throw new IllegalStateException("cannot " + what + ": the connection was rejected with reject(..)");
    }
    if (closeSent) {
      throw new IllegalStateException("cannot " + what + " after close(): the close is the last event of the response");
    }
    if (disconnectSent) {
      throw new IllegalStateException("cannot " + what + " after disconnect()");
    }
  }

  // ---------------------------------------------------------------- GRIP control messages

  /** Subscribes the connection to a channel (the channel prefix of the options is put first). */
  public void subscribe(String channel) {
    subscribe(channel, List.of());
  }

  /**
   * Subscribes the connection to a channel with subscription filters, e.g. {@code skip-self}
   * (which also needs {@link #setFilterMeta setFilterMeta("user", ..)} and a publish meta
   * {@code sender}). Pushpin allows 20 channels per connection.
   */
  public void subscribe(String channel, List<String> filters) {
    Objects.requireNonNull(filters, "filters must not be null (use List.of())");
    for (String f : filters) {
      if (f == null || f.isBlank()) {
        throw new IllegalArgumentException("filter names must not be null or blank: " + filters);
      }
    }
    control(ControlMessages.subscribe(channelName(channel), List.copyOf(filters)), "subscribe");
  }

  /** Unsubscribes the connection from a channel. */
  public void unsubscribe(String channel) {
    control(ControlMessages.unsubscribe(channelName(channel)), "unsubscribe");
  }

  /**
   * Detaches the backend: the proxy stops forwarding the client's messages (they are discarded),
   * while the client stays connected and keeps receiving what is published to its channels.
   */
  public void detach() {
    control(ControlMessages.detach(), "detach");
  }

  /**
   * Sets subscriber meta for filters (for example {@code user}, read by {@code skip-self}). This
   * is not the connection meta of {@link #setMeta}: the two are separate stores, and filters see
   * only this one.
   */
  public void setFilterMeta(String name, String value) {
    Objects.requireNonNull(value, "value must not be null (use removeFilterMeta to remove)");
    control(ControlMessages.setMeta(filterMetaName(name), value), "setFilterMeta");
  }

  /** Removes subscriber meta for filters. */
  public void removeFilterMeta(String name) {
    control(ControlMessages.setMeta(filterMetaName(name), null), "removeFilterMeta");
  }

  private static String filterMetaName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("filter meta name must not be empty");
    }
    return name;
  }

  /**
   * Has the proxy send {@code text} to the client as a text frame after {@code timeoutSeconds} of
   * silence, again and again (the content is sent as it is, without the message prefix).
   */
  public void keepAlive(String text, int timeoutSeconds) {
    keepAlive(Content.text(Objects.requireNonNull(text, "text")), null, timeoutSeconds, KeepAliveMode.IDLE);
  }

  /**
   * Has the proxy send a keep-alive message to the client.
   *
   * @param content what to send: text goes as {@code content}, bytes as {@code content-bin}
   * @param messageType the frame type, or null for the content's own (text or binary)
   * @param timeoutSeconds the idle time (IDLE) or period (INTERVAL), at least 1
   * @param mode IDLE: after that much silence; INTERVAL: every period
   */
  public void keepAlive(Content content, WsType messageType, int timeoutSeconds, KeepAliveMode mode) {
    Objects.requireNonNull(content, "content must not be null (use stopKeepAlive() to turn it off)");
    Objects.requireNonNull(mode, "mode");
    if (timeoutSeconds < 1) {
      throw new IllegalArgumentException("keep-alive timeout must be at least 1 second, but was " + timeoutSeconds);
    }
    WsType type = messageType != null ? messageType : (content instanceof Content.Text ? WsType.TEXT : WsType.BINARY);
    control(ControlMessages.keepAlive(content, type, timeoutSeconds, mode), "keepAlive");
  }

  /** Turns the keep-alive off. */
  public void stopKeepAlive() {
    control(ControlMessages.keepAlive(null, null, 0, null), "stopKeepAlive");
  }

  private String channelName(String channel) {
    Objects.requireNonNull(channel, "channel");
    if (channel.isEmpty()) {
      throw new IllegalArgumentException("channel must not be empty");
    }
    return options.channelPrefix() + channel;
  }

  private void control(String message, String what) {
    if (!gripMode) {
      throw new IllegalStateException(
          what + " needs GRIP mode, but "
              + (options.grip()
                  ? "the proxy did not offer the grip extension (no 'Sec-WebSocket-Extensions: grip' request header):"
                      + " control messages would reach the client as text. Route the WebSocket through a GRIP proxy"
                      + " (Pushpin with over_http, Fastly Fanout)"
                  : "WebSocketOptions.grip is off"));
    }
    checkCanSend(what);
    outgoing.add(new WebSocketEvent.Text(message));
  }

  // ---------------------------------------------------------------- response headers

  /**
   * Stores connection meta: the proxy keeps it and sends it back as a {@code Meta-<name>} header
   * on every later request of this connection. Filters do not see it: for subscriber meta use
   * {@link #setFilterMeta}. An empty value removes the entry.
   *
   * @param name a header-name token (letters, digits, {@code -} ...), case-insensitive
   * @param value printable ASCII without leading or trailing spaces (it travels in a header)
   */
  public void setMeta(String name, String value) {
    checkMetaName(name);
    Objects.requireNonNull(value, "value must not be null (use removeMeta to remove)");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c > 0x7e) {
        throw new IllegalArgumentException(
            "meta " + name + " value has a character that cannot travel in a header at index " + i
                + " (use printable ASCII; encode other text, e.g. with URL or base64 encoding)");
      }
    }
    if (!value.equals(value.strip())) {
      throw new IllegalArgumentException("meta " + name + " value must not start or end with whitespace (headers drop it)");
    }
    String key = name.toLowerCase(Locale.ROOT);
    if (value.isEmpty()) {
      meta.remove(key);
    } else {
      meta.put(key, value);
    }
    touchedMeta.remove(key);
    touchedMeta.put(key, name);
  }

  /** Removes connection meta (an empty {@code Set-Meta-<name>} header). */
  public void removeMeta(String name) {
    setMeta(name, "");
  }

  private static void checkMetaName(String name) {
    Objects.requireNonNull(name, "meta name must not be null");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("meta name must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isTokenChar(name.charAt(i))) {
        throw new IllegalArgumentException(
            "meta name \"" + name + "\" has an invalid character at index " + i
                + " (it becomes part of a header name: use letters, digits and !#$%&'*+-.^_`|~)");
      }
    }
  }

  static boolean isTokenChar(char c) {
    return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }

  /**
   * Asks the proxy to send a request at least every {@code seconds}, even without client activity
   * ({@code Keep-Alive-Interval}). Pushpin raises values under 20 to 20.
   */
  public void setKeepAliveInterval(int seconds) {
    if (seconds < 1) {
      throw new IllegalArgumentException("keep-alive interval must be at least 1 second, but was " + seconds);
    }
    keepAliveInterval = seconds;
  }

  /**
   * Adds a header to the response. On the opening response the proxy passes such headers to the
   * client in its {@code 101 Switching Protocols} answer (for example
   * {@code Sec-WebSocket-Protocol}); on later responses they are ignored. The headers this class
   * writes itself are refused: use the method for each.
   */
  public void responseHeader(String name, String value) {
    Objects.requireNonNull(name, "header name");
    Objects.requireNonNull(value, "header value");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("header name must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isTokenChar(name.charAt(i))) {
        throw new IllegalArgumentException("header name \"" + name + "\" has an invalid character at index " + i);
      }
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException("header " + name + " has a CR, LF or NUL in its value at index " + i);
      }
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("content-type") || lower.equals("content-length")) {
      throw new IllegalArgumentException(name + " is set by the context (it must be exactly " + WebSocketEvents.CONTENT_TYPE + ")");
    }
    if (lower.equals(EXTENSIONS_HEADER.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(name + " is set by accept() (GRIP mode); see WebSocketOptions");
    }
    if (lower.startsWith(SET_META_PREFIX.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(name + ": use setMeta(..)");
    }
    if (lower.equals(KEEP_ALIVE_INTERVAL_HEADER.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(name + ": use setKeepAliveInterval(..)");
    }
    extraHeaders.put(name, value);
  }

  // ---------------------------------------------------------------- the response

  /**
   * The events the response will carry, in order: OPEN (when accepting), automatic PONGs, then
   * what the handler queued. Empty for a rejected connection.
   */
  public List<WebSocketEvent> outgoingEvents() {
    if (rejection != null) {
      return List.of();
    }
    List<WebSocketEvent> events = new ArrayList<>(outgoing.size() + autoPongs.size() + 1);
    if (accepted) {
      events.add(WebSocketEvent.open());
    }
    events.addAll(autoPongs);
    events.addAll(outgoing);
    return Collections.unmodifiableList(events);
  }

  /**
   * The response to send: status 200, {@code Content-Type: application/websocket-events} (exactly),
   * {@code Sec-WebSocket-Extensions: grip} when accepting in GRIP mode, {@code Set-Meta-*} for
   * changed meta, {@code Keep-Alive-Interval} when set, the added headers, and the encoded events.
   * For a rejected connection: the rejection's status and message. May be called more than once.
   *
   * @throws IllegalStateException when the opening request was neither accepted nor rejected (and
   *     no keep-alive interval was set), or the events exceed the body limit
   */
  public WebSocketResponse toResponse() {
    if (rejection != null) {
      return rejection;
    }
    if (isOpening() && !accepted && keepAliveInterval == null) {
      throw new IllegalStateException(
          "the opening request was neither accepted nor rejected: call accept() to open the connection,"
              + " or reject(status, message) to refuse it");
    }
    byte[] body = WebSocketEvents.encode(outgoingEvents());
    if (body.length > options.limits().maxBodySize()) {
      throw new IllegalStateException(
          "the response events are " + body.length + " bytes, over the limit of " + options.limits().maxBodySize()
              + " bytes (Pushpin refuses WebSocket-over-HTTP response bodies over 1,000,000 bytes): send less per"
              + " request, or publish large content to a channel");
    }
    LinkedHashMap<String, String> headers = new LinkedHashMap<>();
    headers.put(CONTENT_TYPE_HEADER, WebSocketEvents.CONTENT_TYPE);
    if (accepted && gripMode) {
      headers.put(EXTENSIONS_HEADER, gripExtension());
    }
    touchedMeta.forEach((key, spelling) -> {
      String now = meta.get(key);
      if (!Objects.equals(now, originalMeta.get(key))) {
        headers.put(SET_META_PREFIX + spelling, now == null ? "" : now);
      }
    });
    if (keepAliveInterval != null) {
      headers.put(KEEP_ALIVE_INTERVAL_HEADER, Integer.toString(keepAliveInterval));
    }
    headers.putAll(extraHeaders);
    return new WebSocketResponse(200, headers, body);
  }

  private String gripExtension() {
    String prefix = options.messagePrefix();
    if (prefix.equals(WebSocketOptions.DEFAULT_MESSAGE_PREFIX)) {
      return GRIP_EXTENSION;
    }
    return GRIP_EXTENSION + "; " + MESSAGE_PREFIX_PARAM + "=\"" + prefix + "\"";
  }

  @Override
  public String toString() {
    return "WebSocketContext[connectionId=" + connectionId + ", opening=" + isOpening() + ", grip=" + gripMode
        + ", incoming=" + incoming.size() + " events, outgoing=" + outgoing.size() + " events]";
  }
}
