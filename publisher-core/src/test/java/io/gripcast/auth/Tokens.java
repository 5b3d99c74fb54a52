package io.gripcast.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds and takes apart compact JWS tokens with plain JDK crypto, independently of the code under
 * test (and of jjwt), so tests do not check the library against itself.
 */
final class Tokens {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Tokens() {}

  static String b64url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String b64url(String text) {
    return b64url(text.getBytes(StandardCharsets.UTF_8));
  }

  static JsonNode part(String token, int index) {
    try {
      return MAPPER.readTree(Base64.getUrlDecoder().decode(token.split("\\.", -1)[index]));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] hmacSha256(byte[] key, String signingInput) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** An HS256 token over the given header and claims JSON. */
  static String hs256(byte[] key, String headerJson, String claimsJson) {
    String input = b64url(headerJson) + "." + b64url(claimsJson);
    return input + "." + b64url(hmacSha256(key, input));
  }

  static String hs256(String key, String claimsJson) {
    return hs256(key.getBytes(StandardCharsets.UTF_8), "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claimsJson);
  }

  /** A token signed with a JCA signature algorithm, e.g. SHA256withECDSAinP1363Format for ES256. */
  static String signed(String alg, String jcaAlg, PrivateKey key, String claimsJson) {
    try {
      String input = b64url("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + b64url(claimsJson);
      Signature sig = Signature.getInstance(jcaAlg);
      sig.initSign(key);
      sig.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + b64url(sig.sign());
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static String claims(String iss, long exp) {
    return "{\"iss\":\"" + iss + "\",\"exp\":" + exp + "}";
  }
}
