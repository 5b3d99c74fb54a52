package io.gripcast.config;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Fastly Fanout: the publishing endpoint of a Fastly service, built from its service id and an API
 * token instead of a GRIP URL (js-grip's {@code buildFanoutGripConfig}).
 *
 * <pre>{@code
 * Publisher publisher = Publisher.builder()
 *     .endpoint(Fanout.endpoint("SERVICE_ID", System.getenv("FASTLY_API_TOKEN")))
 *     .build();
 * }</pre>
 *
 * <p>The endpoint is the same as the GRIP URL
 * {@code https://api.fastly.com/service/<serviceId>?key=<apiToken>} with
 * {@code verify-iss=fastly:<serviceId>} and {@code verify-key=}{@link #VERIFY_KEY}: items are posted
 * to {@code https://api.fastly.com/service/<serviceId>/publish/} with
 * {@code Authorization: Bearer <apiToken>} (Fastly accepts the API token either as
 * {@code Fastly-Key} or as a bearer token), and
 * {@link io.gripcast.auth.GripSigVerifier#forEndpoint(Endpoint)} checks the {@code Grip-Sig} of
 * requests that Fanout forwards to your backend. Its body limit is {@link #MAX_BODY_BYTES}: a
 * publisher that also publishes to Pushpin splits batches per endpoint.
 */
public final class Fanout {

  /**
   * Fastly Fanout's public key for {@code Grip-Sig} (EC P-256, so ES256), as a PEM
   * {@code PUBLIC KEY}. Source: fanout/js-grip, {@code src/fastly-fanout/keys.ts}
   * ({@code PUBLIC_KEY_FASTLY_FANOUT_PEM}; its {@code PUBLIC_KEY_FASTLY_FANOUT_JWK} is the same key).
   * Use it with {@code GripSigVerifier.builder().verifyKey(Fanout.VERIFY_KEY)}, or as
   * {@code verify-key}/{@code GRIP_VERIFY_KEY}.
   */
  public static final String VERIFY_KEY = "-----BEGIN PUBLIC KEY-----\n"
      + "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECKo5A1ebyFcnmVV8SE5On+8G81Jy\n"
      + "BjSvcrx4VLetWCjuDAmppTo3xM/zz763COTCgHfp/6lPdCyYjjqc+GM7sw==\n"
      + "-----END PUBLIC KEY-----\n";

  /**
   * The publish body limit {@link #endpoint} sets on the endpoint it builds: 65,536 bytes. Fastly's
   * publishing reference states no body limit that we could find (Pushpin's is 1,000,000 bytes), so
   * this is gripcast's own conservative choice, not a number Fastly publishes: a list of items is
   * split into requests of at most 64 KiB, and one item over it fails before anything is sent. Set
   * another with {@link Endpoint#withMaxBodyBytes(int)} once you know your service's limit.
   */
  public static final int MAX_BODY_BYTES = 65_536;

  /** Where Fastly's API, and so Fanout's publishing endpoint, lives. */
  static final String API_BASE = "https://api.fastly.com";

  /** Fastly service ids are alphanumeric; '-' and '_' are allowed too, nothing that changes the path. */
  private static final Pattern SERVICE_ID = Pattern.compile("[A-Za-z0-9_-]+");

  private Fanout() {}

  /**
   * The publishing endpoint of a Fastly service with Fanout enabled.
   *
   * @param serviceId the Fastly service id (letters, digits, {@code -} and {@code _})
   * @param apiToken a Fastly API token with at least Engineer permission on the service, sent as a
   *     bearer token
   * @throws GripConfigException naming the part: {@code serviceId} when the id is empty or not
   *     URL-safe, {@code apiToken} when the token is empty or cannot be sent in a header (never quoting it)
   */
  public static Endpoint endpoint(String serviceId, String apiToken) {
    return endpoint(API_BASE, serviceId, apiToken);
  }

  /** {@link #endpoint(String, String)} against another base URL, such as a local test server. */
  static Endpoint endpoint(String base, String serviceId, String apiToken) {
    Objects.requireNonNull(serviceId, "serviceId is required but was null");
    Objects.requireNonNull(apiToken, "apiToken is required but was null");
    if (serviceId.isEmpty()) {
      throw new GripConfigException("serviceId", "the Fastly service id is empty: give the id of the service"
          + " that has Fanout enabled (Fastly's web interface shows it)");
    }
    if (!SERVICE_ID.matcher(serviceId).matches()) {
      throw new GripConfigException("serviceId", "the Fastly service id may hold only letters, digits, '-' and"
          + " '_', so that it stays one URL path segment");
    }
    if (apiToken.isEmpty()) {
      throw new GripConfigException("apiToken", "the Fastly API token is empty: give a token with at least"
          + " Engineer permission on the service");
    }
    try {
      io.gripcast.auth.Auth.bearer(apiToken); // what a bearer token may hold is decided there
    } catch (IllegalArgumentException e) {
      throw new GripConfigException("apiToken", "the Fastly API token is not usable: " + e.getMessage());
    }
    return GripUrl.parse(base + "/service/" + serviceId, Map.of(
        GripUrl.KEY, apiToken,
        GripUrl.VERIFY_ISS, "fastly:" + serviceId,
        GripUrl.VERIFY_KEY, VERIFY_KEY)).withMaxBodyBytes(MAX_BODY_BYTES);
  }
}
