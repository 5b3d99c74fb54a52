package io.gripcast;

import io.gripcast.config.Endpoint;
import io.gripcast.config.GripUrl;
import io.gripcast.internal.PublishUrl;
import io.gripcast.internal.Target;
import io.gripcast.internal.auth.AuthorizationHeaders;
import java.time.Clock;
import java.time.Duration;

/** Turns parsed endpoints into transport targets. */
final class Endpoints {
  private Endpoints() {}

  static Target target(Endpoint endpoint, Duration tokenTtl) {
    // one header cache per endpoint, so a JWT is minted once and reused until shortly before expiry
    AuthorizationHeaders headers = new AuthorizationHeaders(endpoint.auth(), tokenTtl, Clock.systemUTC());
    // results and messages name the endpoint by its publish URI, which keeps any extra query
    // parameters: mask those named like credentials
    return new Target(PublishUrl.of(endpoint.publishUri()), GripUrl.redact(endpoint.publishUri().toString()), headers::value);
  }
}
