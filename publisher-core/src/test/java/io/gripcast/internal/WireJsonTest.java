package io.gripcast.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gripcast.item.Content;
import io.gripcast.item.HttpResponse;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import io.gripcast.item.WsMessage;
import io.gripcast.item.WsType;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireJsonTest {
  private static final ObjectMapper M = new ObjectMapper();
  private static final byte[] BIN = {0, 1, 2, (byte) 0xff};
  private static final String UNICODE = "héllo 🌍";

  static List<Publication> everyField() {
    Item first = Item.builder()
        .id("n-1").prevId("n-0").meta("sender", "alice").meta("skip_users", "bob, carol").noSeq(true)
        .format(HttpResponse.builder().code(201).reason("Made")
            .header("Content-Type", "application/json").header("X-Emoji", "ok")
            .body("{\"msg\":\"" + UNICODE + "\"}\n").contentFilters(List.of("var-subst")).build())
        .format(HttpStream.text("data: " + UNICODE + "\n\n"))
        .format(WsMessage.text(UNICODE))
        .build();
    Item second = Item.of(
        HttpResponse.builder().header("Set-Cookie", "a=1").header("Set-Cookie", "b=2")
            .body(HttpResponse.Body.bytes(BIN)).build(),
        HttpStream.binary(BIN),
        WsMessage.binary(BIN));
    Item third = Item.of(HttpResponse.hint(), HttpStream.close(), WsMessage.close(4001, "bye"));
    Item fourth = Item.of(
        HttpResponse.of(HttpResponse.Body.patch(
            "[ {\"op\":\"replace\",\"path\":\"/count\",\"value\":2}, {\"op\":\"add\",\"path\":\"/items/-\",\"value\":\"x\"} ]")),
        WsMessage.of(WsType.PING, Content.text("p")));
    return List.of(first.on("news"), second.on("bin"), third.on("ctl"), fourth.on("frames"));
  }

  @Test
  void bodyMatchesGoldenFixtureStructurally() throws Exception {
    JsonNode expected;
    try (InputStream in = getClass().getResourceAsStream("/golden/every-field.json")) {
      expected = M.readTree(in);
    }
    JsonNode actual = M.readTree(WireJson.body(everyField()));
    assertEquals(expected, actual);
  }

  @Test
  void unicodeIsWrittenAsUtf8AndRoundTripsExactly() throws Exception {
    byte[] body = WireJson.body(List.of(Item.of(WsMessage.text(UNICODE)).on("c")));
    String raw = new String(body, StandardCharsets.UTF_8);
    assertTrue(raw.contains(UNICODE), raw); // not \\u-escaped: smaller and readable
    assertEquals(UNICODE, M.readTree(body).at("/items/0/formats/ws-message/content").asText());
  }

  @Test
  void everyItemSurvivesWriteThenRead() throws Exception {
    for (Publication p : everyField()) {
      ByteSink sink = new ByteSink(64);
      WireJson.writeItem(p, sink);
      Publication back = WireJson.readItem(new String(sink.toByteArray(), StandardCharsets.UTF_8));
      // body-patch is normalised to compact JSON on the way out, so compare the JSON again
      ByteSink again = new ByteSink(64);
      WireJson.writeItem(back, again);
      assertArrayEquals(sink.toByteArray(), again.toByteArray());
      assertEquals(p.channel(), back.channel());
      assertEquals(p.item().wsMessage(), back.item().wsMessage());
      assertEquals(p.item().httpStream(), back.item().httpStream());
      assertEquals(p.item().meta(), back.item().meta());
    }
  }

  @Test
  void readRejectsMisspelledWireNamesWithAHint() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WireJson.readItem(
        "{\"channel\":\"c\",\"prev_id\":\"1\",\"formats\":{\"ws-message\":{\"content\":\"x\"}}}"));
    assertTrue(e.getMessage().contains("\"prev_id\"") && e.getMessage().contains("did you mean \"prev-id\""), e.getMessage());
  }

  @Test
  void readNamesTheBadField() {
    assertMessage("{\"formats\":{\"ws-message\":{\"content\":\"x\"}}}", "needs a string \"channel\"");
    assertMessage("{\"channel\":\"c\"}", "\"formats\"");
    assertMessage("{\"channel\":\"c\",\"formats\":{\"sse\":{}}}", "unknown field \"sse\"");
    assertMessage("{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content-bin\":\"!!\"}}}", "content-bin");
    assertMessage("{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"action\":\"shout\"}}}", "\"shout\"");
    assertMessage("{\"channel\":\"c\",\"no-seq\":\"yes\",\"formats\":{\"ws-message\":{\"content\":\"x\"}}}", "no-seq");
    assertMessage("[1,2]", "JSON object");
    assertMessage("{nope", "not valid JSON");
  }

  private static void assertMessage(String json, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WireJson.readItem(json));
    assertTrue(e.getMessage().contains(fragment), () -> "message \"" + e.getMessage() + "\" lacks " + fragment);
  }

  @Test
  void badPatchIsRejectedBeforeSending() {
    Item item = Item.of(HttpResponse.of(HttpResponse.Body.patch("[{\"op\":\"add\"}]")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WireJson.body(List.of(item.on("c"))));
    assertTrue(e.getMessage().contains("body-patch"), e.getMessage());
    Item notJson = Item.of(HttpResponse.of(HttpResponse.Body.patch("[oops]")));
    assertThrows(IllegalArgumentException.class, () -> WireJson.body(List.of(notJson.on("c"))));
  }

  /**
   * JSON input may spell a lone surrogate as an escape; the item model refuses it by field, so
   * NDJSON lines and patches never go out as "\\uD800" text.
   */
  @Test
  void loneSurrogateEscapesAreRefusedNamingTheField() {
    assertMessage("{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content\":\"a\\ud800\"}}}",
        "ws-message content has a lone UTF-16 surrogate U+D800 at index 1");
    assertMessage("{\"channel\":\"c\\udc00\",\"formats\":{\"ws-message\":{\"content\":\"a\"}}}",
        "channel has a lone UTF-16 surrogate U+DC00 at index 1");
    assertMessage("{\"channel\":\"c\",\"meta\":{\"k\":\"\\ud83c\"},\"formats\":{\"http-stream\":{\"content\":\"a\"}}}",
        "item meta value for key \"k\" has a lone");
    assertMessage("{\"channel\":\"c\",\"formats\":{\"http-response\":{\"headers\":{\"X-A\":\"\\udfff\"},\"body\":\"a\"}}}",
        "http-response header X-A value has a lone");
    // a correct pair, escaped, is an emoji
    Publication ok = WireJson.readItem("{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content\":\"\\ud83c\\udf0d\"}}}");
    assertEquals(WsMessage.text("🌍"), ok.item().wsMessage());
    assertMessage(
        "{\"channel\":\"c\",\"formats\":{\"http-response\":{\"body-patch\":[{\"op\":\"add\",\"path\":\"/a\",\"value\":\"\\ud800\"}]}}}",
        "http-response body-patch has a lone");
    // a patch given as text keeps its escapes until it is serialized
    Item patch = Item.of(HttpResponse.of(HttpResponse.Body.patch("[{\"op\":\"add\",\"path\":\"/a\",\"value\":[\"\\ud800\"]}]")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WireJson.body(List.of(patch.on("c"))));
    assertTrue(e.getMessage().contains("body-patch has a string with a lone UTF-16 surrogate at JSON pointer /0/value/0"),
        e.getMessage());
  }

  @Test
  void sendActionIsLeftOutAndDefaultsBack() throws Exception {
    JsonNode n = M.readTree(WireJson.body(List.of(Item.of(HttpStream.text("x")).on("c"))));
    assertFalse(n.at("/items/0/formats/http-stream").has("action"));
  }

  @Test
  void batchesSplitUnderTheLimitAndKeepOrder() throws Exception {
    List<Publication> ps = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ps.add(Item.of(WsMessage.text("message number " + i + " " + "x".repeat(i % 37))).on("ch" + (i % 3)));
    }
    int limit = 2_000;
    List<Batches.Batch> batches = Batches.split(ps, limit);
    assertTrue(batches.size() > 1);
    List<String> seen = new ArrayList<>();
    int items = 0;
    for (Batches.Batch b : batches) {
      assertTrue(b.bodyBytes() <= limit, "batch of " + b.bodyBytes() + " bytes");
      byte[] body = new byte[b.bodyBytes()];
      System.arraycopy(WireJson.ENVELOPE_START, 0, body, 0, WireJson.ENVELOPE_START.length);
      System.arraycopy(b.buffer(), b.offset(), body, WireJson.ENVELOPE_START.length, b.length());
      System.arraycopy(WireJson.ENVELOPE_END, 0, body, WireJson.ENVELOPE_START.length + b.length(), 2);
      JsonNode n = M.readTree(body); // every slice is a whole, valid body
      assertEquals(b.items(), n.get("items").size());
      n.get("items").forEach(it -> seen.add(it.at("/formats/ws-message/content").asText()));
      items += b.items();
    }
    assertEquals(300, items);
    for (int i = 0; i < 300; i++) {
      assertTrue(seen.get(i).startsWith("message number " + i + " "), seen.get(i));
    }
  }

  @Test
  void oneItemOverTheLimitIsRefusedWithSizes() {
    List<Publication> ps = List.of(Item.of(WsMessage.text("small")).on("a"),
        Item.of(WsMessage.text("y".repeat(5_000))).on("big"));
    io.gripcast.PayloadTooLargeException e =
        assertThrows(io.gripcast.PayloadTooLargeException.class, () -> Batches.split(ps, 1_000));
    assertTrue(e.getMessage().contains("item 1 on channel \"big\""), e.getMessage());
    assertEquals(1_000, e.maxBodyBytes());
    assertTrue(e.itemBytes() > 5_000);
  }

  @Test
  void exactlyTheLimitFits() {
    Publication p = Item.of(WsMessage.text("z")).on("c");
    int size = WireJson.body(List.of(p)).length;
    assertEquals(1, Batches.split(List.of(p), size).size());
    assertThrows(io.gripcast.PayloadTooLargeException.class, () -> Batches.split(List.of(p), size - 1));
  }
}
