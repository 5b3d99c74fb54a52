package io.gripcast.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;

/**
 * Reads the JOSE JSON that auth needs outside jjwt: a JWS header's {@code alg} (to refuse a token
 * whose algorithm is not the pinned one, with a precise reason, before jjwt sees it) and telling a
 * JWK from a binary secret.
 *
 * <p>The other JSON roles have their own classes: the publish wire format is
 * {@code internal.WireJson}'s (with {@code GripJson} its public face), the grip-instruct body is
 * {@code http.InstructJson}'s, the WebSocket control messages are {@code ws.ControlMessages}'.
 */
final class JoseJson {
  private static final ObjectMapper MAPPER = new ObjectMapper(); // thread-safe for reading

  private JoseJson() {}

  /** The {@code alg} member of a JSON object, or null if the bytes are not an object with a string alg. */
  static String alg(byte[] header) {
    try {
      JsonNode node = MAPPER.readTree(header);
      if (node == null || !node.isObject()) {
        return null;
      }
      JsonNode alg = node.get("alg");
      return alg != null && alg.isTextual() ? alg.textValue() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The key bytes of a symmetric JWK ({@code {"kty":"oct","k":"<base64url>"}}), or null when the
   * text is not one. Read here rather than by jjwt, which refuses oct keys under 256 bits.
   *
   * @throws IllegalArgumentException if it is an oct JWK whose {@code k} is missing or not base64url
   */
  static byte[] octKey(String text) {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (IOException e) {
      return null;
    }
    if (node == null || !node.isObject() || !"oct".equals(node.path("kty").asText(null))) {
      return null;
    }
    JsonNode k = node.get("k");
    if (k == null || !k.isTextual()) {
      throw new IllegalArgumentException("an oct JWK needs a string 'k' member");
    }
    return Base64.getUrlDecoder().decode(k.textValue()); // IllegalArgumentException if not base64url
  }

  /** True when {@code text} is a JSON object with a {@code kty} member, i.e. looks like a JWK. */
  static boolean isObjectWithKty(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return node != null && node.isObject() && node.has("kty");
    } catch (IOException e) {
      return false;
    }
  }
}
