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
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * JeroMQ is an optional dependency: gripcast loaded by a class loader that has everything but
 * JeroMQ still publishes over HTTP and over ZeroMQ {@code ipc://} (its own ZMTP client), and a
 * ZeroMQ {@code tcp://} endpoint fails build() naming the jar to add.
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
      assertTrue(cause.getMessage().contains("ipc:// endpoints do without it"), cause.getMessage());

      Class<?> commands = loader.loadClass("io.gripcast.PushpinCommands");
      InvocationTargetException c = assertThrows(InvocationTargetException.class,
          () -> commands.getMethod("connect", String.class).invoke(null, "tcp://127.0.0.1:5563"));
      assertEquals(IllegalStateException.class, c.getCause().getClass());
      assertTrue(c.getCause().getMessage().contains("org.zeromq:jeromq"), c.getCause().getMessage());
    }
  }

  /**
   * An ipc:// endpoint builds and publishes without JeroMQ: a hand-made PULL peer (a Unix socket
   * speaking ZMTP 3.0) receives the item.
   */
  @Test
  void anIpcEndpointPublishesWithoutJeroMq() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "nojeromq");
    Path socket = dir.resolve("pull");
    CompletableFuture<String> received = new CompletableFuture<>();
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        URLClassLoader loader = withoutJeroMq()) {
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread peer = new Thread(() -> {
        try (SocketChannel c = server.accept()) {
          read(c, 64);
          byte[] greeting = new byte[64];
          greeting[0] = (byte) 0xFF;
          greeting[9] = 0x7F;
          greeting[10] = 3;
          System.arraycopy("NULL".getBytes(StandardCharsets.US_ASCII), 0, greeting, 12, 4);
          c.write(ByteBuffer.wrap(greeting));
          byte[] readyHead = read(c, 2);
          read(c, readyHead[1] & 0xFF);
          byte[] ready = {4, 26, 5, 'R', 'E', 'A', 'D', 'Y', 11, 'S', 'o', 'c', 'k', 'e', 't', '-', 'T', 'y', 'p', 'e',
              0, 0, 0, 4, 'P', 'U', 'L', 'L'};
          c.write(ByteBuffer.wrap(ready));
          byte[] head = read(c, 2);
          received.complete(new String(read(c, head[1] & 0xFF), StandardCharsets.UTF_8));
        } catch (Exception e) {
          received.completeExceptionally(e);
        }
      }, "fake-pull");
      peer.setDaemon(true);
      peer.start();

      assertThrows(ClassNotFoundException.class, () -> loader.loadClass("org.zeromq.ZMQ"));
      Class<?> publisher = loader.loadClass("io.gripcast.Publisher");
      Object b = publisher.getMethod("builder").invoke(null);
      b.getClass().getMethod("endpoint", String.class).invoke(b, "ipc://" + socket);
      try (AutoCloseable p = (AutoCloseable) b.getClass().getMethod("build").invoke(b)) {
        Class<?> item = loader.loadClass("io.gripcast.item.Item");
        Class<?> ws = loader.loadClass("io.gripcast.item.WsMessage");
        Object message = ws.getMethod("text", String.class).invoke(null, "no jeromq");
        Object parts = java.lang.reflect.Array.newInstance(loader.loadClass("io.gripcast.item.Format"), 1);
        java.lang.reflect.Array.set(parts, 0, message);
        Object it = item.getMethod("of", parts.getClass()).invoke(null, parts);
        Object result = publisher.getMethod("publish", String.class, item).invoke(p, "ch", it);
        assertTrue((Boolean) result.getClass().getMethod("success").invoke(result), result.toString());
        String got = received.get(10, TimeUnit.SECONDS);
        assertTrue(got.startsWith("J{") && got.contains("\"channel\":\"ch\"") && got.contains("no jeromq"), got);
      }
    } finally {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(dir);
    }
  }

  private static byte[] read(SocketChannel c, int n) throws java.io.IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (c.read(b) < 0) {
        throw new java.io.EOFException("closed after " + b.position() + " of " + n + " bytes");
      }
    }
    return b.array();
  }
}
