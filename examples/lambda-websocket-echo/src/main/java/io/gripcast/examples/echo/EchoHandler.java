package io.gripcast.examples.echo;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.gripcast.auth.GripSigResult;
import io.gripcast.auth.GripSigVerifier;
import io.gripcast.config.GripUrl;
import io.gripcast.item.Content;
import io.gripcast.lambda.LambdaWebSockets;
import io.gripcast.ws.NotWebSocketOverHttpException;
import io.gripcast.ws.WebSocketContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A WebSocket echo as an AWS Lambda behind API Gateway and a GRIP proxy (Pushpin with
 * {@code over_http}, Fastly Fanout). Every message a client sends comes back to it; every
 * connection is also subscribed to the channel named by its URL's {@code channel} query parameter
 * ({@value #DEFAULT_CHANNEL} by default), so items published there reach it too.
 *
 * <p>One convention on top of the echo: a text message {@code close:<code>} or
 * {@code close:<code>:<reason>}, with a code from 4000 to 4999, makes the handler close the
 * connection with that code and reason instead of echoing it. Any other message, including a
 * {@code close:} one that does not fit, is echoed as it is.
 *
 * <p>Grip-Sig: when {@code GRIP_VERIFY_KEY} is set, or {@code GRIP_URL} carries {@code verify-key}
 * (or JWT credentials), every request must carry a valid {@code Grip-Sig} from the proxy; an opening
 * request without one is refused with 403, a later one drops the connection. Off otherwise.
 *
 * <p>Handler string for Lambda: {@code io.gripcast.examples.echo.EchoHandler::handleRequest}.
 */
public final class EchoHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  /** The channel of connections whose URL has no {@code channel} parameter. */
  public static final String DEFAULT_CHANNEL = "echo";

  private static final String CLOSE_COMMAND = "close:";

  private final Optional<GripSigVerifier> verifier;

  /** The handler Lambda creates: Grip-Sig is checked when the environment configures a key. */
  public EchoHandler() {
    this(verifierFromEnvironment(System.getenv()));
    SnapStartPriming.register(this); // SnapStart: prime the request path before the snapshot
  }

  /** A handler that checks Grip-Sig with {@code verifier}, or not at all when it is empty. */
  public EchoHandler(Optional<GripSigVerifier> verifier) {
    this.verifier = Objects.requireNonNull(verifier, "verifier (use Optional.empty() to turn the check off)");
    verifier.filter(GripSigVerifier::usesPushpinDefaultKey).ifPresent(v -> System.err.println(
        "EchoHandler: WARNING: Grip-Sig is checked with Pushpin's default key, which anyone can sign with;"
            + " set a secret sig_key in Pushpin and the same GRIP_VERIFY_KEY here"));
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> event, Context lambda) {
    WebSocketContext ws;
    try {
      ws = LambdaWebSockets.context(event);
    } catch (NotWebSocketOverHttpException e) {
      return LambdaWebSockets.badRequest(e.getMessage());   // 400 "Not a WebSocket-over-HTTP request: ..."
    }
    if (!signatureAccepted(ws)) {
      return LambdaWebSockets.response(ws);                  // 403 on opening, else the connection is dropped
    }
    if (ws.isOpening() && !open(ws)) {                       // accept, subscribe to ?channel= (default "echo")
      return LambdaWebSockets.response(ws);                  // 400: no GRIP proxy, or an empty channel
    }
    while (ws.canReceive()) {
      Content message = ws.receive();
      if (message == null) {                                 // the client closed: answer with 1000 and stop
        ws.close();
        break;
      }
      if (closeCommand(ws, message)) {                       // "close:4002:bye"
        break;
      }
      ws.send(message);                                      // back to the sender, as text or binary
    }
    return LambdaWebSockets.response(ws);
  }

  /** Accepts the new connection and subscribes it to its channel; false when it was refused instead. */
  private static boolean open(WebSocketContext ws) {
    if (!ws.isGripMode()) {
      ws.reject(400, "this echo subscribes each connection to a channel, which needs a GRIP proxy:"
          + " connect through Pushpin (route option over_http) or Fastly Fanout");
      return false;
    }
    String channel = ws.queryParameter("channel").orElse(DEFAULT_CHANNEL);
    if (channel.isEmpty()) {
      ws.reject(400, "the channel query parameter is empty: give a channel name (?channel=room1) or leave it out"
          + " for the default channel '" + DEFAULT_CHANNEL + "'");
      return false;
    }
    ws.accept();
    ws.subscribe(channel);
    return true;
  }

  /**
   * Closes the connection when {@code message} is {@code close:<code>[:<reason>]} with a code in
   * 4000-4999 and a reason of at most 123 UTF-8 bytes.
   */
  private static boolean closeCommand(WebSocketContext ws, Content message) {
    if (!(message instanceof Content.Text text) || !text.value().startsWith(CLOSE_COMMAND)) {
      return false;
    }
    String rest = text.value().substring(CLOSE_COMMAND.length());
    int colon = rest.indexOf(':');
    String digits = colon < 0 ? rest : rest.substring(0, colon);
    String reason = colon < 0 ? "" : rest.substring(colon + 1);
    if (digits.length() != 4 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
        || reason.getBytes(StandardCharsets.UTF_8).length > 123) {
      return false;
    }
    int code = Integer.parseInt(digits);
    if (code < 4000 || code > 4999) {
      return false;
    }
    ws.close(code, reason);
    return true;
  }

  /** True when Grip-Sig is not checked, or valid; otherwise refuses the request in {@code ws}. */
  private boolean signatureAccepted(WebSocketContext ws) {
    if (verifier.isEmpty()) {
      return true;
    }
    GripSigResult result = verifier.get().verify(ws.request().header("Grip-Sig").orElse(null));
    if (result.isValid()) {
      return true;
    }
    if (ws.isOpening()) {
      // the proxy hands this to the client as the handshake's answer
      ws.reject(403, "Grip-Sig refused (" + result.status() + "): " + result.detail());
    } else {
      // an established connection cannot be answered with an error status: drop it
      ws.disconnect();
    }
    return false;
  }

  /**
   * The Grip-Sig verifier the environment configures: {@code GRIP_URL} with {@code verify-key} (or
   * {@code GRIP_VERIFY_KEY}, merged in), and {@code verify-iss} when given; or {@code GRIP_VERIFY_KEY}
   * alone. Empty when neither gives a key.
   *
   * @throws io.gripcast.config.GripConfigException when a variable is set but invalid (names the
   *     variable and the problem, never the key)
   */
  public static Optional<GripSigVerifier> verifierFromEnvironment(Map<String, String> env) {
    String gripUrl = env.get(GripUrl.ENV_GRIP_URL);
    if (gripUrl != null && !gripUrl.isBlank()) {
      return GripSigVerifier.forEndpoint(GripUrl.fromEnvironment(env));
    }
    String key = env.get(GripUrl.ENV_GRIP_VERIFY_KEY);
    if (key != null && !key.isBlank()) {
      return Optional.of(GripSigVerifier.of(key.strip()));
    }
    return Optional.empty();
  }

  /** How Grip-Sig is checked: "off", or the verifier's description (never the key). */
  public String signatureCheck() {
    return verifier.map(GripSigVerifier::toString).orElse("off");
  }

  @Override
  public String toString() {
    return "EchoHandler[defaultChannel=" + DEFAULT_CHANNEL + ", gripSig=" + signatureCheck() + "]";
  }
}
