package io.gripcast.internal.auth;

import io.gripcast.auth.Auth;
import io.gripcast.auth.Secret;
import java.time.Duration;
import java.time.Instant;

/**
 * How gripcast's own code reads a {@link Secret} and mints a JWT without making either part of the
 * public API. The auth package installs its hooks when {@code Secret} is loaded (the JDK's
 * "shared secrets" pattern); this package is not exported from the module, so only gripcast sees it.
 */
public final class AuthAccess {
  private AuthAccess() {}

  /** Implemented in the auth package. */
  public interface Hooks {
    byte[] bytes(Secret secret);

    String utf8(Secret secret);

    String mint(Auth.Jwt jwt, Instant now, Duration ttl);

    Instant expiresAt(Instant now, Duration ttl);
  }

  private static volatile Hooks hooks;

  /** Called once, by {@code Secret}'s static initializer; later calls are ignored. */
  public static synchronized void install(Hooks h) {
    if (hooks == null) {
      hooks = h;
    }
  }

  private static Hooks hooks() {
    Hooks h = hooks;
    if (h == null) {
      try {
        Class.forName(Secret.class.getName(), true, Secret.class.getClassLoader()); // runs the installer
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      h = hooks;
    }
    return h;
  }

  /** A copy of the secret's bytes; the caller should clear it when done. */
  public static byte[] bytes(Secret secret) {
    return hooks().bytes(secret);
  }

  /** The secret as UTF-8 text (tokens, passwords). */
  public static String utf8(Secret secret) {
    return hooks().utf8(secret);
  }

  /** A compact HS256 JWS with {@code iss} and {@code exp = now + ttl}. */
  public static String mint(Auth.Jwt jwt, Instant now, Duration ttl) {
    return hooks().mint(jwt, now, ttl);
  }

  /** The {@code exp} of a token minted at {@code now} with {@code ttl}. */
  public static Instant expiresAt(Instant now, Duration ttl) {
    return hooks().expiresAt(now, ttl);
  }
}
