package io.gripcast.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.EndpointResult;
import io.gripcast.Outcome;
import io.gripcast.PublishException;
import io.gripcast.PublishResult;
import io.gripcast.Publisher;
import io.gripcast.config.ZmqEndpoint;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import io.gripcast.item.WsMessage;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okio.ByteString;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ZeroMQ over {@code ipc://} on a real Pushpin whose handler binds its PULL ({@code push_in_spec})
 * and SUB ({@code push_in_sub_specs}) sockets as Unix sockets: gripcast's own ZMTP 3.0 client,
 * no JeroMQ involved. The last test restarts Pushpin, so it runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IpcIntegrationTest {

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder().overHttp(true)
      .configure(b -> b.zmqIpc(true)).build();

  private static final int ITEMS = 40;

  private static String channel(String name) {
    return name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  }

  /** Text, and bytes that are not UTF-8: what arrives must be exactly these. */
  private static byte[] binary(int i) {
    return new byte[] {(byte) i, 0, (byte) 0xFF, (byte) 0xFE, '\n', (byte) 0x80};
  }

  @Test
  @Order(1)
  void pushOverIpcReachesWebSocketAndStreamSubscribersInOrderWithExactBytes() throws Exception {
    PushpinInstance p = PUSHPIN.instance();
    assertTrue(p.zmqPushSpec().startsWith("ipc:///"), p.zmqPushSpec());
    String ch = channel("ipc-push");
    List<String> texts = new ArrayList<>();
    ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    streamed.writeBytes("stream open\n".getBytes(StandardCharsets.UTF_8));
    try (Subscribers.Ws ws = new Subscribers.Ws(p.webSocketUri("/ws?channel=" + ch));
        Subscribers.Stream stream = new Subscribers.Stream(p.clientUri("/stream?channel=" + ch));
        Publisher publisher = Publisher.builder().endpoint(ZmqEndpoint.push(p.zmqPushSpec())).build()) {
      stream.readAtLeast("stream open\n".length());
      assertTrue(p.awaitSubscribed(ch, Duration.ofSeconds(10)));
      assertEquals(List.of("zmq-push " + p.zmqPushSpec()), publisher.endpoints());
      List<Publication> batch = new ArrayList<>();
      for (int i = 0; i < ITEMS; i++) {
        String t = "ipc-" + i + " héllo ✓";
        texts.add(t);
        Item item = i % 2 == 0
            ? Item.of(WsMessage.text(t), HttpStream.text(t + "\n"))
            : Item.of(WsMessage.binary(binary(i)), HttpStream.binary(binary(i)));
        if (i < ITEMS / 2) {
          PublishResult r = publisher.publish(ch, item); // one message per publish
          EndpointResult e = r.endpoints().get(0);
          assertEquals(Outcome.SENT, e.outcome(), e.toString());
          assertTrue(e.message().contains("no acknowledgement"), e.message());
        } else {
          batch.add(new Publication(ch, item));
        }
        streamed.writeBytes(i % 2 == 0 ? (t + "\n").getBytes(StandardCharsets.UTF_8) : binary(i));
      }
      PublishResult all = publisher.publishAll(batch);
      assertTrue(all.success(), all.summary());
      assertEquals(ITEMS / 2, all.endpoints().get(0).itemsPublished());
      for (int i = 0; i < ITEMS; i++) {
        Object m = ws.next(Duration.ofSeconds(10));
        if (i % 2 == 0) {
          assertEquals(texts.get(i), m, "message " + i);
        } else {
          assertEquals(ByteString.of(binary(i)), m, "message " + i);
        }
      }
      assertNull(ws.next(Duration.ofMillis(100)), "no duplicate");
      publisher.publish(ch, Item.of(HttpStream.close()));
      stream.readToEnd();
      assertArrayEquals(streamed.toByteArray(), stream.received());
    }
  }

  @Test
  @Order(2)
  void pubOverIpcSeesSubscriptionsAndDelivers() throws Exception {
    PushpinInstance p = PUSHPIN.instance();
    String ch = channel("ipc-pub");
    try (Publisher publisher = Publisher.builder().endpoint(ZmqEndpoint.pub(p.zmqSubSpec())).build()) {
      assertFalse(publisher.awaitSubscribers(ch, Duration.ofMillis(300)), "nobody subscribed yet");
      PublishResult dropped = publisher.publish(ch, Item.of(WsMessage.text("nobody")));
      assertEquals(Outcome.SENT, dropped.endpoints().get(0).outcome());
      assertTrue(dropped.endpoints().get(0).message().contains("1 of them on channels " + p.zmqSubSpec()
          + " had not subscribed"), dropped.endpoints().get(0).message());
      try (Subscribers.Ws ws = new Subscribers.Ws(p.webSocketUri("/ws?channel=" + ch))) {
        assertTrue(publisher.awaitSubscribers(ch, Duration.ofSeconds(15)), "Pushpin subscribed to " + ch);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
          expected.add("pub-" + i);
          PublishResult r = publisher.publish(ch, Item.of(WsMessage.text("pub-" + i)));
          assertEquals(Outcome.SENT, r.endpoints().get(0).outcome());
          assertFalse(r.endpoints().get(0).message().contains("had not subscribed"), r.endpoints().get(0).message());
        }
        assertEquals(expected, ws.texts(ITEMS, Duration.ofSeconds(10)));
      }
    }
  }

  @Test
  @Order(3)
  void aSocketFileWithNobodyBehindItIsUnavailableWithinTheCallTimeoutNamingTheProblem() throws Exception {
    Path dir = Files.createTempDirectory("gripcast-ipc");
    String spec = "ipc://" + dir.resolve("nothing-here");
    try (Publisher publisher = Publisher.builder().endpoint(spec).callTimeout(Duration.ofMillis(500)).build()) {
      long t0 = System.nanoTime();
      PublishException e = assertThrows(PublishException.class,
          () -> publisher.publish("x", Item.of(WsMessage.text("lost"))));
      assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "bounded by the call timeout");
      EndpointResult r = e.result().endpoints().get(0);
      assertEquals(Outcome.UNAVAILABLE, r.outcome());
      assertEquals(0, r.itemsPublished());
      assertTrue(r.message().contains("no ZeroMQ connection to " + spec + " took the items"), r.message());
      assertTrue(r.message().contains("there is no socket file"), r.message());
    } finally {
      Files.deleteIfExists(dir);
    }
  }

  @Test
  @Order(4)
  void afterPushpinRestartsTheSamePublisherReconnectsAndDelivers() throws Exception {
    PushpinInstance p = PUSHPIN.instance();
    String ch = channel("ipc-restart");
    try (Publisher publisher = Publisher.builder().endpoint(ZmqEndpoint.push(p.zmqPushSpec()))
        .callTimeout(Duration.ofSeconds(20)).build()) {
      try (Subscribers.Ws ws = new Subscribers.Ws(p.webSocketUri("/ws?channel=" + ch))) {
        assertTrue(p.awaitSubscribed(ch, Duration.ofSeconds(10)));
        publisher.publish(ch, Item.of(WsMessage.text("before")));
        assertEquals(List.of("before"), ws.texts(1, Duration.ofSeconds(10)));
      }
      p.restart(() -> { });
      try (Subscribers.Ws ws = new Subscribers.Ws(p.webSocketUri("/ws?channel=" + ch))) {
        assertTrue(p.awaitSubscribed(ch, Duration.ofSeconds(10)));
        // the old connection died with Pushpin: this publish waits for the reconnect, then goes
        PublishResult r = publisher.publish(ch, Item.of(WsMessage.text("after")));
        assertEquals(Outcome.SENT, r.endpoints().get(0).outcome(), r.summary());
        assertEquals(List.of("after"), ws.texts(1, Duration.ofSeconds(10)));
      }
    }
  }
}
