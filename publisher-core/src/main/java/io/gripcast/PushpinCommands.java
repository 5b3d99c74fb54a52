package io.gripcast;

import io.gripcast.config.ZmqEndpoint;
import io.gripcast.internal.ZmqCommand;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Pushpin's command socket ({@code command_spec}, default {@code tcp://127.0.0.1:5563}), for what
 * Pushpin 1.36 offers only there. Immutable and thread-safe; each call opens its own short-lived
 * ZeroMQ socket, so there is nothing to close. Needs {@code org.zeromq:jeromq} on the class path.
 *
 * <p>{@link #refreshChannel(String)} is Pushpin's {@code refresh}: every WebSocket-over-HTTP
 * connection subscribed to the channel makes a new request to your backend at once, instead of
 * waiting for the next client message or keep-alive, so the backend can answer with new
 * instructions (subscribe, unsubscribe, messages) for each connection. Pushpin 1.38 added the same
 * as a publish action ({@code "action":"refresh"} on a ws-message item); 1.36 answers 400 to that,
 * so gripcast does not offer it as an item.
 *
 * <pre>{@code
 * PushpinCommands pushpin = PushpinCommands.connect("tcp://127.0.0.1:5563");
 * pushpin.refreshChannel("room-42");
 * }</pre>
 */
public final class PushpinCommands {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
  private final String spec;
  private final Duration timeout;

  private PushpinCommands(String spec, Duration timeout) {
    this.spec = spec;
    this.timeout = timeout;
  }

  /**
   * The command socket at {@code spec} ({@code tcp://host:port}), with a 20 s timeout per command.
   * Pushpin's handler answers a refresh only after handing it to its proxy for each connection in
   * turn, and waits up to 10 s for each of those (its {@code PROXY_RPC_TIMEOUT}); a shorter default
   * would report a failure for a refresh that Pushpin then completes.
   */
  public static PushpinCommands connect(String spec) {
    return connect(spec, DEFAULT_TIMEOUT);
  }

  /**
   * The command socket at {@code spec} ({@code tcp://host:port}).
   *
   * @param timeout how long a command waits for Pushpin's answer
   * @throws io.gripcast.config.GripConfigException when {@code spec} is not {@code tcp://host:port}
   *     ({@code ipc://} is refused here)
   * @throws IllegalStateException naming the jar when JeroMQ is missing
   */
  public static PushpinCommands connect(String spec, Duration timeout) {
    String checked = ZmqEndpoint.push(spec).spec(); // the same rules as any ZeroMQ spec
    if (checked.startsWith("ipc://")) {
      throw new io.gripcast.config.GripConfigException("scheme", "the command socket is reached over tcp:// only"
          + " (gripcast's own ipc:// client speaks PUSH and PUB, not the command socket's request/reply);"
          + " set Pushpin's command_spec to tcp://127.0.0.1:PORT and connect there");
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("timeout must be positive and under 24 days, but was " + timeout);
    }
    ZmqCommand.checkJeroMq();
    return new PushpinCommands(checked, timeout);
  }

  /**
   * Makes every WebSocket-over-HTTP connection subscribed to {@code channel} send a request to the
   * backend now. Returns once Pushpin has accepted the command.
   *
   * Waits at most the timeout: half of it for an answer on one socket, the rest on a second socket
   * with the same command, so a connection that lost the command does not fail the call; a
   * connection may therefore rarely be refreshed twice.
   *
   * @throws GripException when Pushpin refused it (its condition in the message) or did not answer in time
   */
  public void refreshChannel(String channel) {
    call("refresh", Map.of("channel", Objects.requireNonNull(channel, "channel")));
  }

  /** Like {@link #refreshChannel(String)} for one connection, by the connection id Pushpin gave the backend. */
  public void refreshConnection(String connectionId) {
    call("refresh", Map.of("cid", Objects.requireNonNull(connectionId, "connectionId")));
  }

  private void call(String method, Map<String, ?> args) {
    // Two tries on fresh sockets, each with half the timeout: in gripcast's full test suite a refresh
    // twice got no answer at all on a command socket Pushpin had bound (cause not found; docs/scaling.md).
    // Sending a refresh twice costs at most one extra backend request per connection.
    int half = (int) Math.max(1, timeout.toMillis() / 2);
    ZmqCommand.Reply reply = ZmqCommand.call(spec, method, args, half);
    if (reply == null) {
      reply = ZmqCommand.call(spec, method, args, (int) Math.max(1, timeout.toMillis() - half));
    }
    if (reply == null) {
      throw new GripException("Pushpin's command socket " + spec + " did not answer " + method + " within "
          + timeout.toMillis() + " ms: is Pushpin running, and is that its command_spec?");
    }
    if (!reply.success()) {
      throw new GripException("Pushpin refused " + method + ": " + reply.condition()
          + (reply.value() == null ? "" : " (" + reply.value() + ")"));
    }
  }

  @Override
  public String toString() {
    return "PushpinCommands[" + spec + "]";
  }
}
