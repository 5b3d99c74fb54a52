package io.gripcast.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * One Pushpin ZeroMQ publish socket to send items to, instead of its HTTP control API. Immutable.
 *
 * <ul>
 *   <li>{@link #push(String)}: Pushpin's {@code push_in_spec} (a PULL socket, default
 *       {@code tcp://127.0.0.1:5560}). gripcast connects a PUSH socket and sends one item per
 *       message, the way {@code pushpin-publish --spec tcp://...} does. Give one instance's spec:
 *       PUSH hands each message to one peer only.
 *   <li>{@link #pub(String)}: Pushpin's {@code push_in_sub_specs} (a bound SUB socket, default
 *       {@code tcp://127.0.0.1:5562}). gripcast connects an XPUB socket and sends
 *       {@code [channel, item]} messages. Add one per instance of a cluster: every instance gets
 *       every item, and each reports its own result.
 * </ul>
 *
 * <p>What a ZeroMQ publish guarantees is less than HTTP's: see
 * {@link io.gripcast.Outcome#SENT} and docs/scaling.md. Needs {@code org.zeromq:jeromq} on the
 * class path (an optional dependency of gripcast).
 *
 * <p>Only {@code tcp://host:port} is accepted. {@code ipc://} is refused: JeroMQ, the pure-Java
 * ZeroMQ, emulates {@code ipc://} over loopback TCP, so it cannot reach the Unix socket of a
 * Pushpin (libzmq) {@code ipc://} spec; configure Pushpin with a {@code tcp://} spec instead.
 */
public final class ZmqEndpoint {

  /** Which Pushpin socket this endpoint talks to. */
  public enum Mode {
    /** PUSH to the instance's PULL {@code push_in_spec}. */
    PUSH,
    /** (X)PUB to the instance's SUB {@code push_in_sub_specs}. */
    PUB
  }

  private final Mode mode;
  private final String spec;

  private ZmqEndpoint(Mode mode, String spec) {
    this.mode = mode;
    this.spec = spec;
  }

  /**
   * A PUSH endpoint for the instance's {@code push_in_spec}.
   *
   * @throws GripConfigException when {@code spec} is not {@code tcp://host:port}
   */
  public static ZmqEndpoint push(String spec) {
    return new ZmqEndpoint(Mode.PUSH, check(spec));
  }

  /**
   * A PUB endpoint for the instance's {@code push_in_sub_specs} (Pushpin binding its SUB socket,
   * the default {@code push_in_sub_connect=false}).
   *
   * @throws GripConfigException when {@code spec} is not {@code tcp://host:port}
   */
  public static ZmqEndpoint pub(String spec) {
    return new ZmqEndpoint(Mode.PUB, check(spec));
  }

  /** Whether {@code text} is a ZeroMQ spec ({@code tcp://} or {@code ipc://}) rather than a GRIP URL. */
  public static boolean isZmqSpec(String text) {
    String lower = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    return lower.startsWith("tcp://") || lower.startsWith("ipc://");
  }

  private static String check(String spec) {
    Objects.requireNonNull(spec, "spec is required but was null");
    String s = spec.strip();
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith("ipc://")) {
      throw new GripConfigException("scheme", "ipc:// is not supported: JeroMQ (the pure-Java ZeroMQ gripcast"
          + " uses) emulates ipc:// over loopback TCP and cannot reach Pushpin's Unix socket; set Pushpin's"
          + " push_in_spec / push_in_sub_specs to tcp://127.0.0.1:PORT and publish there");
    }
    if (!lower.startsWith("tcp://")) {
      throw new GripConfigException("scheme", "a ZeroMQ spec must start with tcp://, like Pushpin's"
          + " push_in_spec tcp://127.0.0.1:5560");
    }
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw new GripConfigException("spec", "the ZeroMQ spec is not tcp://host:port (" + e.getReason() + ")");
    }
    if (uri.getHost() == null || uri.getPort() <= 0 || uri.getRawUserInfo() != null
        || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new GripConfigException("spec", "the ZeroMQ spec must be exactly tcp://host:port, with a port and"
          + " nothing after it, like tcp://127.0.0.1:5560");
    }
    return "tcp://" + uri.getRawAuthority();
  }

  /** PUSH or PUB. */
  public Mode mode() {
    return mode;
  }

  /** The ZeroMQ spec, {@code tcp://host:port}. Holds no secret. */
  public String spec() {
    return spec;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ZmqEndpoint z && mode == z.mode && spec.equals(z.spec);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, spec);
  }

  /** {@code zmq-push tcp://host:port} or {@code zmq-pub tcp://host:port}: how results name it. */
  @Override
  public String toString() {
    return (mode == Mode.PUSH ? "zmq-push " : "zmq-pub ") + spec;
  }
}
