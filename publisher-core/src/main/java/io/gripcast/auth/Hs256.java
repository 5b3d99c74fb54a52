package io.gripcast.auth;

import io.jsonwebtoken.security.SecureDigestAlgorithm;
import io.jsonwebtoken.security.SecureRequest;
import io.jsonwebtoken.security.SecurityException;
import io.jsonwebtoken.security.VerifySecureDigestRequest;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 (HMAC-SHA256, RFC 7518 §3.2) without jjwt's minimum key length.
 *
 * <p>Why: jjwt's built-in {@code Jwts.SIG.HS256} throws {@code WeakKeyException} for keys under 256
 * bits, but GRIP proxies sign and verify with whatever key they are configured with, and Pushpin
 * ships with {@code sig_key=changeme}. This class plugs into jjwt's documented extension point for
 * custom algorithms ({@code JwtBuilder.signWith(key, alg)} and {@code JwtParserBuilder.sig().add(alg)})
 * under the standard id {@code HS256}, so tokens stay interoperable. The weakness is surfaced to
 * callers instead ({@link Auth.Jwt#isWeakKey()}, {@link GripSigVerifier#isWeakKey()}).
 *
 * <p>Stateless and thread-safe: a {@link Mac} is created per call.
 */
final class Hs256 implements SecureDigestAlgorithm<SecretKey, SecretKey> {
  static final String ID = "HS256";
  static final String JCA_NAME = "HmacSHA256";
  static final Hs256 INSTANCE = new Hs256();

  private Hs256() {}

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public byte[] digest(SecureRequest<InputStream, SecretKey> request) throws SecurityException {
    return mac(request.getKey(), request.getPayload());
  }

  @Override
  public boolean verify(VerifySecureDigestRequest<SecretKey> request) throws SecurityException {
    byte[] expected = mac(request.getKey(), request.getPayload());
    // constant-time comparison: a timing oracle on the MAC would let an attacker forge it byte by byte
    return MessageDigest.isEqual(expected, request.getDigest());
  }

  private static byte[] mac(SecretKey key, InputStream payload) {
    byte[] raw = key == null ? null : key.getEncoded();
    if (raw == null || raw.length == 0) {
      throw new SecurityException("HS256 needs a secret key with at least one byte");
    }
    try {
      Mac mac = Mac.getInstance(JCA_NAME);
      mac.init(new SecretKeySpec(raw, JCA_NAME));
      byte[] buf = new byte[4096];
      for (int n; (n = payload.read(buf)) != -1; ) {
        mac.update(buf, 0, n);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException | IOException e) {
      throw new SecurityException("HMAC-SHA256 computation failed: " + e.getClass().getSimpleName(), e);
    } finally {
      java.util.Arrays.fill(raw, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return ID;
  }
}
