package io.gripcast.bench;

import io.gripcast.auth.Auth;
import io.gripcast.internal.auth.AuthorizationHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Authorization header of a JWT endpoint ({@code GRIP_URL=...?iss=..&key=..}): the publisher's
 * cached value (one volatile read and a clock read per request) against minting a fresh HS256 token
 * per request, which is what a publisher without the cache would pay.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuthorizationHeaderBenchmark {

  private static final Duration TTL = Duration.ofMinutes(10);

  private Auth.Jwt jwt;
  private AuthorizationHeaders cached;
  private AuthorizationHeaders bearer;

  @Setup
  public void setup() {
    jwt = Auth.jwt("bench-issuer", "a-32-byte-secret-key-for-hs256!!");
    cached = new AuthorizationHeaders(jwt, TTL, Clock.systemUTC());
    cached.value(); // mint once, as the first request would
    bearer = new AuthorizationHeaders(Auth.bearer("fastly-api-token"), TTL, Clock.systemUTC());
  }

  /** What every request of a JWT endpoint pays: the cached token. */
  @Benchmark
  public String jwtCached() {
    return cached.value();
  }

  /** A token minted for every request. */
  @Benchmark
  public String jwtMinted() {
    return "Bearer " + jwt.token(TTL);
  }

  /** A Fastly-style bearer key: a constant. */
  @Benchmark
  public String bearerFixed() {
    return bearer.value();
  }
}
