package io.gripcast.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebSocketRequestTest {

  @Test
  void headerNamesAreCaseInsensitiveAndRepeatedNamesMerge() {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("Meta-User", List.of("alice"));
    h.put("META-USER", List.of("bob"));
    h.put("Grip-Sig", List.of("secret.jwt.value"));
    WebSocketRequest r = WebSocketRequest.of("POST", h, new byte[] {1});
    assertEquals(List.of("alice", "bob"), r.headerValues("meta-user"));
    assertEquals(Optional.of("alice"), r.header("Meta-User"));
    assertEquals(Optional.empty(), r.header("nope"));
    assertEquals(List.of(), r.headerValues("nope"));
    assertEquals(List.of("meta-user", "grip-sig"), List.copyOf(r.headers().keySet()));
  }

  @Test
  void toStringShowsHeaderNamesButNeverValues() {
    WebSocketRequest r = WebSocketRequest.builder().header("Grip-Sig", "secret.jwt.value").rawQuery("key=hush").body(new byte[3]).build();
    String s = r.toString();
    assertFalse(s.contains("secret"), s);
    assertFalse(s.contains("hush"), s);
    assertTrue(s.contains("grip-sig") && s.contains("key") && s.contains("3 bytes"), s);
  }

  @Test
  void bodyIsCopiedAndComparedByValue() {
    byte[] body = {1, 2};
    WebSocketRequest r = WebSocketRequest.of("POST", Map.of(), body);
    body[0] = 9;
    assertArrayEquals(new byte[] {1, 2}, r.body());
    r.body()[1] = 9;
    assertArrayEquals(new byte[] {1, 2}, r.body());
    assertEquals(2, r.bodyLength());
    assertEquals(WebSocketRequest.of("POST", Map.of(), new byte[] {1, 2}), r);
    assertEquals(WebSocketRequest.of("POST", Map.of(), new byte[] {1, 2}).hashCode(), r.hashCode());
    assertNotEquals(WebSocketRequest.of("POST", Map.of(), new byte[] {1, 3}), r);
    assertArrayEquals(new byte[0], WebSocketRequest.of("POST", null, null).body());
  }

  @Test
  void toBuilderKeepsEveryValue() {
    WebSocketRequest r = WebSocketRequest.builder().method("PUT").header("A", "1").header("a", "2").rawQuery("q=x&q=y&p=z")
        .body(new byte[] {7}).build();
    assertEquals(r, r.toBuilder().build());
    assertEquals(List.of("x", "y"), r.toBuilder().build().queryParameters().get("q"));
    assertEquals(List.of("1", "2", "3"), r.toBuilder().header("A", "3").build().headerValues("a"));
    assertEquals("WebSocketRequest[method=PUT, headers=[a], queryParameters=[q, p], body=1 bytes]", r.toString());
  }

  @Test
  void queryStringsDecodePercentAndPlusAndKeepOrder() {
    assertEquals(Map.of("channel", List.of("room 1", "a+b c"), "empty", List.of(""), "bare", List.of(""), "bad", List.of("%zz")),
        WebSocketRequest.parseQuery("?channel=room%201&channel=a%2Bb+c&empty=&bare&&bad=%zz"));
    assertEquals(List.of("b", "a"), List.copyOf(WebSocketRequest.parseQuery("b=1&a=2").keySet()));
    assertEquals(Map.of(), WebSocketRequest.parseQuery(""));
    assertEquals(Map.of(), WebSocketRequest.parseQuery(null));
  }
}
