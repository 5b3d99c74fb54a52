package io.gripcast.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of checking one {@code Grip-Sig} token with {@link GripSigVerifier#verify(String)}.
 *
 * <p>Immutable; two results are equal when all their values are. Only the verifier makes them.
 */
public final class GripSigResult {

  private final Status status;
  private final String detail;
  private final Optional<String> issuer;
  private final Optional<Instant> expiresAt;

  /** Why a token is valid or not. */
  public enum Status {
    /** Signature, algorithm, expiry and (when configured) issuer all check out. */
    VALID,
    /** No token (null or blank): the request did not come through a signing proxy. */
    MISSING,
    /** Not a compact JWS with a JSON header and claims, or claims without {@code exp}. */
    MALFORMED,
    /** The signature does not match the verify key. */
    BAD_SIGNATURE,
    /** {@code exp} is not in the future (beyond the allowed clock skew). */
    EXPIRED,
    /** {@code nbf} is still in the future. */
    NOT_YET_VALID,
    /** {@code iss} differs from the expected issuer ({@code verify-iss}). */
    WRONG_ISSUER,
    /**
     * The token's {@code alg} is not the one the verify key pins: {@code none}, or HS256 against a
     * public key (the classic key-confusion attack), or ES256 against a shared secret.
     */
    ALGORITHM_NOT_ALLOWED
  }

  private GripSigResult(Status status, String detail, Optional<String> issuer, Optional<Instant> expiresAt) {
    this.status = Objects.requireNonNull(status, "status");
    this.detail = Objects.requireNonNull(detail, "detail");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** {@link Status#VALID} or why the token was refused. */
  public Status status() {
    return status;
  }

  /** A short human explanation; never contains the token or a key. */
  public String detail() {
    return detail;
  }

  /** The token's {@code iss}, only when valid. */
  public Optional<String> issuer() {
    return issuer;
  }

  /** The token's {@code exp}, only when valid. */
  public Optional<Instant> expiresAt() {
    return expiresAt;
  }

  /** True only for {@link Status#VALID}. */
  public boolean isValid() {
    return status == Status.VALID;
  }

  static GripSigResult valid(String issuer, Instant expiresAt) {
    return new GripSigResult(Status.VALID, "valid", Optional.ofNullable(issuer), Optional.of(expiresAt));
  }

  static GripSigResult invalid(Status status, String detail) {
    return new GripSigResult(status, detail, Optional.empty(), Optional.empty());
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || o instanceof GripSigResult r
            && status == r.status
            && detail.equals(r.detail)
            && issuer.equals(r.issuer)
            && expiresAt.equals(r.expiresAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, detail, issuer, expiresAt);
  }

  @Override
  public String toString() {
    return "GripSigResult[status=" + status + ", detail=" + detail + ", issuer=" + issuer + ", expiresAt=" + expiresAt + "]";
  }
}
