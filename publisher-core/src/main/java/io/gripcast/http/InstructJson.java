package io.gripcast.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the {@code application/grip-instruct} JSON body with Jackson's streaming generator. The
 * only class that knows its field names. Jackson stays inside: nothing of it is in a signature.
 *
 * <p>The other JSON roles have their own classes: the publish wire format is
 * {@code internal.WireJson}'s (with {@code GripJson} its public face), the WebSocket control
 * messages are {@code ws.ControlMessages}', JWS headers and JWKs are {@code auth.JoseJson}'s.
 */
final class InstructJson {
  private InstructJson() {}

  private static final JsonFactory JSON = new JsonFactory();

  static String write(GripInstruct instruct) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      if (instruct.holdMode() != null) {
        writeHold(g, instruct);
      }
      if (instruct.statusCode() != null || !instruct.responseHeaders().isEmpty()
          || instruct.responseText() != null || instruct.responseBytes() != null) {
        writeResponse(g, instruct);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a StringWriter cannot fail", e);
    }
    return out.toString();
  }

  private static void writeHold(JsonGenerator g, GripInstruct instruct) throws IOException {
    g.writeObjectFieldStart("hold");
    g.writeStringField("mode", instruct.holdMode() == HoldMode.RESPONSE ? "response" : "stream");
    g.writeArrayFieldStart("channels");
    for (GripChannel c : instruct.channels()) {
      g.writeStartObject();
      g.writeStringField("name", c.name());
      if (c.prevId() != null) {
        g.writeStringField("prev-id", c.prevId());
      }
      if (!c.filters().isEmpty()) {
        g.writeArrayFieldStart("filters");
        for (String f : c.filters()) {
          g.writeString(f);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    if (instruct.timeoutValue() != null) {
      g.writeNumberField("timeout", instruct.timeoutValue());
    }
    GripInstruct.KeepAlive k = instruct.keepAlive();
    if (k != null) {
      g.writeObjectFieldStart("keep-alive");
      if (k.text() != null) {
        g.writeStringField("content", k.text());
      } else {
        g.writeStringField("content-bin", Base64.getEncoder().encodeToString(k.bytes()));
      }
      g.writeNumberField("timeout", k.timeoutSeconds());
      g.writeEndObject();
    }
    if (!instruct.meta().isEmpty()) {
      g.writeObjectFieldStart("meta");
      for (Map.Entry<String, String> e : instruct.meta().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void writeResponse(JsonGenerator g, GripInstruct instruct) throws IOException {
    g.writeObjectFieldStart("response");
    if (instruct.statusCode() != null) {
      g.writeNumberField("code", instruct.statusCode());
      if (instruct.statusReason() != null) {
        g.writeStringField("reason", instruct.statusReason());
      }
    }
    List<Map.Entry<String, String>> headers = instruct.responseHeaders();
    if (!headers.isEmpty()) {
      if (hasRepeatedName(headers)) {
        // the object form cannot repeat a name; Pushpin also takes a list of [name, value] pairs
        g.writeArrayFieldStart("headers");
        for (Map.Entry<String, String> h : headers) {
          g.writeStartArray();
          g.writeString(h.getKey());
          g.writeString(h.getValue());
          g.writeEndArray();
        }
        g.writeEndArray();
      } else {
        g.writeObjectFieldStart("headers");
        for (Map.Entry<String, String> h : headers) {
          g.writeStringField(h.getKey(), h.getValue());
        }
        g.writeEndObject();
      }
    }
    if (instruct.responseText() != null) {
      g.writeStringField("body", instruct.responseText());
    } else if (instruct.responseBytes() != null) {
      g.writeStringField("body-bin", Base64.getEncoder().encodeToString(instruct.responseBytes()));
    }
    g.writeEndObject();
  }

  private static boolean hasRepeatedName(List<Map.Entry<String, String>> headers) {
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, String> h : headers) {
      if (!seen.add(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }
}
