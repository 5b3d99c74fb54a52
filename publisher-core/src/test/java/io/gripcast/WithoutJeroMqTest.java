package io.gripcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * JeroMQ is an optional dependency: gripcast loaded by a class loader that has everything but
 * JeroMQ still publishes over HTTP, and a ZeroMQ endpoint fails build() naming the jar to add.
 */
class WithoutJeroMqTest {

  private static URLClassLoader withoutJeroMq() throws Exception {
    List<URL> urls = new ArrayList<>();
    urls.add(Publisher.class.getProtectionDomain().getCodeSource().getLocation());
    for (Class<?> c : new Class<?>[] {okhttp3.OkHttpClient.class, okio.Buffer.class, kotlin.Unit.class,
        com.fasterxml.jackson.databind.ObjectMapper.class, com.fasterxml.jackson.core.JsonFactory.class,
        com.fasterxml.jackson.annotation.JsonProperty.class, io.jsonwebtoken.Jwts.class}) {
      URL u = c.getProtectionDomain().getCodeSource().getLocation();
      if (!urls.contains(u)) {
        urls.add(u);
      }
    }
    for (URL u : urls) {
      assertTrue(!u.toString().contains("jeromq"), u.toString());
    }
    return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
  }

  @Test
  void aZeroMqEndpointFailsBuildNamingTheMissingJarWhileHttpStillBuilds() throws Exception {
    try (URLClassLoader loader = withoutJeroMq()) {
      assertThrows(ClassNotFoundException.class, () -> loader.loadClass("org.zeromq.ZMQ"));
      Class<?> publisher = loader.loadClass("io.gripcast.Publisher");
      Object http = publisher.getMethod("builder").invoke(null);
      http.getClass().getMethod("endpoint", String.class).invoke(http, "http://127.0.0.1:5561");
      Object built = http.getClass().getMethod("build").invoke(http);
      ((AutoCloseable) built).close();

      Object zmq = publisher.getMethod("builder").invoke(null);
      zmq.getClass().getMethod("endpoint", String.class).invoke(zmq, "tcp://127.0.0.1:5560");
      InvocationTargetException e = assertThrows(InvocationTargetException.class,
          () -> zmq.getClass().getMethod("build").invoke(zmq));
      IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
      assertTrue(cause.getMessage().contains("org.zeromq:jeromq:0.6.0"), cause.getMessage());

      Class<?> commands = loader.loadClass("io.gripcast.PushpinCommands");
      InvocationTargetException c = assertThrows(InvocationTargetException.class,
          () -> commands.getMethod("connect", String.class).invoke(null, "tcp://127.0.0.1:5563"));
      assertEquals(IllegalStateException.class, c.getCause().getClass());
      assertTrue(c.getCause().getMessage().contains("org.zeromq:jeromq"), c.getCause().getMessage());
    }
  }
}
