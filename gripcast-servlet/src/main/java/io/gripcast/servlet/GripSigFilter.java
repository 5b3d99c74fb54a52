package io.gripcast.servlet;

import io.gripcast.auth.GripSigResult;
import io.gripcast.auth.GripSigVerifier;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A servlet filter that checks the {@code Grip-Sig} header a GRIP proxy (Pushpin, Fastly Fanout)
 * signs each forwarded request with, and records the outcome on the request as a
 * {@link GripRequest} (read it with {@link GripRequest#of}).
 *
 * <p>With {@link Builder#requireSigned(boolean) requireSigned} on (the default) a request without a
 * valid signature is refused with 403 and never reaches the application: the paths the filter is
 * mapped to answer only through the proxy. With it off every request passes, marked, and the
 * handler decides (for example, holds only signed requests).
 *
 * <p>Several keys may be configured (a key rotation, or Pushpin and Fanout side by side): a token
 * valid under any of them is signed.
 *
 * <pre>{@code
 * GripSigFilter filter = GripSigFilter.builder()
 *     .verifier(GripSigVerifier.of(System.getenv("GRIP_VERIFY_KEY")))
 *     .build();
 * servletContext.addFilter("grip-sig", filter).addMappingForUrlPatterns(null, false, "/api/*");
 * }</pre>
 *
 * <p>Immutable and thread-safe. Neither the token nor the keys are ever written to the response
 * or {@link #toString()}.
 */
public final class GripSigFilter implements Filter {
  private final List<GripSigVerifier> verifiers;
  private final boolean requireSigned;

  private GripSigFilter(Builder b) {
    this.verifiers = List.copyOf(b.verifiers);
    this.requireSigned = b.requireSigned;
  }

  /** A builder; at least one verifier is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A filter refusing requests not signed with one of {@code verifiers}. */
  public static GripSigFilter of(GripSigVerifier... verifiers) {
    Builder b = builder();
    for (GripSigVerifier v : verifiers) {
      b.verifier(v);
    }
    return b.build();
  }

  /** The verifiers, in order. */
  public List<GripSigVerifier> verifiers() {
    return verifiers;
  }

  /** True when requests without a valid signature are refused with 403. */
  public boolean requiresSigned() {
    return requireSigned;
  }

  /**
   * Checks one token against every key: the first valid result; else the first refusal from a key
   * whose signature matched (so an expired token says EXPIRED, not BAD_SIGNATURE from another
   * key); else the first key's result. A missing token gives {@link GripSigResult.Status#MISSING}.
   */
  public GripSigResult verify(String token) {
    GripSigResult first = null;
    GripSigResult signatureMatched = null;
    for (GripSigVerifier v : verifiers) {
      GripSigResult r = v.verify(token);
      if (r.isValid()) {
        return r;
      }
      if (first == null) {
        first = r;
      }
      if (signatureMatched == null && r.status() != GripSigResult.Status.BAD_SIGNATURE
          && r.status() != GripSigResult.Status.ALGORITHM_NOT_ALLOWED) {
        signatureMatched = r;
      }
    }
    return signatureMatched != null ? signatureMatched : first;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse httpResponse)) {
      chain.doFilter(request, response);
      return;
    }
    String token = http.getHeader(GripRequest.GRIP_SIG_HEADER);
    GripRequest grip = new GripRequest(token != null, verify(token));
    GripRequest.store(http, grip);
    if (requireSigned && !grip.isSigned()) {
      refuse(httpResponse, grip.sigResult());
      return;
    }
    chain.doFilter(request, response);
  }

  private static void refuse(HttpServletResponse response, GripSigResult result) throws IOException {
    // the status name says what to fix (route through the proxy, or align the keys) and holds no secret;
    // the result's detail text is left out as it may quote token contents
    String why = result.status() == GripSigResult.Status.MISSING
        ? "no Grip-Sig header: this path answers only requests forwarded by its GRIP proxy"
        : "Grip-Sig refused (" + result.status() + "): the proxy's signing key does not match this app's verify key";
    byte[] body = ("Forbidden: " + why + "\n").getBytes(StandardCharsets.UTF_8);
    response.setStatus(HttpServletResponse.SC_FORBIDDEN);
    response.setContentType("text/plain;charset=UTF-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  @Override
  public String toString() {
    return "GripSigFilter{keys=" + verifiers.size() + ", requireSigned=" + requireSigned + "}";
  }

  /** Builds a {@link GripSigFilter}. Not thread-safe. */
  public static final class Builder {
    private final List<GripSigVerifier> verifiers = new ArrayList<>();
    private boolean requireSigned = true;

    private Builder() {}

    /** Adds a key to check with; repeat for several. */
    public Builder verifier(GripSigVerifier verifier) {
      verifiers.add(Objects.requireNonNull(verifier, "verifier is required but was null"));
      return this;
    }

    /**
     * Adds a key written as text: a shared secret (Pushpin's {@code sig_key}), {@code base64:...},
     * a PEM public key or a JWK (see {@link GripSigVerifier.Builder#verifyKey(String)}).
     *
     * @throws io.gripcast.config.GripConfigException if the key cannot be read
     */
    public Builder verifyKey(String verifyKey) {
      return verifier(GripSigVerifier.of(verifyKey));
    }

    /**
     * Whether a request without a valid signature is refused with 403 (default true). Off, it
     * passes, marked as not signed.
     */
    public Builder requireSigned(boolean requireSigned) {
      this.requireSigned = requireSigned;
      return this;
    }

    /**
     * The filter.
     *
     * @throws IllegalStateException when no key was given
     */
    public GripSigFilter build() {
      if (verifiers.isEmpty()) {
        throw new IllegalStateException("a GripSigFilter needs at least one key: call verifier(..) or verifyKey(..)");
      }
      return new GripSigFilter(this);
    }
  }
}
