package io.gripcast.ws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gripcast.http.KeepAliveMode;
import io.gripcast.item.Content;
import io.gripcast.item.WsType;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;

/**
 * The GRIP WebSocket control messages ({@code c:} + a JSON object), written with Jackson's
 * streaming generator so that every name and value is escaped correctly. The only class that knows
 * their wire names.
 *
 * <p>The other JSON roles have their own classes: the publish wire format is
 * {@code internal.WireJson}'s (with {@code GripJson} its public face), the grip-instruct body is
 * {@code http.InstructJson}'s, JWS headers and JWKs are {@code auth.JoseJson}'s.
 */
final class ControlMessages {
  private ControlMessages() {}

  /** Pushpin's fixed prefix of control messages (unlike the message prefix, not configurable). */
  static final String PREFIX = "c:";

  private static final JsonFactory JSON = new JsonFactory();

  @FunctionalInterface
  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static String message(String type, Fields fields) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", type);
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a StringWriter cannot fail", e);
    }
    return PREFIX + out;
  }

  static String subscribe(String channel, List<String> filters) {
    return message("subscribe", g -> {
      g.writeStringField("channel", channel);
      if (!filters.isEmpty()) {
        g.writeArrayFieldStart("filters");
        for (String f : filters) {
          g.writeString(f);
        }
        g.writeEndArray();
      }
    });
  }

  static String unsubscribe(String channel) {
    return message("unsubscribe", g -> g.writeStringField("channel", channel));
  }

  static String detach() {
    return message("detach", g -> { });
  }

  /** {@code value} null removes the entry. */
  static String setMeta(String name, String value) {
    return message("set-meta", g -> {
      g.writeStringField("name", name);
      if (value != null) {
        g.writeStringField("value", value);
      }
    });
  }

  /** {@code content} null turns the keep-alive off. */
  static String keepAlive(Content content, WsType messageType, int timeoutSeconds, KeepAliveMode mode) {
    return message("keep-alive", g -> {
      if (content == null) {
        return;
      }
      if (content instanceof Content.Text t) {
        g.writeStringField("content", t.value());
      } else {
        g.writeStringField("content-bin", Base64.getEncoder().encodeToString(content.toBytes()));
      }
      if (messageType != WsType.TEXT) {
        g.writeStringField("message-type", wireName(messageType));
      }
      g.writeNumberField("timeout", timeoutSeconds);
      if (mode == KeepAliveMode.INTERVAL) {
        g.writeStringField("mode", "interval");
      }
    });
  }

  private static String wireName(WsType type) {
    switch (type) {
      case TEXT:
        return "text";
      case BINARY:
        return "binary";
      case PING:
        return "ping";
      case PONG:
        return "pong";
      default:
        throw new AssertionError(type);
    }
  }
}
