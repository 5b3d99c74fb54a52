package io.gripcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Callers' stages run on the thread that completes the publish, and may block. Completions are
 * handed off a select round at a time, so these tests make several answers arrive together and
 * check that a stage blocking on another publish never stalls it. Over both transports: OkHttp's
 * callbacks are handed to the same callback pool, and a stage that blocked one of OkHttp's
 * dispatcher threads instead would count against its request limit.
 */
class PublisherCompletionTest {
  private MockWebServer server;
  private final AtomicInteger arrived = new AtomicInteger();
  private volatile CountDownLatch release = new CountDownLatch(2);

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) throws InterruptedException {
        arrived.incrementAndGet();
        CountDownLatch l = release;
        l.countDown();
        l.await(10, TimeUnit.SECONDS); // answer the held requests together, so they complete in one round
        return new MockResponse.Builder().body("Published\n").build();
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Publisher publisher(HttpTransport transport) {
    return Publisher.builder().endpoint("http://127.0.0.1:" + server.getPort()).transport(transport).build();
  }

  @OverBothTransports
  void aStageThatWaitsForAPublishCompletingInTheSameRoundFinishes(HttpTransport transport) throws Exception {
    try (Publisher p = publisher(transport)) {
      CompletableFuture<PublishResult> second = new CompletableFuture<>();
      CompletableFuture<Boolean> first = p.publishAsync("a", Item.of(WsMessage.text("1")))
          .thenApply(r -> second.join().success()); // blocks the completing thread until the other one completes
      p.publishAsync("b", Item.of(WsMessage.text("2"))).whenComplete((r, t) -> {
        if (t != null) {
          second.completeExceptionally(t);
        } else {
          second.complete(r);
        }
      });
      assertTrue(first.get(15, TimeUnit.SECONDS));
      assertEquals(2, arrived.get());
    }
  }

  @OverBothTransports
  void aSynchronousPublishInsideAStageFinishes(HttpTransport transport) throws Exception {
    try (Publisher p = publisher(transport)) {
      release = new CountDownLatch(1); // answer each request at once
      CompletableFuture<PublishResult> outer = p.publishAsync("a", Item.of(WsMessage.text("1")))
          .thenApply(r -> p.publish("b", Item.of(WsMessage.text("2")))); // the inner one completes while this stage blocks
      assertTrue(outer.get(15, TimeUnit.SECONDS).success());
      assertEquals(2, arrived.get());
    }
  }
}
