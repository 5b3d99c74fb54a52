package io.gripcast.internal;

/** The User-Agent both transports send: {@code gripcast/<version>}, from the core jar's manifest. */
final class UserAgent {
  private UserAgent() {}

  static final String VALUE;

  static {
    Package p = UserAgent.class.getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    VALUE = "gripcast/" + (v == null ? "dev" : v);
  }
}
