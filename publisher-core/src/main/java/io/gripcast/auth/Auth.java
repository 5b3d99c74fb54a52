package io.gripcast.auth;

import io.jsonwebtoken.Jwts;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a publisher authenticates to the GRIP service: one of {@link None}, {@link Bearer},
 * {@link Basic} or {@link Jwt}.
 *
 * <p>From a GRIP URL (see {@link io.gripcast.config.GripUrl}) the kind is chosen in js-grip's order:
 * {@code iss} present means {@link Jwt} (signed with {@code key}); otherwise {@code key} means
 * {@link Bearer}; otherwise a {@code user:pass@} userinfo means {@link Basic}; otherwise
 * {@link None}. Pushpin itself checks no credentials at all; Fastly wants its API token as a bearer
 * token; JWT is for legacy Fanout Cloud realms and for proxies that check it.
 *
 * <p>Every value is immutable and prints its secrets as {@code ***}.
 */
public sealed interface Auth permits Auth.None, Auth.Bearer, Auth.Basic, Auth.Jwt {

  /** No {@code Authorization} header. */
  static None none() {
    return None.INSTANCE;
  }

  /** {@code Authorization: Bearer <token>}, e.g. a Fastly API token. */
  static Bearer bearer(String token) {
    Objects.requireNonNull(token, "bearer token is required but was null");
    return new Bearer(Secret.ofUtf8(token));
  }

  /** {@code Authorization: Basic base64(user:password)}, UTF-8. */
  static Basic basic(String user, String password) {
    Objects.requireNonNull(password, "basic auth password is required but was null (use \"\" for none)");
    return new Basic(user, Secret.ofUtf8(password));
  }

  /** A JWT (HS256, claims {@code iss} and {@code exp}) signed with the raw key bytes. */
  static Jwt jwt(String issuer, byte[] key) {
    Objects.requireNonNull(key, "JWT key is required but was null");
    return new Jwt(issuer, Secret.of(key));
  }

  /** A JWT (HS256) signed with the UTF-8 bytes of {@code key}, e.g. Pushpin's default {@code changeme}. */
  static Jwt jwt(String issuer, String key) {
    Objects.requireNonNull(key, "JWT key is required but was null");
    return new Jwt(issuer, Secret.ofUtf8(key));
  }

  /**
   * No authentication.
   *
   * <p>A record: its shape is fixed by the protocol.
   */
  record None() implements Auth {
    static final None INSTANCE = new None();

    @Override
    public String toString() {
      return "None";
    }
  }

  /**
   * A bearer token, sent as is. It must be visible ASCII (no spaces or control characters), since it
   * goes into a header verbatim.
   *
   * <p>A record: its shape is fixed by the protocol.
   */
  record Bearer(Secret token) implements Auth {
    public Bearer {
      Objects.requireNonNull(token, "bearer token is required but was null");
      if (token.isEmpty()) {
        throw new IllegalArgumentException("bearer token must not be empty");
      }
      for (byte b : token.bytes()) {
        if (b < 0x21 || b > 0x7e) {
          // never echo the token: it is the secret
          throw new IllegalArgumentException(
              "bearer token must be visible ASCII (no spaces, control or non-ASCII characters), "
                  + "since it is sent verbatim in the Authorization header");
        }
      }
    }
  }

  /**
   * HTTP Basic credentials. Per RFC 7617 the user may not contain {@code ':'}, and neither part may
   * contain control characters; both are encoded as UTF-8.
   *
   * <p>A record: its shape is fixed by the protocol.
   */
  record Basic(String user, Secret password) implements Auth {
    public Basic {
      Objects.requireNonNull(user, "basic auth user is required but was null");
      Objects.requireNonNull(password, "basic auth password is required but was null");
      if (user.indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "basic auth user must not contain ':' (RFC 7617): the first ':' separates user from password");
      }
      if (hasControl(user)) {
        throw new IllegalArgumentException("basic auth user must not contain control characters (RFC 7617)");
      }
      if (hasControl(password.revealUtf8())) {
        throw new IllegalArgumentException("basic auth password must not contain control characters (RFC 7617)");
      }
    }

    private static boolean hasControl(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 || c == 0x7f) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * A JWT signer: HS256 over the claims {@code {"iss": issuer, "exp": now + ttl}} (GRIP client
   * libraries' scheme, spec §2.2).
   *
   * <p>Short keys are accepted on purpose: Pushpin's shipped key is {@code changeme} (8 bytes), and
   * GRIP deployments use whatever key the proxy has. RFC 7518 asks for at least 256 bits for HS256,
   * and a shorter secret can be brute-forced offline from a single token; {@link #isWeakKey()} tells
   * callers so they can warn.
   *
   * <p>A record: its shape is fixed by the protocol.
   */
  record Jwt(String issuer, Secret key) implements Auth {
    /** RFC 7518 §3.2: an HS256 key should have at least 256 bits. */
    public static final int MIN_STRONG_KEY_BYTES = 32;

    public Jwt {
      Objects.requireNonNull(issuer, "JWT issuer (iss) is required but was null");
      Objects.requireNonNull(key, "JWT key is required but was null");
      if (issuer.isEmpty()) {
        throw new IllegalArgumentException("JWT issuer (iss) must not be empty");
      }
      if (key.isEmpty()) {
        throw new IllegalArgumentException("JWT key must not be empty: HMAC needs at least one key byte");
      }
    }

    /**
     * True when the key is shorter than 256 bits. Such a key still works (Pushpin's default
     * {@code changeme} is one), but anyone holding one token can guess it offline.
     */
    public boolean isWeakKey() {
      return key.length() < MIN_STRONG_KEY_BYTES;
    }

    /**
     * A new token, signed now and valid for {@code ttl}, for tools that call the proxy themselves
     * ({@code curl -H "Authorization: Bearer ..."}). A {@link io.gripcast.Publisher} mints and reuses
     * its own; it does not need this.
     *
     * @param ttl how long the token is valid; at least one second
     * @throws IllegalArgumentException when {@code ttl} is under one second
     */
    public String token(Duration ttl) {
      return mint(Instant.now(), ttl);
    }

    /**
     * The {@code exp} a token minted at {@code now} with {@code ttl} carries: {@code now + ttl},
     * truncated to whole seconds (JWT NumericDate).
     */
    static Instant expiresAt(Instant now, Duration ttl) {
      Objects.requireNonNull(now, "now is required but was null");
      checkTtl(ttl);
      return Instant.ofEpochSecond(now.plus(ttl).getEpochSecond());
    }

    /**
     * Signs a new compact JWS (HS256) with claims {@code iss} and {@code exp = now + ttl}.
     *
     * @param now the issue time (from the caller's clock, so tests can fix it)
     * @param ttl how long the token is valid; at least one second
     */
    String mint(Instant now, Duration ttl) {
      Instant exp = expiresAt(now, ttl);
      SecretKeySpec signingKey = new SecretKeySpec(key.bytes(), Hs256.JCA_NAME);
      // Hs256 instead of Jwts.SIG.HS256: jjwt's own HS256 refuses keys under 256 bits (WeakKeyException),
      // and GRIP proxies are commonly configured with short keys such as "changeme".
      return Jwts.builder()
          .issuer(issuer)
          .expiration(Date.from(exp))
          .signWith(signingKey, Hs256.INSTANCE)
          .compact();
    }

    private static void checkTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl is required but was null");
      if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("JWT ttl must be at least 1 second (exp has one-second resolution): " + ttl);
      }
    }
  }
}
