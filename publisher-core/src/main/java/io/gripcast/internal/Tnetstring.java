package io.gripcast.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tnetstring subset Pushpin's zrpc command socket speaks (grip-spec §4.3/§4.4): byte strings,
 * integers, booleans, null, dicts and lists. Strings decode as UTF-8 {@link String}s.
 */
final class Tnetstring {
  private Tnetstring() {}

  /** A dict of strings and nested dicts of strings, in order. */
  static byte[] encode(Map<String, ?> dict) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, dict);
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, Object v) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    char type;
    if (v instanceof String s) {
      payload.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      type = ',';
    } else if (v instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        write(payload, (String) e.getKey());
        write(payload, e.getValue());
      }
      type = '}';
    } else {
      throw new IllegalArgumentException("tnetstring: unsupported value " + v.getClass().getSimpleName());
    }
    byte[] p = payload.toByteArray();
    out.writeBytes(Integer.toString(p.length).getBytes(StandardCharsets.US_ASCII));
    out.write(':');
    out.writeBytes(p);
    out.write(type);
  }

  /** Parses one value: String, Long, Double, Boolean, null, Map or List. */
  static Object decode(byte[] data) {
    int[] pos = {0};
    Object v = read(data, pos, data.length);
    if (pos[0] != data.length) {
      throw new IllegalArgumentException("tnetstring: " + (data.length - pos[0]) + " bytes after the value");
    }
    return v;
  }

  private static Object read(byte[] d, int[] pos, int end) {
    int colon = pos[0];
    while (colon < end && d[colon] != ':') {
      if (d[colon] < '0' || d[colon] > '9' || colon - pos[0] > 9) {
        throw new IllegalArgumentException("tnetstring: bad length at byte " + pos[0]);
      }
      colon++;
    }
    if (colon == pos[0] || colon >= end) {
      throw new IllegalArgumentException("tnetstring: no length at byte " + pos[0]);
    }
    int len = Integer.parseInt(new String(d, pos[0], colon - pos[0], StandardCharsets.US_ASCII));
    int start = colon + 1;
    int stop = start + len;
    if (stop >= end) {
      throw new IllegalArgumentException("tnetstring: value at byte " + pos[0] + " runs past the end");
    }
    char type = (char) d[stop];
    pos[0] = stop + 1;
    String text = new String(d, start, len, StandardCharsets.UTF_8);
    switch (type) {
      case ',':
        return text;
      case '#':
        return Long.parseLong(text);
      case '^':
        return Double.parseDouble(text);
      case '!':
        return Boolean.parseBoolean(text);
      case '~':
        return null;
      case '}': {
        Map<String, Object> m = new LinkedHashMap<>();
        int[] p = {start};
        while (p[0] < stop) {
          Object k = read(d, p, stop);
          m.put(String.valueOf(k), read(d, p, stop));
        }
        return m;
      }
      case ']': {
        List<Object> l = new ArrayList<>();
        int[] p = {start};
        while (p[0] < stop) {
          l.add(read(d, p, stop));
        }
        return l;
      }
      default:
        throw new IllegalArgumentException("tnetstring: unknown type '" + type + "'");
    }
  }
}
