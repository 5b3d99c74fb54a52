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
 * {@link io.gripcast.Outcome#SENT} and docs/scaling.md.
 *
 * <p>Specs, as Pushpin (libzmq) writes them:
 *
 * <ul>
 *   <li>{@code tcp://host:port}: sent with JeroMQ, the pure-Java ZeroMQ, which must be on the class
 *       path ({@code org.zeromq:jeromq}, an optional dependency of gripcast).
 *   <li>{@code ipc:///absolute/path} (or {@code ipc://relative/path}, relative to the working
 *       directory as libzmq resolves it): the Unix socket of a Pushpin {@code ipc://} spec, e.g.
 *       {@code push_in_spec=ipc://{rundir}/pushpin-push-in}. gripcast speaks ZMTP 3.0 (NULL
 *       mechanism) over it itself, since JeroMQ emulates {@code ipc://} over loopback TCP; this
 *       needs no JeroMQ. PUSH and PUB both work; the path must fit a Unix socket address (107
 *       bytes), and Linux abstract sockets ({@code ipc://@name}) are not supported.
 * </ul>
 *
 * <p>Both keep the same promises: the publish waits for a live connection (connecting and
 * reconnecting in the background), fails {@code UNAVAILABLE} after the call timeout without one,
 * and PUB counts the items sent to channels the instance had not subscribed to.
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
   * @throws GripConfigException when {@code spec} is not {@code tcp://host:port} or {@code ipc://path}
   */
  public static ZmqEndpoint push(String spec) {
    return new ZmqEndpoint(Mode.PUSH, check(spec));
  }

  /**
   * A PUB endpoint for the instance's {@code push_in_sub_specs} (Pushpin binding its SUB socket,
   * the default {@code push_in_sub_connect=false}).
   *
   * @throws GripConfigException when {@code spec} is not {@code tcp://host:port} or {@code ipc://path}
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
      return checkIpc(s.substring("ipc://".length()));
    }
    if (!lower.startsWith("tcp://")) {
      throw new GripConfigException("scheme", "a ZeroMQ spec must start with tcp:// or ipc://, like Pushpin's"
          + " push_in_spec tcp://127.0.0.1:5560 or ipc:///var/run/pushpin/pushpin-push-in");
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

  /** The Unix socket path of an ipc:// spec, checked as far as it can be before connecting. */
  private static String checkIpc(String path) {
    String example = "; give the socket file of Pushpin's spec, like ipc:///var/run/pushpin/pushpin-push-in";
    if (path.isEmpty()) {
      throw new GripConfigException("spec", "the ipc:// spec has no socket path" + example);
    }
    if (path.startsWith("@")) {
      throw new GripConfigException("spec", "ipc://@... is a Linux abstract socket, which Java cannot connect to;"
          + " configure Pushpin with a socket file (ipc:///path) or tcp://127.0.0.1:PORT");
    }
    if (path.equals("*") || path.indexOf('\0') >= 0) {
      throw new GripConfigException("spec", "the ipc:// spec is not a socket path" + example);
    }
    int bytes = path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > MAX_IPC_PATH_BYTES) {
      throw new GripConfigException("spec", "the ipc:// socket path is " + bytes + " bytes, but a Unix socket"
          + " address holds at most " + MAX_IPC_PATH_BYTES + "; use a shorter path (libzmq cannot bind it either)");
    }
    return "ipc://" + path;
  }

  /** sun_path is 108 bytes on Linux, with the terminating NUL. */
  private static final int MAX_IPC_PATH_BYTES = 107;

  /** PUSH or PUB. */
  public Mode mode() {
    return mode;
  }

  /** The ZeroMQ spec, {@code tcp://host:port} or {@code ipc://path}. Holds no secret. */
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

  /** {@code zmq-push SPEC} or {@code zmq-pub SPEC}, e.g. {@code zmq-push tcp://host:port}: how results name it. */
  @Override
  public String toString() {
    return (mode == Mode.PUSH ? "zmq-push " : "zmq-pub ") + spec;
  }
}
