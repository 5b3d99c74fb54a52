package io.gripcast.spring.boot;

import io.gripcast.config.Endpoint;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of one GRIP endpoint, checked without publishing anything: a {@code GET} of the
 * endpoint's control URL (for Pushpin the control port's root, which answers {@code 200 Pushpin
 * API}). Any HTTP answer below 500 means the endpoint is reachable: UP. A 5xx answer, a refused
 * connection or a timeout: DOWN. The details show the endpoint without credentials and the status
 * code, or the kind of failure; never a key.
 */
public final class GripcastEndpointHealthIndicator implements HealthIndicator {
  private final Endpoint endpoint;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * An indicator for {@code endpoint}.
   *
   * @param endpoint the endpoint to check
   * @param timeout limit on connecting and on the answer
   */
  public GripcastEndpointHealthIndicator(Endpoint endpoint, Duration timeout) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  @Override
  public Health health() {
    Health.Builder health = new Health.Builder().withDetail("endpoint", endpoint.redacted());
    HttpRequest request = HttpRequest.newBuilder(endpoint.controlUri()).timeout(timeout).GET().build();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      health.withDetail("status", response.statusCode());
      return (response.statusCode() < 500 ? health.up() : health.down()).build();
    } catch (HttpTimeoutException e) {
      return health.down().withDetail("error", "no answer within " + timeout.toMillis() + " ms").build();
    } catch (IOException e) {
      // the exception's class, not its message: a message may quote the URL, which may hold a key
      return health.down().withDetail("error", "not reachable (" + e.getClass().getSimpleName() + ")").build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return health.unknown().withDetail("error", "interrupted").build();
    }
  }

  @Override
  public String toString() {
    return "GripcastEndpointHealthIndicator{" + endpoint.redacted() + "}";
  }
}
