package io.gripcast.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GripInstructTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static void assertHeaders(Map<String, String> expected, Map<String, String> actual) {
    assertEquals(expected, actual);
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), "header order");
  }

  // ------------------------------------------------------------------ headers

  @Test
  void streamAndResponseHolds() {
    assertHeaders(ordered("Grip-Hold", "stream", "Grip-Channel", "news"), GripInstruct.stream("news").headers());
    assertHeaders(ordered("Grip-Hold", "response", "Grip-Channel", "a, b"), GripInstruct.response("a", "b").headers());
  }

  @Test
  void severalChannelsShareOneHeaderWithPrevIdAndRepeatedFilters() {
    GripInstruct g = GripInstruct.builder()
        .hold(HoldMode.STREAM)
        .channel("a")
        .channel(GripChannel.of("b").withPrevId("1").withFilter("skip-self").withFilter("require-sub"))
        .build();
    assertEquals("a, b; prev-id=1; filter=skip-self; filter=require-sub", g.headers().get("Grip-Channel"));
  }

  @Test
  void parameterValuesThatAreNotTokensAreQuotedAndEscaped() {
    GripInstruct g = GripInstruct.builder().hold(HoldMode.RESPONSE)
        .channel(GripChannel.of("c").withPrevId("id 7; x=\"y\\z\"")).build();
    assertEquals("c; prev-id=\"id 7; x=\\\"y\\\\z\\\"\"", g.headers().get("Grip-Channel"));
  }

  @Test
  void channelNamesThatBreakTheHeaderSyntaxAreRefusedForHeadersButFineInTheBody() throws Exception {
    for (String name : new String[] {"a,b", "a;b", "a\"b", "a b", "caf\u00e9"}) {
      GripInstruct g = GripInstruct.stream(name);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::headers, name);
      assertTrue(e.getMessage().contains("cannot be written in a Grip-Channel header") && e.getMessage().contains("toInstructBody()"),
          e.getMessage());
      assertEquals(name, JSON.readTree(g.toInstructBody()).at("/hold/channels/0/name").asText());
    }
    assertThrows(IllegalArgumentException.class, () -> GripChannel.of(""));
    assertThrows(IllegalArgumentException.class, () -> GripChannel.of("a\nb"));
    assertThrows(IllegalArgumentException.class, () -> GripChannel.of("a").withPrevId(""));
    assertThrows(IllegalArgumentException.class, () -> GripChannel.of("a").withFilter(" "));
  }

  @Test
  void timeoutIsForResponseHoldsAndNeverNegative() {
    assertHeaders(ordered("Grip-Hold", "response", "Grip-Channel", "lp", "Grip-Timeout", "30"),
        GripInstruct.builder().hold(HoldMode.RESPONSE).channel("lp").timeout(30).build().headers());
    // 0-4 are accepted and documented: Pushpin raises them to 5
    assertEquals("3", GripInstruct.builder().hold(HoldMode.RESPONSE).channel("lp").timeout(3).build().headers().get("Grip-Timeout"));
    assertThrows(IllegalArgumentException.class, () -> GripInstruct.builder().timeout(-1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GripInstruct.builder().hold(HoldMode.STREAM).channel("s").timeout(30).build());
    assertTrue(e.getMessage().contains("response holds"), e.getMessage());
  }

  @Test
  void keepAliveIsRawWhenPlainAndCStringOrBase64Otherwise() {
    assertEquals("ping; timeout=20", keepAliveHeader(b -> b.keepAlive("ping", 20)));
    assertEquals(":\\n\\n; format=cstring; timeout=20", keepAliveHeader(b -> b.keepAlive(":\n\n", 20)));
    assertEquals("a\\x3bb; format=cstring; timeout=5; mode=interval", keepAliveHeader(b -> b.keepAlive("a;b", 5, KeepAliveMode.INTERVAL)));
    assertEquals("\\x20x\\x20; format=cstring; timeout=5", keepAliveHeader(b -> b.keepAlive(" x ", 5)));
    assertEquals("caf\\xc3\\xa9\\\\; format=cstring; timeout=5", keepAliveHeader(b -> b.keepAlive("caf\u00e9\\", 5)));
    assertEquals("AAEC; format=base64; timeout=5", keepAliveHeader(b -> b.keepAlive(new byte[] {0, 1, 2}, 5, KeepAliveMode.IDLE)));
    assertEquals("{}; timeout=1", keepAliveHeader(b -> b.keepAlive("{}".getBytes(StandardCharsets.US_ASCII), 1, KeepAliveMode.IDLE)));

    assertThrows(IllegalArgumentException.class, () -> GripInstruct.builder().keepAlive("", 5));
    assertThrows(IllegalArgumentException.class, () -> GripInstruct.builder().keepAlive("x", 0));
    assertThrows(IllegalArgumentException.class, () -> GripInstruct.builder().hold(HoldMode.RESPONSE).channel("a").keepAlive("x", 5).build());
  }

  @Test
  void cStringKeepAliveDecodesBackToTheSameBytesUnderPushpinsRules() {
    StringBuilder all = new StringBuilder(" ");
    for (char c = 0; c < 0x300; c++) {
      all.append(c);
    }
    String text = all.append(' ').toString();
    String header = keepAliveHeader(b -> b.keepAlive(text, 7));
    String data = header.substring(0, header.indexOf(';')); // Pushpin takes the data up to the first ';' ...
    assertEquals(data, data.strip()); // ... and trims it
    assertEquals("; format=cstring; timeout=7", header.substring(data.length()));
    assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), unescapeCString(data));
  }

  /** Pushpin's cstring format: \\ \r \n \xHH; everything else literal. */
  static byte[] unescapeCString(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      assertTrue(c >= 0x20 && c < 0x7f, "cstring must be printable ASCII, found " + (int) c);
      if (c != '\\') {
        out.write(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case '\\' -> out.write('\\');
        case 'r' -> out.write('\r');
        case 'n' -> out.write('\n');
        case 'x' -> {
          out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
          i += 2;
        }
        default -> throw new AssertionError("escape Pushpin does not know: \\" + e);
      }
    }
    return out.toByteArray();
  }

  interface Customizer {
    void apply(GripInstruct.Builder b);
  }

  static String keepAliveHeader(Customizer c) {
    GripInstruct.Builder b = GripInstruct.builder().hold(HoldMode.STREAM).channel("s");
    c.apply(b);
    return b.build().headers().get("Grip-Keep-Alive");
  }

  @Test
  void linkSetMetaAndStatus() {
    GripInstruct g = GripInstruct.builder()
        .hold(HoldMode.STREAM)
        .channel("s")
        .nextLink(URI.create("https://example.com/next?after=7"), 30)
        .setMeta("user", "alice")
        .setMeta("note", "say \"hi\" \\ bye")
        .status(201, "Created")
        .build();
    assertHeaders(ordered(
            "Grip-Hold", "stream",
            "Grip-Channel", "s",
            "Grip-Link", "<https://example.com/next?after=7>; rel=next; timeout=30",
            "Grip-Set-Meta", "user=\"alice\", note=\"say \\\"hi\\\" \\\\ bye\"",
            "Grip-Status", "201 Created"),
        g.headers());
    assertEquals("</next>; rel=next", GripInstruct.builder().nextLink(URI.create("/next")).build().headers().get("Grip-Link"));
    assertHeaders(ordered("Grip-Status", "204"), GripInstruct.builder().status(204).build().headers());

    assertThrows(IllegalArgumentException.class, () -> GripInstruct.builder().setMeta("a b", "x"));
    assertThrows(IllegalArgumentException.class, () -> GripInstruct.builder().status(99));
    assertThrows(IllegalArgumentException.class, () -> GripInstruct.builder().status(200, "OK\r\nX: y"));
    assertThrows(IllegalArgumentException.class, () -> GripInstruct.builder().nextLink(URI.create("/a"), -1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GripInstruct.builder().setMeta("user", "\u00e9l\u00e8ve").build().headers());
    assertTrue(e.getMessage().contains("use toInstructBody()"), e.getMessage());
  }

  @Test
  void holdsAndChannelsComeTogether() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> GripInstruct.builder().hold(HoldMode.STREAM).build())
        .getMessage().contains("needs at least one channel"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> GripInstruct.builder().channel("a").build())
        .getMessage().contains("channels need a hold"));
    assertEquals(Map.of(), GripInstruct.builder().build().headers());
  }

  @Test
  void responsePartsBelongToTheBodyOnly() {
    GripInstruct g = GripInstruct.builder().hold(HoldMode.STREAM).channel("s").responseBody("hi").build();
    IllegalStateException e = assertThrows(IllegalStateException.class, g::headers);
    assertTrue(e.getMessage().contains("carried only by toInstructBody()"), e.getMessage());
  }

  // ------------------------------------------------------------------ instruct body

  @Test
  void instructBodyHasEveryPartInPlace() throws Exception {
    GripInstruct g = GripInstruct.builder()
        .hold(HoldMode.STREAM)
        .channel("a")
        .channel(GripChannel.of("b\u2713").withPrevId("7").withFilter("skip-self"))
        .keepAlive(":\n\n", 20)
        .setMeta("user", "\u00e9l\u00e8ve")
        .status(200, "OK")
        .responseHeader("Content-Type", "text/event-stream")
        .responseBody("stream open\n")
        .build();
    JsonNode expected = JSON.readTree("""
        {"hold": {"mode": "stream",
                  "channels": [{"name": "a"}, {"name": "b\u2713", "prev-id": "7", "filters": ["skip-self"]}],
                  "keep-alive": {"content": ":\\n\\n", "timeout": 20},
                  "meta": {"user": "\u00e9l\u00e8ve"}},
         "response": {"code": 200, "reason": "OK",
                      "headers": {"Content-Type": "text/event-stream"},
                      "body": "stream open\\n"}}
        """);
    assertEquals(expected, JSON.readTree(g.toInstructBody()));
    assertEquals("application/grip-instruct", GripInstruct.CONTENT_TYPE);
  }

  @Test
  void instructBodyForALongPollWithBinaryBodyAndRepeatedHeaders() throws Exception {
    GripInstruct g = GripInstruct.builder()
        .hold(HoldMode.RESPONSE)
        .channel("lp")
        .timeout(30)
        .responseHeader("Set-Cookie", "a=1")
        .responseHeader("set-cookie", "b=2")
        .responseBody(new byte[] {0, 1, 2})
        .build();
    JsonNode expected = JSON.readTree("""
        {"hold": {"mode": "response", "channels": [{"name": "lp"}], "timeout": 30},
         "response": {"headers": [["Set-Cookie", "a=1"], ["set-cookie", "b=2"]], "body-bin": "AAEC"}}
        """);
    assertEquals(expected, JSON.readTree(g.toInstructBody()));
  }

  @Test
  void instructBodyKeepAliveOfBytes() throws Exception {
    GripInstruct g = GripInstruct.builder()
        .hold(HoldMode.STREAM)
        .channel("s")
        .keepAlive(new byte[] {0, 1}, 5, KeepAliveMode.IDLE)
        .build();
    JsonNode expected = JSON.readTree("""
        {"hold": {"mode": "stream", "channels": [{"name": "s"}], "keep-alive": {"content-bin": "AAE=", "timeout": 5}}}
        """);
    assertEquals(expected, JSON.readTree(g.toInstructBody()));
  }

  @Test
  void anEmptyInstructIsAnEmptyObjectAndALinkCannotGoInTheBody() throws Exception {
    assertEquals(JSON.readTree("{}"), JSON.readTree(GripInstruct.builder().build().toInstructBody()));
    GripInstruct linked = GripInstruct.builder().nextLink(URI.create("/n")).build();
    assertTrue(assertThrows(IllegalStateException.class, linked::toInstructBody).getMessage().contains("Grip-Link"));
  }

  @Test
  void valuesAreImmutableAndComparable() {
    byte[] body = {1, 2};
    GripInstruct.Builder b = GripInstruct.builder().hold(HoldMode.STREAM).channel("s").responseBody(body);
    GripInstruct one = b.build();
    body[0] = 9;
    assertEquals(one, GripInstruct.builder().hold(HoldMode.STREAM).channel("s").responseBody(new byte[] {1, 2}).build());
    assertEquals(List.of(GripChannel.of("s")), one.channels());
    assertFalse(one.toString().isEmpty());
  }
}
