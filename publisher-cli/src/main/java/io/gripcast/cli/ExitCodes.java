package io.gripcast.cli;

/**
 * The exit codes of every gripcast command, after BSD {@code sysexits.h} so that shells and CI
 * scripts can tell "fix your input" from "try again later" from "fix your credentials".
 *
 * <p>With several endpoints, a command exits with the code of its worst failure: the one ranked
 * highest by {@link #severity(int)} (a failure that retrying cannot fix outranks one that it may).
 */
public final class ExitCodes {
  private ExitCodes() {}

  /** Success. */
  public static final int OK = 0;
  /** Usage error: unknown flag, missing argument, conflicting flags (EX_USAGE). */
  public static final int USAGE = 64;
  /** Bad input data: unreadable file, bad NDJSON line, content over the body limit (EX_DATAERR). */
  public static final int DATA = 65;
  /** The proxy was unavailable after retries: connection failure, timeout, 5xx, 429 (EX_UNAVAILABLE). */
  public static final int UNAVAILABLE = 69;
  /** A bug in gripcast itself (EX_SOFTWARE); the message asks for --verbose and a report. */
  public static final int SOFTWARE = 70;
  /** {@code listen}: --timeout ended the wait before --count messages arrived (EX_TEMPFAIL). */
  public static final int TEMPFAIL = 75;
  /**
   * {@code publish}: the request went out but no readable answer came back, so the proxy may have
   * accepted the items (EX_TEMPFAIL: running it again with the same ids is safe).
   */
  public static final int UNKNOWN = TEMPFAIL;
  /** The proxy rejected the request: a 4xx other than 401 and 403 (EX_PROTOCOL). */
  public static final int REJECTED = 76;
  /** Authentication refused: 401 or 403 (EX_NOPERM). */
  public static final int AUTH = 77;
  /** Configuration error: bad GRIP_URL, --spec or key (EX_CONFIG). */
  public static final int CONFIG = 78;
  /** Interrupted by Ctrl-C (128 + SIGINT), as shells report it. */
  public static final int INTERRUPTED = 130;

  /**
   * The lines of the "Exit codes" section of {@code --help}, as picocli's {@code key:description}
   * pairs. docs/cli.md repeats this table; a test keeps the two equal.
   */
  static final String[] HELP = {
    " 0:success",
    "64:usage error (unknown flag, missing or conflicting arguments)",
    "65:bad input data (unreadable file, bad NDJSON line, content over the body limit, an argument that is not UTF-8)",
    "69:proxy unavailable after retries (connection failure, timeout, 5xx, 429)",
    "70:internal error in gripcast (please report it, with --verbose output)",
    "75:publish: no readable answer, the proxy may have accepted the items (same ids: safe to retry); listen: --timeout reached before --count messages",
    "76:request rejected by the proxy (a 4xx other than 401 and 403)",
    "77:authentication refused (401, 403)",
    "78:configuration error (bad GRIP_URL, --spec or key)",
    "130:interrupted (Ctrl-C)",
  };

  /**
   * How bad an exit code is when several endpoints fail differently: configuration and input
   * errors first (nothing will work until they are fixed), then refused credentials, then
   * rejections, then unavailability (which a later retry may cure).
   */
  static int severity(int code) {
    switch (code) {
      case OK:
        return 0;
      case UNAVAILABLE:
        return 1;
      case TEMPFAIL:
        return 2;
      case REJECTED:
        return 3;
      case AUTH:
        return 4;
      case DATA:
        return 5;
      case USAGE:
        return 6;
      case CONFIG:
        return 7;
      default:
        return 8; // SOFTWARE, INTERRUPTED and anything unexpected: surface it
    }
  }

  /** The worse of two exit codes, by {@link #severity(int)}. */
  static int worst(int a, int b) {
    return severity(b) > severity(a) ? b : a;
  }
}
