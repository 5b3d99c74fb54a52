package io.gripcast.spring.boot;

import io.gripcast.auth.GripSigVerifier;
import io.gripcast.config.Endpoint;
import io.gripcast.config.GripUrl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The one place that turns properties into endpoints and verifiers, used by the beans and by the
 * conditions deciding whether those beans exist.
 */
final class GripcastSettings {
  private GripcastSettings() {}

  /** The properties bound from {@code environment}, for conditions (which run before binding beans). */
  static GripcastProperties bind(Environment environment) {
    return Binder.get(environment).bind("gripcast", Bindable.of(GripcastProperties.class))
        .orElseGet(GripcastProperties::new);
  }

  /**
   * {@code gripcast.endpoints}, or else the endpoint of GRIP_URL (with GRIP_VERIFY_KEY); empty when
   * neither is set.
   *
   * @throws io.gripcast.config.GripConfigException naming the bad part of a URL (never a secret)
   */
  static List<Endpoint> endpoints(GripcastProperties properties, Environment environment) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (String url : properties.getEndpoints()) {
      if (url != null && !url.isBlank()) {
        endpoints.add(GripUrl.parse(url.strip()));
      }
    }
    if (endpoints.isEmpty()) {
      String gripUrl = environment.getProperty(GripUrl.ENV_GRIP_URL);
      if (gripUrl != null && !gripUrl.isBlank()) {
        Map<String, String> env = new HashMap<>();
        env.put(GripUrl.ENV_GRIP_URL, gripUrl);
        String verifyKey = environment.getProperty(GripUrl.ENV_GRIP_VERIFY_KEY);
        if (verifyKey != null) {
          env.put(GripUrl.ENV_GRIP_VERIFY_KEY, verifyKey);
        }
        endpoints.add(GripUrl.fromEnvironment(env));
      }
    }
    return endpoints;
  }

  /** The Grip-Sig verifiers: {@code gripcast.grip-sig.verify-keys}, then each endpoint's verify key. */
  static List<GripSigVerifier> verifiers(GripcastProperties properties, Environment environment) {
    List<GripSigVerifier> verifiers = new ArrayList<>();
    GripcastProperties.GripSig sig = properties.getGripSig();
    for (String key : sig.getVerifyKeys()) {
      if (key != null && !key.isBlank()) {
        GripSigVerifier.Builder b = GripSigVerifier.builder().verifyKey(key.strip());
        if (sig.getExpectedIssuer() != null && !sig.getExpectedIssuer().isBlank()) {
          b.expectedIssuer(sig.getExpectedIssuer());
        }
        verifiers.add(b.build());
      }
    }
    for (Endpoint e : endpoints(properties, environment)) {
      GripSigVerifier.forEndpoint(e).ifPresent(verifiers::add);
    }
    return verifiers;
  }
}
