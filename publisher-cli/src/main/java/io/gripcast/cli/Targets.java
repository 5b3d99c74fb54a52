package io.gripcast.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns --spec values (or GRIP_URL) and -u into the GRIP URLs the publisher is built with, and
 * names them in messages without their secrets.
 */
final class Targets {
  private Targets() {}

  /** The URLs to publish to, and how to name each one in a message. */
  record Prepared(List<String> urls, List<String> labels) {
    /** True when no URL needs TLS. */
    boolean allCleartext() {
      return urls.stream().allMatch(u -> u.regionMatches(true, 0, "http://", 0, 7));
    }

    String describe(int i) {
      return labels.get(i);
    }
  }

  /**
   * @param urls --spec values, or the one from GRIP_URL or the default
   * @param user -u's {@code user:pass}, or null
   * @param fromEnv whether the single URL came from GRIP_URL (for messages)
   * @throws CliException 78 for a URL gripcast cannot publish to, 64 for a malformed -u
   */
  static Prepared prepare(List<String> urls, String user, boolean fromEnv) {
    List<String> out = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      String url = urls.get(i).strip();
      String label = (fromEnv ? "GRIP_URL " : urls.size() > 1 ? "--spec #" + (i + 1) + " " : "--spec ") + redact(url);
      String scheme = scheme(url);
      if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
        if (scheme != null && (scheme.equals("tcp") || scheme.equals("ipc"))) {
          throw CliException.config(label + " is a ZeroMQ spec, which gripcast does not publish to; use the proxy's"
              + " HTTP control URI instead, e.g. http://localhost:5561", null);
        }
        throw CliException.config(label + " is not an http:// or https:// GRIP URL; use e.g. http://localhost:5561"
            + " or https://api.fastly.com/service/ID?key=TOKEN", null);
      }
      if (user != null) {
        url = withUserInfo(url, scheme, user, label);
      }
      out.add(url);
      labels.add(label);
    }
    return new Prepared(List.copyOf(out), List.copyOf(labels));
  }

  private static String scheme(String url) {
    int colon = url.indexOf("://");
    if (colon <= 0) {
      return null;
    }
    String s = url.substring(0, colon).toLowerCase(Locale.ROOT);
    return s.matches("[a-z][a-z0-9+.-]*") ? s : null;
  }

  /** Puts {@code user:pass} into the URL's userinfo, replacing any there; refuses clear-text http to other hosts. */
  private static String withUserInfo(String url, String scheme, String user, String label) {
    int colon = user.indexOf(':');
    if (colon <= 0) {
      throw CliException.usage("-u must be user:pass, with a colon (the value is not shown)");
    }
    int start = url.indexOf("://") + 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String authority = url.substring(start, end);
    String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
    if (scheme.equals("http") && !loopback(hostPort)) {
      throw CliException.config("refusing to send -u credentials in clear text to " + label
          + "; use an https:// GRIP URL (plain http is allowed only to a loopback address)", null);
    }
    String info = enc(user.substring(0, colon)) + ":" + enc(user.substring(colon + 1));
    return url.substring(0, start) + info + "@" + hostPort + url.substring(end);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static boolean loopback(String hostPort) {
    String host = hostPort;
    if (host.startsWith("[")) {
      host = host.substring(1, Math.max(1, host.indexOf(']')));
    } else if (host.indexOf(':') >= 0) {
      host = host.substring(0, host.indexOf(':'));
    }
    host = host.toLowerCase(Locale.ROOT);
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  private static final Pattern USERINFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@");
  private static final Pattern SECRET_PARAM =
      Pattern.compile("([?&](?:key|verify-key|token|pass|password|secret)=)[^&#]*", Pattern.CASE_INSENSITIVE);

  /** The URL with its password and keys replaced by {@code ***}, for messages. */
  static String redact(String url) {
    String s = USERINFO.matcher(url).replaceFirst("$1***@");
    Matcher m = SECRET_PARAM.matcher(s);
    return m.replaceAll("$1***");
  }
}
