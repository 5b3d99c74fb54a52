package io.gripcast.cli;

import io.gripcast.EndpointResult;
import io.gripcast.Outcome;
import io.gripcast.PublishResult;
import java.util.ArrayList;
import java.util.List;

/** Exit codes and one-line messages for failed publishes: what went wrong where, and what to do. */
final class Failures {
  private Failures() {}

  /** The exit code of one endpoint's outcome. */
  static int exitCode(Outcome outcome) {
    switch (outcome) {
      case PUBLISHED:
      case SENT:
        return ExitCodes.OK;
      case REJECTED:
        return ExitCodes.REJECTED;
      case AUTH_REFUSED:
        return ExitCodes.AUTH;
      case UNKNOWN:
        return ExitCodes.UNKNOWN;
      case UNAVAILABLE:
      case CANCELLED:
      default:
        return ExitCodes.UNAVAILABLE;
    }
  }

  /** The exit code of a failed publish: the worst over its failed endpoints. */
  static int exitCode(PublishResult result) {
    int code = ExitCodes.OK;
    for (EndpointResult e : result.failures()) {
      code = ExitCodes.worst(code, exitCode(e.outcome()));
    }
    return code == ExitCodes.OK ? ExitCodes.UNAVAILABLE : code;
  }

  /** One line naming each failed endpoint, its problem and the fix. */
  static String describe(PublishResult result) {
    List<EndpointResult> failed = result.failures();
    List<String> parts = new ArrayList<>();
    for (EndpointResult e : failed) {
      parts.add(describe(e));
    }
    String joined = String.join("; and ", parts);
    if (result.endpoints().size() == 1) {
      return joined;
    }
    return "failed at " + failed.size() + " of " + result.endpoints().size() + " endpoints: " + joined;
  }

  static String describe(EndpointResult e) {
    String answer = answer(e);
    String tries = e.attempts() + (e.attempts() == 1 ? " attempt" : " attempts") + " in " + Durations.format(e.elapsed());
    switch (e.outcome()) {
      case REJECTED:
        if (e.status() == 404) {
          return e.endpoint() + " answered " + answer + "; check the GRIP URL's path (Pushpin's is just"
              + " http://host:5561, with no path and no query)";
        }
        if (e.status() >= 300 && e.status() < 400) {
          return e.endpoint() + " answered a redirect (" + answer + "); use the URL it redirects to as the GRIP URL";
        }
        return e.endpoint() + " rejected the publish: " + answer + "; fix the item (--dry-run shows what is sent)";
      case AUTH_REFUSED:
        return e.endpoint() + " refused the credentials: " + answer
            + "; check the key or token in GRIP_URL/--spec, or -u";
      case CANCELLED:
        return "publish to " + e.endpoint() + " was cancelled: " + answer;
      case UNKNOWN:
        // the publisher's message usually says it already: say it once
        return "no readable answer from " + e.endpoint() + " (" + tries + "): " + answer
            + (answer.contains("may have accepted the items") ? "" : "; the proxy may have accepted the items")
            + ". Publishing them again with the same ids (--id) is safe";
      case UNAVAILABLE:
      default:
        if (e.status() > 0) {
          return e.endpoint() + " is unavailable: " + answer + " after " + tries
              + "; the proxy is failing or overloaded, try again later (or raise --retries/--timeout)";
        }
        // the publisher's own message may already ask the right question; don't ask it twice
        return "cannot reach " + e.endpoint() + " (" + tries + "): " + answer
            + (answer.contains("?") ? "" : "; is the proxy running there?") + " Check --spec or GRIP_URL";
    }
  }

  private static String answer(EndpointResult e) {
    String m = e.message() == null ? "" : Errors.oneLine(e.message());
    if (e.status() > 0) {
      return "HTTP " + e.status() + (m.isEmpty() ? "" : " " + m);
    }
    return m.isEmpty() ? "no response" : m;
  }
}
