package io.gripcast.auth;

import io.gripcast.auth.GripSigResult.Status;
import io.gripcast.config.Endpoint;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.JwtParserBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.security.SecurityException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * Checks the {@code Grip-Sig} header that a GRIP proxy adds to each request it forwards to the
 * backend (spec §6.3): a JWT with claims {@code iss} and {@code exp}, HS256 with a shared secret
 * (Pushpin's {@code sig_key}) or ES256 with an EC key (Fastly, or Pushpin's {@code sig_key=file:}).
 *
 * <p>The algorithm is pinned to the key: a shared secret accepts only HS256, an EC key only ES256
 * (ES384/ES512 on larger curves), an RSA key only RS256. {@code alg: none} and algorithm swaps are
 * refused as {@link Status#ALGORITHM_NOT_ALLOWED}. {@code exp} is required and must be in the
 * future; {@code iss} must equal the expected issuer when one is configured.
 *
 * <p>Short shared secrets work (Pushpin's default {@code changeme}), but beware: Pushpin ships with
 * {@code sig_key=changeme}, so a signature made with it proves nothing. See {@link #isWeakKey()} and
 * {@link #usesPushpinDefaultKey()}.
 *
 * <p>Immutable and thread-safe; {@link #verify(String)} never throws for a bad token.
 */
public final class GripSigVerifier {
  /** Longer tokens are refused unparsed; a real Grip-Sig is under 300 characters. */
  static final int MAX_TOKEN_CHARS = 8192;

  private final VerificationKey key;
  private final String expectedIssuer;
  private final Clock clock;
  private final Duration clockSkew;
  private final JwtParser parser;

  private GripSigVerifier(Builder b) {
    this.key = b.key;
    this.expectedIssuer = b.expectedIssuer;
    this.clock = b.clock;
    this.clockSkew = b.clockSkew;
    JwtParserBuilder pb = Jwts.parser()
        .clock(() -> Date.from(clock.instant()))
        .clockSkewSeconds(clockSkew.getSeconds());
    // only the pinned algorithm is registered: even if the header check below were fooled, jjwt
    // would not know any other algorithm to verify with
    pb.sig().clear().add(key.jwtAlgorithm()).and();
    if (key.key instanceof SecretKey secret) {
      pb.verifyWith(secret);
    } else {
      pb.verifyWith((PublicKey) key.key);
    }
    this.parser = pb.build();
  }

  /** A builder; a verify key is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A verifier for a verify key written as text (see {@link Builder#verifyKey(String)}), any issuer. */
  public static GripSigVerifier of(String verifyKey) {
    return builder().verifyKey(verifyKey).build();
  }

  /**
   * A verifier configured from an endpoint: its {@code verify-key} (or {@code GRIP_VERIFY_KEY}) and
   * {@code verify-iss}. As in js-grip, a JWT endpoint without a verify key checks with its JWT
   * {@code key}, since a symmetric key is shared by both directions.
   *
   * @return empty when the endpoint has no key to check with
   * @throws io.gripcast.config.GripConfigException if the verify key cannot be read
   */
  public static Optional<GripSigVerifier> forEndpoint(Endpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint is required but was null");
    Builder b = builder();
    if (endpoint.verifyKey().isPresent()) {
      b.verifyKey(endpoint.verifyKey().get());
    } else if (endpoint.auth() instanceof Auth.Jwt jwt) {
      b.hmacKey(jwt.key().bytes());
    } else {
      return Optional.empty();
    }
    endpoint.verifyIssuer().ifPresent(b::expectedIssuer);
    return Optional.of(b.build());
  }

  /**
   * Checks one token, the value of the {@code Grip-Sig} header (null or blank gives
   * {@link Status#MISSING}). Never throws for a bad token.
   */
  public GripSigResult verify(String token) {
    if (token == null || token.isBlank()) {
      return GripSigResult.invalid(Status.MISSING, "no Grip-Sig token");
    }
    String jws = token.strip();
    if (jws.length() > MAX_TOKEN_CHARS) {
      return GripSigResult.invalid(Status.MALFORMED, "token is longer than " + MAX_TOKEN_CHARS + " characters");
    }
    int dot1 = jws.indexOf('.');
    int dot2 = dot1 < 0 ? -1 : jws.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 < 0 || jws.indexOf('.', dot2 + 1) >= 0) {
      return GripSigResult.invalid(Status.MALFORMED, "not a compact JWS (header.payload.signature)");
    }
    byte[] header;
    try {
      header = Base64.getUrlDecoder().decode(jws.substring(0, dot1));
    } catch (IllegalArgumentException e) {
      return GripSigResult.invalid(Status.MALFORMED, "the token header is not base64url");
    }
    String alg = JoseJson.alg(header);
    if (alg == null) {
      return GripSigResult.invalid(Status.MALFORMED, "the token header is not a JSON object with a string 'alg'");
    }
    if (!alg.equals(key.algorithm)) {
      return GripSigResult.invalid(Status.ALGORITHM_NOT_ALLOWED, "the token's alg " + printable(alg)
          + " is not accepted: this verifier's key pins " + key.algorithm);
    }
    Claims claims;
    try {
      claims = parser.parseSignedClaims(jws).getPayload();
    } catch (ExpiredJwtException e) {
      return GripSigResult.invalid(Status.EXPIRED, "the token expired at " + expiry(e.getClaims()));
    } catch (PrematureJwtException e) {
      return GripSigResult.invalid(Status.NOT_YET_VALID, "the token's nbf is in the future");
    } catch (SecurityException e) {
      return GripSigResult.invalid(Status.BAD_SIGNATURE, "the signature does not match the verify key");
    } catch (RuntimeException e) {
      // MalformedJwtException, UnsupportedJwtException (e.g. a payload that is not claims), decoding
      // and JSON errors: anything jjwt refuses that is not about the signature or time
      return GripSigResult.invalid(Status.MALFORMED, "the token cannot be read as signed JWT claims ("
          + e.getClass().getSimpleName() + ")");
    }
    Date exp = claims.getExpiration();
    if (exp == null) {
      return GripSigResult.invalid(Status.MALFORMED, "the token has no exp claim: a Grip-Sig must expire");
    }
    // RFC 7519 §4.1.4: valid only while now is *before* exp; jjwt also accepts now == exp
    if (!clock.instant().isBefore(exp.toInstant().plus(clockSkew))) {
      return GripSigResult.invalid(Status.EXPIRED, "the token expired at " + exp.toInstant());
    }
    String iss = claims.getIssuer();
    if (expectedIssuer != null && !expectedIssuer.equals(iss)) {
      return GripSigResult.invalid(Status.WRONG_ISSUER, "the token's iss "
          + (iss == null ? "is missing" : printable(iss)) + ", expected '" + expectedIssuer + "'");
    }
    return GripSigResult.valid(iss, exp.toInstant());
  }

  /** The one JWS algorithm this verifier accepts: HS256, ES256, ES384, ES512 or RS256. */
  public String algorithm() {
    return key.algorithm;
  }

  /** The required {@code iss}, if configured. */
  public Optional<String> expectedIssuer() {
    return Optional.ofNullable(expectedIssuer);
  }

  /**
   * True for an HS256 secret under 256 bits: valid tokens are accepted, but anyone holding one can
   * brute-force the secret offline and then forge tokens.
   */
  public boolean isWeakKey() {
    return key.weak;
  }

  /**
   * True when the secret is {@code changeme}, the key Pushpin ships with: a Grip-Sig made with it
   * proves nothing, because anyone can make one. Configure a real {@code sig_key} on the proxy.
   */
  public boolean usesPushpinDefaultKey() {
    return key.pushpinDefault;
  }

  /** Describes the key kind and settings; never the key. */
  @Override
  public String toString() {
    return "GripSigVerifier[" + key.description
        + ", expectedIssuer=" + (expectedIssuer == null ? "(any)" : expectedIssuer)
        + ", clockSkew=" + clockSkew + "]";
  }

  private static String expiry(Claims claims) {
    Date exp = claims == null ? null : claims.getExpiration();
    return exp == null ? "(unknown)" : exp.toInstant().toString();
  }

  /** Attacker-controlled strings in details: quoted, printable ASCII only, bounded. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder("'");
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (s.length() > 64) {
      sb.append("...");
    }
    return sb.append('\'').toString();
  }

  /** Builds a {@link GripSigVerifier}. Not thread-safe; the verifier it builds is. */
  public static final class Builder {
    private VerificationKey key;
    private String expectedIssuer;
    private Clock clock = Clock.systemUTC();
    private Duration clockSkew = Duration.ZERO;

    private Builder() {}

    /**
     * The verify key as written in {@code verify-key} / {@code GRIP_VERIFY_KEY}:
     * <ul>
     *   <li>{@code base64:<b64>}: a binary HS256 secret (or a base64-wrapped PEM/JWK);
     *   <li>a PEM {@code PUBLIC KEY} or {@code CERTIFICATE}: EC gives ES256, RSA gives RS256;
     *   <li>a JWK: EC (Fastly's key), RSA, or oct (HS256);
     *   <li>anything else: an HS256 secret, its UTF-8 bytes (e.g. {@code changeme}).
     * </ul>
     *
     * @throws io.gripcast.config.GripConfigException naming what is wrong with the key (never quoting it)
     */
    public Builder verifyKey(String verifyKey) {
      Objects.requireNonNull(verifyKey, "verifyKey is required but was null");
      this.key = VerificationKey.parse(verifyKey);
      return this;
    }

    /** Same as {@link #verifyKey(String)} for the key text held as a secret, e.g. {@link Endpoint#verifyKey()}. */
    public Builder verifyKey(Secret verifyKey) {
      Objects.requireNonNull(verifyKey, "verifyKey is required but was null");
      return verifyKey(verifyKey.revealUtf8());
    }

    /** A raw HS256 shared secret (any length; see {@link GripSigVerifier#isWeakKey()}). */
    public Builder hmacKey(byte[] secret) {
      Objects.requireNonNull(secret, "secret is required but was null");
      this.key = VerificationKey.hmac(secret.clone());
      return this;
    }

    /** An EC (ES256/ES384/ES512 by curve) or RSA (RS256, at least 2048 bits) public key. */
    public Builder publicKey(PublicKey publicKey) {
      Objects.requireNonNull(publicKey, "publicKey is required but was null");
      this.key = VerificationKey.publicKey(publicKey);
      return this;
    }

    /** Requires {@code iss} to equal this ({@code verify-iss}), e.g. {@code fastly:<service_id>}. */
    public Builder expectedIssuer(String issuer) {
      Objects.requireNonNull(issuer, "issuer is required but was null");
      if (issuer.isEmpty()) {
        throw new IllegalArgumentException("expected issuer must not be empty (leave it unset to accept any)");
      }
      this.expectedIssuer = issuer;
      return this;
    }

    /** The clock that decides expiry; the system UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock is required but was null");
      return this;
    }

    /** Tolerated clock difference with the proxy, whole seconds from 0 to 300; 0 by default. */
    public Builder clockSkew(Duration skew) {
      Objects.requireNonNull(skew, "skew is required but was null");
      if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0 || skew.getNano() != 0) {
        throw new IllegalArgumentException("clock skew must be whole seconds from 0 to 300: " + skew);
      }
      this.clockSkew = skew;
      return this;
    }

    /** The verifier. */
    public GripSigVerifier build() {
      if (key == null) {
        throw new IllegalStateException("a verify key is required: call verifyKey, hmacKey or publicKey");
      }
      return new GripSigVerifier(this);
    }
  }
}
