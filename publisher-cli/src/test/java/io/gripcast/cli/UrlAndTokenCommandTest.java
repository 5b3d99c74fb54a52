package io.gripcast.cli;

import static io.gripcast.cli.Cli.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code gripcast url} and {@code gripcast token}. */
class UrlAndTokenCommandTest {

  static final String KEY = "sixteen-byte-key-and-then-some-more";

  @Test
  void urlShowsTheParsedEndpointWithSecretsRedacted() {
    Cli.Result r = cli().env("GRIP_URL", "https://api.fanout.io/realm/r1/?iss=r1&key=" + KEY)
        .env("GRIP_VERIFY_KEY", "verifysecret").run("url");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("GRIP URL:    https://api.fanout.io/realm/r1?iss=r1&key=***&verify-key=***\n"), r.out());
    assertTrue(r.out().contains("from:        GRIP_URL\n"), r.out());
    assertTrue(r.out().contains("publish URL: https://api.fanout.io/realm/r1/publish/\n"), r.out());
    assertTrue(r.out().contains("auth:        JWT (HS256, iss=r1, key 35 bytes)\n"), r.out());
    assertTrue(r.out().contains("verify-key:  *** (set)"), r.out());
    assertFalse(r.out().contains(KEY) || r.out().contains("verifysecret"), r.out());
  }

  @Test
  void urlDefaultsToLocalPushpinAndShowsWarnings() {
    Cli.Result r = cli().run("url");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("GRIP URL:    http://localhost:5561\n"), r.out());
    assertTrue(r.out().contains("auth:        none\n"), r.out());
    Cli.Result q = cli().run("url", "--spec", "http://localhost:5561?x=1");
    assertTrue(q.out().contains("publish URL: http://localhost:5561/publish/?x=1"), q.out());
    assertTrue(q.out().contains("warning:     query parameters [x]"), q.out());
  }

  @Test
  void urlJson() throws Exception {
    Cli.Result r = cli().run("url", "--json", "--spec", "https://u:pw@h.example/base", "--spec", "http://localhost:5561");
    assertEquals(0, r.code(), r.toString());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(2, j.size());
    assertEquals("https://u:***@h.example/base", j.get(0).get("grip_url").asText());
    assertEquals("Basic (user u)", j.get(0).get("auth").asText());
    assertEquals("http://localhost:5561/publish/", j.get(1).get("publish_url").asText());
    assertFalse(r.out().contains("pw"), r.out());
  }

  @Test
  void urlWithABadGripUrlExits78() {
    Cli.Result r = cli().env("GRIP_URL", "http://h?key=%zz").run("url");
    assertEquals(78, r.code(), r.toString());
    assertEquals(1, r.errLines().length, r.toString());
  }

  @Test
  void tokenPrintsAValidJwtForIssAndKey() throws Exception {
    Cli.Result r = cli().env("GRIP_URL", "https://api.fanout.io/realm/r1?iss=r1&key=" + KEY).run("token", "--ttl", "90s");
    assertEquals(0, r.code(), r.toString());
    String jwt = r.out().strip();
    JsonNode claims = Jwts.assertHs256(jwt, KEY.getBytes(StandardCharsets.UTF_8), "r1");
    long exp = claims.get("exp").asLong();
    long now = System.currentTimeMillis() / 1000;
    assertTrue(exp >= now + 80 && exp <= now + 91, "exp about 90 s ahead: " + (exp - now));
    assertEquals("", r.err());
  }

  @Test
  void tokenWithBase64KeySignsWithTheDecodedBytes() throws Exception {
    byte[] raw = new byte[32];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) (i * 7 + 1);
    }
    String b64 = java.util.Base64.getEncoder().encodeToString(raw).replace("+", "%2B").replace("/", "%2F");
    Cli.Result r = cli().run("token", "--spec", "https://h.example/realm?iss=me&key=base64:" + b64);
    assertEquals(0, r.code(), r.toString());
    Jwts.assertHs256(r.out().strip(), raw, "me");
  }

  @Test
  void tokenRefusesToPrintNonJwtCredentials() {
    Cli.Result bearer = cli().run("token", "--spec", "https://api.fastly.com/service/S?key=TOKEN123");
    assertEquals(78, bearer.code(), bearer.toString());
    assertTrue(bearer.err().contains("bearer token"), bearer.err());
    assertFalse(bearer.err().contains("TOKEN123") || bearer.out().contains("TOKEN123"), bearer.toString());
    Cli.Result none = cli().run("token", "--spec", "http://localhost:5561");
    assertEquals(78, none.code(), none.toString());
    Cli.Result unset = cli().run("token");
    assertEquals(78, unset.code(), unset.toString());
    assertTrue(unset.err().contains("set GRIP_URL or give --spec"), unset.err());
  }
}
