package io.gripcast.internal.auth;

import io.gripcast.auth.Auth;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The {@code Authorization} header value to send with each publish, for one {@link Auth}.
 *
 * <p>Bearer and Basic values are computed once. A JWT is minted on first use and reused until
 * shortly before it expires, so the hot path is one volatile read and one clock read: no minting
 * per request and no lock. When the token is due, a thread that sees it mints a fresh one; two
 * threads racing there both mint a valid token and the last write wins, which is harmless and
 * cheaper than making every caller wait on a lock.
 *
 * <p>Refresh margin: a token is replaced once less than {@code max(ttl/5, 30 s)} of its life
 * remains, but never later than half-way (so very short TTLs still get reused). With the default
 * 10 minute TTL a token is used for 8 minutes and has 2 minutes left when replaced, which absorbs
 * clock skew with the proxy, slow requests and retries.
 *
 * <p>Not API: the publisher calls it. Thread-safe.
 */
public final class AuthorizationHeaders {
  /** js-grip's token lifetime. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

  private static final Duration MIN_MARGIN = Duration.ofSeconds(30);

  private final Auth auth;
  private final Duration ttl;
  private final Duration margin;
  private final Clock clock;
  private final String fixed; // Bearer/Basic value; null for None and Jwt
  private final Auth.Jwt jwt; // null unless Jwt
  private volatile Minted current;

  /** A minted JWT header value and when to replace it. No toString: it holds a credential. */
  private static final class Minted {
    final String header;
    final Instant refreshAt;

    Minted(String header, Instant refreshAt) {
      this.header = header;
      this.refreshAt = refreshAt;
    }
  }

  /** Default TTL (10 minutes), system UTC clock. */
  public AuthorizationHeaders(Auth auth) {
    this(auth, DEFAULT_TTL, Clock.systemUTC());
  }

  /**
   * @param auth the credentials
   * @param ttl lifetime of minted JWTs, at least 2 seconds (only used for {@link Auth.Jwt})
   * @param clock time source for minting and refreshing
   */
  public AuthorizationHeaders(Auth auth, Duration ttl, Clock clock) {
    this.auth = Objects.requireNonNull(auth, "auth is required but was null (use Auth.none())");
    this.ttl = Objects.requireNonNull(ttl, "ttl is required but was null");
    this.clock = Objects.requireNonNull(clock, "clock is required but was null");
    if (ttl.compareTo(Duration.ofSeconds(2)) < 0) {
      throw new IllegalArgumentException("JWT ttl must be at least 2 seconds: " + ttl);
    }
    this.margin = margin(ttl);
    if (auth instanceof Auth.Jwt j) {
      this.jwt = j;
      this.fixed = null;
    } else {
      this.jwt = null;
      this.fixed = fixedValue(auth);
    }
  }

  /** How long before {@code exp} a token is replaced: max(ttl/5, 30 s), at most ttl/2. */
  static Duration margin(Duration ttl) {
    Duration m = ttl.dividedBy(5);
    if (m.compareTo(MIN_MARGIN) < 0) {
      m = MIN_MARGIN;
    }
    Duration half = ttl.dividedBy(2);
    return m.compareTo(half) > 0 ? half : m;
  }

  private static String fixedValue(Auth auth) {
    if (auth instanceof Auth.Bearer bearer) {
      return "Bearer " + AuthAccess.utf8(bearer.token());
    }
    if (auth instanceof Auth.Basic basic) {
      byte[] user = basic.user().getBytes(StandardCharsets.UTF_8);
      byte[] pass = AuthAccess.bytes(basic.password());
      byte[] both = new byte[user.length + 1 + pass.length];
      System.arraycopy(user, 0, both, 0, user.length);
      both[user.length] = ':';
      System.arraycopy(pass, 0, both, user.length + 1, pass.length);
      String value = "Basic " + Base64.getEncoder().encodeToString(both);
      Arrays.fill(pass, (byte) 0);
      Arrays.fill(both, (byte) 0);
      return value;
    }
    return null; // None
  }

  /** The header value, or null when no {@code Authorization} header should be sent. */
  public String value() {
    if (jwt == null) {
      return fixed;
    }
    Instant now = clock.instant();
    Minted m = current;
    if (m != null && now.isBefore(m.refreshAt)) {
      return m.header;
    }
    Instant exp = AuthAccess.expiresAt(now, ttl);
    Minted fresh = new Minted("Bearer " + AuthAccess.mint(jwt, now, ttl), exp.minus(margin));
    current = fresh;
    return fresh.header;
  }

  /** The auth kind and TTL; never a credential. */
  @Override
  public String toString() {
    return "AuthorizationHeaders[" + auth.getClass().getSimpleName()
        + (jwt != null ? ", ttl=" + ttl + ", refreshMargin=" + margin : "") + "]";
  }
}
