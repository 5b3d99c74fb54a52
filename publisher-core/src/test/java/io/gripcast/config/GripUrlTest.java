package io.gripcast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.auth.Auth;
import io.gripcast.auth.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GripUrlTest {

  /** url, control URI, publish URI, expected auth. */
  static Stream<Arguments> anatomy() {
    return Stream.of(
        Arguments.of("http://localhost:5561", "http://localhost:5561", "http://localhost:5561/publish/",
            Auth.none()),
        Arguments.of("http://localhost:5561/", "http://localhost:5561", "http://localhost:5561/publish/",
            Auth.none()),
        Arguments.of("  http://localhost:5561\n", "http://localhost:5561", "http://localhost:5561/publish/",
            Auth.none()),
        Arguments.of("HTTP://Localhost:5561", "http://Localhost:5561", "http://Localhost:5561/publish/",
            Auth.none()),
        Arguments.of("http://127.0.0.1:5561/base/path/", "http://127.0.0.1:5561/base/path",
            "http://127.0.0.1:5561/base/path/publish/", Auth.none()),
        Arguments.of("http://127.0.0.1:5561/base/path", "http://127.0.0.1:5561/base/path",
            "http://127.0.0.1:5561/base/path/publish/", Auth.none()),
        Arguments.of("http://[::1]:5561/", "http://[::1]:5561", "http://[::1]:5561/publish/", Auth.none()),
        Arguments.of("http://h/a%20b/", "http://h/a%20b", "http://h/a%20b/publish/", Auth.none()),
        // legacy Fanout Cloud: JWT with a base64 key
        Arguments.of("https://api.fanout.io/realm/myrealm?iss=myrealm&key=base64:Z2VhZzEyMTMyMQ==",
            "https://api.fanout.io/realm/myrealm", "https://api.fanout.io/realm/myrealm/publish/",
            Auth.jwt("myrealm", "geag121321".getBytes(StandardCharsets.US_ASCII))),
        // Fastly: key without iss is the API token, sent as Bearer
        Arguments.of("https://api.fastly.com/service/SVC123?key=TOKEN123&verify-iss=fastly:SVC123",
            "https://api.fastly.com/service/SVC123", "https://api.fastly.com/service/SVC123/publish/",
            Auth.bearer("TOKEN123")),
        Arguments.of("https://alice:s%3Ac%2Fret@example.com/p", "https://example.com/p",
            "https://example.com/p/publish/", Auth.basic("alice", "s:c/ret")),
        Arguments.of("https://alice@example.com", "https://example.com", "https://example.com/publish/",
            Auth.basic("alice", "")),
        Arguments.of("http://h:5561/x?foo=1&iss=a&key=k&bar=%20b", "http://h:5561/x?foo=1&bar=%20b",
            "http://h:5561/x/publish/?foo=1&bar=%20b", Auth.jwt("a", "k")),
        Arguments.of("http://h?&&foo=1&", "http://h?foo=1", "http://h/publish/?foo=1", Auth.none()),
        Arguments.of("http://h?flag", "http://h?flag", "http://h/publish/?flag", Auth.none()),
        Arguments.of("http://h?iss=r%C3%A9alm&key=k", "http://h", "http://h/publish/", Auth.jwt("réalm", "k")),
        // '+' is literal, in a bearer token as anywhere
        Arguments.of("http://h?key=a+b", "http://h", "http://h/publish/", Auth.bearer("a+b")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("anatomy")
  void parsesUrlAnatomy(String url, String control, String publish, Auth auth) {
    Endpoint e = GripUrl.parse(url);
    assertEquals(URI.create(control), e.controlUri());
    assertEquals(URI.create(publish), e.publishUri());
    assertEquals(auth, e.auth());
    assertEquals(e.publishUri().getRawQuery() != null, e.hasExtraQuery());
  }

  @Test
  void otherParamsAreKeptDecodedInOrderAndFlagged() {
    Endpoint e = GripUrl.parse("http://h:5561/x?zeta=1&iss=a&key=k&alpha=%20b%2B+&flag");
    assertEquals(List.of("zeta", "alpha", "flag"), new ArrayList<>(e.params().keySet()));
    assertEquals(Map.of("zeta", "1", "alpha", " b++", "flag", ""), e.params());
    assertTrue(e.hasExtraQuery());
    assertEquals("zeta=1&alpha=%20b%2B+&flag", e.controlUri().getRawQuery(), "raw encoding kept as written");
    assertTrue(e.warnings().stream().anyMatch(w -> w.contains("404") && w.contains("[zeta, alpha, flag]")),
        e.warnings().toString());
  }

  @Test
  void gripParamsAreNotInParams() {
    Endpoint e = GripUrl.parse("http://h?iss=a&key=k&verify-iss=v&verify-key=vk");
    assertEquals(Map.of(), e.params());
    assertFalse(e.hasExtraQuery());
    assertEquals(Optional.of("v"), e.verifyIssuer());
    assertEquals(Optional.of(Secret.ofUtf8("vk")), e.verifyKey());
  }

  @Test
  void plusIsLiteralInBase64Keys() {
    // form decoding would give "ab c+d==" (js-grip's bug); the key is base64 "ab+c+d=="
    Endpoint e = GripUrl.parse("http://h?iss=r&key=base64:ab+c%2Bd==");
    Auth.Jwt jwt = assertInstanceOf(Auth.Jwt.class, e.auth());
    assertEquals(Secret.of(Base64.getDecoder().decode("ab+c+d==")), jwt.key());
  }

  @Test
  void base64KeyWithPlusAndSlashRawOrPercentEncodedGivesSameBytes() {
    String b64 = "qWjc/cTEsIJnqh2rPZeUbYBvSj9+G1Ue1ZRY/ZKNrVk=";
    byte[] expected = Base64.getDecoder().decode(b64);
    String encoded = b64.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D");
    for (String url : List.of("http://h?iss=r&key=base64:" + b64, "http://h?iss=r&key=base64:" + encoded,
        "http://h?iss=r&key=base64%3A" + encoded)) {
      Auth.Jwt jwt = assertInstanceOf(Auth.Jwt.class, GripUrl.parse(url).auth(), url);
      assertEquals(Secret.of(expected), jwt.key(), url);
    }
  }

  @Test
  void base64KeyKeepsNonUtf8Bytes() {
    byte[] key = {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80, 0x41};
    String url = "http://h?iss=r&key=base64:" + Base64.getEncoder().encodeToString(key);
    assertEquals(Secret.of(key), ((Auth.Jwt) GripUrl.parse(url).auth()).key());
  }

  @Test
  void urlSafeBase64IsAccepted() {
    byte[] key = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf};
    String url = "http://h?iss=r&key=base64:" + Base64.getUrlEncoder().encodeToString(key);
    assertTrue(url.contains("-") || url.contains("_"), url);
    assertEquals(Secret.of(key), ((Auth.Jwt) GripUrl.parse(url).auth()).key());
  }

  @Test
  void onlyOneTrailingSlashIsStrippedAndDoubleSlashIsFlagged() {
    Endpoint e = GripUrl.parse("http://h/a//");
    assertEquals(URI.create("http://h/a/"), e.controlUri());
    assertEquals(URI.create("http://h/a//publish/"), e.publishUri());
    assertTrue(e.warnings().stream().anyMatch(w -> w.contains("'//'")), e.warnings().toString());
  }

  @Test
  void plainPushpinUrlHasNoWarnings() {
    assertEquals(List.of(), GripUrl.parse("http://localhost:5561").warnings());
    assertEquals(List.of(), GripUrl.parse("https://api.fastly.com/service/S?key=T").warnings());
  }

  @Test
  void fastlyUrlWithVerifyKeyFromEnvironment() {
    String jwk = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"CKo5A1ebyFcnmVV8SE5On-8G81JyBjSvcrx4VLetWCg\","
        + "\"y\":\"7gwJqaU6N8TP88--twjkwoB36f-pT3QsmI46nPhjO7M\"}";
    Endpoint e = GripUrl.fromEnvironment(Map.of(
        "GRIP_URL", "https://api.fastly.com/service/SVC123?key=TOKEN123&verify-iss=fastly:SVC123",
        "GRIP_VERIFY_KEY", jwk + "\n",
        "OTHER", "ignored"));
    assertEquals(URI.create("https://api.fastly.com/service/SVC123/publish/"), e.publishUri());
    assertEquals(Auth.bearer("TOKEN123"), e.auth());
    assertEquals(Optional.of("fastly:SVC123"), e.verifyIssuer());
    assertEquals(Optional.of(Secret.ofUtf8(jwk)), e.verifyKey());
  }

  @Test
  void emptyVerifyKeyVariableCountsAsUnset() {
    Endpoint e = GripUrl.fromEnvironment(Map.of("GRIP_URL", "http://localhost:5561", "GRIP_VERIFY_KEY", " "));
    assertEquals(Optional.empty(), e.verifyKey());
  }

  @Test
  void extraParamsAreMergedLiterally() {
    // literal: no percent-decoding, '+' stays
    Endpoint e = GripUrl.parse("http://h", Map.of("iss", "r", "key", "a%20b+c"));
    assertEquals(Auth.jwt("r", "a%20b+c"), e.auth());
  }

  @Test
  void authPrecedenceIsJwtThenBearerThenBasic() {
    Endpoint all = GripUrl.parse("https://u:p@h?iss=i&key=k");
    assertEquals(Auth.jwt("i", "k"), all.auth());
    assertTrue(all.warnings().stream().anyMatch(w -> w.contains("userinfo") && w.contains("JWT")));

    Endpoint keyAndUser = GripUrl.parse("https://u:p@h?key=k");
    assertEquals(Auth.bearer("k"), keyAndUser.auth());
    assertTrue(keyAndUser.warnings().stream().anyMatch(w -> w.contains("userinfo") && w.contains("Bearer")));

    assertEquals(Auth.basic("u", "p"), GripUrl.parse("https://u:p@h").auth());
    assertEquals(Auth.none(), GripUrl.parse("https://h").auth());
  }

  @Test
  void weakJwtKeyPlainHttpCredentialsAndFastlyMistakesAreWarned() {
    List<String> w = GripUrl.parse("http://example.com?iss=r&key=changeme").warnings();
    assertTrue(w.stream().anyMatch(s -> s.contains("256 bits")), w.toString());
    assertTrue(w.stream().anyMatch(s -> s.contains("plain http")), w.toString());
    assertFalse(GripUrl.parse("http://localhost:5561?key=t").warnings().stream()
        .anyMatch(s -> s.contains("plain http")), "loopback is fine over http");

    List<String> fastlyJwt = GripUrl.parse("https://api.fastly.com/service/S?iss=S&key=T").warnings();
    assertTrue(fastlyJwt.stream().anyMatch(s -> s.contains("remove iss")), fastlyJwt.toString());
    List<String> fastlyNoKey = GripUrl.parse("https://api.fastly.com/service/S").warnings();
    assertTrue(fastlyNoKey.stream().anyMatch(s -> s.contains("needs an API token")), fastlyNoKey.toString());
  }

  @Test
  void redactedDisplayHidesSecretsButKeepsTheRest() {
    Endpoint jwt = GripUrl.parse("https://api.fanout.io/realm/r1/?zeta=1&iss=r1&key=base64:U0VDUkVU&verify-iss=v"
        + "&verify-key=VKSECRET");
    assertEquals("https://api.fanout.io/realm/r1?iss=r1&key=***&verify-iss=v&verify-key=***&zeta=1",
        jwt.redacted());
    Endpoint basic = GripUrl.parse("https://al%20ice:PWSECRET@h:8443");
    assertEquals("https://al%20ice:***@h:8443", basic.redacted());
    assertEquals("https://api.fastly.com/service/S?key=***",
        GripUrl.parse("https://api.fastly.com/service/S?key=TOKSECRET").redacted());
    assertEquals("http://localhost:5561", GripUrl.parse("http://localhost:5561/").redacted());
  }

  @Test
  void redactedDisplayParsesBackToTheSameShape() {
    Endpoint e = GripUrl.parse("https://h/p?a=1&iss=r&key=k");
    Endpoint again = GripUrl.parse(e.redacted());
    assertEquals(e.controlUri(), again.controlUri());
    assertEquals(e.publishUri(), again.publishUri());
  }

  @Test
  void endpointIsAValue() {
    assertEquals(GripUrl.parse("http://h?iss=r&key=k&x=1"), GripUrl.parse("http://h/?x=1&key=k&iss=r"));
    assertThrows(UnsupportedOperationException.class, () -> GripUrl.parse("http://h?x=1").params().put("y", "2"));
    assertThrows(UnsupportedOperationException.class,
        () -> GripUrl.parse("http://h?x=1").warnings().add("w"));
  }

  @Test
  void endpointConstructorRejectsUserinfoAndOtherSchemes() {
    assertThrows(IllegalArgumentException.class, () -> new Endpoint(URI.create("http://u:p@h"),
        URI.create("http://h/publish/"), Auth.none(), Optional.empty(), Optional.empty(), Map.of(), List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Endpoint(URI.create("ftp://h"),
        URI.create("http://h/publish/"), Auth.none(), Optional.empty(), Optional.empty(), Map.of(), List.of()));
  }
}
