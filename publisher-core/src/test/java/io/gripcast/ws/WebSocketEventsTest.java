package io.gripcast.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WebSocketEventsTest {

  /** ISO-8859-1 keeps every char below 256 as one byte, so "\u00ff" is the byte 0xff. */
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static Stream<Arguments> wireForms() {
    return Stream.of(
        Arguments.of(WebSocketEvent.open(), bytes("OPEN\r\n")),
        Arguments.of(WebSocketEvent.text("hello world"), bytes("TEXT b\r\nhello world\r\n")),
        Arguments.of(WebSocketEvent.text(""), bytes("TEXT 0\r\n\r\n")),
        Arguments.of(WebSocketEvent.text("h\u00e9 \u2713"), concat(bytes("TEXT 7\r\n"), "h\u00e9 \u2713".getBytes(StandardCharsets.UTF_8), bytes("\r\n"))),
        Arguments.of(WebSocketEvent.text("a\r\nb"), bytes("TEXT 4\r\na\r\nb\r\n")),
        Arguments.of(WebSocketEvent.binary(new byte[] {0, (byte) 0xff, (byte) 0xc3, 0x28, '\r', '\n'}),
            bytes("BINARY 6\r\n\u0000\u00ff\u00c3\u0028\r\n\r\n")),
        Arguments.of(WebSocketEvent.binary(new byte[0]), bytes("BINARY 0\r\n\r\n")),
        Arguments.of(WebSocketEvent.ping(), bytes("PING\r\n")),
        Arguments.of(new WebSocketEvent.Ping(bytes("pp")), bytes("PING 2\r\npp\r\n")),
        Arguments.of(WebSocketEvent.pong(), bytes("PONG\r\n")),
        Arguments.of(new WebSocketEvent.Pong(bytes("pp")), bytes("PONG 2\r\npp\r\n")),
        Arguments.of(WebSocketEvent.close(), bytes("CLOSE 2\r\n\u0003\u00e8\r\n")),
        Arguments.of(WebSocketEvent.close(4001, "bye"), bytes("CLOSE 5\r\n\u000f\u00a1bye\r\n")),
        Arguments.of(WebSocketEvent.close(WebSocketEvent.Close.NO_STATUS, ""), bytes("CLOSE\r\n")),
        Arguments.of(WebSocketEvent.disconnect(), bytes("DISCONNECT\r\n")));
  }

  @ParameterizedTest
  @MethodSource("wireForms")
  void everyEventTypeEncodesExactlyAndDecodesBack(WebSocketEvent event, byte[] wire) {
    assertArrayEquals(wire, WebSocketEvents.encode(event));
    assertEquals(List.of(event), WebSocketEvents.decode(wire));
  }

  @Test
  void aBodyIsAConcatenationOfEventsDecodedInOrder() {
    List<WebSocketEvent> events = wireForms().map(a -> (WebSocketEvent) a.get()[0]).toList();
    byte[] body = WebSocketEvents.encode(events);
    assertEquals(events, WebSocketEvents.decode(body));
  }

  @Test
  void emptyBodyHasNoEvents() {
    assertEquals(List.of(), WebSocketEvents.decode(new byte[0]));
    assertArrayEquals(new byte[0], WebSocketEvents.encode(List.of()));
  }

  @Test
  void closeCodeIsTwoBigEndianBytes() {
    byte[] body = WebSocketEvents.encode(WebSocketEvent.close(4001, "bye"));
    // "CLOSE 5\r\n" then 0x0f 0xa1 then "bye"
    assertEquals(0x0f, body[9] & 0xff);
    assertEquals(0xa1, body[10] & 0xff);
    WebSocketEvent.Close c = (WebSocketEvent.Close) WebSocketEvents.decode(body).get(0);
    assertEquals(4001, c.code());
    assertEquals("bye", c.reason());
    assertTrue(c.hasCode());
  }

  @Test
  void lengthsAreWrittenInLowerCaseHexAndReadInAnyCase() {
    byte[] content = new byte[300];
    assertArrayEquals(bytes("BINARY 12c\r\n"), java.util.Arrays.copyOf(WebSocketEvents.encode(WebSocketEvent.binary(content)), 12));
    assertEquals(List.of(WebSocketEvent.text("hello world")), WebSocketEvents.decode(bytes("TEXT B\r\nhello world\r\n")));
    assertEquals(List.of(WebSocketEvent.binary(content)),
        WebSocketEvents.decode(concat(bytes("BINARY 12C\r\n"), content, bytes("\r\n"))));
    assertEquals(List.of(WebSocketEvent.text("hello")), WebSocketEvents.decode(bytes("TEXT 0005\r\nhello\r\n")));
  }

  @Test
  void contentlessFormsOfContentEventsAreAccepted() {
    assertEquals(List.of(WebSocketEvent.text(""), WebSocketEvent.binary(new byte[0]), WebSocketEvent.ping(),
            new WebSocketEvent.Close(WebSocketEvent.Close.NO_STATUS, ""), WebSocketEvent.open()),
        WebSocketEvents.decode(bytes("TEXT\r\nBINARY\r\nPING 0\r\n\r\nCLOSE 0\r\n\r\nOPEN 0\r\n\r\n")));
  }

  @Test
  void binaryContentThatIsNotUtf8Survives() {
    byte[] notUtf8 = new byte[256];
    for (int i = 0; i < notUtf8.length; i++) {
      notUtf8[i] = (byte) (255 - i);
    }
    byte[] body = WebSocketEvents.encode(WebSocketEvent.binary(notUtf8), WebSocketEvent.text("after"));
    List<WebSocketEvent> back = WebSocketEvents.decode(body);
    assertArrayEquals(notUtf8, ((WebSocketEvent.Binary) back.get(0)).bytes());
    assertEquals(WebSocketEvent.text("after"), back.get(1));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("OPEN", 4, "found the end of the body"),
        Arguments.of("OPEN\r", 5, "found the end of the body"),
        Arguments.of("OPEN\n", 4, "found '\\n' (0x0a)"),
        Arguments.of("OPENX\r\n", 0, "found \"OPENX\""),
        Arguments.of("FOO\r\n", 0, "expected an event type (OPEN, TEXT, BINARY, PING, PONG, CLOSE or DISCONNECT), found \"FOO\""),
        Arguments.of("text 1\r\na\r\n", 0, "(event types are upper case)"),
        Arguments.of(" TEXT 1\r\na\r\n", 0, "found a space (0x20)"),
        Arguments.of("TEXT \r\n", 5, "expected the hexadecimal content length of the TEXT event, found '\\r' (0x0d)"),
        Arguments.of("TEXT -5\r\nhello\r\n", 5, "expected the hexadecimal content length"),
        Arguments.of("TEXT 5x\r\nhello\r\n", 6, "expected \"\\r\\n\" after the content length of the TEXT event, found 'x' (0x78)"),
        Arguments.of("TEXT 5\r\nhel", 8, "expected 5 content bytes of the TEXT event, but the body ends after 3 (truncated body?)"),
        Arguments.of("TEXT 5\r\nhello", 13, "expected \"\\r\\n\" after the 5 content bytes of the TEXT event, found the end of the body"),
        Arguments.of("TEXT 5\r\nhelloXY", 13, "found 'X' (0x58)"),
        Arguments.of("TEXT 5\r\nhello\rX", 14, "expected \"\\n\" of \"\\r\\n\""),
        Arguments.of("OPEN\r\nTEXT 2\r\nhi\r\n\r\n", 18, "expected an event type"),
        Arguments.of("OPEN\r\nPING 2\r\nx", 14, "expected 2 content bytes of the PING event, but the body ends after 1"),
        Arguments.of("OPEN 3\r\nabc\r\n", 5, "OPEN events carry no content, but this one declares 3 bytes"),
        Arguments.of("DISCONNECT 1\r\nx\r\n", 11, "DISCONNECT events carry no content"),
        Arguments.of("CLOSE 1\r\n\u0003\r\n", 9, "CLOSE content must be empty, or a 2-byte big-endian close code"),
        Arguments.of("CLOSE 2\r\n\u0003\u00ed\r\n", 9, "close code 1005"),
        Arguments.of("TEXT 3\r\na\u00ffb\r\n", 9, "TEXT content is not valid UTF-8 (byte 0xff)"),
        Arguments.of("OPEN\r\nTEXT 2\r\n\u00c3\u0028\r\n", 14, "TEXT content is not valid UTF-8 (byte 0xc3)"),
        Arguments.of("TEXT 2\r\na\u00c3\r\n", 9, "TEXT content"),
        Arguments.of("CLOSE 4\r\n\u0003\u00e8a\u00fe\r\n", 12, "CLOSE reason is not valid UTF-8"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformedBodiesFailWithTheByteOffsetAndWhatWasExpected(String body, int offset, String expected) {
    WebSocketEventException e = assertThrows(WebSocketEventException.class, () -> WebSocketEvents.decode(bytes(body)));
    assertEquals(offset, e.offset(), e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid application/websocket-events body at byte " + offset + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), () -> "message \"" + e.getMessage() + "\" lacks \"" + expected + "\"");
  }

  @Test
  void absurdDeclaredLengthsAreRejectedBeforeAnyAllocation() {
    // with the default limits
    WebSocketEventException tooBig = assertThrows(WebSocketEventException.class,
        () -> WebSocketEvents.decode(bytes("TEXT ffffffffffffffffffffffffffffff\r\nx\r\n")));
    assertEquals(5, tooBig.offset());
    assertTrue(tooBig.getMessage().contains("declares a content length of 0xffffffffffffffffffff... bytes, over the limit of 1000000 bytes per event"),
        tooBig.getMessage());

    // with limits that would allow 2 GiB: a 2 GiB allocation would fail this test with an
    // OutOfMemoryError, so passing proves the length was checked against the bytes present first
    EventLimits huge = EventLimits.of(Integer.MAX_VALUE, Integer.MAX_VALUE);
    WebSocketEventException truncated = assertThrows(WebSocketEventException.class,
        () -> WebSocketEvents.decode(bytes("BINARY 7ffffff0\r\nabc"), huge));
    assertEquals(17, truncated.offset());
    assertTrue(truncated.getMessage().contains("expected 2147483632 content bytes of the BINARY event, but the body ends after 3"),
        truncated.getMessage());

    // a length that overflows int arithmetic is still caught
    assertThrows(WebSocketEventException.class, () -> WebSocketEvents.decode(bytes("BINARY 100000000\r\nabc"), huge));
  }

  @Test
  void eventAndBodyLimitsAreConfigurable() {
    EventLimits small = EventLimits.of(100, 4);
    WebSocketEventException event = assertThrows(WebSocketEventException.class,
        () -> WebSocketEvents.decode(bytes("TEXT 5\r\nhello\r\n"), small));
    assertEquals(5, event.offset());
    assertTrue(event.getMessage().contains("over the limit of 4 bytes per event"), event.getMessage());
    assertEquals(List.of(WebSocketEvent.text("hell")), WebSocketEvents.decode(bytes("TEXT 4\r\nhell\r\n"), small));

    byte[] big = WebSocketEvents.encode(WebSocketEvent.binary(new byte[200]));
    WebSocketEventException body = assertThrows(WebSocketEventException.class,
        () -> WebSocketEvents.decode(big, EventLimits.of(100, 1000)));
    assertEquals(100, body.offset());
    assertTrue(body.getMessage().contains("the body is " + big.length + " bytes, over the limit of 100 bytes"), body.getMessage());

    assertThrows(IllegalArgumentException.class, () -> EventLimits.of(0, 10));
    assertThrows(IllegalArgumentException.class, () -> EventLimits.of(10, -1));
    assertThrows(IllegalArgumentException.class, () -> small.withMaxEventSize(0));
    assertEquals(small, EventLimits.defaults().withMaxBodySize(100).withMaxEventSize(4));
    assertEquals(small.hashCode(), EventLimits.of(1, 4).withMaxBodySize(100).hashCode());
    assertEquals("EventLimits[maxBodySize=100, maxEventSize=4]", small.toString());
  }

  @Test
  void theEncoderNeverWritesAnInvalidCloseCode() {
    for (int bad : new int[] {0, 999, 1004, 1006, 1015, 5000, 65535}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> WebSocketEvents.encode(WebSocketEvent.close(bad, "")), "code " + bad);
      assertTrue(e.getMessage().contains("close code " + bad + " cannot be sent"), e.getMessage());
    }
    String longReason = "x".repeat(124);
    assertThrows(IllegalArgumentException.class, () -> WebSocketEvents.encode(WebSocketEvent.close(1000, longReason)));
    // 123 bytes is the maximum, counted in UTF-8 bytes
    WebSocketEvents.encode(WebSocketEvent.close(1000, "x".repeat(123)));
    assertThrows(IllegalArgumentException.class,
        () -> WebSocketEvents.encode(WebSocketEvent.close(1000, "\u00e9".repeat(62))));
  }

  @Test
  void closeEventsHoldAnySixteenBitCodeButNoReasonWithoutACode() {
    assertEquals(0, WebSocketEvents.decode(bytes("CLOSE 2\r\n\u0000\u0000\r\n")).stream()
        .map(e -> ((WebSocketEvent.Close) e).code()).findFirst().orElseThrow());
    assertThrows(IllegalArgumentException.class, () -> new WebSocketEvent.Close(WebSocketEvent.Close.NO_STATUS, "why"));
    assertThrows(IllegalArgumentException.class, () -> new WebSocketEvent.Close(-1, ""));
    assertThrows(IllegalArgumentException.class, () -> new WebSocketEvent.Close(65536, ""));
    assertFalse(WebSocketEvent.close(WebSocketEvent.Close.NO_STATUS, "").hasCode());
  }

  @Test
  void byteContentIsCopiedInAndOutAndComparedByValue() {
    byte[] data = {1, 2, 3};
    WebSocketEvent.Binary b = WebSocketEvent.binary(data);
    data[0] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, b.bytes());
    b.bytes()[1] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, b.bytes());

    assertEquals(WebSocketEvent.binary(new byte[] {1, 2, 3}), b);
    assertEquals(WebSocketEvent.binary(new byte[] {1, 2, 3}).hashCode(), b.hashCode());
    assertNotEquals(WebSocketEvent.binary(new byte[] {1, 2, 4}), b);
    assertEquals(new WebSocketEvent.Ping(new byte[] {7}), new WebSocketEvent.Ping(new byte[] {7}));
    assertNotEquals(new WebSocketEvent.Ping(new byte[] {7}), new WebSocketEvent.Pong(new byte[] {7}));
    assertEquals(new WebSocketEvent.Pong(new byte[] {7}).hashCode(), new WebSocketEvent.Pong(new byte[] {7}).hashCode());
    assertEquals("Binary[3 bytes]", b.toString());
  }

  @Test
  void typesAreReportedForPlainEnumSwitches() {
    assertEquals(WebSocketEvent.Type.OPEN, WebSocketEvent.open().type());
    assertEquals(WebSocketEvent.Type.TEXT, WebSocketEvent.text("").type());
    assertEquals(WebSocketEvent.Type.BINARY, WebSocketEvent.binary(new byte[0]).type());
    assertEquals(WebSocketEvent.Type.PING, WebSocketEvent.ping().type());
    assertEquals(WebSocketEvent.Type.PONG, WebSocketEvent.pong().type());
    assertEquals(WebSocketEvent.Type.CLOSE, WebSocketEvent.close().type());
    assertEquals(WebSocketEvent.Type.DISCONNECT, WebSocketEvent.disconnect().type());
  }
}
