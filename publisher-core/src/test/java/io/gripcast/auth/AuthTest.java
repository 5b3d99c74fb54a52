package io.gripcast.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthTest {
  private static final Instant NOW = Instant.ofEpochSecond(1_795_748_048L, 123_000_000L);

  @Test
  void mintedJwtHasIssAndExpOnlyAndAStandardHmacSha256Signature() {
    Auth.Jwt jwt = Auth.jwt("realm1", "changeme");
    String token = jwt.mint(NOW, Duration.ofMinutes(10));

    String[] parts = token.split("\\.", -1);
    assertEquals(3, parts.length, token);
    assertEquals("HS256", Tokens.part(token, 0).get("alg").asText());
    JsonNode claims = Tokens.part(token, 1);
    List<String> names = new ArrayList<>();
    claims.fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("exp", "iss").stream().sorted().toList(), names.stream().sorted().toList());
    assertEquals("realm1", claims.get("iss").asText());
    assertEquals(1_795_748_048L + 600, claims.get("exp").asLong(), "exp = now + ttl, in whole seconds");

    byte[] expected = Tokens.hmacSha256("changeme".getBytes(StandardCharsets.UTF_8), parts[0] + "." + parts[1]);
    assertArrayEquals(expected, Base64.getUrlDecoder().decode(parts[2]));
  }

  @Test
  void shortAndBinaryKeysWork() {
    byte[] binary = {(byte) 0xff, 0, (byte) 0x80};
    for (byte[] key : new byte[][] {{'k'}, "changeme".getBytes(StandardCharsets.US_ASCII), binary}) {
      String token = Auth.jwt("r", key).mint(NOW, Duration.ofSeconds(30));
      String[] parts = token.split("\\.", -1);
      assertArrayEquals(Tokens.hmacSha256(key, parts[0] + "." + parts[1]), Base64.getUrlDecoder().decode(parts[2]));
    }
  }

  @Test
  void expiryIsTruncatedToWholeSeconds() {
    assertEquals(Instant.ofEpochSecond(1010), Auth.Jwt.expiresAt(Instant.ofEpochMilli(1_000_900), Duration.ofSeconds(10)));
    assertThrows(IllegalArgumentException.class, () -> Auth.jwt("r", "k").mint(NOW, Duration.ofMillis(999)));
    assertThrows(IllegalArgumentException.class, () -> Auth.jwt("r", "k").mint(NOW, Duration.ofSeconds(-5)));
  }

  @Test
  void weakKeyIsUnder256Bits() {
    assertTrue(Auth.jwt("r", "changeme").isWeakKey());
    assertTrue(Auth.jwt("r", new byte[31]).isWeakKey());
    assertFalse(Auth.jwt("r", new byte[32]).isWeakKey());
  }

  @Test
  void invalidValuesAreRefusedWithoutEchoingSecrets() {
    assertThrows(IllegalArgumentException.class, () -> Auth.jwt("", "k"));
    assertThrows(IllegalArgumentException.class, () -> Auth.jwt("r", new byte[0]));
    IllegalArgumentException bearer = assertThrows(IllegalArgumentException.class, () -> Auth.bearer("S3CRET x"));
    assertFalse(bearer.getMessage().contains("S3CRET"), bearer.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Auth.bearer(""));
    assertThrows(IllegalArgumentException.class, () -> Auth.basic("a:b", "p"));
    IllegalArgumentException basic = assertThrows(IllegalArgumentException.class, () -> Auth.basic("u", "S3CRET\r\n"));
    assertFalse(basic.getMessage().contains("S3CRET"), basic.getMessage());
    assertThrows(NullPointerException.class, () -> Auth.basic(null, "p"));
  }

  @Test
  void toStringNeverShowsSecrets() {
    List<Auth> all = List.of(Auth.none(), Auth.bearer("S3CRETTOKEN"), Auth.basic("alice", "S3CRETPW"),
        Auth.jwt("realm", "S3CRETKEY"), Auth.jwt("realm", "S3CRETKEY".getBytes(StandardCharsets.UTF_8)));
    for (Auth a : all) {
      assertFalse(a.toString().contains("S3CRET"), a.toString());
    }
    assertEquals("Basic[user=alice, password=***]", Auth.basic("alice", "S3CRETPW").toString());
    assertEquals("Jwt[issuer=realm, key=***]", Auth.jwt("realm", "S3CRETKEY").toString());
    assertEquals("Bearer[token=***]", Auth.bearer("S3CRETTOKEN").toString());
  }

  @Test
  void valuesCompareByContentIncludingKeyBytes() {
    assertEquals(Auth.jwt("r", new byte[] {1, 2}), Auth.jwt("r", new byte[] {1, 2}));
    assertEquals(Auth.jwt("r", new byte[] {1, 2}).hashCode(), Auth.jwt("r", new byte[] {1, 2}).hashCode());
    assertNotEquals(Auth.jwt("r", new byte[] {1, 2}), Auth.jwt("r", new byte[] {1, 3}));
    assertEquals(Auth.none(), new Auth.None());
  }

  @Test
  void secretCopiesInAndOutAndDecodesBase64KeyText() {
    byte[] in = {1, 2, 3};
    Secret s = Secret.of(in);
    in[0] = 9;
    byte[] out = s.bytes();
    out[1] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, s.bytes());
    assertEquals("***", s.toString());
    assertArrayEquals(Base64.getDecoder().decode("ab+/cd=="), Secret.fromKeyText("base64:ab+/cd==").bytes());
    assertArrayEquals("plain+text".getBytes(StandardCharsets.UTF_8), Secret.fromKeyText("plain+text").bytes());
  }
}
