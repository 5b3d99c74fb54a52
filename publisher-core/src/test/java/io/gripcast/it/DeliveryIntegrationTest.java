package io.gripcast.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gripcast.Publisher;
import io.gripcast.item.HttpResponse;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Response;
import okio.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Publishing through a real Pushpin to real subscribers: what they receive is what was published. */
class DeliveryIntegrationTest {

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder().overHttp(true).build();

  private static final AtomicInteger SEQ = new AtomicInteger();
  private static Publisher publisher;

  @BeforeAll
  static void publisher() {
    publisher = Publisher.builder().endpoint(PUSHPIN.instance().gripUrl()).build();
  }

  @AfterAll
  static void close() {
    publisher.close();
  }

  /** A fresh channel per test: Pushpin remembers ids per channel for 60 s. */
  private static String channel(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
  }

  private static void awaitSubscribed(PushpinInstance p, String channel) {
    assertTrue(p.awaitSubscribed(channel, Duration.ofSeconds(10)), "Pushpin never subscribed " + channel);
  }

  @Test
  void streamSubscriberReceivesTextBinaryAndUnicodeThenTheClose() throws Exception {
    PushpinInstance p = PUSHPIN.instance();
    String ch = channel("stream");
    byte[] binary = {0, 1, 2, (byte) 0xfe, (byte) 0xff, '\n'};
    String unicode = "héllo wörld 🌍🎉 ✓\n";
    try (Subscribers.Stream s = new Subscribers.Stream(p.clientUri("/stream?channel=" + ch))) {
      s.readAtLeast("stream open\n".length());
      awaitSubscribed(p, ch);
      publisher.publish(ch, Item.of(HttpStream.text("hello\n")));
      publisher.publish(ch, Item.of(HttpStream.binary(binary)));
      publisher.publish(ch, Item.of(HttpStream.text(unicode)));
      publisher.publish(ch, Item.of(HttpStream.close()));
      assertTrue(s.readToEnd(), "the stream should end on action close");
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.writeBytes("stream open\nhello\n".getBytes(StandardCharsets.UTF_8));
      expected.writeBytes(binary);
      expected.writeBytes(unicode.getBytes(StandardCharsets.UTF_8));
      assertArrayEquals(expected.toByteArray(), s.received());
    }
  }

  @Test
  void aChannelPrefixReachesTheSubscribersOfThePrefixedChannel() throws Exception {
    PushpinInstance p = PUSHPIN.instance();
    String news = channel("news");
    CompletableFuture<Response> poll = Subscribers.longPoll(p.clientUri("/response?channel=app." + news));
    awaitSubscribed(p, "app." + news);
    try (Publisher prefixed = Publisher.builder().endpoint(PUSHPIN.instance().gripUrl()).channelPrefix("app.").build()) {
      prefixed.publish(news, Item.of(HttpResponse.of(HttpResponse.Body.text("prefixed\n"))));
    }
    try (Response r = poll.get(15, TimeUnit.SECONDS)) {
      assertEquals("prefixed\n", r.body().string());
    }
  }

  @Test
  void longPollReceivesCodeReasonHeadersAndBody() throws Exception {
    PushpinInstance p = PUSHPIN.instance();
    String ch = channel("poll");
    CompletableFuture<Response> poll = Subscribers.longPoll(p.clientUri("/response?channel=" + ch));
    awaitSubscribed(p, ch);
    publisher.publish(ch, Item.of(HttpResponse.builder().code(201).reason("Made")
        .header("Content-Type", "application/json").header("X-Test", "yes, ünïcode-free")
        .body("{\"msg\":\"héllo 🌍\"}\n").build()));
    try (Response r = poll.get(15, TimeUnit.SECONDS)) {
      assertEquals(201, r.code());
      assertEquals("Made", r.message());
      assertEquals("application/json", r.header("Content-Type"));
      assertEquals("yes, ünïcode-free", r.header("X-Test"));
      assertEquals("{\"msg\":\"héllo 🌍\"}\n", r.body().string());
    }
  }

  @Test
  void bodyPatchAppliesToTheHeldJsonBody() throws Exception {
    PushpinInstance p = PUSHPIN.instance();
    String ch = channel("patch");
    String held = URLEncoder.encode("{\"count\":1,\"items\":[]}", StandardCharsets.UTF_8);
    CompletableFuture<Response> poll = Subscribers.longPoll(
        p.clientUri("/response?channel=" + ch + "&type=application/json&body=" + held));
    awaitSubscribed(p, ch);
    publisher.publish(ch, Item.of(HttpResponse.of(HttpResponse.Body.patch(
        "[{\"op\":\"replace\",\"path\":\"/count\",\"value\":2},{\"op\":\"add\",\"path\":\"/items/-\",\"value\":\"x\"}]"))));
    try (Response r = poll.get(15, TimeUnit.SECONDS)) {
      ObjectMapper m = new ObjectMapper();
      assertEquals(m.readTree("{\"count\":2,\"items\":[\"x\"]}"), m.readTree(r.body().string()));
    }
  }

  @Test
  void binaryLongPollBodyArrivesAsTheSameBytes() throws Exception {
    PushpinInstance p = PUSHPIN.instance();
    String ch = channel("pollbin");
    CompletableFuture<Response> poll = Subscribers.longPoll(p.clientUri("/response?channel=" + ch));
    awaitSubscribed(p, ch);
    byte[] bytes = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff};
    publisher.publish(ch, Item.of(HttpResponse.of(HttpResponse.Body.bytes(bytes))));
    try (Response r = poll.get(15, TimeUnit.SECONDS)) {
      assertArrayEquals(bytes, r.body().bytes());
    }
  }

  @Test
  void anIdPublishedTwiceWithinTheCacheWindowIsDeliveredOnce() throws Exception {
    PushpinInstance p = PUSHPIN.instance();
    String ch = channel("dedupe");
    try (Subscribers.Stream s = new Subscribers.Stream(p.clientUri("/stream?channel=" + ch))) {
      s.readAtLeast("stream open\n".length());
      awaitSubscribed(p, ch);
      Item first = Item.builder().id("same-id").format(HttpStream.text("first\n")).build();
      assertTrue(publisher.publish(ch, first).success());
      assertTrue(publisher.publish(ch, first).success(), "Pushpin answers 200 to a duplicate too");
      publisher.publish(ch, Item.builder().id("other-id").format(HttpStream.text("second\n")).build());
      publisher.publish(ch, Item.of(HttpStream.close()));
      s.readToEnd();
      assertEquals("stream open\nfirst\nsecond\n", new String(s.received(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void webSocketSubscriberReceivesTextBinaryAndTheCloseCode() throws Exception {
    PushpinInstance p = PUSHPIN.instance();
    String ch = channel("ws");
    try (Subscribers.Ws ws = new Subscribers.Ws(p.webSocketUri("/ws?channel=" + ch))) {
      awaitSubscribed(p, ch);
      publisher.publish(ch, Item.of(WsMessage.text("héllo 🌍")));
      publisher.publish(ch, Item.of(WsMessage.binary(new byte[] {0, 1, 2, (byte) 0xff})));
      publisher.publish(ch, Item.of(WsMessage.close(4001, "bye now")));
      assertEquals("héllo 🌍", ws.next(Duration.ofSeconds(10)));
      assertEquals(ByteString.of((byte) 0, (byte) 1, (byte) 2, (byte) 0xff), ws.next(Duration.ofSeconds(10)));
      assertEquals(4001, ws.closed.get(10, TimeUnit.SECONDS)[0]);
      assertEquals("bye now", ws.closeReason);
    }
  }
}
