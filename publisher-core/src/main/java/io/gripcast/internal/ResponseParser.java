package io.gripcast.internal;

import java.io.EOFException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads one HTTP/1.x response to a POST (RFC 9112), incrementally: fed whatever bytes each read
 * brought (a response may arrive in one read or one byte at a time), it keeps the status, the
 * Retry-After header and the first 512 bytes of the body, and does not wait for the rest of a
 * longer body. Not thread-safe: one parser per exchange, used by the selector thread only.
 *
 * <p>What it accepts, as a recipient may: bare LF line ends; folded header lines (obs-fold,
 * unfolded to SP); any HTTP/1.x version; a status line without a reason phrase; interim 1xx
 * responses before the final one (but 101, which we never ask for); a Content-Length repeated with
 * the same value. How the body is framed (RFC 9112 section 6.3): none for 204 and 304; chunked
 * when chunked is the last transfer coding; otherwise, with Transfer-Encoding present (or in an
 * HTTP/1.0 response with it), by the end of the connection; else by Content-Length; else by the
 * end of the connection.
 *
 * <p>What it refuses with a {@link ProtocolException}, since another hop might read such bytes
 * differently (response splitting) or we could not read the body: a bare CR, whitespace before a
 * header colon, a field name that is not a token, a NUL in a value, an obs-fold with no field to
 * continue, differing or malformed Content-Length values, transfer codings other than chunked and
 * identity, chunked not last or twice, malformed chunk sizes, lines over {@link #MAX_LINE} and
 * heads (interim ones included) over {@link #MAX_HEAD}. Messages clip and sanitize what they echo
 * of the wire, and echo no field values but Content-Length and Transfer-Encoding ones.
 */
final class ResponseParser {
  /** The longest status, header, chunk-size or trailer line, without its line end. */
  static final int MAX_LINE = 8 * 1024;
  /** The most bytes of status and header lines, interim responses' included, before the body. */
  static final int MAX_HEAD = 64 * 1024;

  private enum State { STATUS, HEADERS, BODY_LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, BODY_EOF, DONE }

  private State state = State.STATUS;
  private final byte[] line = new byte[MAX_LINE + 1]; // and its CR
  private int lineLength;
  private int headBytes;
  private int status;
  /** The status line said HTTP/1.0: Transfer-Encoding is not to be trusted (see endOfHead). */
  private boolean http10;
  private String retryAfter;
  /**
   * The header field being read: it is interpreted only once the next line shows it is not
   * continued by an obs-fold (a line starting with SP or HTAB), so a folded value is read whole.
   */
  private String fieldName;
  private final StringBuilder fieldValue = new StringBuilder();
  private long contentLength = -1;
  /**
   * Why the Content-Length fields are unusable, or null. Not thrown at once: when the response
   * also has a Transfer-Encoding, Content-Length is ignored (RFC 9112 section 6.3, point 3).
   */
  private String contentLengthProblem;
  /** The Transfer-Encoding field lines joined into one list (RFC 9110 section 5.3), or null: none. */
  private String transferEncoding;
  private long remaining; // of the body (Content-Length) or of the current chunk
  private final byte[] excerpt = new byte[Transport.EXCERPT_BYTES + 1];
  private int excerptLength;

  /**
   * Consumes bytes from {@code in} (up to its limit, or fewer once the response is complete).
   *
   * @return true once the response is complete (or enough of its body is kept: the rest is not needed)
   * @throws ProtocolException when the bytes are not an HTTP/1.x response
   */
  boolean feed(ByteBuffer in) throws ProtocolException {
    while (state != State.DONE && in.hasRemaining()) {
      switch (state) {
        case STATUS, HEADERS, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
          String l = readLine(in);
          if (l != null) {
            onLine(l);
          }
        }
        case BODY_LENGTH, CHUNK_DATA -> {
          int n = (int) Math.min(remaining, in.remaining());
          keep(in, n);
          remaining -= n;
          if (remaining == 0) {
            state = state == State.BODY_LENGTH ? State.DONE : State.CHUNK_END;
          }
        }
        case BODY_EOF -> keep(in, in.remaining());
        default -> throw new IllegalStateException(state.name());
      }
      if (excerptLength > Transport.EXCERPT_BYTES && state.compareTo(State.BODY_LENGTH) >= 0) {
        state = State.DONE; // the excerpt is all we keep; the rest of the body would be read for nothing
      }
    }
    return state == State.DONE;
  }

  /**
   * The connection ended. Fine for a body that lasts until the end of the connection; before a
   * complete head it is an error; in the middle of a framed body the status still stands (the
   * proxy did answer) and the excerpt keeps what arrived.
   *
   * @return true when a response (status) is available
   * @throws EOFException when the connection ended before the response head was complete
   */
  boolean endOfStream() throws EOFException {
    if (state == State.STATUS) {
      throw new EOFException(headBytes == 0
          ? "unexpected end of stream: the server closed the connection without a response"
          : lineLength == 0
          ? "unexpected end of stream: the server closed the connection after an interim (1xx) response,"
              + " without the final response"
          : "unexpected end of stream: the server closed the connection in the middle of the response's status line");
    }
    if (state == State.HEADERS) {
      // the status is known but not usable: the head may have said more (a Retry-After, or a framing error)
      throw new EOFException("unexpected end of stream: the server closed the connection in the middle of the"
          + " response head, in its header fields (after status " + status + ")");
    }
    state = State.DONE;
    return true;
  }

  /** True once the status line and the headers were read: a timeout after that still leaves the status. */
  boolean hasHead() {
    return state != State.STATUS && state != State.HEADERS;
  }

  boolean done() {
    return state == State.DONE;
  }

  Transport.Response response() {
    boolean more = excerptLength > Transport.EXCERPT_BYTES;
    return new Transport.Response(status, retryAfter, Transport.excerpt(excerpt, excerptLength, more));
  }

  private void keep(ByteBuffer in, int n) {
    int room = excerpt.length - excerptLength;
    int k = Math.min(room, n);
    in.get(excerpt, excerptLength, k);
    excerptLength += k;
    in.position(in.position() + (n - k));
  }

  /**
   * A line without its line ending, or null when it is not complete yet. CRLF ends a line, and so
   * does a bare LF (RFC 9112 section 2.2 lets a recipient accept it). A bare CR (one not followed
   * by LF) is an error: section 2.2 says to treat the element as invalid or replace the CR, and
   * recipients that disagree about where a line ends are how responses get split.
   */
  private String readLine(ByteBuffer in) throws ProtocolException {
    boolean head = state == State.STATUS || state == State.HEADERS;
    while (in.hasRemaining()) {
      byte b = in.get();
      if (head && ++headBytes > MAX_HEAD) {
        throw new ProtocolException("the response head is over " + MAX_HEAD + " bytes");
      }
      boolean cr = lineLength > 0 && line[lineLength - 1] == '\r';
      if (b == '\n') {
        int n = cr ? lineLength - 1 : lineLength;
        lineLength = 0;
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
      }
      if (cr) {
        throw new ProtocolException("a CR not followed by LF in " + lineName());
      }
      if (lineLength == MAX_LINE && b != '\r') {
        throw new ProtocolException(lineName() + " is over " + MAX_LINE + " bytes");
      }
      line[lineLength++] = b;
    }
    return null;
  }

  /** What the line being read is, for error messages. */
  private String lineName() {
    return switch (state) {
      case STATUS -> "the response's status line";
      case HEADERS -> "a response header line";
      case CHUNK_SIZE -> "a chunk-size line of the response body";
      case CHUNK_END -> "the line ending a chunk of the response body";
      case TRAILERS -> "a trailer line of the response body";
      default -> "a response line";
    };
  }

  private void onLine(String l) throws ProtocolException {
    switch (state) {
      case STATUS -> {
        status = parseStatusLine(l);
        if (status == 101) {
          // not an interim response for us: after it the connection speaks another protocol, and we
          // never ask to upgrade (RFC 9110 section 15.2.2), so a 101 is a broken or hostile proxy
          throw new ProtocolException("unexpected 101 Switching Protocols: the request asked for no upgrade");
        }
        http10 = l.charAt(7) == '0';
        state = State.HEADERS;
      }
      case HEADERS -> {
        if (l.isEmpty()) {
          endField();
          endOfHead();
        } else if (isOws(l.charAt(0))) {
          continueField(l);
        } else {
          endField();
          startField(l);
        }
      }
      case CHUNK_SIZE -> {
        remaining = chunkSize(l);
        state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
      }
      case CHUNK_END -> {
        if (!l.isEmpty()) {
          throw new ProtocolException("a chunk of the response body does not end with CRLF");
        }
        state = State.CHUNK_SIZE;
      }
      case TRAILERS -> {
        if (l.isEmpty()) {
          state = State.DONE;
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  /**
   * chunk-size = 1*HEXDIG, then optionally BWS ";" and chunk extensions, which are ignored (RFC
   * 9112 section 7.1). Long.parseLong used to accept a sign and leading whitespace; a recipient
   * must also guard against overflow.
   */
  private static long chunkSize(String l) throws ProtocolException {
    long size = 0;
    int i = 0;
    for (; i < l.length() && hexValue(l.charAt(i)) >= 0; i++) {
      if (size > Long.MAX_VALUE >> 4) {
        throw new ProtocolException("a chunk size too large for a long in the response body: " + clip(l));
      }
      size = size << 4 | hexValue(l.charAt(i));
    }
    int rest = i + skipOws(l.substring(i));
    if (i == 0 || (rest < l.length() && l.charAt(rest) != ';')) {
      int semi = l.indexOf(';');
      throw new ProtocolException("bad chunk size \"" + clip(semi < 0 ? l : l.substring(0, semi))
          + "\" in a chunked response body");
    }
    return size;
  }

  /**
   * The status code of a status line: HTTP-version SP 3DIGIT, then SP and a reason phrase, or
   * nothing (RFC 9112 section 4; a missing SP is tolerated, as some servers omit it with an empty
   * reason). Any HTTP/1.x version is read as HTTP/1.1 would be (RFC 9110 section 2.5); the reason
   * phrase is ignored, as a client should. Codes 600 to 999 are undefined but pass as they are;
   * below 100 is not a status code.
   */
  static int parseStatusLine(String l) throws ProtocolException {
    if (l.length() < 12 || !l.startsWith("HTTP/1.") || !isDigit(l.charAt(7)) || l.charAt(8) != ' '
        || (l.length() > 12 && l.charAt(12) != ' ')) {
      throw new ProtocolException("unexpected status line: " + clip(l));
    }
    int code = 0;
    for (int i = 9; i < 12; i++) {
      char c = l.charAt(i);
      if (!isDigit(c)) {
        throw new ProtocolException("unexpected status line: " + clip(l));
      }
      code = code * 10 + (c - '0');
    }
    if (code < 100) {
      throw new ProtocolException("unexpected status line: " + clip(l));
    }
    return code;
  }

  private static int hexValue(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * A header line: field-name ":" OWS field-value OWS (RFC 9112 section 5). The name is checked
   * now; the value waits for {@link #endField()}. Error messages never echo a value (it may be a
   * cookie or a credential), and echo a name only once it is known to be a token.
   */
  private void startField(String l) throws ProtocolException {
    int colon = l.indexOf(':');
    if (colon < 0) {
      throw new ProtocolException("a response header line has no colon (expected name: value)");
    }
    if (colon == 0) {
      throw new ProtocolException("a response header line has an empty field name");
    }
    if (isOws(l.charAt(colon - 1))) {
      // RFC 9112 section 5.1: no whitespace is allowed between the name and the colon; it has led
      // to request smuggling and response splitting, as recipients disagreed about the name
      String name = l.substring(0, endWithoutOws(l.subSequence(0, colon)));
      throw new ProtocolException("whitespace between the response header field name"
          + (isToken(name) ? " " + clip(name) : "") + " and its colon");
    }
    for (int i = 0; i < colon; i++) {
      char c = l.charAt(i);
      if (!isTchar(c)) {
        throw new ProtocolException("a response header field name has a character a token does not allow: "
            + (c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("0x%02X", (int) c)));
      }
    }
    fieldName = l.substring(0, colon);
    checkValue(l, colon + 1);
    fieldValue.setLength(0);
    fieldValue.append(l, colon + 1, l.length());
  }

  /**
   * RFC 9110 section 5.5: a recipient of NUL within a field value must reject the message or
   * replace it with SP. It is never sent by a sane proxy, so refuse rather than guess.
   * (CR and LF cannot be in a line here: readLine ends lines at LF and refuses a bare CR.)
   */
  private void checkValue(CharSequence l, int from) throws ProtocolException {
    for (int i = from; i < l.length(); i++) {
      if (l.charAt(i) == 0) {
        throw new ProtocolException("a NUL character in the value of the response header field " + clip(fieldName));
      }
    }
  }

  /** tchar (RFC 9110 section 5.6.2): the characters of a token, such as a field name. */
  private static boolean isTchar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || (c < 0x7f && "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
  }

  private static boolean isToken(CharSequence s) {
    if (s.length() == 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isTchar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * An obs-fold (RFC 9112 section 5.2): a line starting with SP or HTAB continues the previous
   * field's value. A user agent must replace the fold (the whitespace around the line break) with
   * SP before interpreting the value, so a folded Retry-After or Content-Length still counts.
   */
  private void continueField(String l) throws ProtocolException {
    if (fieldName == null) {
      // RFC 9112 section 2.2: whitespace between the start-line and the first field is invalid
      throw new ProtocolException(
          "the first response header line starts with whitespace (an obs-fold with no field before it to continue)");
    }
    checkValue(l, 0);
    fieldValue.setLength(endWithoutOws(fieldValue));
    fieldValue.append(' ').append(l, skipOws(l), l.length());
  }

  /** Interprets the field read so far, if any: no later line can continue it. */
  private void endField() throws ProtocolException {
    if (fieldName == null) {
      return;
    }
    String name = fieldName;
    fieldName = null;
    String value = trimOws(fieldValue);
    fieldValue.setLength(0);
    header(name, value);
  }

  private void header(String name, String value) throws ProtocolException {
    if (name.equalsIgnoreCase("Content-Length")) {
      contentLength(value);
    } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
      transferEncoding = transferEncoding == null ? value : transferEncoding + ", " + value;
    } else if (name.equalsIgnoreCase("Retry-After") && retryAfter == null) {
      retryAfter = value;
    }
  }

  /**
   * One Content-Length field: 1*DIGIT (RFC 9110 section 8.6), or a list of identical values
   * ("5, 5", which a proxy may make by joining field lines): RFC 9112 section 6.3, point 5 lets a
   * recipient use the one value then. Values that differ, in one line or over several, leave the
   * body length unknown: an error, unless Transfer-Encoding overrides them. So is an empty value, a
   * sign or a value too large for a long (RFC 9112 section 6.3 warns of integer overflows).
   * Unlike Transfer-Encoding, an empty list element is refused: this field frames the body, and
   * "5," is not what a sane proxy sends.
   */
  private void contentLength(String value) {
    if (contentLengthProblem != null) {
      return;
    }
    for (String element : value.split(",", -1)) {
      String digits = trimOws(element);
      long n = digits.isEmpty() ? -1 : 0;
      for (int i = 0; i < digits.length() && n >= 0; i++) {
        char c = digits.charAt(i);
        if (c < '0' || c > '9') {
          n = -1;
        } else if (n > (Long.MAX_VALUE - (c - '0')) / 10) {
          contentLengthProblem = "the response's Content-Length is too large: " + clip(value);
          return;
        } else {
          n = n * 10 + (c - '0');
        }
      }
      if (n < 0) {
        contentLengthProblem = "the response's Content-Length is not a number of bytes: \"" + clip(value) + "\"";
        return;
      }
      if (contentLength >= 0 && contentLength != n) {
        contentLengthProblem = "the response has differing Content-Length values: " + contentLength + " and " + n;
        return;
      }
      contentLength = n;
    }
  }

  /** OWS (RFC 9110 section 5.6.3) is SP and HTAB only, unlike {@link String#trim()}. */
  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /** The index of the first character of {@code s} that is not OWS. */
  private static int skipOws(CharSequence s) {
    int i = 0;
    while (i < s.length() && isOws(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The length of {@code s} without its trailing OWS. */
  private static int endWithoutOws(CharSequence s) {
    int end = s.length();
    while (end > 0 && isOws(s.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  /** {@code s} without leading and trailing OWS. */
  private static String trimOws(CharSequence s) {
    int end = endWithoutOws(s);
    return s.subSequence(Math.min(skipOws(s), end), end).toString();
  }

  /**
   * The head is complete: decides how the body is framed (RFC 9112 section 6.3). Responses to our
   * requests are never to HEAD or CONNECT, so those cases do not arise.
   */
  private void endOfHead() throws ProtocolException {
    if (status < 200) {
      // an interim response (100 Continue and the like): the real one follows
      state = State.STATUS;
      contentLength = -1;
      contentLengthProblem = null;
      transferEncoding = null;
      retryAfter = null;
      return;
    }
    if (status == 204 || status == 304) {
      state = State.DONE; // never a body, whatever the header fields say (point 1)
    } else if (transferEncoding != null && http10) {
      // RFC 9112 section 6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing, even
      // with a Content-Length (likely an HTTP/1.1 response passed on by an HTTP/1.0 proxy that did
      // not decode it). Neither field can be trusted; the connection is closed after this
      // response anyway, so its end is the only end of the body left
      state = State.BODY_EOF;
    } else if (transferEncoding != null) {
      // point 3: Transfer-Encoding overrides Content-Length, even an invalid one
      state = transferCodings() ? State.CHUNK_SIZE : State.BODY_EOF;
    } else if (contentLengthProblem != null) {
      throw new ProtocolException(contentLengthProblem); // point 5: an unrecoverable error
    } else if (contentLength >= 0) {
      remaining = contentLength;
      state = contentLength == 0 ? State.DONE : State.BODY_LENGTH;
    } else {
      state = State.BODY_EOF; // point 8: a response without either lasts until the connection closes
    }
  }

  /**
   * Checks the list of transfer codings, applied in order (RFC 9112 section 6.1).
   *
   * @return true when the body is chunked (chunked is the final coding); false when it is framed
   *     by the end of the connection (RFC 9112 section 6.3, point 3: chunked is not the final
   *     coding, which here can only mean that identity codings, or none, are listed)
   * @throws ProtocolException for a coding we cannot decode (gzip, deflate, compress or unknown:
   *     the body could not be read), or chunked applied twice or before another coding
   */
  private boolean transferCodings() throws ProtocolException {
    boolean chunked = false;
    for (String element : transferEncoding.split(",", -1)) {
      String coding = trimOws(element).toLowerCase(Locale.ROOT);
      if (coding.isEmpty()) {
        continue; // RFC 9110 section 5.6.1: empty list elements are ignored
      }
      if (chunked) {
        // RFC 9112 section 6.1: a sender must not apply chunked more than once, and chunked must
        // be the final coding when any is applied after it
        throw new ProtocolException("the chunked transfer coding is not the last one, or is applied twice,"
            + " in the response's Transfer-Encoding: " + clip(transferEncoding));
      }
      if (coding.equals("chunked")) {
        chunked = true;
      } else if (!coding.equals("identity")) {
        throw new ProtocolException("unsupported transfer coding \"" + clip(coding)
            + "\" in the response's Transfer-Encoding: " + clip(transferEncoding));
      }
    }
    return chunked;
  }

  private static String clip(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    StringBuilder b = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      b.append(c < 0x20 || c > 0x7e ? '?' : c);
    }
    return b.toString();
  }
}
