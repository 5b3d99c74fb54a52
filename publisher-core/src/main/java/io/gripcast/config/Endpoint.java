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
 *
 * @param controlUri the control URI: scheme, host, port and base path (one trailing {@code /}
 *     stripped), without userinfo, without {@code iss}/{@code key}/{@code verify-iss}/{@code
 *     verify-key}, with every other query parameter kept as written
 * @param publishUri where items are POSTed: the control path plus {@code /publish/}, followed by
 *     the leftover query string if there is one (see {@link #hasExtraQuery()})
 * @param auth how to authenticate publishes ({@link Auth.None} for a plain Pushpin)
 * @param verifyIssuer expected {@code iss} of {@code Grip-Sig} tokens from the proxy
 *     ({@code verify-iss}); not used for publishing
 * @param verifyKey the key that checks {@code Grip-Sig} ({@code verify-key} or {@code
 *     GRIP_VERIFY_KEY}), exactly as given: a secret, {@code base64:...}, a PEM public key or a JWK;
 *     not used for publishing
 * @param params the query parameters other than the four above, decoded, in URL order; they are
 *     part of {@code controlUri} and {@code publishUri}
 * @param warnings things that parse but are probably not what was meant (credentials ignored
 *     because of precedence, a query string on the publish URL, a weak JWT key, ...); never
 *     contain secrets. The library logs nothing, so callers (the CLI) decide whether to print them
 */
public record Endpoint(
    URI controlUri,
    URI publishUri,
    Auth auth,
    Optional<String> verifyIssuer,
    Optional<Secret> verifyKey,
    Map<String, String> params,
    List<String> warnings) {

  public Endpoint {
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
    // Map.copyOf would lose the URL order, which the redacted display keeps
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    warnings = List.copyOf(warnings);
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
        + "]";
  }
}
