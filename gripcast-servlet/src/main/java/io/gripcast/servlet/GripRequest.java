package io.gripcast.servlet;

import io.gripcast.auth.GripSigResult;
import jakarta.servlet.ServletRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link GripSigFilter} found out about one request: whether it came through a GRIP proxy
 * (it carries a {@code Grip-Sig} header) and whether that signature checks out with a configured
 * key. The filter stores it as the request attribute {@link #ATTRIBUTE}, and the two facts also as
 * the Boolean attributes {@link #PROXIED_ATTRIBUTE} and {@link #SIGNED_ATTRIBUTE} for views and
 * frameworks that read plain attributes.
 *
 * <pre>{@code
 * GripRequest grip = GripRequest.of(request);
 * if (grip.isSigned()) { ... hold the request, it is behind the proxy ... }
 * }</pre>
 *
 * <p>Immutable. {@link #toString()} never shows the token.
 */
public final class GripRequest {
  /** The header a GRIP proxy signs each forwarded request with. */
  public static final String GRIP_SIG_HEADER = "Grip-Sig";
  /** The request attribute holding this object. */
  public static final String ATTRIBUTE = GripRequest.class.getName();
  /** The request attribute holding {@link #isProxied()} as a Boolean. */
  public static final String PROXIED_ATTRIBUTE = "io.gripcast.servlet.proxied";
  /** The request attribute holding {@link #isSigned()} as a Boolean. */
  public static final String SIGNED_ATTRIBUTE = "io.gripcast.servlet.signed";

  private final boolean proxied;
  private final GripSigResult sigResult;

  GripRequest(boolean proxied, GripSigResult sigResult) {
    this.proxied = proxied;
    this.sigResult = Objects.requireNonNull(sigResult, "sigResult");
  }

  /**
   * What the filter found for {@code request}.
   *
   * @return empty when {@link GripSigFilter} did not see the request (not mapped to its path, or
   *     not installed)
   */
  public static Optional<GripRequest> find(ServletRequest request) {
    Object value = Objects.requireNonNull(request, "request").getAttribute(ATTRIBUTE);
    return value instanceof GripRequest g ? Optional.of(g) : Optional.empty();
  }

  /**
   * What the filter found for {@code request}.
   *
   * @throws IllegalStateException when {@link GripSigFilter} did not see the request: map the
   *     filter to this request's path (a request the filter never saw cannot be trusted as proxied)
   */
  public static GripRequest of(ServletRequest request) {
    return find(request).orElseThrow(() -> new IllegalStateException(
        "no GripSigFilter ran for this request: register io.gripcast.servlet.GripSigFilter for its path"));
  }

  /** Stores {@code grip} on the request under the three attributes. */
  static void store(ServletRequest request, GripRequest grip) {
    request.setAttribute(ATTRIBUTE, grip);
    request.setAttribute(PROXIED_ATTRIBUTE, grip.isProxied());
    request.setAttribute(SIGNED_ATTRIBUTE, grip.isSigned());
  }

  /**
   * True when the request carries a {@code Grip-Sig} header, the mark a GRIP proxy puts on every
   * request it forwards. Alone it proves nothing (anyone can send the header); see
   * {@link #isSigned()}.
   */
  public boolean isProxied() {
    return proxied;
  }

  /** True when the {@code Grip-Sig} checks out with one of the configured keys. */
  public boolean isSigned() {
    return sigResult.isValid();
  }

  /**
   * The verification result: {@link GripSigResult.Status#VALID}, or why the token was refused
   * ({@link GripSigResult.Status#MISSING} when there was none). With several keys, the valid
   * result, or else the first key's.
   */
  public GripSigResult sigResult() {
    return sigResult;
  }

  @Override
  public String toString() {
    return "GripRequest{proxied=" + proxied + ", signed=" + isSigned() + ", status=" + sigResult.status() + "}";
  }
}
