package io.gripcast.cli;

import io.gripcast.item.Content;
import io.gripcast.item.Header;
import io.gripcast.item.HttpResponse;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import io.gripcast.item.WsType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * The options of {@code publish} that shape the item, and how they map onto it. The first group
 * is pushpin-publish 1.36's, mapped exactly as it maps them (grip-spec §1.10); the second is
 * gripcast's own.
 */
final class ItemOptions {

  // ----------------------------------------------------------------- pushpin-publish 1.36
  String id;
  String prevId;
  String sender;
  Integer code;
  List<String> headers = new ArrayList<>();
  List<String> meta = new ArrayList<>();
  boolean hint;
  boolean close;
  boolean patch;
  boolean noSeq;
  boolean noEol;

  // ----------------------------------------------------------------- gripcast's own
  List<FormatKind> formats = new ArrayList<>();
  boolean binary;
  WsType wsType;
  Integer closeCode;
  String closeReason;
  String reason;

  /** Declares the options on {@code spec} (see {@link Opts} for why in code). */
  static void define(CommandSpec spec) {
    spec.addOption(Opts.value(10, String.class, "ID", "Payload ID (dedupe and sequencing).", "--id").build());
    spec.addOption(Opts.value(11, String.class, "ID", "Previous payload ID on the channel.", "--prev-id").build());
    spec.addOption(Opts.value(12, String.class, "SENDER", "Sender meta value (meta.sender, for the skip-self filter).",
        "--sender").build());
    spec.addOption(Opts.value(13, Integer.class, "CODE", "HTTP response code to use (default: 200).", "--code").build());
    spec.addOption(Opts.greedy(14, new GreedyValues.Headers(), "\"K: V\"", "Add HTTP response header (repeatable).",
        "-H", "--header"));
    spec.addOption(Opts.greedy(15, new GreedyValues.Meta(), "K=V",
        "Add meta variable (repeatable; overrides --sender for K=sender).", "-M", "--meta"));
    spec.addOption(Opts.flag(16, "Send hint instead of content.", "--hint"));
    spec.addOption(Opts.flag(17, "Close streaming and WebSocket connections.", "--close"));
    spec.addOption(Opts.flag(18, "Content is a JSON patch (RFC 6902) for held long-poll responses.", "--patch"));
    spec.addOption(Opts.flag(19, "Bypass sequencing buffer.", "--no-seq"));
    spec.addOption(Opts.flag(20, "Don't add newline to HTTP payloads.", "--no-eol"));

    spec.addOption(Opts.list(40, FormatKind.class, "FORMAT", "Publish only these formats (repeatable or comma-separated):"
        + " ws-message, http-stream, http-response (or ws, stream, response). Default: as pushpin-publish.", "--format")
        .splitRegex(",").converters(new FormatKindConverter()).build());
    spec.addOption(Opts.flag(41, "Send the content as bytes: a binary WebSocket frame, content-bin, body-bin.",
        "--binary"));
    spec.addOption(Opts.value(42, WsType.class, "TYPE",
        "WebSocket frame type: text, binary, ping or pong (ping and pong need no content).", "--ws-type")
        .converters(new WsTypeConverter()).build());
    spec.addOption(Opts.value(43, Integer.class, "CODE", "WebSocket close code (1000-4999; implies --close).",
        "--close-code").build());
    spec.addOption(Opts.value(44, String.class, "TEXT",
        "WebSocket close reason (needs --close-code; at most 123 UTF-8 bytes).", "--close-reason").build());
    spec.addOption(Opts.value(45, String.class, "TEXT", "HTTP response reason phrase.", "--reason").build());
  }

  /** The options' values after parsing. */
  static ItemOptions read(CommandSpec spec) {
    ItemOptions o = new ItemOptions();
    o.id = Opts.get(spec, "--id");
    o.prevId = Opts.get(spec, "--prev-id");
    o.sender = Opts.get(spec, "--sender");
    o.code = Opts.get(spec, "--code");
    o.headers = Opts.all(spec, "--header");
    o.meta = Opts.all(spec, "--meta");
    o.hint = Opts.isSet(spec, "--hint");
    o.close = Opts.isSet(spec, "--close");
    o.patch = Opts.isSet(spec, "--patch");
    o.noSeq = Opts.isSet(spec, "--no-seq");
    o.noEol = Opts.isSet(spec, "--no-eol");
    o.formats = Opts.all(spec, "--format");
    o.binary = Opts.isSet(spec, "--binary");
    o.wsType = Opts.get(spec, "--ws-type");
    o.closeCode = Opts.get(spec, "--close-code");
    o.closeReason = Opts.get(spec, "--close-reason");
    o.reason = Opts.get(spec, "--reason");
    return o;
  }

  /** The names of every option above, to refuse them in --ndjson mode, where items come whole. */
  static final List<String> NAMES = List.of(
      "--id", "--prev-id", "--sender", "--code", "--header", "--meta", "--hint", "--close", "--patch", "--no-seq",
      "--no-eol", "--format", "--binary", "--ws-type", "--close-code", "--close-reason", "--reason");

  /** The three formats, with the names --format accepts. */
  enum FormatKind {
    HTTP_RESPONSE("http-response", "response"),
    HTTP_STREAM("http-stream", "stream"),
    WS_MESSAGE("ws-message", "ws");

    final String wireName;
    final String shortName;

    FormatKind(String wireName, String shortName) {
      this.wireName = wireName;
      this.shortName = shortName;
    }

    @Override
    public String toString() {
      return wireName;
    }
  }

  static final class FormatKindConverter implements ITypeConverter<FormatKind> {
    @Override
    public FormatKind convert(String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      for (FormatKind k : FormatKind.values()) {
        if (k.wireName.equals(v) || k.shortName.equals(v)) {
          return k;
        }
      }
      throw new TypeConversionException(
          "'" + value + "' is not a format: use ws-message, http-stream or http-response (or ws, stream, response)");
    }
  }

  static final class WsTypeConverter implements ITypeConverter<WsType> {
    @Override
    public WsType convert(String value) {
      try {
        return WsType.valueOf(value.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' is not a WebSocket frame type: use text, binary, ping or pong");
      }
    }
  }

  /** What the item does; pushpin-publish's precedence: hint, then close, then patch, then content. */
  private enum Mode {
    SEND,
    PATCH,
    HINT,
    CLOSE
  }

  /**
   * Builds the item.
   *
   * @param payload the resolved content, or null when none was given
   * @param warn receives one-line warnings about flags that have no effect in this combination
   * @throws CliException (64) for contradictory or invalid flags
   */
  Item toItem(Payload payload, Consumer<String> warn) {
    Mode mode = hint ? Mode.HINT
        : (close || closeCode != null || closeReason != null) ? Mode.CLOSE
        : patch ? Mode.PATCH
        : Mode.SEND;
    if (hint && (close || closeCode != null)) {
      warn.accept("--close ignored: --hint takes precedence (as in pushpin-publish)");
    }
    if (patch && (mode == Mode.HINT || mode == Mode.CLOSE)) {
      warn.accept("--patch ignored: --" + mode.name().toLowerCase(Locale.ROOT) + " takes precedence (as in pushpin-publish)");
    }
    if (payload != null && (mode == Mode.HINT || mode == Mode.CLOSE)) {
      warn.accept("content ignored: --" + mode.name().toLowerCase(Locale.ROOT) + " sends no content");
    }
    if (mode == Mode.HINT || mode == Mode.CLOSE) {
      List<String> ignored = new ArrayList<>();
      if (code != null) {
        ignored.add("--code");
      }
      if (reason != null) {
        ignored.add("--reason");
      }
      if (!headers.isEmpty()) {
        ignored.add("--header");
      }
      if (!ignored.isEmpty()) {
        warn.accept(String.join(", ", ignored) + " ignored: --" + mode.name().toLowerCase(Locale.ROOT)
            + " carries no response");
      }
    }

    Set<FormatKind> wanted = formats.isEmpty() ? defaults(mode) : EnumSet.copyOf(formats);
    if (mode == Mode.CLOSE && wanted.contains(FormatKind.HTTP_RESPONSE)) {
      throw CliException.usage("--close does not apply to http-response (a long-poll has nothing to close);"
          + " use --format http-stream and/or ws-message");
    }
    if (mode == Mode.PATCH && (wanted.contains(FormatKind.HTTP_STREAM) || wanted.contains(FormatKind.WS_MESSAGE))) {
      throw CliException.usage("--patch applies to http-response only; drop --format " + wanted.stream()
          .filter(k -> k != FormatKind.HTTP_RESPONSE).map(k -> k.wireName).reduce((a, b) -> a + ", " + b).orElse(""));
    }
    if (mode == Mode.PATCH && binary) {
      throw CliException.usage("--patch and --binary do not go together: a JSON patch is text");
    }
    if (wsType != null && mode != Mode.SEND) {
      throw CliException.usage("--ws-type applies to sent messages, not to --" + mode.name().toLowerCase(Locale.ROOT));
    }
    if (wsType != null && !wanted.contains(FormatKind.WS_MESSAGE)) {
      throw CliException.usage("--ws-type needs the ws-message format; add --format ws-message");
    }
    if (closeReason != null && closeCode == null) {
      throw CliException.usage("--close-reason needs --close-code (a WebSocket close frame with a reason carries a code)");
    }
    if (mode == Mode.SEND && payload == null) {
      boolean controlFrame = (wsType == WsType.PING || wsType == WsType.PONG) && wanted.equals(EnumSet.of(FormatKind.WS_MESSAGE));
      if (!controlFrame) {
        throw CliException.usage("no content: give it after the channel (or @file, or - for stdin), or use --hint or --close");
      }
    }
    if (mode == Mode.PATCH && payload == null) {
      throw CliException.usage("--patch needs content: the JSON patch array, or @file");
    }
    if (code != null && (code < 0 || code > 999)) {
      throw CliException.usage("--code must be between 0 and 999, but was " + code);
    }
    HttpResponse.Body patchBody = null;
    if (mode == Mode.PATCH) {
      try {
        patchBody = HttpResponse.Body.patch(payload.text());
      } catch (IllegalArgumentException e) {
        throw CliException.data("--patch content (" + payload.origin() + ") is not usable: " + e.getMessage(), e);
      }
    }

    try {
      Item.Builder b = Item.builder().id(id).prevId(prevId).noSeq(noSeq);
      if (sender != null) {
        b.meta("sender", sender);
      }
      for (String kv : meta) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw CliException.usage("meta '" + kv + "' is not of the form K=V");
        }
        b.meta(kv.substring(0, eq), kv.substring(eq + 1));
      }
      switch (mode) {
        case HINT:
          add(b, wanted, WsMessage.hint(), HttpStream.hint(), HttpResponse.hint());
          break;
        case CLOSE:
          WsMessage wsClose = closeCode == null ? WsMessage.close() : WsMessage.close(closeCode, closeReason);
          add(b, wanted, wsClose, HttpStream.close(), null);
          break;
        case PATCH:
          add(b, wanted, null, null, response().body(patchBody).build());
          break;
        case SEND:
        default:
          Content ws = payload == null ? null : payload.content();
          Content http = payload == null ? null : (payload.literal() && !noEol ? payload.withEol() : payload.content());
          WsMessage wsMessage = wsType == null ? (ws == null ? null : WsMessage.of(ws)) : WsMessage.of(wsType, ws);
          add(b, wanted, wsMessage,
              http == null ? null : HttpStream.of(http),
              http == null ? null : response().body(body(http)).build());
          break;
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
    }
  }

  private HttpResponse.Builder response() {
    HttpResponse.Builder r = HttpResponse.builder().code(code == null ? 200 : code).reason(reason);
    for (String h : headers) {
      r.header(Header.parse(h));
    }
    return r;
  }

  private static HttpResponse.Body body(Content c) {
    return c instanceof Content.Text
        ? HttpResponse.Body.text(((Content.Text) c).value())
        : HttpResponse.Body.bytes(c.toBytes());
  }

  private static void add(Item.Builder b, Set<FormatKind> wanted, WsMessage ws, HttpStream stream, HttpResponse response) {
    if (wanted.contains(FormatKind.HTTP_RESPONSE) && response != null) {
      b.format(response);
    }
    if (wanted.contains(FormatKind.HTTP_STREAM) && stream != null) {
      b.format(stream);
    }
    if (wanted.contains(FormatKind.WS_MESSAGE) && ws != null) {
      b.format(ws);
    }
  }

  private static Set<FormatKind> defaults(Mode mode) {
    switch (mode) {
      case CLOSE:
        return EnumSet.of(FormatKind.HTTP_STREAM, FormatKind.WS_MESSAGE);
      case PATCH:
        return EnumSet.of(FormatKind.HTTP_RESPONSE);
      default:
        return EnumSet.allOf(FormatKind.class);
    }
  }
}
