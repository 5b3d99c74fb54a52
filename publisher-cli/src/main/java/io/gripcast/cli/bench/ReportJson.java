package io.gripcast.cli.bench;

import io.gripcast.cli.CliJson;
import java.util.List;
import java.util.Map;

/**
 * Writes the bench report ({@code bench --json}) as indented JSON: ordered maps, lists, strings,
 * numbers, booleans.
 *
 * <p>Strings are escaped by {@link CliJson}, the escaper of all the CLI's hand-written JSON; the
 * CLI's other JSON output is {@code CliJson}'s, the publish wire format publisher-core's
 * {@code WireJson}'s.
 */
final class ReportJson {
  private ReportJson() {}

  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v, int indent) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      CliJson.string(sb, s);
    } else if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        sb.append("null");
      } else {
        sb.append(Math.round(d * 1000) / 1000.0);
      }
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(first ? "\n" : ",\n");
        first = false;
        sb.append("  ".repeat(indent + 1));
        CliJson.string(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        write(sb, e.getValue(), indent + 1);
      }
      if (!first) {
        sb.append('\n').append("  ".repeat(indent));
      }
      sb.append('}');
    } else if (v instanceof List<?> l) {
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        write(sb, l.get(i), indent);
      }
      sb.append(']');
    } else {
      CliJson.string(sb, v.toString());
    }
  }
}
