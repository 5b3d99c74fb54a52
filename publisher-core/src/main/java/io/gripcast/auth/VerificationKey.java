package io.gripcast.auth;

import io.gripcast.config.GripConfigException;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PrivateJwk;
import io.jsonwebtoken.security.SecureDigestAlgorithm;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A verify key and the one JWS algorithm it allows. The algorithm is pinned to the key type
 * (spec §6.3): shared secret → HS256; EC public key → ES256/ES384/ES512 by curve; RSA public key →
 * RS256 (Pushpin's {@code sig_key=file:} with an RSA key). A token whose header names another
 * algorithm is refused before any signature check.
 */
final class VerificationKey {
  private static final String PART = "verify-key";
  private static final byte[] PUSHPIN_DEFAULT_KEY = "changeme".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  final String algorithm;
  final Key key;
  final boolean weak;
  final boolean pushpinDefault;
  final String description;

  private VerificationKey(String algorithm, Key key, boolean weak, boolean pushpinDefault, String description) {
    this.algorithm = algorithm;
    this.key = key;
    this.weak = weak;
    this.pushpinDefault = pushpinDefault;
    this.description = description;
  }

  /** The jjwt algorithm object for the pinned id (HS256 is ours: it accepts short keys). */
  SecureDigestAlgorithm<?, ?> jwtAlgorithm() {
    switch (algorithm) {
      case "HS256":
        return Hs256.INSTANCE;
      case "ES256":
        return Jwts.SIG.ES256;
      case "ES384":
        return Jwts.SIG.ES384;
      case "ES512":
        return Jwts.SIG.ES512;
      case "RS256":
        return Jwts.SIG.RS256;
      default:
        throw new IllegalStateException("no algorithm for " + algorithm);
    }
  }

  static VerificationKey hmac(byte[] secret) {
    if (secret.length == 0) {
      throw new GripConfigException(PART, "the verify key is empty: an HS256 secret needs at least one byte");
    }
    boolean weak = secret.length < Auth.Jwt.MIN_STRONG_KEY_BYTES;
    boolean pushpinDefault = Arrays.equals(secret, PUSHPIN_DEFAULT_KEY);
    SecretKey key = new SecretKeySpec(secret, Hs256.JCA_NAME);
    String description = pushpinDefault
        ? "HS256 shared secret (Pushpin's public default key: proves nothing!)"
        : "HS256 shared secret" + (weak ? " (weak: under 256 bits)" : "");
    return new VerificationKey(Hs256.ID, key, weak, pushpinDefault, description);
  }

  static VerificationKey publicKey(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      String alg;
      switch (bits) {
        case 256:
          alg = "ES256";
          break;
        case 384:
          alg = "ES384";
          break;
        case 521:
          alg = "ES512";
          break;
        default:
          throw new GripConfigException(PART, "the EC verify key is on a " + bits + "-bit curve: JWS supports"
              + " only P-256 (ES256), P-384 (ES384) and P-521 (ES512)");
      }
      return new VerificationKey(alg, key, false, false, "EC P-" + bits + " public key (" + alg + ")");
    }
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < 2048) {
        throw new GripConfigException(PART, "the RSA verify key has " + bits + " bits: RS256 needs at least"
            + " 2048 (RFC 7518 §3.3), and shorter keys are refused");
      }
      return new VerificationKey("RS256", key, false, false, "RSA " + bits + "-bit public key (RS256)");
    }
    throw new GripConfigException(PART, "unsupported verify key type " + key.getAlgorithm()
        + ": use an EC (P-256, as Fastly) or RSA public key, or a shared secret");
  }

  /**
   * Reads a verify key written as text (verify-key / GRIP_VERIFY_KEY): {@code base64:<b64>} (the
   * decoded bytes may themselves be a PEM or JWK, as js-grip allows), a PEM public key or
   * certificate, a JWK (EC, RSA or oct), or else a plain shared secret (its UTF-8 bytes).
   */
  static VerificationKey parse(String text) {
    if (text.isEmpty()) {
      throw new GripConfigException(PART, "the verify key is empty: give a shared secret, base64:..., a PEM"
          + " public key or a JWK");
    }
    if (text.startsWith(Secret.BASE64_PREFIX)) {
      byte[] bytes;
      try {
        bytes = Secret.fromKeyText(text).bytes();
      } catch (IllegalArgumentException e) {
        throw new GripConfigException(PART, "the verify key " + e.getMessage());
      }
      String asText = strictUtf8(bytes);
      if (asText != null && asText.strip().startsWith("-----BEGIN ")) {
        return pem(asText.strip());
      }
      if (asText != null && asText.strip().startsWith("{") && JoseJson.isObjectWithKty(asText)) {
        return jwk(asText.strip());
      }
      return hmac(bytes); // binary secret, even one that happens to start with '{'
    }
    String stripped = text.strip();
    if (stripped.startsWith("-----BEGIN ")) {
      return pem(stripped);
    }
    if (stripped.startsWith("{")) {
      return jwk(stripped);
    }
    // a plain secret is used exactly as written: surrounding spaces are part of it
    return hmac(text.getBytes(StandardCharsets.UTF_8));
  }

  private static VerificationKey pem(String text) {
    Matcher m = PEM.matcher(text);
    if (!m.find()) {
      throw new GripConfigException(PART, "the verify key starts like a PEM but has no matching"
          + " '-----END ...-----' line");
    }
    String label = m.group(1);
    byte[] der;
    try {
      der = Base64.getDecoder().decode(m.group(2).replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new GripConfigException(PART, "the PEM verify key (" + label + ") has invalid base64 between its"
          + " BEGIN and END lines");
    }
    switch (label) {
      case "PUBLIC KEY":
        return publicKey(spki(der));
      case "CERTIFICATE":
        try {
          PublicKey key = CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
          return publicKey(key);
        } catch (GeneralSecurityException e) {
          throw new GripConfigException(PART, "the PEM verify key is a CERTIFICATE that cannot be read as X.509");
        }
      case "PRIVATE KEY":
      case "EC PRIVATE KEY":
      case "RSA PRIVATE KEY":
        // never hint at the content: this is a private key
        throw new GripConfigException(PART, "the verify key is a private key (" + label + "): give the"
            + " matching PUBLIC key instead, e.g. from `openssl pkey -in key.pem -pubout`, and keep the"
            + " private key on the proxy only");
      case "RSA PUBLIC KEY":
        throw new GripConfigException(PART, "the verify key is a PKCS#1 'RSA PUBLIC KEY': convert it to an"
            + " SPKI 'PUBLIC KEY' with `openssl rsa -RSAPublicKey_in -in key.pem -pubout`");
      default:
        throw new GripConfigException(PART, "unsupported PEM type '" + label + "' for a verify key: use a"
            + " 'PUBLIC KEY' (SPKI) or a 'CERTIFICATE'");
    }
  }

  private static PublicKey spki(byte[] der) {
    for (String type : new String[] {"EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // try the next type: the SPKI's algorithm OID decides which factory accepts it
      }
    }
    throw new GripConfigException(PART, "the PEM 'PUBLIC KEY' is neither an EC nor an RSA public key");
  }

  private static VerificationKey jwk(String json) {
    Key key;
    try {
      byte[] oct = JoseJson.octKey(json);
      if (oct != null) {
        return hmac(oct);
      }
      Jwk<?> jwk = Jwks.parser().build().parse(json);
      key = jwk instanceof PrivateJwk<?, ?, ?> priv ? priv.toPublicJwk().toKey() : jwk.toKey();
    } catch (GripConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      // jjwt's message could quote members of an oct (secret) JWK: do not pass it on
      throw new GripConfigException(PART, "the verify key looks like a JWK (it starts with '{') but is not a"
          + " usable one: expected an EC public JWK {\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":...,\"y\":...}"
          + " (as Fastly publishes), an RSA public JWK {\"kty\":\"RSA\",\"n\":...,\"e\":...}, or an oct JWK"
          + " {\"kty\":\"oct\",\"k\":...}; for a plain secret that starts with '{', write it as base64:...");
    }
    if (key instanceof SecretKey secret) {
      return hmac(secret.getEncoded());
    }
    if (key instanceof PublicKey pub) {
      return publicKey(pub);
    }
    throw new GripConfigException(PART, "the JWK verify key is of an unsupported kind: use EC, RSA or oct");
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
