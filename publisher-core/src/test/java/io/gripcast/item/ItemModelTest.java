package io.gripcast.item;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ItemModelTest {

  private static void fails(String fragment, Executable e) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertTrue(x.getMessage().contains(fragment), () -> "\"" + x.getMessage() + "\" should contain \"" + fragment + "\"");
  }

  @Test
  void itemNeedsAFormatAndAtMostOneOfEachKind() {
    fails("no format", () -> Item.builder().id("x").build());
    fails("already has a ws-message", () -> Item.of(WsMessage.text("a"), WsMessage.text("b")));
    Item ok = Item.of(WsMessage.text("a"), HttpStream.text("a\n"), HttpResponse.text("a\n"));
    assertEquals(3, ok.formats().size());
  }

  @Test
  void idsAndMetaAreChecked() {
    fails("item id", () -> Item.builder().id("").format(WsMessage.text("a")).build());
    fails("prev-id", () -> Item.builder().prevId("").format(WsMessage.text("a")).build());
    fails("meta value for key \"k\"", () -> Item.builder().meta("k", null));
    Map<String, String> meta = new java.util.HashMap<>();
    meta.put("k", null);
    fails("meta value for key \"k\"", () -> Item.builder().meta(meta).format(WsMessage.text("a")).build());
  }

  @Test
  void metaIsCopiedAndOrdered() {
    Item i = Item.builder().meta("b", "2").meta("a", "1").format(WsMessage.text("x")).build();
    assertEquals(List.of("b", "a"), List.copyOf(i.meta().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> i.meta().put("c", "3"));
  }

  @Test
  void wsCloseCodesAreValidated() {
    fails("1000-4999", () -> WsMessage.close(0, null));
    fails("reserved", () -> WsMessage.close(1005, null));
    fails("1000-4999", () -> WsMessage.close(5000, "x"));
    fails("at most 123", () -> WsMessage.close(4000, "é".repeat(62)));
    fails("needs a close code", () -> WsMessage.builder().action(Action.CLOSE).closeReason("why").build());
    assertEquals(4001, WsMessage.close(4001, "bye").closeCode());
  }

  @Test
  void wsSendNeedsContentExceptPingAndPong() {
    fails("needs content", () -> WsMessage.builder().build());
    fails("needs content", () -> WsMessage.of(WsType.BINARY, null));
    assertEquals(WsType.PING, WsMessage.ping().type());
    fails("only for action CLOSE", () -> WsMessage.builder().content(Content.text("x")).closeCode(1000).build());
    fails("HINT carries nothing", () -> WsMessage.builder().action(Action.HINT).content(Content.text("x")).build());
  }

  @Test
  void httpStreamAndResponseRules() {
    fails("needs content", () -> HttpStream.builder().build());
    fails("carries no content", () -> HttpStream.builder().action(Action.CLOSE).content(Content.text("x")).build());
    fails("0-999", () -> HttpResponse.builder().code(1000).body("x").build());
    fails("0-999", () -> HttpResponse.builder().code(-1).body("x").build());
    fails("needs a body", () -> HttpResponse.builder().build());
    fails("no CLOSE action", () -> HttpResponse.builder().action(Action.CLOSE).build());
    fails("JSON array", () -> HttpResponse.Body.patch("{\"op\":\"add\"}"));
    assertEquals(0, HttpResponse.builder().code(0).body("x").build().code());
    assertEquals(999, HttpResponse.builder().code(999).body("x").build().code());
  }

  @Test
  void headersRejectInjectionAndBadNames() {
    fails("CR, LF or NUL", () -> new Header("X-A", "1\r\nX-Evil: 2"));
    fails("invalid character", () -> new Header("X A", "1"));
    fails("not of the form", () -> Header.parse("no colon"));
    assertEquals(new Header("Content-Type", "text/plain; a=b"), Header.parse("Content-Type:  text/plain; a=b "));
  }

  @Test
  void binaryContentIsDefensivelyCopied() {
    byte[] b = {1, 2, 3};
    Content.Binary c = Content.bytes(b);
    b[0] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, c.value());
    assertNotSame(c.value(), c.value());
    assertEquals(Content.bytes(new byte[] {1, 2, 3}), c);
    assertEquals("Binary[3 bytes]", c.toString());
  }

  @Test
  void publicationNeedsANonEmptyChannel() {
    fails("channel must not be empty", () -> Item.of(WsMessage.text("x")).on(""));
    assertThrows(NullPointerException.class, () -> Item.of(WsMessage.text("x")).on(null));
  }

  /** A lone surrogate has no UTF-8 form: every String that goes out as JSON text refuses it, naming the field. */
  @Test
  void textWithALoneSurrogateIsRefusedNamingTheFieldAndIndex() {
    String high = "ab\uD800cd";
    String low = "\uDC00";
    String cutEmoji = "🌍".substring(0, 1);
    fails("ws-message content has a lone UTF-16 surrogate U+D800 at index 2", () -> WsMessage.text(high));
    fails("ws-message content has a lone UTF-16 surrogate U+DC00 at index 0", () -> WsMessage.of(Content.text(low)));
    fails("ws-message content has a lone UTF-16 surrogate U+D83C at index 3", () -> WsMessage.text("hi " + cutEmoji));
    fails("http-stream content has a lone UTF-16 surrogate", () -> HttpStream.text(high));
    fails("http-response body has a lone UTF-16 surrogate", () -> HttpResponse.text(high));
    fails("http-response body-patch has a lone", () -> HttpResponse.Body.patch("[\"" + low + "\"]"));
    fails("http-response reason has a lone", () -> HttpResponse.builder().reason(low).body("x").build());
    fails("http-response header X-A value has a lone UTF-16 surrogate U+D800 at index 2", () -> new Header("X-A", high));
    fails("http-response header X-A value has a lone", () -> Header.parse("X-A: " + low));
    fails("ws-message close reason has a lone", () -> WsMessage.close(4000, high));
    fails("ws-message content-filter has a lone", () -> WsMessage.text("x").withContentFilters(List.of(low)));
    fails("http-stream content-filter has a lone", () -> HttpStream.text("x").withContentFilters(List.of(low)));
    fails("item id has a lone", () -> Item.builder().id(high).format(WsMessage.text("a")).build());
    fails("item prev-id has a lone", () -> Item.builder().prevId(low).format(WsMessage.text("a")).build());
    fails("item meta key has a lone", () -> Item.builder().meta(low, "v").format(WsMessage.text("a")).build());
    fails("item meta value for key \"k\" has a lone UTF-16 surrogate U+D800 at index 2",
        () -> Item.builder().meta("k", high).format(WsMessage.text("a")).build());
    fails("channel has a lone UTF-16 surrogate U+DC00 at index 0", () -> Item.of(WsMessage.text("x")).on(low));
    // the message says how to send arbitrary bytes
    fails("binary content (Content.bytes(..)", () -> WsMessage.text(high));
  }

  @Test
  void wellFormedPairsAreText() {
    String text = "héllo ✓ 🌍 \uD83D\uDE00";
    Item i = Item.builder().id("🌍").prevId("✓").meta("🌍", "😀").format(WsMessage.text(text))
        .format(HttpStream.text(text)).format(HttpResponse.builder().reason("Ok 🌍").header("X-A", "🌍").body(text).build())
        .build();
    assertEquals("🌍", i.on("ch-🌍").item().id());
    assertEquals("🌍", WsMessage.close(4000, "🌍").closeReason());
    assertEquals(text, ((Content.Text) i.wsMessage().content()).value());
    // a binary frame takes any bytes, including the CESU-8 form of a lone surrogate
    assertEquals(3, WsMessage.binary(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}).content().byteLength());
  }

  /** The final classes keep the records' value semantics, and toBuilder() round-trips every value. */
  @Test
  void valuesCompareByValueAndRoundTripThroughTheirBuilders() {
    WsMessage ws = WsMessage.builder().type(WsType.BINARY).content(Content.bytes(new byte[] {1})).contentFilters(List.of("f"))
        .build();
    WsMessage close = WsMessage.close(4000, "bye");
    HttpStream stream = HttpStream.text("a\n").withContentFilters(List.of("f"));
    HttpResponse response = HttpResponse.builder().code(201).reason("Made").header("X-A", "1").header("X-A", "2")
        .body(HttpResponse.Body.bytes(new byte[] {2})).contentFilters(List.of("f")).build();
    Item item = Item.builder().id("1").prevId("0").meta("k", "v").noSeq(true).format(ws).format(stream).format(response)
        .build();

    for (Object[] pair : new Object[][] {
        {ws, ws.toBuilder().build()},
        {close, close.toBuilder().build()},
        {WsMessage.hint(), WsMessage.hint().toBuilder().build()},
        {stream, stream.toBuilder().build()},
        {HttpStream.close(), HttpStream.close().toBuilder().build()},
        {response, response.toBuilder().build()},
        {HttpResponse.hint(), HttpResponse.hint().toBuilder().build()},
        {item, item.toBuilder().build()}}) {
      assertNotSame(pair[0], pair[1]);
      assertEquals(pair[0], pair[1]);
      assertEquals(pair[0].hashCode(), pair[1].hashCode());
      assertEquals(pair[0].toString(), pair[1].toString());
    }
    assertEquals(WsMessage.text("a"), WsMessage.builder().content(Content.text("a")).build());
    assertEquals(HttpStream.close(), HttpStream.builder().action(Action.CLOSE).build());
    assertEquals(HttpResponse.hint(), HttpResponse.builder().action(Action.HINT).build());
    assertTrue(!ws.equals(ws.withContentFilters(List.of())) && !item.equals(item.withId("2")));
    assertEquals(List.of(new Header("X-A", "1"), new Header("X-A", "2")), response.headers());

    // the records' toString format, kept
    assertEquals("WsMessage[action=CLOSE, content=null, type=null, closeCode=4000, closeReason=bye, contentFilters=[]]",
        close.toString());
    assertEquals("HttpStream[action=SEND, content=Text[value=a\n], contentFilters=[f]]", stream.toString());
    assertEquals("HttpResponse[action=HINT, code=200, reason=null, headers=[], body=null, contentFilters=[]]",
        HttpResponse.hint().toString());
    assertEquals("Item[id=1, prevId=null, meta={}, noSeq=false, wsMessage=" + close + ", httpStream=null, httpResponse=null]",
        Item.builder().id("1").format(close).build().toString());
  }

  @Test
  void unicodeByteLengthCountsUtf8() {
    assertEquals(4, Content.text("🌍").byteLength());
    assertEquals(2, Content.text("é").byteLength());
  }
}
