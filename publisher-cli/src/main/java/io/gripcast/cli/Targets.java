package io.gripcast.cli;

import io.gripcast.auth.Auth;
import io.gripcast.config.Endpoint;
import io.gripcast.config.GripConfigException;
import io.gripcast.config.GripUrl;
import io.gripcast.config.ZmqEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Where a command publishes: the {@code --spec}/{@code --grip-url} values, else {@code GRIP_URL}
 * (with {@code GRIP_VERIFY_KEY}), else {@code http://localhost:5561}; parsed by publisher-core's
 * {@link GripUrl}, with {@code -u} applied on top.
 */
final class Targets {
  private Targets() {}

  static final String DEFAULT_SPEC = "http://localhost:5561";

  /**
   * The parsed endpoints, and how to name each one in a message (never with a secret); and the
   * ZeroMQ specs ({@code tcp://}, {@code ipc://}), for the commands that publish to them.
   */
  record Prepared(List<Endpoint> endpoints, List<String> labels, List<ZmqEndpoint> zmq) {
    Prepared(List<Endpoint> endpoints, List<String> labels) {
      this(endpoints, labels, List.of());
    }
  }


  /** {@link #prepare(List, String, String, CliContext, Consumer)} without {@code -B}. */
  static Prepared prepare(List<String> specs, String user, CliContext ctx, Consumer<String> warn) {
    return prepare(specs, user, null, ctx, warn);
  }

  /**
   * @param specs --spec values (may be empty)
   * @param user -u's {@code user:pass}, or null
   * @param bearer -B's token, or null
   * @param warn receives each endpoint's configuration warnings, one line each
   * @throws CliException 78 for a URL gripcast cannot publish to, 64 for a malformed -u or -B, or both
   */
  static Prepared prepare(List<String> specs, String user, String bearer, CliContext ctx, Consumer<String> warn) {
    return prepare(specs, user, bearer, false, ctx, warn);
  }

  /**
   * Like {@link #prepare(List, String, String, CliContext, Consumer)}; with {@code zmqAllowed}
   * (publish), a {@code tcp://} or {@code ipc://} spec is a ZeroMQ PUSH endpoint, as pushpin-publish
   * takes it.
   */
  static Prepared prepare(List<String> specs, String user, String bearer, boolean zmqAllowed, CliContext ctx,
      Consumer<String> warn) {
    if (user != null && bearer != null) {
      throw CliException.usage("-u and -B both set the Authorization header: give one of them");
    }
    List<Endpoint> endpoints = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<ZmqEndpoint> zmq = new ArrayList<>();
    if (specs.isEmpty()) {
      String env = ctx.env(GripUrl.ENV_GRIP_URL);
      if (env != null && zmqAllowed && ZmqEndpoint.isZmqSpec(env)) {
        zmq.add(zmq("GRIP_URL " + redact(env), env.strip(), user, bearer));
      } else if (env != null) {
        String label = "GRIP_URL " + redact(env);
        rejectZeroMq(env, label);
        Endpoint e;
        try {
          e = GripUrl.fromEnvironment(ctx.envMap());
        } catch (GripConfigException ex) {
          throw bad(label, ex);
        }
        add(endpoints, labels, e, label, user, bearer, warn);
      } else {
        add(endpoints, labels, GripUrl.parse(DEFAULT_SPEC), DEFAULT_SPEC, user, bearer, warn);
      }
    } else {
      for (int i = 0; i < specs.size(); i++) {
        String spec = specs.get(i).strip();
        String label = (specs.size() > 1 ? "--spec #" + (i + 1) + " " : "--spec ") + redact(spec);
        if (zmqAllowed && ZmqEndpoint.isZmqSpec(spec)) {
          zmq.add(zmq(label, spec, user, bearer));
          continue;
        }
        rejectZeroMq(spec, label);
        Endpoint e;
        try {
          e = GripUrl.parse(spec);
        } catch (GripConfigException ex) {
          throw bad(label, ex);
        }
        add(endpoints, labels, e, label, user, bearer, warn);
      }
    }
    return new Prepared(List.copyOf(endpoints), List.copyOf(labels), List.copyOf(zmq));
  }

  /** A ZeroMQ spec as pushpin-publish reads it: a PUSH to Pushpin's push_in_spec. */
  private static ZmqEndpoint zmq(String label, String spec, String user, String bearer) {
    if (user != null || bearer != null) {
      throw CliException.usage((user != null ? "-u" : "-B") + " does not apply to " + label
          + ": ZeroMQ has no authentication; give credentials only with an http(s) GRIP URL");
    }
    try {
      return ZmqEndpoint.push(spec);
    } catch (GripConfigException ex) {
      throw CliException.config(label + " is not a usable ZeroMQ spec: " + Errors.oneLine(ex.getMessage()), ex);
    }
  }

  private static void add(List<Endpoint> endpoints, List<String> labels, Endpoint e, String label, String user,
      String bearer, Consumer<String> warn) {
    if (user != null) {
      e = withBasic(e, user, label, warn);
    }
    if (bearer != null) {
      e = withBearer(e, bearer, label, warn);
    }
    for (String w : e.warnings()) {
      warn.accept(label + ": " + w);
    }
    endpoints.add(e);
    labels.add(label);
  }

  private static CliException bad(String label, GripConfigException ex) {
    return CliException.config(label + " is not a usable GRIP URL: " + Errors.oneLine(ex.getMessage()), ex);
  }

  /** A ZeroMQ spec where only a GRIP URL makes sense (url, token): say so, and what to use. */
  private static void rejectZeroMq(String spec, String label) {
    String lower = spec.toLowerCase(Locale.ROOT);
    if (lower.startsWith("tcp://") || lower.startsWith("ipc://")) {
      throw CliException.config(label + " is a ZeroMQ spec, which only `gripcast publish` takes; here give the"
          + " proxy's HTTP control URI, e.g. " + DEFAULT_SPEC, null);
    }
  }

  /**
   * {@code -u user:pass} as Basic auth, replacing what the GRIP URL says. Like pushpin-publish it
   * refuses to send the password in clear text, but allows a loopback address (a local proxy, a test).
   */
  private static Endpoint withBasic(Endpoint e, String user, String label, Consumer<String> warn) {
    int colon = user.indexOf(':');
    if (colon <= 0) {
      throw CliException.usage("-u must be user:pass, with a colon (the value is not shown)");
    }
    String host = e.publishUri().getHost();
    if ("http".equalsIgnoreCase(e.publishUri().getScheme()) && !loopback(host)) {
      throw CliException.config("refusing to send -u credentials in clear text to " + label
          + "; use an https:// GRIP URL (plain http is allowed only to a loopback address)", null);
    }
    if (!(e.auth() instanceof Auth.None)) {
      warn.accept(label + ": -u replaces the credentials in the GRIP URL");
    }
    Auth basic;
    try {
      basic = Auth.basic(user.substring(0, colon), user.substring(colon + 1));
    } catch (IllegalArgumentException ex) {
      throw CliException.usage("-u is not usable: " + ex.getMessage());
    }
    return e.withAuth(basic);
  }

  /**
   * {@code -B token} as {@code Authorization: Bearer}, replacing what the GRIP URL says; refused
   * in clear text like {@code -u} (pushpin-publish allows it over https only). The token is never
   * shown.
   */
  private static Endpoint withBearer(Endpoint e, String token, String label, Consumer<String> warn) {
    String host = e.publishUri().getHost();
    if ("http".equalsIgnoreCase(e.publishUri().getScheme()) && !loopback(host)) {
      throw CliException.config("refusing to send the -B token in clear text to " + label
          + "; use an https:// GRIP URL (plain http is allowed only to a loopback address)", null);
    }
    Auth auth;
    try {
      auth = Auth.bearer(token);
    } catch (IllegalArgumentException ex) {
      throw CliException.usage("-B is not usable: " + ex.getMessage() + " (the value is not shown)");
    }
    if (!(e.auth() instanceof Auth.None)) {
      warn.accept(label + ": -B replaces the credentials in the GRIP URL");
    }
    return e.withAuth(auth);
  }

  static boolean loopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
  }

  /** How an endpoint authenticates, for --dry-run and url: the kind, never the secret. */
  static String describeAuth(Auth auth) {
    if (auth instanceof Auth.Jwt) {
      Auth.Jwt jwt = (Auth.Jwt) auth;
      return "JWT (HS256, iss=" + jwt.issuer() + ", key " + jwt.key().length() + " bytes"
          + (jwt.isWeakKey() ? ", weak" : "") + ")";
    }
    if (auth instanceof Auth.Bearer) {
      return "Bearer token (" + ((Auth.Bearer) auth).token().length() + " bytes)";
    }
    if (auth instanceof Auth.Basic) {
      return "Basic (user " + ((Auth.Basic) auth).user() + ")";
    }
    return "none";
  }

  /** The Authorization header as --dry-run shows it: scheme kept, credentials hidden. */
  static String authorizationLine(Auth auth) {
    if (auth instanceof Auth.Jwt) {
      return "Authorization: Bearer <JWT, iss=" + ((Auth.Jwt) auth).issuer() + ">";
    }
    if (auth instanceof Auth.Bearer) {
      return "Authorization: Bearer ***";
    }
    if (auth instanceof Auth.Basic) {
      return "Authorization: Basic *** (user " + ((Auth.Basic) auth).user() + ")";
    }
    return null;
  }

  /**
   * A URL as typed, with its password and keys replaced by {@code ***}: for naming a URL that did
   * not parse (a parsed one has {@link Endpoint#redacted()}). Core decides what is secret.
   */
  static String redact(String url) {
    return GripUrl.redact(url);
  }
}
