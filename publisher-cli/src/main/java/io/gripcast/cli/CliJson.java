package io.gripcast.cli;

import io.gripcast.EndpointResult;
import io.gripcast.PublishResult;
import io.gripcast.config.Endpoint;
import java.util.List;

/**
 * Writes the CLI's own JSON output ({@code publish --json}, {@code url --json}), and escapes the
 * strings of every JSON the CLI writes by hand. Hand-written because it is a handful of flat fields and a publish
 * should not load a JSON library just to print them.
 *
 * <p>The other JSON roles have their own classes: the bench report is {@code bench.ReportJson}'s
 * (with this escaper); the publish wire format, items read with {@code --ndjson} included, is
 * publisher-core's {@code WireJson}'s, reached through {@code GripJson}.
 */
public final class CliJson {
  private CliJson() {}

  /** {@code {"success":..,"exit_code":..,"items":..,"endpoints":[..]}}. */
  static String result(PublishResult r, int exitCode) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"success\":").append(r.success())
        .append(",\"exit_code\":").append(exitCode)
        .append(",\"items\":").append(r.items())
        .append(",\"endpoints\":");
    endpoints(sb, r);
    return sb.append('}').toString();
  }

  /** The summary of an --ndjson run. */
  static String batch(int items, PublishResult last, int requests, int exitCode) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"success\":").append(exitCode == 0)
        .append(",\"exit_code\":").append(exitCode)
        .append(",\"items\":").append(items)
        .append(",\"requests\":").append(requests)
        .append(",\"endpoints\":");
    if (last == null) {
      sb.append("[]");
    } else {
      endpoints(sb, last);
    }
    return sb.append('}').toString();
  }

  /**
   * {@code url --json}: {@code [{"grip_url":..,"publish_url":..,"auth":..,"verify_iss":..,
   * "verify_key":..,"warnings":[..]}]}, secrets redacted ({@code verify_key} is only ever
   * {@code "***"} or null).
   */
  static String urls(List<Endpoint> endpoints) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint e = endpoints.get(i);
      sb.append(i == 0 ? "" : ",").append("{\"grip_url\":");
      string(sb, e.redacted());
      sb.append(",\"publish_url\":");
      string(sb, e.publishUri().toString());
      sb.append(",\"auth\":");
      string(sb, Targets.describeAuth(e.auth()));
      sb.append(",\"verify_iss\":");
      if (e.verifyIssuer().isPresent()) {
        string(sb, e.verifyIssuer().get());
      } else {
        sb.append("null");
      }
      sb.append(",\"verify_key\":").append(e.verifyKey().isPresent() ? "\"***\"" : "null");
      sb.append(",\"warnings\":[");
      for (int w = 0; w < e.warnings().size(); w++) {
        sb.append(w == 0 ? "" : ",");
        string(sb, e.warnings().get(w));
      }
      sb.append("]}");
    }
    return sb.append(']').toString();
  }

  private static void endpoints(StringBuilder sb, PublishResult r) {
    sb.append('[');
    boolean first = true;
    for (EndpointResult e : r.endpoints()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append("{\"endpoint\":");
      string(sb, e.endpoint());
      sb.append(",\"outcome\":");
      string(sb, e.outcome().name());
      sb.append(",\"status\":").append(e.status())
          .append(",\"attempts\":").append(e.attempts())
          .append(",\"requests\":").append(e.requests())
          .append(",\"items_published\":").append(e.itemsPublished())
          .append(",\"elapsed_ms\":").append(e.elapsed().toMillis())
          .append(",\"message\":");
      string(sb, e.message() == null ? "" : e.message().strip());
      sb.append('}');
    }
    sb.append(']');
  }

  /** Appends {@code s} as a JSON string; the one escaper of the CLI's hand-written JSON output. */
  public static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }
}
