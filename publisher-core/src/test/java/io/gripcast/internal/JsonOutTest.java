package io.gripcast.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * JsonOut writes the publish body instead of Jackson's generator: it must write the same bytes.
 * Jackson, configured as gripcast configured it, is the reference.
 */
class JsonOutTest {
  private static final JsonFactory JACKSON =
      JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  /** Every kind of character the escaping distinguishes, and some around the boundaries. */
  private static final String[] PIECES = {"a", "Z", "0", " ", "~", "\u007f", "\"", "\\", "/", "\b", "\t", "\n",
      "\f", "\r", "\u0000", "\u0001", "\u001f", "\u00e9", "\u00ff", "\u0100", "\u07ff", "\u0800", "\u2028",
      "\ufeff", "\uffff", "\ud83c\udf0d", "\ud800\udc00", "\udbff\udfff", "<script>", "&amp;"};

  private static String randomString(Random r) {
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      b.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return b.toString();
  }

  @Test
  void writesWhatJacksonWroteForRandomStringsNamesAndStructures() throws Exception {
    Random r = new Random(7L); // fixed: a failure is reproducible
    for (int round = 0; round < 3_000; round++) {
      ByteSink ours = new ByteSink(16);
      ByteArrayOutputStream theirs = new ByteArrayOutputStream();
      try (JsonOut o = new JsonOut(ours); JsonGenerator j = JACKSON.createGenerator(theirs)) {
        j.setRootValueSeparator(null);
        for (int item = 0; item < 1 + r.nextInt(3); item++) {
          if (item > 0) {
            o.writeRaw(',');
            j.writeRaw(',');
          }
          o.writeStartObject();
          j.writeStartObject();
          String channel = randomString(r);
          o.writeStringField("channel", channel);
          j.writeStringField("channel", channel);
          int fields = r.nextInt(4);
          for (int f = 0; f < fields; f++) {
            String name = randomString(r);
            switch (r.nextInt(5)) {
              case 0: {
                String v = randomString(r);
                o.writeStringField(name, v);
                j.writeStringField(name, v);
                break;
              }
              case 1: {
                int v = r.nextInt() >> r.nextInt(31);
                o.writeNumberField(name, v);
                j.writeNumberField(name, v);
                break;
              }
              case 2:
                o.writeBooleanField(name, true);
                j.writeBooleanField(name, true);
                break;
              case 3: {
                byte[] bytes = new byte[r.nextInt(5000)];
                r.nextBytes(bytes);
                o.writeFieldName(name);
                o.writeBinary(new ByteArrayInputStream(bytes), bytes.length);
                j.writeFieldName(name);
                j.writeBinary(new ByteArrayInputStream(bytes), bytes.length);
                break;
              }
              default: {
                o.writeArrayFieldStart(name);
                j.writeArrayFieldStart(name);
                for (int e = 0; e < r.nextInt(4); e++) {
                  if (r.nextBoolean()) {
                    String v = randomString(r);
                    o.writeString(v);
                    j.writeString(v);
                  } else {
                    o.writeStartArray();
                    j.writeStartArray();
                    o.writeString("x");
                    j.writeString("x");
                    o.writeEndArray();
                    j.writeEndArray();
                  }
                }
                o.writeEndArray();
                j.writeEndArray();
              }
            }
          }
          o.writeObjectFieldStart("formats");
          j.writeObjectFieldStart("formats");
          o.writeFieldName("raw");
          o.writeRawValue("[{\"op\":\"add\",\"path\":\"/a\",\"value\":\"\u00e9\"}]");
          j.writeFieldName("raw");
          j.writeRawValue("[{\"op\":\"add\",\"path\":\"/a\",\"value\":\"\u00e9\"}]");
          o.writeEndObject();
          j.writeEndObject();
          o.writeEndObject();
          j.writeEndObject();
        }
      }
      assertArrayEquals(theirs.toByteArray(), ours.toByteArray(), () -> new String(theirs.toByteArray(), StandardCharsets.UTF_8)
          + "\n" + new String(ours.toByteArray(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void appendsAfterWhatTheSinkHeldAndLeavesItsSizeExact() {
    ByteSink sink = new ByteSink(16);
    sink.write("J".getBytes(StandardCharsets.US_ASCII));
    try (JsonOut o = new JsonOut(sink)) {
      o.writeStartObject();
      o.writeStringField("channel", "x".repeat(5000));
      o.writeEndObject();
    }
    String all = new String(sink.toByteArray(), StandardCharsets.UTF_8);
    assertTrue(all.startsWith("J{\"channel\":\"xxx") && all.endsWith("xxx\"}"), all.substring(0, 20));
    assertTrue(sink.size() == 1 + "{\"channel\":\"\"}".length() + 5000, "size " + sink.size());
  }

  @Test
  void aLoneSurrogateIsRefusedNamingWhere() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new JsonOut(new ByteSink(16)).writeString("ab\ud800c"));
    assertTrue(e.getMessage().contains("lone UTF-16 surrogate at index 2"), e.getMessage());
  }

  @Test
  void longStringsCrossTheBufferIntact() throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      b.append(PIECES[i % PIECES.length]);
    }
    ByteSink ours = new ByteSink(16);
    ByteArrayOutputStream theirs = new ByteArrayOutputStream();
    try (JsonOut o = new JsonOut(ours); JsonGenerator j = JACKSON.createGenerator(theirs)) {
      o.writeString(b.toString());
      j.writeString(b.toString());
    }
    assertArrayEquals(theirs.toByteArray(), ours.toByteArray());
  }
}
