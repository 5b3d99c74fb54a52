package io.gripcast.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The packaged {@code gripcast listen} as a subscriber of a real Pushpin, fed by {@code gripcast publish}. */
class ListenIT {

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder().configure(b -> b.messageRate(0)).build();

  static final AtomicInteger SEQ = new AtomicInteger();

  @TempDir Path dir;

  String channel() {
    return "listen-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
  }

  Process listen(String... args) throws IOException {
    return listen(Map.of(), args);
  }

  Process listen(Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of(Launcher.gripcast().toString(), "listen"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    Launcher.apply(env, pb);
    return pb.start();
  }

  static String finish(Process p) throws Exception {
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "listen did not end");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out + err);
    return out;
  }

  void publish(PushpinInstance pushpin, String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("publish", "--spec", pushpin.gripUrl()));
    all.addAll(List.of(args));
    Launcher.Run r = Launcher.gripcast(Map.of(), dir, all.toArray(new String[0]));
    assertEquals(0, r.code(), r.toString());
  }

  @Test
  void webSocketListenerPrintsTextBinaryAndTheClose(PushpinInstance pushpin) throws Exception {
    String ch = channel();
    Process p = listen(pushpin.webSocketUri("/ws?channel=" + ch).toString());
    try {
      assertTrue(pushpin.awaitSubscribed(ch, java.time.Duration.ofSeconds(20)), pushpin::logTails);
      publish(pushpin, ch, "hello ws");
      publish(pushpin, "--format", "ws", "--binary", ch, "AB");
      publish(pushpin, "--close-code", "4001", "--close-reason", "bye", ch);
      String out = finish(p);
      assertEquals("hello ws\n[binary, 2 bytes, hex] 4142\n", out);
    } finally {
      p.destroy();
    }
  }

  @Test
  void streamListenerStopsAfterCount(PushpinInstance pushpin) throws Exception {
    String ch = channel();
    Process p = listen("-n", "3", pushpin.clientUri("/stream?channel=" + ch).toString());
    try {
      assertTrue(pushpin.awaitSubscribed(ch, java.time.Duration.ofSeconds(20)), pushpin::logTails);
      publish(pushpin, ch, "one");
      publish(pushpin, ch, "two");
      assertEquals("stream open\none\ntwo\n", finish(p));
    } finally {
      p.destroy();
    }
  }

  /**
   * In the C locale (cron, CI logs) what arrives is printed as the UTF-8 it is, not with '?' for
   * each non-ASCII char. The publish runs in this JVM's locale, so only the listeners' output is
   * under test.
   */
  @Test
  void inTheCLocaleReceivedTextIsPrintedAsUtf8(PushpinInstance pushpin) throws Exception {
    String ch = channel();
    Process ws = listen(Launcher.cLocale(), "-n", "1", pushpin.webSocketUri("/ws?channel=" + ch).toString());
    Process stream = listen(Launcher.cLocale(), "-n", "2", pushpin.clientUri("/stream?channel=" + ch).toString());
    try {
      PushpinPublishParityIT.awaitSubscriptions(pushpin, ch, 2);
      publish(pushpin, ch, "héllo ✓ 🌍");
      assertArrayEquals("héllo ✓ 🌍\n".getBytes(StandardCharsets.UTF_8), finishBytes(ws));
      assertArrayEquals("stream open\nhéllo ✓ 🌍\n".getBytes(StandardCharsets.UTF_8), finishBytes(stream));
    } finally {
      ws.destroy();
      stream.destroy();
    }
  }

  static byte[] finishBytes(Process p) throws Exception {
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "listen did not end");
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8) + err);
    return out;
  }

  @Test
  void longPollListenerPrintsTheResponseWhole(PushpinInstance pushpin) throws Exception {
    String ch = channel();
    Process p = listen("-i", pushpin.clientUri("/response?channel=" + ch).toString());
    try {
      assertTrue(pushpin.awaitSubscribed(ch, java.time.Duration.ofSeconds(20)), pushpin::logTails);
      publish(pushpin, "--code", "201", "--reason", "Made", ch, "the answer", "-H", "X-Test: yes");
      String out = finish(p);
      assertTrue(out.startsWith("HTTP/1.1 201 Made\n"), out);
      assertTrue(out.contains("\nX-Test: yes\n"), out);
      assertTrue(out.endsWith("\n\nthe answer\n"), out);
    } finally {
      p.destroy();
    }
  }
}
