package io.gripcast.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The NIO transport's response parsing, fed the way reads deliver bytes: whole, or one at a time. */
class ResponseParserTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** How the reads deliver a response: each case runs both ways, and must end the same way. */
  enum Delivery {
    /** The whole response in one read. */
    WHOLE {
      @Override
      int feed(ResponseParser p, byte[] b) throws ProtocolException {
        ByteBuffer in = ByteBuffer.wrap(b);
        if (p.feed(in)) {
          return in.position();
        }
        assertEquals(b.length, in.position(), "an incomplete response consumes all it is given");
        return -1;
      }
    },
    /** One byte per read. */
    BYTE_BY_BYTE {
      @Override
      int feed(ResponseParser p, byte[] b) throws ProtocolException {
        for (int i = 0; i < b.length; i++) {
          ByteBuffer one = ByteBuffer.wrap(b, i, 1);
          if (p.feed(one)) {
            return i + 1;
          }
          assertFalse(one.hasRemaining());
        }
        return -1;
      }
    };

    /** Feeds all of {@code b}; returns how many bytes were consumed when the parser reported completion (-1: never). */
    abstract int feed(ResponseParser p, byte[] b) throws ProtocolException;
  }

  /** The response of a message that is complete right at the end of {@code wire} (no end of stream needed). */
  private static Transport.Response complete(Delivery d, String wire) throws ProtocolException {
    return completeAfter(d, wire, "");
  }

  /** Like {@link #complete}, with {@code after} following on the connection: the parser must not read it. */
  private static Transport.Response completeAfter(Delivery d, String wire, String after) throws ProtocolException {
    ResponseParser p = new ResponseParser();
    assertEquals(bytes(wire).length, d.feed(p, bytes(wire + after)), "complete right after the last byte of the message");
    assertTrue(p.done());
    assertTrue(p.hasHead());
    return p.response();
  }

  /** The response of a message that lasts until the connection ends, right after {@code wire}. */
  private static Transport.Response untilClose(Delivery d, String wire) throws Exception {
    ResponseParser p = new ResponseParser();
    assertEquals(-1, d.feed(p, bytes(wire)), "not complete before the end of the connection");
    assertTrue(p.hasHead());
    assertTrue(p.endOfStream());
    assertTrue(p.done());
    return p.response();
  }

  /** The error of a response that must be refused; its message must be safe to log. */
  private static ProtocolException rejected(Delivery d, String wire) {
    ResponseParser p = new ResponseParser();
    ProtocolException e = assertThrows(ProtocolException.class, () -> d.feed(p, bytes(wire)), wire);
    assertSafeToLog(e.getMessage());
    return e;
  }

  /** Printable ASCII only, and short: no control characters, binary or long input echoed. */
  private static void assertSafeToLog(String message) {
    assertTrue(message.length() < 300, message);
    for (char c : message.toCharArray()) {
      assertTrue(c >= 0x20 && c <= 0x7e, () -> "unsafe character in: " + message);
    }
  }

  private static void assertContains(String expected, String actual) {
    assertTrue(actual.contains(expected), () -> "\"" + expected + "\" not in: " + actual);
  }

  /** Feeds one byte per call; returns the parser and the index at which it reported completion (-1: never). */
  private static int feedByteByByte(ResponseParser p, byte[] b) throws ProtocolException {
    for (int i = 0; i < b.length; i++) {
      ByteBuffer one = ByteBuffer.wrap(b, i, 1);
      if (p.feed(one)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void contentLengthResponseSplitByteByByte() throws Exception {
    byte[] r = bytes("HTTP/1.1 503 Service Unavailable\r\ncontent-LENGTH: 5\r\nretry-after: 7\r\nX-Other: a:b\r\n\r\nbusy\nTRAILING");
    ResponseParser p = new ResponseParser();
    int doneAt = feedByteByByte(p, r);
    assertEquals(r.length - "TRAILING".length() - 1, doneAt, "complete at the body's last byte, not before or after");
    Transport.Response resp = p.response();
    assertEquals(503, resp.status());
    assertEquals("7", resp.retryAfter());
    assertEquals("busy", resp.excerpt());
  }

  @Test
  void wholeResponseInOneRead() throws Exception {
    ResponseParser p = new ResponseParser();
    ByteBuffer in = ByteBuffer.wrap(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nPublished\n"));
    assertTrue(p.feed(in));
    assertEquals(new Transport.Response(200, null, "Published"), p.response());
  }

  @Test
  void chunkedBodyIsDecodedWithExtensionsAndTrailers() throws Exception {
    byte[] r = bytes("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "6;name=value\r\nbad it\r\nA\r\nem: reason\r\n0\r\nX-Trailer: t\r\n\r\n");
    ResponseParser p = new ResponseParser();
    assertEquals(r.length - 1, feedByteByByte(p, r));
    assertEquals(new Transport.Response(400, null, "bad item: reason"), p.response());
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void chunkedTakesPrecedenceOverContentLength(Delivery d) throws Exception {
    // "gzip, chunked" used to be accepted here; a gzip coding is now refused (we cannot decode it,
    // see unsupportedTransferCodingsAreErrors), so only chunked is left to show the precedence
    assertEquals("ok", complete(d, "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "2\r\nok\r\n0\r\n\r\n").excerpt());
  }

  @Test
  void bodyWithoutLengthLastsUntilTheConnectionCloses() throws Exception {
    ResponseParser p = new ResponseParser();
    assertFalse(p.feed(ByteBuffer.wrap(bytes("HTTP/1.0 200 OK\nServer: old\n\nPublished"))), "bare LF line ends are accepted");
    assertFalse(p.feed(ByteBuffer.wrap(bytes("!\n"))));
    assertTrue(p.endOfStream());
    assertEquals(new Transport.Response(200, null, "Published!"), p.response());
  }

  @Test
  void noHeadersAtAll() throws Exception {
    ResponseParser p = new ResponseParser();
    assertFalse(p.feed(ByteBuffer.wrap(bytes("HTTP/1.1 500\r\n\r\n"))), "no reason phrase, no length: read to the end");
    assertTrue(p.endOfStream());
    assertEquals(new Transport.Response(500, null, ""), p.response());
  }

  @Test
  void noContentHasNoBody() throws Exception {
    ResponseParser p = new ResponseParser();
    assertTrue(p.feed(ByteBuffer.wrap(bytes("HTTP/1.1 204 No Content\r\n\r\n"))));
    assertEquals(204, p.response().status());
  }

  @Test
  void interimResponsesAreSkipped() throws Exception {
    ResponseParser p = new ResponseParser();
    assertEquals(-2 + 0 + bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").length + 1,
        feedByteByByte(p, bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")));
    assertEquals(new Transport.Response(200, null, "ok"), p.response());
  }

  @Test
  void longBodiesKeep512BytesAndStopReading() throws Exception {
    String body = "é".repeat(300) + "x".repeat(1000); // 600 bytes of two-byte chars first
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    byte[] head = bytes("HTTP/1.1 400 Bad Request\r\nContent-Length: " + b.length + "\r\n\r\n");
    ByteBuffer in = ByteBuffer.allocate(head.length + 600).put(head).put(b, 0, 600).flip();
    ResponseParser p = new ResponseParser();
    assertTrue(p.feed(in), "done once the excerpt is full: the rest of the body is not waited for");
    String excerpt = p.response().excerpt();
    assertEquals("é".repeat(256) + "...", excerpt);
  }

  @Test
  void exactly512BytesIsNotCut() throws Exception {
    String body = "y".repeat(512);
    ResponseParser p = new ResponseParser();
    assertTrue(p.feed(ByteBuffer.wrap(bytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 512\r\n\r\n" + body))));
    assertEquals(body, p.response().excerpt());
  }

  @Test
  void garbageStatusLinesAreProtocolErrors() {
    for (String bad : new String[] {"SSH-2.0-OpenSSH_9.6\r\n", "HTTP/1.1 2OO OK\r\n", "HTTP/2 200\r\n", "HTTP/1.1 099 x\r\n",
        "HTTP/1.1 2000 OK\r\n", "\r\n"}) {
      ResponseParser p = new ResponseParser();
      ProtocolException e = assertThrows(ProtocolException.class, () -> p.feed(ByteBuffer.wrap(bytes(bad))), bad);
      assertTrue(e.getMessage().startsWith("unexpected status line"), e.getMessage());
    }
  }

  @Test
  void badHeadersAndFramingAreProtocolErrors() {
    String[] bad = {
      "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokNOT-CRLF\r\n",
    };
    for (String b : bad) {
      ResponseParser p = new ResponseParser();
      assertThrows(ProtocolException.class, () -> p.feed(ByteBuffer.wrap(bytes(b))), b);
    }
  }

  @Test
  void endOfStreamBeforeTheHeadIsAnError() throws Exception {
    ResponseParser empty = new ResponseParser();
    assertTrue(assertThrows(EOFException.class, empty::endOfStream).getMessage().contains("without a response"));
    ResponseParser half = new ResponseParser();
    half.feed(ByteBuffer.wrap(bytes("HTTP/1.1 200 OK\r\nContent-Le")));
    assertFalse(half.hasHead());
    assertTrue(assertThrows(EOFException.class, half::endOfStream).getMessage().contains("middle of the response head"));
  }

  @Test
  void endOfStreamInAFramedBodyKeepsTheStatus() throws Exception {
    ResponseParser p = new ResponseParser();
    assertFalse(p.feed(ByteBuffer.wrap(bytes("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 100\r\n\r\nupstr"))));
    assertTrue(p.hasHead());
    assertTrue(p.endOfStream());
    assertEquals(new Transport.Response(502, null, "upstr"), p.response());
  }

  @Test
  void oversizedHeadIsRefused() {
    ResponseParser p = new ResponseParser();
    StringBuilder b = new StringBuilder("HTTP/1.1 200 OK\r\n");
    while (b.length() < ResponseParser.MAX_HEAD + 100) {
      b.append("X-Filler: ").append("f".repeat(100)).append("\r\n");
    }
    assertThrows(ProtocolException.class, () -> p.feed(ByteBuffer.wrap(bytes(b.toString()))));
    ResponseParser q = new ResponseParser();
    assertThrows(ProtocolException.class,
        () -> q.feed(ByteBuffer.wrap(bytes("HTTP/1.1 200 OK\r\nX-Long: " + "l".repeat(ResponseParser.MAX_LINE) + "\r\n"))));
  }

  @Test
  void retryAfterMissingIsNull() throws Exception {
    ResponseParser p = new ResponseParser();
    p.feed(ByteBuffer.wrap(bytes("HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n")));
    assertNull(p.response().retryAfter());
    assertEquals(429, p.response().status());
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void foldedHeaderValuesAreUnfoldedNotRefused(Delivery d) throws Exception {
    // RFC 9112 section 5.2: a user agent replaces each obs-fold with SP before interpreting the value
    Transport.Response r = complete(d, "HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\n\tc\r\nRetry-After:\r\n  120 \r\n"
        + "Content-Length:\r\n\t 2\r\n\r\nok");
    assertEquals(new Transport.Response(200, "120", "ok"), r);
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void aFieldIsInterpretedOnlyOnceTheNextLineShowsItIsNotFolded(Delivery d) throws Exception {
    // byte by byte, the first line alone looks complete: the date must not be taken before its fold arrives
    Transport.Response r = complete(d, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: Fri, 31 Dec 1999 \r\n"
        + "    23:59:59 GMT\r\nContent-Length: 0\r\n\r\n");
    assertEquals("Fri, 31 Dec 1999 23:59:59 GMT", r.retryAfter());
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void aFoldedLastFieldEndsWithTheHead(Delivery d) throws Exception {
    Transport.Response r = complete(d, "HTTP/1.1 503 Service Unavailable\nContent-Length: 0\nRetry-After:\n 30\n\n");
    assertEquals(new Transport.Response(503, "30", ""), r);
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void aFoldRightAfterTheStatusLineIsAnError(Delivery d) {
    // RFC 9112 section 2.2: whitespace between the start-line and the first field; there is nothing to continue
    for (String first : new String[] {" X: y", "\tContent-Length: 0", " "}) {
      ProtocolException e = rejected(d, "HTTP/1.1 200 OK\r\n" + first + "\r\nContent-Length: 0\r\n\r\n");
      assertContains("starts with whitespace", e.getMessage());
    }
    // the same after an interim response: the final response's fields do not continue the interim one's
    rejected(d, "HTTP/1.1 100 Continue\r\nX: y\r\n\r\nHTTP/1.1 200 OK\r\n z\r\nContent-Length: 0\r\n\r\n");
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void whitespaceBeforeTheColonIsAnError(Delivery d) {
    // RFC 9112 section 5.1: recipients disagreeing about "Content-Length :" is how smuggling starts
    for (String ws : new String[] {" ", "\t", "  \t"}) {
      ProtocolException e = rejected(d, "HTTP/1.1 200 OK\r\nContent-Length" + ws + ": 2\r\n\r\nok");
      assertEquals("whitespace between the response header field name Content-Length and its colon", e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void fieldNamesMustBeTokens(Delivery d) {
    assertEquals("a response header line has an empty field name",
        rejected(d, "HTTP/1.1 200 OK\r\n: x\r\n\r\n").getMessage());
    assertEquals("a response header line has no colon (expected name: value)",
        rejected(d, "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n").getMessage());
    assertEquals("a response header field name has a character a token does not allow: ' '",
        rejected(d, "HTTP/1.1 200 OK\r\nContent Length: 2\r\n\r\nok").getMessage());
    assertEquals("a response header field name has a character a token does not allow: '@'",
        rejected(d, "HTTP/1.1 200 OK\r\nX@Y: 2\r\n\r\n").getMessage());
    assertEquals("a response header field name has a character a token does not allow: 0xE9",
        rejected(d, "HTTP/1.1 200 OK\r\nCaf\u00e9: 2\r\n\r\n").getMessage());
    assertEquals("a response header field name has a character a token does not allow: 0x00",
        rejected(d, "HTTP/1.1 200 OK\r\nX\u0000: 2\r\n\r\n").getMessage());
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void allTokenCharactersAreAllowedInNames(Delivery d) throws Exception {
    Transport.Response r = complete(d, "HTTP/1.1 200 OK\r\n!#$%&'*+-.^_`|~09azAZ: any \u00ff\u0001 value\r\n"
        + "Content-Length: 0\r\n\r\n");
    assertEquals(200, r.status());
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void aNulInAValueIsAnErrorThatDoesNotEchoTheValue(Delivery d) {
    // RFC 9110 section 5.5: reject or replace; refused, and the value (a cookie here) is not in the message
    ProtocolException e = rejected(d, "HTTP/1.1 200 OK\r\nSet-Cookie: session=s3cr3t\u0000\r\n\r\n");
    assertEquals("a NUL character in the value of the response header field Set-Cookie", e.getMessage());
    e = rejected(d, "HTTP/1.1 200 OK\r\nSet-Cookie: session=\r\n s3cr3t\u0000\r\n\r\n");
    assertEquals("a NUL character in the value of the response header field Set-Cookie", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void transferCodingsAreACaseInsensitiveListOverAnyNumberOfLines(Delivery d) throws Exception {
    String body = "2\r\nok\r\n0\r\n\r\n";
    for (String te : new String[] {
        "Transfer-Encoding: CHUNKED",
        "transfer-encoding: Chunked",
        "Transfer-Encoding: identity, chunked",
        "Transfer-Encoding: identity\r\nTransfer-Encoding: chunked",
        "Transfer-Encoding: ,identity ,\t, chunked ,",
        "Transfer-Encoding: identity,\r\n chunked",
        "Transfer-Encoding:\r\nTransfer-Encoding: chunked"}) {
      assertEquals("ok", complete(d, "HTTP/1.1 200 OK\r\n" + te + "\r\n\r\n" + body).excerpt(), te);
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void withoutFinalChunkedTheBodyLastsUntilTheConnectionCloses(Delivery d) throws Exception {
    // RFC 9112 section 6.3, point 3: a response whose Transfer-Encoding does not end in chunked is
    // read until the server closes; its Content-Length is ignored
    for (String te : new String[] {"identity", "IDENTITY, identity", "", " , "}) {
      Transport.Response r = untilClose(d, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: " + te + "\r\n\r\n"
          + "more than two bytes");
      assertEquals(new Transport.Response(200, null, "more than two bytes"), r, te);
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void transferEncodingOverridesEvenAnInvalidContentLength(Delivery d) throws Exception {
    for (String cl : new String[] {"Content-Length: ten", "Content-Length: 1\r\nContent-Length: 2", "Content-Length: -1"}) {
      assertEquals("ok", complete(d, "HTTP/1.1 200 OK\r\n" + cl + "\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "2\r\nok\r\n0\r\n\r\n").excerpt(), cl);
      assertEquals("ok", complete(d, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n" + cl + "\r\n\r\n"
          + "2\r\nok\r\n0\r\n\r\n").excerpt(), cl);
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void unsupportedTransferCodingsAreErrors(Delivery d) {
    // we cannot decode these, so the body (or its end) cannot be read
    String[][] cases = {
      {"gzip", "unsupported transfer coding \"gzip\" in the response's Transfer-Encoding: gzip"},
      {"gzip, chunked", "unsupported transfer coding \"gzip\" in the response's Transfer-Encoding: gzip, chunked"},
      {"Deflate\r\nTransfer-Encoding: chunked",
        "unsupported transfer coding \"deflate\" in the response's Transfer-Encoding: Deflate, chunked"},
      {"compress", "unsupported transfer coding \"compress\""},
      {"x-custom, chunked", "unsupported transfer coding \"x-custom\""},
      {"chunked;ext=1", "unsupported transfer coding \"chunked;ext=1\""},
    };
    for (String[] c : cases) {
      ProtocolException e = rejected(d, "HTTP/1.1 200 OK\r\nTransfer-Encoding: " + c[0] + "\r\n\r\n2\r\nok\r\n0\r\n\r\n");
      assertContains(c[1], e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void chunkedMustBeLastAndOnce(Delivery d) {
    for (String te : new String[] {"chunked, chunked", "chunked\r\nTransfer-Encoding: chunked", "chunked, identity",
        "chunked, gzip"}) {
      ProtocolException e = rejected(d, "HTTP/1.1 200 OK\r\nTransfer-Encoding: " + te + "\r\n\r\n2\r\nok\r\n0\r\n\r\n");
      assertContains("the chunked transfer coding is not the last one, or is applied twice", e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void noContentIgnoresTheFramingFields(Delivery d) throws Exception {
    // RFC 9112 section 6.3, point 1: 204 and 304 end with the head, whatever the header fields say
    assertEquals(new Transport.Response(204, null, ""),
        completeAfter(d, "HTTP/1.1 204 No Content\r\nTransfer-Encoding: gzip\r\nContent-Length: 1, 2\r\n\r\n", "junk"));
    assertEquals(new Transport.Response(304, null, ""),
        completeAfter(d, "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", "junk"));
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void identicalContentLengthsAreOneLength(Delivery d) throws Exception {
    // RFC 9110 section 8.6 / RFC 9112 section 6.3, point 5: a list of one repeated valid value is that value
    for (String cl : new String[] {"Content-Length: 5, 5", "Content-Length: 5,5,5", "Content-Length:\t5 ,\t5 ",
        "Content-Length: 5\r\nContent-Length: 5", "Content-Length: 5, 5\r\ncontent-length: 005",
        "Content-Length: 5,\r\n 5"}) {
      assertEquals("hello", completeAfter(d, "HTTP/1.1 200 OK\r\n" + cl + "\r\n\r\nhello", "HTTP/1.1 200 OK").excerpt(), cl);
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void differingContentLengthsAreErrors(Delivery d) {
    for (String cl : new String[] {"Content-Length: 5, 6", "Content-Length: 5\r\nContent-Length: 6",
        "Content-Length: 5, 5\r\nContent-Length: 6, 5"}) {
      ProtocolException e = rejected(d, "HTTP/1.1 200 OK\r\n" + cl + "\r\n\r\nhello!");
      assertEquals("the response has differing Content-Length values: 5 and 6", e.getMessage(), cl);
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void contentLengthIsDigitsOnly(Delivery d) {
    for (String v : new String[] {"", " ", "ten", "+5", "-5", "-0", "5,", ",5", "5,,5", "5 5", "0x5", "5.0", "1e3", "5;", "\u00b2"}) {
      ProtocolException e = rejected(d, "HTTP/1.1 200 OK\r\nContent-Length: " + v + "\r\n\r\nhello");
      assertContains("the response's Content-Length is not a number of bytes", e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void contentLengthsTooLargeForALongAreErrors(Delivery d) {
    for (String v : new String[] {"9223372036854775808", "99999999999999999999999", "5, 18446744073709551621"}) {
      ProtocolException e = rejected(d, "HTTP/1.1 200 OK\r\nContent-Length: " + v + "\r\n\r\nhello");
      assertContains("the response's Content-Length is too large: " + v, e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void theLargestLongIsALengthLikeAnyOther(Delivery d) throws Exception {
    // only the excerpt is kept, so the rest of this (never ending) body is not waited for
    String head = "HTTP/1.1 413 Content Too Large\r\nContent-Length: 0009223372036854775807\r\n\r\n";
    String body = "z".repeat(Transport.EXCERPT_BYTES + 1);
    ResponseParser p = new ResponseParser();
    assertTrue(d.feed(p, bytes(head + body + "zzz")) > 0, "done once the excerpt is full");
    assertEquals(new Transport.Response(413, null, "z".repeat(Transport.EXCERPT_BYTES) + "..."), p.response());
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void http10WithoutContentLengthLastsUntilTheConnectionCloses(Delivery d) throws Exception {
    assertEquals(new Transport.Response(200, null, "Published"), untilClose(d, "HTTP/1.0 200 OK\r\nServer: old\r\n\r\nPublished"));
    assertEquals(new Transport.Response(200, null, ""), untilClose(d, "HTTP/1.0 200 OK\r\n\r\n"));
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void http10WithContentLengthIsFramedByIt(Delivery d) throws Exception {
    assertEquals(new Transport.Response(202, null, "queued"),
        completeAfter(d, "HTTP/1.0 202 Accepted\r\nContent-Length: 6\r\n\r\nqueued", "<junk>"));
    assertEquals(new Transport.Response(200, null, ""), completeAfter(d, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", "x"));
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void http10WithTransferEncodingIsReadUntilTheConnectionCloses(Delivery d) throws Exception {
    // RFC 9112 section 6.1: faulty framing, whatever Content-Length says; not decoded, not refused
    assertEquals(new Transport.Response(200, null, "2\r\nok\r\n0"),
        untilClose(d, "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n2\r\nok\r\n0\r\n\r\n"));
    assertEquals(200, untilClose(d, "HTTP/1.0 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\u001f\u008b").status());
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void statusLines(Delivery d) throws Exception {
    assertEquals(200, complete(d, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").status());
    assertEquals(200, complete(d, "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n").status(), "no SP, no reason");
    assertEquals(200, complete(d, "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n").status(), "an empty reason");
    assertEquals(200, complete(d, "HTTP/1.1 200 \u00c7a va\tbien :)\r\nContent-Length: 0\r\n\r\n").status(), "obs-text, HTAB");
    assertEquals(404, complete(d, "HTTP/1.9 404 Not Found\r\nContent-Length: 0\r\n\r\n").status(), "a later HTTP/1.x");
    assertEquals(999, complete(d, "HTTP/1.1 999 Whatever\r\nContent-Length: 0\r\n\r\n").status());
    assertEquals(100, ResponseParser.parseStatusLine("HTTP/1.1 100 Continue"));
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void badStatusLines(Delivery d) {
    for (String bad : new String[] {"HTTP/1.1 20 OK", "HTTP/1.1 200OK", "HTTP/1.1  200 OK", "http/1.1 200 OK", "HTTP/1.1 2000",
        "HTTP/1.1 099 Low", "HTTP/1.1 000", "HTTP/1.x 200 OK", "HTTP/11 200 OK", "HTTP/1.1\t200 OK", "HTTP/1.1 -20 OK",
        "HTTP/2.0 200 OK", "HTTP/0.9 200 OK", "ICY 200 OK", " HTTP/1.1 200 OK", "HTTP/1.1 1000 Too High"}) {
      ProtocolException e = rejected(d, bad + "\r\nContent-Length: 0\r\n\r\n");
      assertTrue(e.getMessage().startsWith("unexpected status line: "), e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void switchingProtocolsIsAnErrorNotAnInterimResponse(Delivery d) {
    ProtocolException e = rejected(d, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nHTTP/1.1 200 OK\r\n\r\n");
    assertEquals("unexpected 101 Switching Protocols: the request asked for no upgrade", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void severalInterimResponsesAreSkippedWithTheirFields(Delivery d) throws Exception {
    // 1xx never has a body (a Content-Length there frames nothing); its fields are not the final response's
    Transport.Response r = complete(d, "HTTP/1.1 100 Continue\r\n\r\n"
        + "HTTP/1.1 102 Processing\r\nRetry-After: 5\r\nContent-Length: 7\r\n\r\n"
        + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assertEquals(new Transport.Response(200, null, "ok"), r);
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void bareLfLineEndsAreAcceptedEverywhere(Delivery d) throws Exception {
    // RFC 9112 section 2.2: a recipient may accept a bare LF as a line terminator
    assertEquals(new Transport.Response(200, "1", "ok"), complete(d,
        "HTTP/1.1 100 Continue\n\nHTTP/1.1 200 OK\nRetry-After: 1\nTransfer-Encoding: chunked\n\n2;x=y\nok\n0\nT: t\n\n"));
    assertEquals(new Transport.Response(200, null, "ok"),
        complete(d, "HTTP/1.1 200 OK\r\nA: b\nContent-Length: 2\r\n\nok"), "mixed");
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void aBareCrIsAnErrorInAnyLine(Delivery d) {
    String[][] cases = {
      {"HTTP/1.1 200 O\rK\r\n\r\n", "in the response's status line"},
      {"HTTP/1.1 200 OK\r\r\n\r\n", "in the response's status line"},
      {"HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", "in a response header line"},
      {"HTTP/1.1 200 OK\r\nX\r: b\r\n\r\n", "in a response header line"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\r\nok", "in a response header line"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r;x\r\nok\r\n0\r\n\r\n", "in a chunk-size line"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\r\n0\r\n\r\n", "in the line ending a chunk"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: \r\r\n\r\n", "in a trailer line"},
    };
    for (String[] c : cases) {
      String message = rejected(d, c[0]).getMessage();
      assertTrue(message.startsWith("a CR not followed by LF " + c[1]), message);
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void aCrInTheBodyIsContentNotALineEnd(Delivery d) throws Exception {
    assertEquals("o\rk", complete(d, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\no\rk").excerpt());
    assertEquals("o\rk", complete(d, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\no\rk\r\n0\r\n\r\n").excerpt());
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void linesUpToTheLimitAreRead(Delivery d) throws Exception {
    String line = "X: " + "l".repeat(ResponseParser.MAX_LINE - 3); // MAX_LINE bytes without the CRLF
    assertEquals(200, complete(d, "HTTP/1.1 200 OK\r\n" + line + "\r\nContent-Length: 0\r\n\r\n").status());
    assertEquals(200, complete(d, "HTTP/1.1 200 OK\n" + line + "\nContent-Length: 0\n\n").status());
    ProtocolException e = rejected(d, "HTTP/1.1 200 OK\r\n" + line + "l\r\nContent-Length: 0\r\n\r\n");
    assertEquals("a response header line is over " + ResponseParser.MAX_LINE + " bytes", e.getMessage());
    e = rejected(d, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;" + "e".repeat(ResponseParser.MAX_LINE) + "\r\n");
    assertEquals("a chunk-size line of the response body is over " + ResponseParser.MAX_LINE + " bytes", e.getMessage());
  }

  /** A head of exactly {@code size} bytes, with its status line and final empty line. */
  private static String headOf(int size) {
    StringBuilder b = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n");
    while (size - b.length() - 2 > 1000) {
      b.append("X-Filler: ").append("f".repeat(1000 - 12)).append("\r\n");
    }
    int fill = size - b.length() - "X: \r\n\r\n".length();
    b.append("X: ").append("f".repeat(fill)).append("\r\n");
    String head = b.append("\r\n").toString();
    assertEquals(size, head.length());
    return head;
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void headsUpToTheLimitAreRead(Delivery d) throws Exception {
    assertEquals(200, complete(d, headOf(ResponseParser.MAX_HEAD)).status());
    ProtocolException e = rejected(d, headOf(ResponseParser.MAX_HEAD + 1));
    assertEquals("the response head is over " + ResponseParser.MAX_HEAD + " bytes", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void interimResponsesCountTowardsTheHeadLimit(Delivery d) {
    // else a proxy could keep us reading 100 Continue forever
    String endless = "HTTP/1.1 100 Continue\r\n\r\n".repeat(ResponseParser.MAX_HEAD / 25 + 1);
    assertEquals("the response head is over " + ResponseParser.MAX_HEAD + " bytes", rejected(d, endless).getMessage());
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void chunkSizesAreHexDigitsThenOptionalExtensions(Delivery d) throws Exception {
    for (String size : new String[] {"2", "02", "0000000000000000000000002", "2;ext", "2 ;ext=\"v\"", "2\t; a=b; c", "2 "}) {
      assertEquals("ok", complete(d, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\nok\r\n0\r\n\r\n")
          .excerpt(), size);
    }
    for (String size : new String[] {"A", "a", "0A"}) {
      assertEquals("0123456789", complete(d, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\n0123456789\r\n"
          + "0\r\n\r\n").excerpt(), size);
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void badChunkSizesAreErrors(Delivery d) {
    for (String size : new String[] {"", " 2", "+2", "-0", "0x2", "2 2", "g", ";ext", "2,", "\u00b2"}) {
      ProtocolException e = rejected(d, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\nok\r\n0\r\n\r\n");
      assertTrue(e.getMessage().startsWith("bad chunk size \""), e.getMessage());
    }
    ProtocolException e = rejected(d, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\nok\r\n");
    assertEquals("a chunk size too large for a long in the response body: 10000000000000000", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void endOfStreamSaysWhereTheResponseWasCut(Delivery d) throws Exception {
    String interim = "HTTP/1.1 100 Continue\r\nX: y\r\n\r\n";
    String finalHead = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 9\r\nContent-Length: 4\r\n\r\n";
    String wire = interim + finalHead + "busy";
    for (int cut = 0; cut <= wire.length(); cut++) {
      ResponseParser p = new ResponseParser();
      assertEquals(cut == wire.length() ? cut : -1, d.feed(p, bytes(wire.substring(0, cut))), "cut at " + cut);
      String expected;
      if (cut == 0) {
        expected = "closed the connection without a response";
      } else if (cut < interim.indexOf('\n') + 1 || (cut > interim.length() && cut < interim.length() + finalHead.indexOf('\n') + 1)) {
        expected = "closed the connection in the middle of the response's status line";
      } else if (cut < interim.length()) {
        expected = "in the middle of the response head, in its header fields (after status 100)";
      } else if (cut == interim.length()) {
        expected = "after an interim (1xx) response, without the final response";
      } else if (cut < interim.length() + finalHead.length()) {
        expected = "in the middle of the response head, in its header fields (after status 503)";
      } else {
        assertTrue(p.hasHead());
        assertTrue(p.endOfStream(), "the status stands, whatever of the body arrived");
        assertEquals(new Transport.Response(503, "9", "busy".substring(0, cut - interim.length() - finalHead.length())),
            p.response());
        continue;
      }
      assertFalse(p.hasHead());
      EOFException e = assertThrows(EOFException.class, p::endOfStream, "cut at " + cut);
      assertContains(expected, e.getMessage());
      assertTrue(e.getMessage().startsWith("unexpected end of stream: the server "), e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void errorMessagesClipWhatTheyEchoAndShowOnlyPrintableAscii(Delivery d) {
    String junk = "\u001b[31m\u00ff" + "A".repeat(200); // an escape sequence, a non-ASCII byte, a long run
    String clipped = "?[31m?" + "A".repeat(80 - 6) + "...";
    assertEquals("unexpected status line: " + clipped, rejected(d, junk + "\r\n").getMessage());
    assertEquals("unexpected status line: ?" + clipped.substring(0, 79) + "...", rejected(d, "\u0000" + junk + "\r\n").getMessage());
    assertEquals("the response's Content-Length is not a number of bytes: \"" + clipped + "\"",
        rejected(d, "HTTP/1.1 200 OK\r\nContent-Length: " + junk + "\r\n\r\n").getMessage());
    ProtocolException e = rejected(d, "HTTP/1.1 200 OK\r\nTransfer-Encoding: \u00ff" + "A".repeat(200) + "\r\n\r\n");
    assertEquals("unsupported transfer coding \"?" + "a".repeat(79) + "...\" in the response's Transfer-Encoding: ?"
        + "A".repeat(79) + "...", e.getMessage());
    e = rejected(d, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\u001b" + "A".repeat(200) + "\r\n");
    assertEquals("bad chunk size \"?" + "A".repeat(79) + "...\" in a chunked response body", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void errorMessagesNeverEchoOtherFieldValues(Delivery d) {
    String secrets = "Set-Cookie: sid=SECRET\r\nAuthorization: Bearer SECRET\r\n";
    String[] wires = {
      "HTTP/1.1 200 OK\r\n" + secrets + "Set-Cookie SECRET\r\n\r\n",
      "HTTP/1.1 200 OK\r\n" + secrets + "Authorization Bearer SECRET:x\r\n\r\n",
      "HTTP/1.1 200 OK\r\n" + secrets + "Authorization Bearer SECRET :x\r\n\r\n",
      "HTTP/1.1 200 OK\r\n" + secrets + "Set-Cookie: sid=SECRET\u0000\r\n\r\n",
      "HTTP/1.1 200 OK\r\n" + secrets + "Set-Cookie: sid=SECRET\rX\r\n\r\n",
      "HTTP/1.1 200 OK\r\n" + secrets + "Set-Cookie: sid=SECRET" + "s".repeat(ResponseParser.MAX_LINE) + "\r\n\r\n",
      "HTTP/1.1 200 OK\r\n Set-Cookie: sid=SECRET\r\n\r\n",
      "HTTP/1.1 200 OK\r\n" + secrets + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 200 OK\r\n" + secrets + "Transfer-Encoding: gzip\r\n\r\n",
      "HTTP/1.1 200 OK\r\n" + secrets + "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
    };
    for (String wire : wires) {
      String message = rejected(d, wire).getMessage();
      assertFalse(message.contains("SECRET"), message);
    }
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void onlyTheFirst512BodyBytesAreKeptAndTheRestIsNotWaitedFor(Delivery d) throws Exception {
    String full = "y".repeat(Transport.EXCERPT_BYTES);
    assertEquals(full, complete(d, "HTTP/1.1 400 Bad Request\r\nContent-Length: 512\r\n\r\n" + full).excerpt());
    assertEquals(full, complete(d, "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n" + full
        + "\r\n0\r\n\r\n").excerpt());
    // one byte more than the excerpt: done at once, whatever the framing says is still to come
    String head = "HTTP/1.1 400 Bad Request\r\n";
    for (String framing : new String[] {"Content-Length: 100000\r\n\r\n", "Transfer-Encoding: chunked\r\n\r\n186A0\r\n",
        "Transfer-Encoding: chunked\r\n\r\n1\r\ny\r\n" + "2\r\nyy\r\n".repeat(300), "\r\n"}) {
      ResponseParser p = new ResponseParser();
      assertTrue(d.feed(p, bytes(head + framing + full + "yyyy")) > 0, framing);
      assertEquals(new Transport.Response(400, null, full + "..."), p.response(), framing);
    }
  }
}
