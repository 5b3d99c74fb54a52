package io.gripcast;

import io.gripcast.internal.Target;
import java.util.function.Supplier;
import okhttp3.HttpUrl;

/** Turns GRIP_URLs into transport targets. */
final class Endpoints {
  private Endpoints() {}

  // TEMPORARY until io.gripcast.config.GripUrl lands: no auth, no query handling.
  static Target target(String gripUrl, Supplier<java.time.Duration> tokenTtl) {
    HttpUrl base = HttpUrl.parse(gripUrl);
    if (base == null) {
      throw new IllegalArgumentException("not an http(s) URL: " + gripUrl);
    }
    String path = base.encodedPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    HttpUrl publish = base.newBuilder().encodedPath(path + "/publish/").query(null).build();
    return new Target(publish, publish.toString(), () -> null);
  }
}
