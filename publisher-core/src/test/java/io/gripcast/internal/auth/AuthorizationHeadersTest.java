package io.gripcast.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gripcast.auth.Auth;
import io.gripcast.auth.GripSigResult;
import io.gripcast.auth.GripSigVerifier;
import io.gripcast.config.GripUrl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuthorizationHeadersTest {
  private static final Instant T0 = Instant.ofEpochSecond(1_800_000_000L);

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    private volatile Instant now;

    ManualClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  static long exp(String headerValue) throws Exception {
    assertTrue(headerValue.startsWith("Bearer "), headerValue);
    String payload = headerValue.substring("Bearer ".length()).split("\\.")[1];
    return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(payload)).get("exp").asLong();
  }

  @Test
  void noneSendsNoHeader() {
    assertNull(new AuthorizationHeaders(Auth.none()).value());
  }

  @Test
  void bearerIsTheTokenVerbatim() {
    assertEquals("Bearer abc+/=._~-", new AuthorizationHeaders(Auth.bearer("abc+/=._~-")).value());
    assertEquals("Bearer TOKEN", new AuthorizationHeaders(GripUrl.parse("https://api.fastly.com/service/S?key=TOKEN")
        .auth()).value());
  }

  @Test
  void basicIsBase64OfUtf8UserColonPassword() {
    // RFC 7617 §2 and §2.1 examples
    assertEquals("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        new AuthorizationHeaders(Auth.basic("Aladdin", "open sesame")).value());
    assertEquals("Basic dGVzdDoxMjPCow==", new AuthorizationHeaders(Auth.basic("test", "123\u00a3")).value());
    assertEquals("Basic dGVzdDoxMjPCow==",
        new AuthorizationHeaders(GripUrl.parse("https://test:123%C2%A3@h").auth()).value());
  }

  @Test
  void jwtIsMintedOnceAndReusedUntilTheRefreshPoint() throws Exception {
    ManualClock clock = new ManualClock(T0);
    AuthorizationHeaders headers = new AuthorizationHeaders(Auth.jwt("realm", "changeme"), Duration.ofMinutes(10), clock);
    String first = headers.value();
    assertEquals(T0.getEpochSecond() + 600, exp(first));

    // a re-mint would carry a later exp, so an identical value proves reuse
    clock.advance(Duration.ofMinutes(7).plusSeconds(59));
    assertEquals(first, headers.value());

    // 10 min TTL: refreshed once less than 2 min (ttl/5) remain, i.e. at T0 + 8 min
    clock.advance(Duration.ofSeconds(1));
    String second = headers.value();
    assertNotEquals(first, second);
    assertEquals(T0.getEpochSecond() + 480 + 600, exp(second));
    clock.advance(Duration.ofMinutes(1));
    assertEquals(second, headers.value());
  }

  @Test
  void mintedTokenIsAcceptedByTheVerifier() {
    ManualClock clock = new ManualClock(T0);
    String value = new AuthorizationHeaders(Auth.jwt("realm", "changeme"), Duration.ofMinutes(10), clock).value();
    GripSigResult r = GripSigVerifier.builder().verifyKey("changeme").expectedIssuer("realm").clock(clock).build()
        .verify(value.substring("Bearer ".length()));
    assertEquals(GripSigResult.Status.VALID, r.status(), r.detail());
  }

  @Test
  void refreshMarginIsAFifthButAtLeastThirtySecondsAndAtMostHalf() {
    assertEquals(Duration.ofMinutes(2), AuthorizationHeaders.margin(Duration.ofMinutes(10)));
    assertEquals(Duration.ofMinutes(24), AuthorizationHeaders.margin(Duration.ofHours(2)));
    assertEquals(Duration.ofSeconds(30), AuthorizationHeaders.margin(Duration.ofSeconds(60)));
    assertEquals(Duration.ofSeconds(10), AuthorizationHeaders.margin(Duration.ofSeconds(20)));
  }

  @Test
  void shortTtlStillReusesTheToken() throws Exception {
    ManualClock clock = new ManualClock(T0);
    AuthorizationHeaders headers = new AuthorizationHeaders(Auth.jwt("r", "k"), Duration.ofSeconds(20), clock);
    String first = headers.value();
    clock.advance(Duration.ofSeconds(9));
    assertEquals(first, headers.value());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(T0.getEpochSecond() + 10 + 20, exp(headers.value()));
  }

  @Test
  void concurrentCallersShareOneToken() throws Exception {
    ManualClock clock = new ManualClock(T0);
    AuthorizationHeaders headers = new AuthorizationHeaders(Auth.jwt("r", "changeme"), Duration.ofMinutes(10), clock);
    String expected = headers.value();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Set<String>>> tasks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        tasks.add(() -> {
          Set<String> seen = new HashSet<>();
          for (int i = 0; i < 2_000; i++) {
            seen.add(headers.value());
          }
          return seen;
        });
      }
      for (Future<Set<String>> f : pool.invokeAll(tasks, 30, TimeUnit.SECONDS)) {
        assertEquals(Set.of(expected), f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void validation() {
    assertThrows(IllegalArgumentException.class,
        () -> new AuthorizationHeaders(Auth.none(), Duration.ofSeconds(1), Clock.systemUTC()));
    assertThrows(NullPointerException.class, () -> new AuthorizationHeaders(null));
  }

  @Test
  void toStringShowsNoCredential() {
    for (Auth auth : List.of(Auth.bearer("S3CRET"), Auth.basic("u", "S3CRET"), Auth.jwt("r", "S3CRET"))) {
      AuthorizationHeaders h = new AuthorizationHeaders(auth);
      String token = h.value().substring(h.value().indexOf(' ') + 1);
      assertFalse(h.toString().contains("S3CRET") || h.toString().contains(token), h.toString());
    }
  }
}
