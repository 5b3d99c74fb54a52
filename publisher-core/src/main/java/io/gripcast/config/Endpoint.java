package io.gripcast.config;

import io.gripcast.auth.Auth;
import io.gripcast.auth.Secret;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One GRIP service to publish to, as parsed from a GRIP URL by {@link GripUrl#parse(String)}.
 * Immutable; {@link #withAuth(Auth)} gives a copy with other credentials.
 */
public final class Endpoint {
  private final URI controlUri;
  private final URI publishUri;
  private final Auth auth;
  private final Optional<String> verifyIssuer;
  private final Optional<Secret> verifyKey;
  private final Map<String, String> params;
  private final List<String> warnings;
  private final int maxBodyBytes; // 0: the publisher's

  Endpoint(
      URI controlUri,
      URI publishUri,
      Auth auth,
      Optional<String> verifyIssuer,
      Optional<Secret> verifyKey,
      Map<String, String> params,
      List<String> warnings) {
    this(controlUri, publishUri, auth, verifyIssuer, verifyKey, params, warnings, 0);
  }

  private Endpoint(
      URI controlUri,
      URI publishUri,
      Auth auth,
      Optional<String> verifyIssuer,
      Optional<Secret> verifyKey,
      Map<String, String> params,
      List<String> warnings,
      int maxBodyBytes) {
    Objects.requireNonNull(controlUri, "controlUri is required but was null");
    Objects.requireNonNull(publishUri, "publishUri is required but was null");
    Objects.requireNonNull(auth, "auth is required but was null (use Auth.none())");
    Objects.requireNonNull(verifyIssuer, "verifyIssuer is required but was null (use Optional.empty())");
    Objects.requireNonNull(verifyKey, "verifyKey is required but was null (use Optional.empty())");
    Objects.requireNonNull(params, "params is required but was null (use Map.of())");
    Objects.requireNonNull(warnings, "warnings is required but was null (use List.of())");
    requireHttp(controlUri, "controlUri");
    requireHttp(publishUri, "publishUri");
    if (controlUri.getRawUserInfo() != null || publishUri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "controlUri and publishUri must not carry userinfo: put credentials in auth (Auth.basic)");
    }
    this.controlUri = controlUri;
    this.publishUri = publishUri;
    this.auth = auth;
    this.verifyIssuer = verifyIssuer;
    this.verifyKey = verifyKey;
    // Map.copyOf would lose the URL order, which the redacted display keeps
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    this.warnings = List.copyOf(warnings);
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * This endpoint with other credentials, e.g. the CLI's {@code -u user:password}. The warnings
   * stay as they were.
   */
  public Endpoint withAuth(Auth newAuth) {
    return new Endpoint(controlUri, publishUri, newAuth, verifyIssuer, verifyKey, params, warnings, maxBodyBytes);
  }

  /**
   * This endpoint with its own publish body limit: the publisher splits the items it sends here
   * into request bodies of at most {@code bytes} bytes, whatever
   * {@code Publisher.Builder.maxBodyBytes} says for the other endpoints. For a service whose limit
   * is lower than Pushpin's 1,000,000 bytes ({@link Fanout#endpoint} sets
   * {@link Fanout#MAX_BODY_BYTES}).
   *
   * @throws IllegalArgumentException when {@code bytes} is under 64
   */
  public Endpoint withMaxBodyBytes(int bytes) {
    if (bytes < 64) {
      throw new IllegalArgumentException("maxBodyBytes must be at least 64, but was " + bytes);
    }
    return new Endpoint(controlUri, publishUri, auth, verifyIssuer, verifyKey, params, warnings, bytes);
  }

  /** This endpoint's own body limit ({@link #withMaxBodyBytes}), or empty: the publisher's {@code maxBodyBytes}. */
  public java.util.OptionalInt maxBodyBytes() {
    return maxBodyBytes == 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(maxBodyBytes);
  }

  /**
   * The control URI: scheme, host, port and base path (one trailing {@code /} stripped), without
   * userinfo, without {@code iss}/{@code key}/{@code verify-iss}/{@code verify-key}, with every
   * other query parameter kept as written.
   */
  public URI controlUri() {
    return controlUri;
  }

  /**
   * Where items are POSTed: the control path plus {@code /publish/}, followed by the leftover query
   * string if there is one (see {@link #hasExtraQuery()}). May hold credential-like extra
   * parameters: print {@link GripUrl#redact(String)} of it, never the URI itself.
   */
  public URI publishUri() {
    return publishUri;
  }

  /** How to authenticate publishes ({@link Auth.None} for a plain Pushpin). */
  public Auth auth() {
    return auth;
  }

  /** Expected {@code iss} of {@code Grip-Sig} tokens from the proxy ({@code verify-iss}); not used for publishing. */
  public Optional<String> verifyIssuer() {
    return verifyIssuer;
  }

  /**
   * The key that checks {@code Grip-Sig} ({@code verify-key} or {@code GRIP_VERIFY_KEY}), exactly
   * as given: a secret, {@code base64:...}, a PEM public key or a JWK; not used for publishing.
   */
  public Optional<Secret> verifyKey() {
    return verifyKey;
  }

  /** The query parameters other than the four GRIP ones, decoded, in URL order; part of both URIs. */
  public Map<String, String> params() {
    return params;
  }

  /**
   * Things that parse but are probably not what was meant (credentials ignored because of
   * precedence, a query string on the publish URL, a weak JWT key, ...); never contain secrets. The
   * library logs nothing, so callers (the CLI) decide whether to print them.
   */
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Endpoint e && controlUri.equals(e.controlUri) && publishUri.equals(e.publishUri)
        && auth.equals(e.auth) && verifyIssuer.equals(e.verifyIssuer) && verifyKey.equals(e.verifyKey)
        && params.equals(e.params) && warnings.equals(e.warnings) && maxBodyBytes == e.maxBodyBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(controlUri, publishUri, auth, verifyIssuer, verifyKey, params, warnings, maxBodyBytes);
  }

  private static void requireHttp(URI uri, String field) {
    String scheme = uri.getScheme();
    if (!uri.isAbsolute() || uri.getHost() == null
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      throw new IllegalArgumentException(field + " must be an absolute http or https URI with a host");
    }
  }

  /**
   * True when query parameters other than the GRIP ones remain, so the publish URL ends in
   * {@code /publish/?...}. Pushpin answers 404 to such a URL (it compares the whole request URI with
   * {@code /publish}); keep them only for a service or a fronting proxy that needs them.
   */
  public boolean hasExtraQuery() {
    return publishUri.getRawQuery() != null;
  }

  /**
   * The endpoint as a URL with every secret replaced by {@code ***}: the password, {@code key},
   * {@code verify-key} and other parameters named like credentials. Safe to print (e.g. by {@code gripcast url}). It shows the configuration in
   * effect: GRIP parameters come first, in a fixed order, then the other parameters as written.
   */
  public String redacted() {
    StringBuilder sb = new StringBuilder();
    sb.append(controlUri.getScheme()).append("://");
    if (auth instanceof Auth.Basic basic) {
      sb.append(UriText.encodeComponent(basic.user())).append(":***@");
    }
    sb.append(controlUri.getRawAuthority()).append(controlUri.getRawPath() == null ? "" : controlUri.getRawPath());
    StringBuilder query = new StringBuilder();
    if (auth instanceof Auth.Jwt jwt) {
      appendParam(query, GripUrl.ISS, UriText.encodeComponent(jwt.issuer()));
      appendParam(query, GripUrl.KEY, "***");
    } else if (auth instanceof Auth.Bearer) {
      appendParam(query, GripUrl.KEY, "***");
    }
    verifyIssuer.ifPresent(v -> appendParam(query, GripUrl.VERIFY_ISS, UriText.encodeComponent(v)));
    verifyKey.ifPresent(v -> appendParam(query, GripUrl.VERIFY_KEY, "***"));
    String rest = controlUri.getRawQuery();
    if (rest != null) {
      appendParam(query, Redaction.query(rest), null);
    }
    if (query.length() > 0) {
      sb.append('?').append(query);
    }
    return sb.toString();
  }

  private static void appendParam(StringBuilder query, String name, String value) {
    if (query.length() > 0) {
      query.append('&');
    }
    query.append(name);
    if (value != null) {
      query.append('=').append(value);
    }
  }

  /** Redacted: shows {@link #redacted()}, the publish URI and the auth kind, never a secret. */
  @Override
  public String toString() {
    return "Endpoint[" + redacted()
        + ", publishUri=" + Redaction.urlText(publishUri.toString())
        + ", auth=" + auth
        + ", verifyIssuer=" + verifyIssuer.orElse("(none)")
        + ", verifyKey=" + (verifyKey.isPresent() ? "***" : "(none)")
        + ", params=" + params.keySet()
        + ", warnings=" + warnings.size()
        + (maxBodyBytes == 0 ? "" : ", maxBodyBytes=" + maxBodyBytes)
        + "]";
  }
}
