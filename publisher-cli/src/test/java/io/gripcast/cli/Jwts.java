package io.gripcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Checks a JWT independently of gripcast's signer: HS256 signature, iss, and an exp in the future. */
final class Jwts {
  private Jwts() {}

  static JsonNode assertHs256(String jwt, byte[] key, String iss) throws Exception {
    String[] parts = jwt.split("\\.");
    assertEquals(3, parts.length, jwt);
    Base64.Decoder d = Base64.getUrlDecoder();
    ObjectMapper json = new ObjectMapper();
    assertEquals("HS256", json.readTree(d.decode(parts[0])).get("alg").asText());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] sig = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(sig), parts[2], "signature");
    JsonNode claims = json.readTree(d.decode(parts[1]));
    assertEquals(iss, claims.get("iss").asText());
    assertTrue(claims.get("exp").asLong() > System.currentTimeMillis() / 1000, "exp in the future: " + claims);
    return claims;
  }
}
