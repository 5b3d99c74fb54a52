package io.gripcast.servlet;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** Grip-Sig tokens as a proxy makes them (HS256, iss, exp), good and bad. */
final class Tokens {
  /** 32 bytes: jjwt signs HS256 only with keys of 256 bits or more. */
  static final String KEY = "test-grip-sig-key-0123456789abcdef";
  static final String OTHER_KEY = "another-grip-sig-key-0123456789abcdef";

  private Tokens() {}

  static String sign(String key, Duration validFor) {
    return Jwts.builder()
        .issuer("pushpin")
        .expiration(Date.from(Instant.now().plus(validFor)))
        .signWith(Keys.hmacShaKeyFor(key.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256)
        .compact();
  }

  static String valid(String key) {
    return sign(key, Duration.ofHours(1));
  }
}
