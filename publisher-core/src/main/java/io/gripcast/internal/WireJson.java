package io.gripcast.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gripcast.item.Action;
import io.gripcast.item.Content;
import io.gripcast.item.Header;
import io.gripcast.item.HttpResponse;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import io.gripcast.item.WsMessage;
import io.gripcast.item.WsType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one place that knows the publish wire format's field names (grip-spec §1.2-1.8): it writes
 * items as JSON and reads the item JSON back (for NDJSON batch input).
 *
 * <p>Writing streams straight into the caller's buffer through Jackson's generator: no tree, no
 * intermediate strings. Bytes go out base64-encoded in the {@code *-bin} fields.
 *
 * <p>The other JSON roles have their own classes: {@code GripJson} is this format's public face
 * for tools, the grip-instruct body is {@code http.InstructJson}'s, the WebSocket control
 * messages are {@code ws.ControlMessages}', JWS headers and JWKs are {@code auth.JoseJson}'s.
 */
public final class WireJson {

  // wire names: nowhere else in the code base
  private static final String ITEMS = "items";
  private static final String CHANNEL = "channel";
  private static final String ID = "id";
  private static final String PREV_ID = "prev-id";
  private static final String META = "meta";
  private static final String NO_SEQ = "no-seq";
  private static final String FORMATS = "formats";
  private static final String HTTP_RESPONSE = "http-response";
  private static final String HTTP_STREAM = "http-stream";
  private static final String WS_MESSAGE = "ws-message";
  private static final String ACTION = "action";
  private static final String CONTENT = "content";
  private static final String CONTENT_BIN = "content-bin";
  private static final String CONTENT_FILTERS = "content-filters";
  private static final String TYPE = "type";
  private static final String CODE = "code";
  private static final String REASON = "reason";
  private static final String HEADERS = "headers";
  private static final String BODY = "body";
  private static final String BODY_BIN = "body-bin";
  private static final String BODY_PATCH = "body-patch";

  /** The envelope around the comma-separated items: {@code {"items":[ ... ]}}. */
  public static final byte[] ENVELOPE_START = ("{\"" + ITEMS + "\":[").getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  public static final byte[] ENVELOPE_END = "]}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * Jackson, for reading only: the body is written by {@link JsonOut}, so a publish never loads
   * Jackson (its first factory and generator cost 40 ms on a cold JVM). Holders, so that each part
   * is loaded on first use: the streaming factory by the first read, and the ObjectMapper (hundreds
   * of databind classes and locale data) only for a line the streaming reader declines or a
   * body-patch.
   */
  private static final class Jackson {
    static final JsonFactory FACTORY = new JsonFactory();
  }

  private static final class Mapper {
    static final ObjectMapper INSTANCE = new ObjectMapper(Jackson.FACTORY);
  }

  private WireJson() {}

  /** Writes one publication as a JSON item object. */
  public static void writeItem(Publication publication, ByteSink out) {
    try (ItemWriter w = new ItemWriter(out)) {
      w.write(publication);
    }
  }

  /** The whole request body {@code {"items":[...]}} for these publications. */
  public static byte[] body(List<Publication> publications) {
    ByteSink sink = new ByteSink(256 * Math.max(1, publications.size()));
    sink.write(ENVELOPE_START);
    try (ItemWriter w = new ItemWriter(sink)) {
      for (int i = 0; i < publications.size(); i++) {
        if (i > 0) {
          w.comma();
        }
        w.write(publications.get(i));
      }
    }
    sink.write(ENVELOPE_END);
    return sink.toByteArray();
  }

  /**
   * Writes items one after another, comma-separated, through one {@link JsonOut} straight into the
   * sink. Not thread-safe; nothing else may write to the sink until it is closed, and
   * {@link #flush()} makes the sink's size exact.
   */
  public static final class ItemWriter implements AutoCloseable {
    private final JsonOut g;

    public ItemWriter(ByteSink out) {
      g = new JsonOut(out);
    }

    /** Writes one item object. */
    public void write(Publication publication) {
      writeItem(g, publication);
    }

    /** Writes the comma between two items. */
    public void comma() {
      g.writeRaw(',');
    }

    /** Makes the sink's size count what was written. */
    public void flush() {
      g.flush();
    }

    @Override
    public void close() {
      g.close();
    }
  }

  private static void writeItem(JsonOut g, Publication p) {
    Item item = p.item();
    g.writeStartObject();
    g.writeStringField(CHANNEL, p.channel());
    if (item.id() != null) {
      g.writeStringField(ID, item.id());
    }
    if (item.prevId() != null) {
      g.writeStringField(PREV_ID, item.prevId());
    }
    if (!item.meta().isEmpty()) {
      g.writeObjectFieldStart(META);
      for (Map.Entry<String, String> e : item.meta().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    if (item.noSeq()) {
      g.writeBooleanField(NO_SEQ, true);
    }
    g.writeObjectFieldStart(FORMATS);
    if (item.httpResponse() != null) {
      writeHttpResponse(g, item.httpResponse());
    }
    if (item.httpStream() != null) {
      writeHttpStream(g, item.httpStream());
    }
    if (item.wsMessage() != null) {
      writeWsMessage(g, item.wsMessage());
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeAction(JsonOut g, Action action) {
    // "send" is the default; leaving it out keeps bodies small and matches pushpin-publish
    if (action != Action.SEND) {
      g.writeStringField(ACTION, action.name().toLowerCase(Locale.ROOT));
    }
  }

  private static void writeContent(JsonOut g, Content content, String textField, String binField) {
    if (content instanceof Content.Text t) {
      g.writeStringField(textField, t.value());
    } else {
      Content.Binary b = (Content.Binary) content;
      g.writeFieldName(binField);
      g.writeBinary(b.openStream(), b.byteLength());
    }
  }

  private static void writeFilters(JsonOut g, List<String> filters) {
    if (!filters.isEmpty()) {
      g.writeArrayFieldStart(CONTENT_FILTERS);
      for (String f : filters) {
        g.writeString(f);
      }
      g.writeEndArray();
    }
  }

  private static void writeWsMessage(JsonOut g, WsMessage m) {
    g.writeObjectFieldStart(WS_MESSAGE);
    writeAction(g, m.action());
    if (m.type() != null) {
      g.writeStringField(TYPE, m.type().name().toLowerCase(Locale.ROOT));
    }
    if (m.content() != null) {
      writeContent(g, m.content(), CONTENT, CONTENT_BIN);
    }
    if (m.closeCode() != null) {
      g.writeNumberField(CODE, m.closeCode());
    }
    if (m.closeReason() != null) {
      g.writeStringField(REASON, m.closeReason());
    }
    writeFilters(g, m.contentFilters());
    g.writeEndObject();
  }

  private static void writeHttpStream(JsonOut g, HttpStream s) {
    g.writeObjectFieldStart(HTTP_STREAM);
    writeAction(g, s.action());
    if (s.content() != null) {
      writeContent(g, s.content(), CONTENT, CONTENT_BIN);
    }
    writeFilters(g, s.contentFilters());
    g.writeEndObject();
  }

  private static void writeHttpResponse(JsonOut g, HttpResponse r) {
    g.writeObjectFieldStart(HTTP_RESPONSE);
    writeAction(g, r.action());
    if (r.action() == Action.SEND) {
      g.writeNumberField(CODE, r.code());
    }
    if (r.reason() != null) {
      g.writeStringField(REASON, r.reason());
    }
    if (!r.headers().isEmpty()) {
      writeHeaders(g, r.headers());
    }
    HttpResponse.Body body = r.body();
    if (body instanceof HttpResponse.Body.Text t) {
      g.writeStringField(BODY, t.content().value());
    } else if (body instanceof HttpResponse.Body.Binary b) {
      g.writeFieldName(BODY_BIN);
      g.writeBinary(b.content().openStream(), b.content().byteLength());
    } else if (body instanceof HttpResponse.Body.Patch p) {
      g.writeFieldName(BODY_PATCH);
      g.writeRawValue(TreeReader.checkedPatch(p.json()));
    }
    writeFilters(g, r.contentFilters());
    g.writeEndObject();
  }

  /**
   * Headers go out as an object when every name is unique (the form Fastly documents), and as a
   * list of [name, value] pairs when a name repeats (Pushpin's form that allows repeats).
   */
  private static void writeHeaders(JsonOut g, List<Header> headers) {
    Set<String> seen = new HashSet<>();
    boolean repeats = false;
    for (Header h : headers) {
      repeats |= !seen.add(h.name().toLowerCase(Locale.ROOT));
    }
    if (repeats) {
      g.writeArrayFieldStart(HEADERS);
      for (Header h : headers) {
        g.writeStartArray();
        g.writeString(h.name());
        g.writeString(h.value());
        g.writeEndArray();
      }
      g.writeEndArray();
    } else {
      g.writeObjectFieldStart(HEADERS);
      for (Header h : headers) {
        g.writeStringField(h.name(), h.value());
      }
      g.writeEndObject();
    }
  }

  // ---------------------------------------------------------------- reading

  /**
   * Parses one item object in the wire's JSON form (as written by {@link #writeItem}), strictly:
   * unknown fields are rejected rather than ignored, because Pushpin silently ignores misspelled
   * keys such as {@code prev_id} (grip-spec §8.5).
   *
   * @throws IllegalArgumentException naming the bad field
   */
  public static Publication readItem(String json) {
    Publication common = StreamingItemReader.read(json);
    return common != null ? common : TreeReader.readItem(json);
  }

  /**
   * Reads item lines from bytes with one reused parser, for NDJSON input: a Jackson parser made
   * per line (as {@link #readItem(String)} makes one) costs about 800 bytes of garbage, more than
   * the item it reads, and with the line's decoding about half the reading time of a small item
   * (docs/performance.md, "Round five"). Not thread-safe.
   */
  public static final class LineReader {
    private JsonParser parser;
    private ByteArrayFeeder feeder;
    private final BlankCheck rest = new BlankCheck();

    /**
     * The item in {@code utf8[start, end)}, a line of valid UTF-8, as {@link #readItem(String)}
     * reads it: the streaming reader first, and the tree reader for a line it declines, which also
     * gives any error its message.
     *
     * @throws IllegalArgumentException when the line is not a valid item
     */
    public Publication readItem(byte[] utf8, int start, int end) {
      Publication p = read(utf8, start, end);
      // declined: the string reader's own streaming pass would decline it too, so straight to the tree
      return p != null ? p : TreeReader.readItem(new String(utf8, start, end - start, StandardCharsets.UTF_8));
    }

    /**
     * The streaming reader alone: the item in {@code utf8[start, end)}, valid UTF-8 holding one
     * JSON object and nothing else but whitespace; null when it declines the line.
     */
    Publication read(byte[] utf8, int start, int end) {
      try {
        if (parser == null) {
          parser = Jackson.FACTORY.createNonBlockingByteArrayParser();
          feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        }
        feeder.feedInput(utf8, start, end);
        Publication p = StreamingItemReader.readObject(parser);
        // nothing after the object but blanks (the parser would wait for more of a word like
        // "trailing" rather than fail), then the parser back at the top, waiting for the next line
        if (p != null && rest.blank(parser) && parser.nextToken() == JsonToken.NOT_AVAILABLE
            && parser.getParsingContext().inRoot()) {
          return p;
        }
      } catch (IOException | RuntimeException e) {
        // declined: the tree reader reads the line again
      }
      parser = null; // mid-object after a decline: the next line gets a fresh parser
      return null;
    }
  }

  /** Whether the bytes a parser has not taken yet are only spaces and tabs; reused, so no garbage per line. */
  private static final class BlankCheck extends OutputStream {
    private boolean blank;

    boolean blank(JsonParser p) throws IOException {
      blank = true;
      p.releaseBuffered(this); // hands over the bytes it has not parsed, without consuming them
      return blank;
    }

    @Override
    public void write(int b) {
      blank &= b == ' ' || b == '\t';
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }
  }

  /** The streaming reader alone: null where it declines. For tests that check both readers agree. */
  static Publication readItemStreaming(String json) {
    return StreamingItemReader.read(json);
  }

  /** The complete reader: everything the streaming reader declines, and every error message. */
  static Publication readItemTree(String json) {
    return TreeReader.readItem(json);
  }

  /** The action a wire name stands for, or null for a name that is none. */
  private static Action wireAction(String name) {
    switch (name) {
      case "send":
        return Action.SEND;
      case "hint":
        return Action.HINT;
      case "close":
        return Action.CLOSE;
      default:
        return null;
    }
  }

  /**
   * Reads the common shape of an item straight from Jackson's token stream: no tree, and no
   * ObjectMapper (whose databind classes a bulk run would otherwise load and JIT-compile). It takes
   * string fields, {@code meta} of strings, {@code no-seq}, {@code http-stream} and
   * {@code ws-message}. Anything else (an {@code http-response}, a null, a duplicate or unknown
   * field, a value of another type, tokens after the object, or a value the item builders refuse)
   * makes it return null, and {@link #readItemTree} reads the line again: results and error
   * messages are the tree reader's by construction, and only those lines pay twice. Measured with
   * the CLI's flags (C1 only), 100,000 NDJSON lines: docs/performance.md, "Round three".
   */
  private static final class StreamingItemReader {
    private static final int SEEN_CHANNEL = 1;
    private static final int SEEN_ID = 2;
    private static final int SEEN_PREV_ID = 4;
    private static final int SEEN_META = 8;
    private static final int SEEN_NO_SEQ = 16;
    private static final int SEEN_FORMATS = 32;

    private StreamingItemReader() {}

    /** The publication, or null when the tree reader must decide. */
    static Publication read(String json) {
      try (JsonParser p = Jackson.FACTORY.createParser(json)) {
        Publication publication = readObject(p);
        return publication != null && p.nextToken() == null ? publication : null;
      } catch (IOException | RuntimeException e) {
        return null; // a Decline, or anything else: the tree reader gives the error its message
      }
    }

    /**
     * The item object that starts at the parser's next token, read up to its closing brace; null,
     * a {@link Decline} or Jackson's exception when the tree reader must decide.
     */
    static Publication readObject(JsonParser p) throws IOException {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String channel = null;
      Item.Builder item = Item.builder();
      HttpStream stream = null;
      WsMessage ws = null;
      Seen seen = new Seen();
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case CHANNEL:
            seen.once(SEEN_CHANNEL);
            channel = string(p, v);
            break;
          case ID:
            seen.once(SEEN_ID);
            item.id(string(p, v));
            break;
          case PREV_ID:
            seen.once(SEEN_PREV_ID);
            item.prevId(string(p, v));
            break;
          case META:
            seen.once(SEEN_META);
            meta(p, v, item);
            break;
          case NO_SEQ:
            seen.once(SEEN_NO_SEQ);
            if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
              return null;
            }
            item.noSeq(v == JsonToken.VALUE_TRUE);
            break;
          case FORMATS:
            seen.once(SEEN_FORMATS);
            if (v != JsonToken.START_OBJECT) {
              return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String format = p.currentName();
              if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
              }
              if (format.equals(HTTP_STREAM) && stream == null) {
                stream = httpStream(p);
              } else if (format.equals(WS_MESSAGE) && ws == null) {
                ws = wsMessage(p);
              } else {
                return null;
              }
            }
            break;
          default:
            return null;
        }
      }
      if (t != JsonToken.END_OBJECT || channel == null || (stream == null && ws == null)) {
        return null;
      }
      if (stream != null) {
        item.format(stream);
      }
      if (ws != null) {
        item.format(ws);
      }
      return new Publication(channel, item.build());
    }

    /** Which fields of one object were read: a field read twice declines the line (the tree reader keeps the last). */
    private static final class Seen {
      private int bits;

      void once(int bit) {
        if ((bits & bit) != 0) {
          throw Decline.INSTANCE;
        }
        bits |= bit;
      }
    }

    /** A string value; anything else (null included) is for the tree reader. */
    private static String string(JsonParser p, JsonToken v) throws IOException {
      if (v != JsonToken.VALUE_STRING) {
        throw Decline.INSTANCE;
      }
      return p.getText();
    }

    private static void meta(JsonParser p, JsonToken v, Item.Builder item) throws IOException {
      if (v != JsonToken.START_OBJECT) {
        throw Decline.INSTANCE;
      }
      Set<String> keys = new HashSet<>(4);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        String value = string(p, p.nextToken());
        if (!keys.add(key)) {
          throw Decline.INSTANCE;
        }
        item.meta(key, value);
      }
    }

    /** The fields http-stream and ws-message share, as read so far; each field at most once. */
    private static final class SharedFields {
      Action action = Action.SEND;
      String text;
      String bin;
      List<String> filters = List.of();
      final Seen seen = new Seen();

      /** Reads {@code field} when it is one of the shared ones; false for any other. */
      boolean read(String field, JsonParser p, JsonToken v) throws IOException {
        switch (field) {
          case ACTION:
            seen.once(1);
            action = action(string(p, v));
            return true;
          case CONTENT:
            seen.once(2);
            text = string(p, v);
            return true;
          case CONTENT_BIN:
            seen.once(4);
            bin = string(p, v);
            return true;
          case CONTENT_FILTERS:
            seen.once(8);
            filters = filters(p, v);
            return true;
          default:
            return false;
        }
      }
    }

    private static HttpStream httpStream(JsonParser p) throws IOException {
      SharedFields f = new SharedFields();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        if (!f.read(field, p, p.nextToken())) {
          throw Decline.INSTANCE;
        }
      }
      return HttpStream.builder().action(f.action).content(content(f.text, f.bin)).contentFilters(f.filters).build();
    }

    private static WsMessage wsMessage(JsonParser p) throws IOException {
      SharedFields f = new SharedFields();
      WsType type = null;
      Integer code = null;
      String reason = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (f.read(field, p, v)) {
          continue;
        }
        switch (field) {
          case TYPE:
            f.seen.once(16);
            type = WsType.valueOf(string(p, v).toUpperCase(Locale.ROOT)); // unknown: declined
            break;
          case CODE:
            f.seen.once(32);
            if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
              throw Decline.INSTANCE;
            }
            code = p.getIntValue();
            break;
          case REASON:
            f.seen.once(64);
            reason = string(p, v);
            break;
          default:
            throw Decline.INSTANCE;
        }
      }
      return WsMessage.builder().action(f.action).content(content(f.text, f.bin)).type(type).closeCode(code)
          .closeReason(reason).contentFilters(f.filters).build();
    }

    private static Action action(String a) {
      Action action = wireAction(a);
      if (action == null) {
        throw Decline.INSTANCE;
      }
      return action;
    }

    private static Content content(String text, String bin) {
      if (text != null && bin != null) {
        throw Decline.INSTANCE;
      }
      if (bin != null) {
        return Content.bytes(java.util.Base64.getDecoder().decode(bin)); // bad base64: declined
      }
      return text == null ? null : Content.text(text);
    }

    private static List<String> filters(JsonParser p, JsonToken v) throws IOException {
      if (v != JsonToken.START_ARRAY) {
        throw Decline.INSTANCE;
      }
      List<String> out = new ArrayList<>(2);
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        out.add(string(p, t));
      }
      return out;
    }

    /** Hands the line to the tree reader; no stack trace, since it is neither shown nor logged. */
    private static final class Decline extends RuntimeException {
      private static final long serialVersionUID = 1L;
      static final Decline INSTANCE = new Decline();

      private Decline() {
        super(null, null, false, false);
      }
    }
  }

  /**
   * The tree reader and the body-patch check: the code that needs databind's ObjectMapper and names
   * Jackson's exception types. A class of its own so that verifying {@code WireJson} (which every
   * publish loads) does not load those types; only a declined line or a body-patch loads this.
   */
  private static final class TreeReader {
    private TreeReader() {}

    /** The complete reader: everything {@link StreamingItemReader} declines, and every error message. */
    static Publication readItem(String json) {
      JsonNode root;
      boolean more;
      try (JsonParser p = Mapper.INSTANCE.createParser(json)) {
        root = Mapper.INSTANCE.readTree(p);
        // readTree stops after one value: a second item on the line would be dropped unseen
        more = root != null && p.nextToken() != null;
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
      } catch (IOException e) {
        throw new UncheckedIOException(e); // not from a string
      }
      if (more) {
        throw new IllegalArgumentException(
            "more JSON after the item object: one item per line (a line break missing between two items?)");
      }
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("an item must be a JSON object, like {\"channel\":\"c\",\"formats\":{...}}");
      }
      ObjectNode o = (ObjectNode) root;
      onlyKnown(o, "item", CHANNEL, ID, PREV_ID, META, NO_SEQ, FORMATS);
      String channel = text(o, CHANNEL, "item", true);
      Item.Builder b = Item.builder().id(text(o, ID, "item", false)).prevId(text(o, PREV_ID, "item", false));
      JsonNode meta = o.get(META);
      if (meta != null) {
        if (!meta.isObject()) {
          throw new IllegalArgumentException("item \"meta\" must be an object of string values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!e.getValue().isTextual()) {
            throw new IllegalArgumentException("item meta \"" + e.getKey() + "\" must be a string, but was " + e.getValue());
          }
          b.meta(e.getKey(), e.getValue().asText());
        }
      }
      JsonNode noSeq = o.get(NO_SEQ);
      if (noSeq != null) {
        if (!noSeq.isBoolean()) {
          throw new IllegalArgumentException("item \"no-seq\" must be true or false, but was " + noSeq);
        }
        b.noSeq(noSeq.booleanValue());
      }
      JsonNode formats = o.get(FORMATS);
      if (formats == null || !formats.isObject() || formats.isEmpty()) {
        throw new IllegalArgumentException(
            "item needs a \"formats\" object with at least one of http-response, http-stream, ws-message");
      }
      onlyKnown((ObjectNode) formats, "formats", HTTP_RESPONSE, HTTP_STREAM, WS_MESSAGE);
      if (formats.has(HTTP_RESPONSE)) {
        b.format(readHttpResponse(object(formats, HTTP_RESPONSE)));
      }
      if (formats.has(HTTP_STREAM)) {
        b.format(readHttpStream(object(formats, HTTP_STREAM)));
      }
      if (formats.has(WS_MESSAGE)) {
        b.format(readWsMessage(object(formats, WS_MESSAGE)));
      }
      return new Publication(channel, b.build());
    }

    private static ObjectNode object(JsonNode parent, String field) {
      JsonNode n = parent.get(field);
      if (!n.isObject()) {
        throw new IllegalArgumentException("\"" + field + "\" must be an object, but was " + n);
      }
      return (ObjectNode) n;
    }

    private static void onlyKnown(ObjectNode o, String where, String... known) {
      Set<String> ok = Set.of(known);
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!ok.contains(f)) {
          String hint = ok.contains(f.replace('_', '-')) ? " (did you mean \"" + f.replace('_', '-') + "\"?)" : "";
          throw new IllegalArgumentException(
              where + " has unknown field \"" + f + "\"" + hint + "; known fields: " + String.join(", ", known));
        }
      }
    }

    private static String text(JsonNode o, String field, String where, boolean required) {
      JsonNode n = o.get(field);
      if (n == null || n.isNull()) {
        if (required) {
          throw new IllegalArgumentException(where + " needs a string \"" + field + "\"");
        }
        return null;
      }
      if (!n.isTextual()) {
        throw new IllegalArgumentException(where + " \"" + field + "\" must be a string, but was " + n);
      }
      return n.asText();
    }

    private static Action action(JsonNode o, String where) {
      String a = text(o, ACTION, where, false);
      if (a == null) {
        return Action.SEND;
      }
      Action action = wireAction(a);
      if (action == null) {
        throw new IllegalArgumentException(where + " \"action\" must be send, hint or close, but was \"" + a + "\"");
      }
      return action;
    }

    private static Content content(JsonNode o, String where) {
      String text = text(o, CONTENT, where, false);
      String bin = text(o, CONTENT_BIN, where, false);
      if (text != null && bin != null) {
        throw new IllegalArgumentException(where + " has both \"content\" and \"content-bin\"; give one");
      }
      if (bin != null) {
        return Content.bytes(base64(bin, where + " \"content-bin\""));
      }
      return text == null ? null : Content.text(text);
    }

    private static byte[] base64(String value, String what) {
      try {
        return java.util.Base64.getDecoder().decode(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(what + " is not valid base64: " + e.getMessage());
      }
    }

    private static List<String> filters(JsonNode o, String where) {
      JsonNode n = o.get(CONTENT_FILTERS);
      if (n == null) {
        return List.of();
      }
      if (!n.isArray()) {
        throw new IllegalArgumentException(where + " \"content-filters\" must be an array of strings");
      }
      List<String> out = new ArrayList<>();
      for (JsonNode f : n) {
        if (!f.isTextual()) {
          throw new IllegalArgumentException(where + " \"content-filters\" must be an array of strings, but has " + f);
        }
        out.add(f.asText());
      }
      return out;
    }

    private static Integer integer(JsonNode o, String field, String where) {
      JsonNode n = o.get(field);
      if (n == null || n.isNull()) {
        return null;
      }
      if (!n.canConvertToInt() || !n.isIntegralNumber()) {
        throw new IllegalArgumentException(where + " \"" + field + "\" must be an integer, but was " + n);
      }
      return n.intValue();
    }

    private static WsMessage readWsMessage(ObjectNode o) {
      String where = WS_MESSAGE;
      onlyKnown(o, where, ACTION, CONTENT, CONTENT_BIN, TYPE, CODE, REASON, CONTENT_FILTERS);
      String type = text(o, TYPE, where, false);
      WsType wsType = null;
      if (type != null) {
        try {
          wsType = WsType.valueOf(type.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + " \"type\" must be text, binary, ping or pong, but was \"" + type + "\"");
        }
      }
      return WsMessage.builder()
          .action(action(o, where))
          .content(content(o, where))
          .type(wsType)
          .closeCode(integer(o, CODE, where))
          .closeReason(text(o, REASON, where, false))
          .contentFilters(filters(o, where))
          .build();
    }

    private static HttpStream readHttpStream(ObjectNode o) {
      String where = HTTP_STREAM;
      onlyKnown(o, where, ACTION, CONTENT, CONTENT_BIN, CONTENT_FILTERS);
      return HttpStream.builder().action(action(o, where)).content(content(o, where)).contentFilters(filters(o, where)).build();
    }

    private static HttpResponse readHttpResponse(ObjectNode o) {
      String where = HTTP_RESPONSE;
      onlyKnown(o, where, ACTION, CODE, REASON, HEADERS, BODY, BODY_BIN, BODY_PATCH, CONTENT_FILTERS);
      Action action = action(o, where);
      Integer code = integer(o, CODE, where);
      List<Header> headers = new ArrayList<>();
      JsonNode h = o.get(HEADERS);
      if (h != null) {
        if (h.isObject()) {
          for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
              throw new IllegalArgumentException(where + " header \"" + e.getKey() + "\" must have a string value");
            }
            headers.add(new Header(e.getKey(), e.getValue().asText()));
          }
        } else if (h.isArray()) {
          for (JsonNode pair : h) {
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
              throw new IllegalArgumentException(where + " \"headers\" list entries must be [name, value] string pairs, but has " + pair);
            }
            headers.add(new Header(pair.get(0).asText(), pair.get(1).asText()));
          }
        } else {
          throw new IllegalArgumentException(where + " \"headers\" must be an object or a list of [name, value] pairs");
        }
      }
      HttpResponse.Body body = null;
      int bodies = 0;
      if (o.has(BODY)) {
        body = HttpResponse.Body.text(text(o, BODY, where, true));
        bodies++;
      }
      if (o.has(BODY_BIN)) {
        body = HttpResponse.Body.bytes(base64(text(o, BODY_BIN, where, true), where + " \"body-bin\""));
        bodies++;
      }
      if (o.has(BODY_PATCH)) {
        JsonNode p = o.get(BODY_PATCH);
        if (!(p instanceof ArrayNode)) {
          throw new IllegalArgumentException(where + " \"body-patch\" must be a JSON array of RFC 6902 operations");
        }
        body = HttpResponse.Body.patch(p.toString());
        bodies++;
      }
      if (bodies > 1) {
        throw new IllegalArgumentException(where + " has more than one of \"body\", \"body-bin\", \"body-patch\"; give one");
      }
      HttpResponse.Builder b = HttpResponse.builder().action(action).code(code == null ? 200 : code)
          .reason(text(o, REASON, where, false));
      headers.forEach(b::header);
      return b.body(body).contentFilters(filters(o, where)).build();
    }

    /** Re-serializes the patch compactly after checking it is a JSON array of operation objects. */
    private static String checkedPatch(String json) {
      JsonNode node;
      try {
        node = Mapper.INSTANCE.readTree(json);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("http-response body-patch is not valid JSON: " + e.getOriginalMessage(), e);
      }
      if (!node.isArray()) {
        throw new IllegalArgumentException("http-response body-patch must be a JSON array of RFC 6902 operations");
      }
      for (JsonNode op : node) {
        if (!op.isObject() || !op.path("op").isTextual() || !op.path("path").isTextual()) {
          throw new IllegalArgumentException(
              "http-response body-patch operation " + op + " needs string fields \"op\" and \"path\" (RFC 6902)");
        }
      }
      String bad = loneSurrogate(node, "");
      if (bad != null) {
        // the item model refused raw lone surrogates in the patch text; a "\\ud800" escape only
        // becomes one here, and the generator would fail on it with an IOException, not a message
        throw new IllegalArgumentException("http-response body-patch has a string with a lone UTF-16 surrogate at "
            + (bad.isEmpty() ? "its top" : "JSON pointer " + bad) + ", which has no UTF-8 encoding; fix the patch");
      }
      return node.toString();
    }

    /** The JSON pointer of the first string (value or field name) that holds a lone surrogate, or null. */
    private static String loneSurrogate(JsonNode node, String pointer) {
      if (node.isTextual()) {
        return wellFormed(node.textValue()) ? null : pointer;
      }
      if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          String bad = loneSurrogate(node.get(i), pointer + "/" + i);
          if (bad != null) {
            return bad;
          }
        }
      } else if (node.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          String child = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
          if (!wellFormed(e.getKey())) {
            return child;
          }
          String bad = loneSurrogate(e.getValue(), child);
          if (bad != null) {
            return bad;
          }
        }
      }
      return null;
    }

    private static boolean wellFormed(String s) {
      for (int i = 0, n = s.length(); i < n; i++) {
        char c = s.charAt(i);
        if (Character.isSurrogate(c)) {
          if (!Character.isHighSurrogate(c) || i + 1 == n || !Character.isLowSurrogate(s.charAt(++i))) {
            return false;
          }
        }
      }
      return true;
    }
  }
}
