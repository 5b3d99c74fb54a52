package io.gripcast.auth;

import io.gripcast.internal.auth.AuthAccess;
import java.time.Duration;
import java.time.Instant;

/** The auth package's side of {@link AuthAccess}: what gripcast's internals may ask of a secret. */
final class AuthHooks implements AuthAccess.Hooks {
  @Override
  public byte[] bytes(Secret secret) {
    return secret.bytes();
  }

  @Override
  public String utf8(Secret secret) {
    return secret.revealUtf8();
  }

  @Override
  public String mint(Auth.Jwt jwt, Instant now, Duration ttl) {
    return jwt.mint(now, ttl);
  }

  @Override
  public Instant expiresAt(Instant now, Duration ttl) {
    return Auth.Jwt.expiresAt(now, ttl);
  }
}
