package io.gripcast;

import io.gripcast.internal.WireJson;
import io.gripcast.item.Publication;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The publish wire format as JSON, for tools: reading one item object (as in NDJSON batch files)
 * and writing the request body a publish would send.
 */
public final class GripJson {
  private GripJson() {}

  /**
   * Parses one item object of the wire format, e.g.
   * {@code {"channel":"news","formats":{"ws-message":{"content":"hi"}}}}. Unknown fields are
   * rejected (Pushpin would silently ignore a misspelled {@code prev_id}).
   *
   * @throws IllegalArgumentException naming the bad field
   */
  public static Publication parsePublication(String itemJson) {
    return WireJson.readItem(itemJson);
  }

  /**
   * A reader of NDJSON, one item object per line as {@link #parsePublication(String)} takes it,
   * for batch files and pipes: {@code gripcast publish --ndjson} reads its input with one.
   */
  public static NdjsonReader ndjsonReader(InputStream utf8Lines) {
    return new NdjsonReader(utf8Lines);
  }

  /** The JSON request body {@code {"items":[...]}} for these publications, as UTF-8 bytes. */
  public static byte[] toBody(List<Publication> publications) {
    return WireJson.body(publications);
  }

  /** The JSON request body as a string. */
  public static String toJson(List<Publication> publications) {
    return new String(toBody(publications), StandardCharsets.UTF_8);
  }
}
