package io.gripcast.config;

import io.gripcast.auth.Auth;
import io.gripcast.auth.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Parses GRIP URLs (a.k.a. {@code GRIP_URL}, control URIs) into {@link Endpoint}s.
 *
 * <p>Form: {@code http[s]://[user:pass@]host[:port][/base/path][?iss=..&key=..&verify-iss=..&verify-key=..&other=..]}.
 *
 * <ul>
 *   <li>{@code iss}: JWT issuer; its presence selects JWT auth signed with {@code key}.
 *   <li>{@code key}: the JWT signing key when {@code iss} is given, otherwise a bearer token (Fastly's
 *       API token). {@code base64:<b64>} stands for the decoded bytes.
 *   <li>{@code verify-iss}, {@code verify-key}: check {@code Grip-Sig} on requests from the proxy
 *       (see {@link io.gripcast.auth.GripSigVerifier}); not used for publishing.
 *   <li>{@code user:pass@}: Basic auth.
 *   <li>any other parameter: kept, in the control URI and in the publish URI.
 * </ul>
 *
 * <p>Auth precedence when several are present (js-grip's order): JWT ({@code iss}), then Bearer
 * ({@code key}), then Basic (userinfo); whatever loses is reported in {@link Endpoint#warnings()}.
 *
 * <p>Decoding: the query is split on {@code &} and {@code =} and each part is percent-decoded as
 * UTF-8, but {@code '+'} stays a literal plus. Base64 keys are full of {@code '+'}, and form-style
 * decoding (as in js-grip) silently turns them into spaces. Encoders should still write {@code %2B}.
 *
 * <p>Publish URL: the base path with one trailing {@code /} stripped, then {@code /publish/}; Fastly
 * requires that trailing slash. Leftover query parameters are kept on it as {@code
 * .../publish/?foo=1}, like js-grip, because a service or a fronting proxy may need them; but Pushpin
 * answers 404 to any query on its publish path, so {@link Endpoint#hasExtraQuery()} and a warning
 * flag it.
 *
 * <p>All failures are {@link GripConfigException}s naming the bad part, without any secret.
 */
public final class GripUrl {
  /** Query parameter: JWT issuer. */
  public static final String ISS = "iss";
  /** Query parameter: JWT key or bearer token. */
  public static final String KEY = "key";
  /** Query parameter: expected issuer of Grip-Sig. */
  public static final String VERIFY_ISS = "verify-iss";
  /** Query parameter: key that checks Grip-Sig. */
  public static final String VERIFY_KEY = "verify-key";
  /** Environment variable holding the GRIP URL. */
  public static final String ENV_GRIP_URL = "GRIP_URL";
  /** Environment variable holding a verify key (merged in as {@code verify-key}); handy for a JWK. */
  public static final String ENV_GRIP_VERIFY_KEY = "GRIP_VERIFY_KEY";

  private static final Set<String> GRIP_PARAMS = Set.of(ISS, KEY, VERIFY_ISS, VERIFY_KEY);
  private static final String FASTLY_API_HOST = "api.fastly.com";
  private static final String EXAMPLES = "e.g. http://localhost:5561 for a local Pushpin, or"
      + " https://api.fastly.com/service/<SERVICE_ID>?key=<API_TOKEN> for Fastly";

  private GripUrl() {}

  /**
   * URL text as typed, safe to print even when it does not parse: the userinfo, {@code key},
   * {@code verify-key} and parameters named like credentials ({@code token}, {@code password},
   * {@code secret}, ...) are replaced by {@code ***}. A parsed endpoint has
   * {@link Endpoint#redacted()}, which masks the same things.
   */
  public static String redact(String url) {
    return url == null ? null : Redaction.urlText(url);
  }

  /** Parses a GRIP URL. */
  public static Endpoint parse(String url) {
    return parse(url, Map.of(), "the extra parameters");
  }

  /**
   * Parses a GRIP URL and merges GRIP parameters given outside it (js-grip's {@code parseGripUri(uri,
   * additional)}), typically {@code verify-key} from {@code GRIP_VERIFY_KEY}: a JWK is awkward to
   * percent-encode into a URL. Values are taken literally (no percent-decoding). Only {@code iss},
   * {@code key}, {@code verify-iss} and {@code verify-key} may be given, and not also in the URL.
   */
  public static Endpoint parse(String url, Map<String, String> extra) {
    return parse(url, extra, "the extra parameters");
  }

  /**
   * Reads {@code GRIP_URL} (required) and {@code GRIP_VERIFY_KEY} (optional, merged in as {@code
   * verify-key}) from {@code env}, e.g. {@code System.getenv()}. Empty values count as unset.
   */
  public static Endpoint fromEnvironment(Map<String, String> env) {
    Objects.requireNonNull(env, "env is required but was null (pass System.getenv())");
    String url = env.get(ENV_GRIP_URL);
    if (url == null || url.isBlank()) {
      throw new GripConfigException(ENV_GRIP_URL,
          ENV_GRIP_URL + " is not set: set it to the GRIP proxy's control URL, " + EXAMPLES);
    }
    String verifyKey = env.get(ENV_GRIP_VERIFY_KEY);
    Map<String, String> extra = verifyKey == null || verifyKey.isBlank()
        ? Map.of()
        : Map.of(VERIFY_KEY, verifyKey.strip());
    return parse(url, extra, ENV_GRIP_VERIFY_KEY);
  }

  private static Endpoint parse(String url, Map<String, String> extra, String extraSource) {
    Objects.requireNonNull(extra, "extra is required but was null (use Map.of())");
    if (url == null || url.isBlank()) {
      throw new GripConfigException("url", "the GRIP URL is empty: give the proxy's control URL, " + EXAMPLES);
    }
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      // e.getMessage() quotes the whole input, secrets included: use only the reason and index
      String part = partAt(url.strip(), e.getIndex());
      String hint = e.getReason().startsWith("Malformed escape pair")
          ? "a '%' must be followed by two hex digits (write a literal '%' as %25)"
          : "percent-encode spaces, quotes, braces and other special characters in parameter values, or pass"
              + " a JWK verify key through " + ENV_GRIP_VERIFY_KEY + " instead of the URL";
      throw new GripConfigException(part, "the GRIP URL is not a valid URI (" + e.getReason()
          + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "") + (part.equals("url") ? "" : ", in the " + part)
          + "): " + hint);
    }
    String scheme = checkScheme(uri);
    if (uri.getRawFragment() != null) {
      throw new GripConfigException("fragment", "the GRIP URL has a '#' fragment, which a GRIP URL cannot"
          + " use: remove it, or if a parameter value contains '#', write it as %23");
    }
    String host = checkHost(uri);
    String authority = uri.getPort() == -1 ? host : host + ":" + uri.getPort();

    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }

    Parsed q = parseQuery(uri.getRawQuery());
    for (Map.Entry<String, String> e : extra.entrySet()) {
      String name = e.getKey();
      if (name == null || !GRIP_PARAMS.contains(name)) {
        throw new GripConfigException("extra parameter '" + name + "'", "only " + GRIP_PARAMS
            + " can be given outside the URL; put other parameters in the URL's query");
      }
      if (e.getValue() == null) {
        throw new GripConfigException("extra parameter '" + name + "'", name + " from " + extraSource
            + " is null: omit it instead");
      }
      if (q.grip.containsKey(name)) {
        throw new GripConfigException(paramPart(name), name + " is given twice, in the URL and in "
            + extraSource + ": keep only one");
      }
      q.grip.put(name, e.getValue());
    }

    String iss = nonEmpty(q.grip.get(ISS), ISS);
    String keyText = nonEmpty(q.grip.get(KEY), KEY);
    String verifyIss = nonEmpty(q.grip.get(VERIFY_ISS), VERIFY_ISS);
    String verifyKeyText = nonEmpty(q.grip.get(VERIFY_KEY), VERIFY_KEY);
    Secret key = keyText == null ? null : decodeKey(keyText, KEY);
    Secret verifyKey = null;
    if (verifyKeyText != null) {
      decodeKey(verifyKeyText, VERIFY_KEY); // fail early on bad base64; the verifier reads PEM and JWK
      verifyKey = Secret.ofUtf8(verifyKeyText);
    }

    List<String> warnings = new ArrayList<>();
    Auth auth = chooseAuth(iss, key, uri.getRawUserInfo(), warnings);

    String query = q.rawOther.isEmpty() ? null : String.join("&", q.rawOther);
    String base = scheme + "://" + authority + path;
    URI controlUri = URI.create(query == null ? base : base + "?" + query);
    URI publishUri = URI.create(base + "/publish/" + (query == null ? "" : "?" + query));

    warn(scheme, uri.getHost(), path, q, auth, verifyIss, verifyKey, warnings);
    return new Endpoint(controlUri, publishUri, auth, Optional.ofNullable(verifyIss),
        Optional.ofNullable(verifyKey), q.other, warnings);
  }

  /**
   * Which part of an unparsable URL the error index falls in, so the message can name it without
   * quoting anything: a query parameter (by name; names are not secrets), the userinfo, or else the
   * whole URL.
   */
  static String partAt(String s, int index) {
    if (index < 0 || index >= s.length()) {
      return "url";
    }
    int fragment = s.indexOf('#');
    int query = s.indexOf('?');
    if (fragment >= 0 && (query < 0 || fragment < query)) {
      query = -1; // a '?' after '#' belongs to the fragment
    }
    if (fragment >= 0 && index > fragment) {
      return "fragment";
    }
    if (query >= 0 && index > query) {
      int start = Math.max(s.lastIndexOf('&', index) + 1, query + 1);
      int end = s.indexOf('&', start);
      end = end < 0 ? (fragment > start ? fragment : s.length()) : end;
      int eq = s.indexOf('=', start);
      if (eq < 0 || eq >= end || index < eq) {
        return "query";
      }
      return "query parameter '" + s.substring(start, eq) + "'";
    }
    int scheme = s.indexOf("://");
    if (scheme >= 0 && index > scheme + 2) {
      int authorityEnd = s.length();
      for (char c : new char[] {'/', '?', '#'}) {
        int i = s.indexOf(c, scheme + 3);
        if (i >= 0 && i < authorityEnd) {
          authorityEnd = i;
        }
      }
      int at = s.lastIndexOf('@', authorityEnd - 1);
      if (index < authorityEnd) {
        return at > scheme && index < at ? "userinfo" : "host";
      }
      return "path";
    }
    return "url";
  }

  private static String checkScheme(URI uri) {
    String scheme = uri.getScheme();
    if (scheme == null) {
      throw new GripConfigException("scheme", "the GRIP URL has no scheme: start it with http:// or https://, "
          + EXAMPLES);
    }
    String lower = scheme.toLowerCase(Locale.ROOT);
    if (!lower.equals("http") && !lower.equals("https")) {
      // a scheme is letters, digits, '+', '-', '.': safe to show, and "localhost:5561" shows up here
      throw new GripConfigException("scheme", "scheme '" + scheme + "' is not supported: a GRIP URL starts"
          + " with http:// or https:// (for host:port, write http://host:port)");
    }
    if (uri.isOpaque()) {
      throw new GripConfigException("url", "the GRIP URL must have the form " + lower
          + "://host[:port][/path]: the '//' after '" + scheme + ":' is missing");
    }
    return lower;
  }

  private static String checkHost(URI uri) {
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      if (uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
        throw new GripConfigException("host", "the GRIP URL has no host: write http[s]://host[:port][/path], "
            + EXAMPLES);
      }
      throw new GripConfigException("host", "the GRIP URL's host or port is invalid: a host name may only"
          + " contain letters, digits, '-' and '.' ('_' is not allowed), an IPv6 address needs [brackets],"
          + " and the port must be a number");
    }
    int port = uri.getPort();
    if (port != -1 && (port < 1 || port > 65535)) {
      throw new GripConfigException("port", "port " + port + " is out of range: use 1 to 65535");
    }
    return host;
  }

  /** The result of splitting the query: GRIP parameters apart, the rest kept raw and decoded. */
  private static final class Parsed {
    final Map<String, String> grip = new LinkedHashMap<>();
    final Map<String, String> other = new LinkedHashMap<>();
    final List<String> rawOther = new ArrayList<>();
  }

  private static Parsed parseQuery(String rawQuery) {
    Parsed q = new Parsed();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return q;
    }
    for (String segment : rawQuery.split("&", -1)) {
      if (segment.isEmpty()) {
        continue; // "a=1&&b=2" or a trailing '&': nothing to keep
      }
      int eq = segment.indexOf('=');
      String rawName = eq < 0 ? segment : segment.substring(0, eq);
      String rawValue = eq < 0 ? "" : segment.substring(eq + 1);
      String name;
      try {
        name = UriText.decode(rawName);
      } catch (UriText.BadEncoding e) {
        // a parameter name is not a secret, but a value that lost its '=' could be: don't echo
        throw new GripConfigException("query", "a query parameter name has bad percent-encoding: "
            + e.getMessage());
      }
      if (name.isEmpty()) {
        throw new GripConfigException("query", "a query parameter has no name (a segment starts with '='):"
            + " write name=value");
      }
      String value;
      try {
        value = UriText.decode(rawValue);
      } catch (UriText.BadEncoding e) {
        throw new GripConfigException(paramPart(name), "the value of '" + name
            + "' has bad percent-encoding: " + e.getMessage());
      }
      if (q.grip.containsKey(name) || q.other.containsKey(name)) {
        throw new GripConfigException(paramPart(name), "query parameter '" + name
            + "' is given twice: keep only one (a GRIP URL's parameters must be unique)");
      }
      if (GRIP_PARAMS.contains(name)) {
        q.grip.put(name, value);
      } else {
        q.other.put(name, value);
        q.rawOther.add(segment); // kept exactly as written, so re-encoding cannot change it
      }
    }
    return q;
  }

  private static String nonEmpty(String value, String name) {
    if (value != null && value.isEmpty()) {
      throw new GripConfigException(paramPart(name), name + " is empty: give it a value or remove it");
    }
    return value;
  }

  private static Secret decodeKey(String text, String name) {
    try {
      return Secret.fromKeyText(text);
    } catch (IllegalArgumentException e) {
      throw new GripConfigException(paramPart(name), "the value of '" + name + "' " + e.getMessage());
    }
  }

  private static Auth chooseAuth(String iss, Secret key, String rawUserInfo, List<String> warnings) {
    Auth basic = rawUserInfo == null ? null : basic(rawUserInfo);
    if (iss != null) {
      if (key == null) {
        throw new GripConfigException(paramPart(ISS), "iss is given without key: JWT auth needs the signing"
            + " key too (add key=... or key=base64:...), or remove iss");
      }
      if (basic != null) {
        warnings.add("userinfo (Basic auth) is ignored: iss selects JWT auth, which takes precedence over Basic");
      }
      return new Auth.Jwt(iss, key);
    }
    if (key != null) {
      try {
        new Auth.Bearer(key); // the one place that knows what a bearer token may hold
      } catch (IllegalArgumentException e) {
        throw new GripConfigException(paramPart(KEY), "without iss, key is sent as a bearer token, which"
            + " must be visible ASCII (no spaces, control or non-ASCII bytes); add iss=... if key is a"
            + " JWT signing key");
      }
      if (basic != null) {
        warnings.add("userinfo (Basic auth) is ignored: key without iss selects Bearer auth, which takes"
            + " precedence over Basic");
      }
      return new Auth.Bearer(key);
    }
    return basic == null ? Auth.none() : basic;
  }

  private static Auth basic(String rawUserInfo) {
    if (rawUserInfo.isEmpty()) {
      throw new GripConfigException("userinfo", "the GRIP URL has an '@' with nothing before it: remove the"
          + " '@', or write user:password@host");
    }
    int colon = rawUserInfo.indexOf(':');
    String rawUser = colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon);
    String rawPass = colon < 0 ? "" : rawUserInfo.substring(colon + 1);
    String user;
    String pass;
    try {
      user = UriText.decode(rawUser);
    } catch (UriText.BadEncoding e) {
      throw new GripConfigException("userinfo", "the user name has bad percent-encoding: " + e.getMessage());
    }
    try {
      pass = UriText.decode(rawPass);
    } catch (UriText.BadEncoding e) {
      throw new GripConfigException("userinfo", "the password has bad percent-encoding: " + e.getMessage());
    }
    try {
      return new Auth.Basic(user, Secret.ofUtf8(pass));
    } catch (IllegalArgumentException e) {
      // Auth.Basic's messages name the rule, never the value
      throw new GripConfigException("userinfo", e.getMessage()
          + "; percent-encoding does not help here, since the decoded value is what is sent");
    }
  }

  private static void warn(String scheme, String host, String path, Parsed q, Auth auth, String verifyIss,
      Secret verifyKey, List<String> warnings) {
    if (!q.other.isEmpty()) {
      warnings.add("query parameters " + q.other.keySet() + " stay on the publish URL (.../publish/?...):"
          + " Pushpin answers 404 to a publish URL with a query string; remove them unless the service"
          + " or a proxy in front of it needs them");
    }
    if ((path + "/publish/").contains("//")) {
      warnings.add("the base path contains '//': Pushpin answers 404 to such publish paths; remove the"
          + " extra '/'");
    }
    if (auth instanceof Auth.Jwt jwt && jwt.isWeakKey()) {
      warnings.add("the JWT key is shorter than 256 bits: anyone who sees one token can guess it offline;"
          + " use at least 32 random bytes (key=base64:...)");
    }
    if (FASTLY_API_HOST.equalsIgnoreCase(host)) {
      if (auth instanceof Auth.Jwt) {
        warnings.add(FASTLY_API_HOST + " takes the API token as a bearer token, not a JWT: remove iss so"
            + " that key is sent as 'Authorization: Bearer <key>'");
      } else if (!(auth instanceof Auth.Bearer)) {
        warnings.add(FASTLY_API_HOST + " needs an API token: add key=<API_TOKEN>");
      }
    }
    if (scheme.equals("http") && !(auth instanceof Auth.None) && !isLoopback(host)) {
      warnings.add("credentials are sent over plain http to " + host + ": use https");
    }
    if (verifyIss != null && verifyKey == null && !(auth instanceof Auth.Jwt)) {
      warnings.add("verify-iss is set but there is no verify key, so Grip-Sig cannot be checked: add"
          + " verify-key or " + ENV_GRIP_VERIFY_KEY);
    }
  }

  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") || h.equals("[::1]");
  }

  private static String paramPart(String name) {
    return "query parameter '" + name + "'";
  }
}
