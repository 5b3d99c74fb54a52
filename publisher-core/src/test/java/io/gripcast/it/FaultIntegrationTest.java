package io.gripcast.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.BufferedPublisher;
import io.gripcast.EndpointResult;
import io.gripcast.Outcome;
import io.gripcast.PublishException;
import io.gripcast.PublishListener;
import io.gripcast.PublishResult;
import io.gripcast.Publisher;
import io.gripcast.RetryPolicy;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import io.gripcast.item.WsMessage;
import io.gripcast.testing.GripTestOrigin;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults between a publisher and a real Pushpin, observed by real WebSocket subscribers: every item
 * arrives exactly once, in order per channel, or its publish reports the failure.
 */
class FaultIntegrationTest {

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder().overHttp(true).build();

  private static final AtomicInteger SEQ = new AtomicInteger();

  private static String channel(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
  }

  private static List<Subscribers.Ws> subscribe(PushpinInstance p, List<String> channels) throws Exception {
    List<Subscribers.Ws> out = new ArrayList<>();
    for (String ch : channels) {
      out.add(new Subscribers.Ws(p.webSocketUri("/ws?channel=" + ch)));
      assertTrue(p.awaitSubscribed(ch, Duration.ofSeconds(10)), "not subscribed: " + ch);
    }
    return out;
  }

  /** Each subscriber got exactly its channel's items, in order, and nothing more. */
  private static void assertExactlyOnceInOrder(List<Subscribers.Ws> subs, List<String> channels, int perChannel)
      throws Exception {
    for (int i0 = 0; i0 < channels.size(); i0++) {
      final int c = i0;
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < perChannel; i++) {
        expected.add(channels.get(c) + ":" + i);
      }
      List<String> got = subs.get(c).texts(perChannel, Duration.ofSeconds(30));
      int firstDiff = 0;
      while (firstDiff < Math.min(expected.size(), got.size()) && expected.get(firstDiff).equals(got.get(firstDiff))) {
        firstDiff++;
      }
      int at = firstDiff;
      assertTrue(expected.equals(got), () -> "channel " + channels.get(c) + ": " + got.size() + " of " + perChannel
          + " items; first difference at index " + at + ": expected "
          + (at < expected.size() ? expected.get(at) : "nothing") + " but got " + (at < got.size() ? got.get(at) : "nothing"));
      assertNull(subs.get(c).next(Duration.ofMillis(300)), "a duplicate arrived on " + channels.get(c));
    }
  }

  @Test
  void lostResponsesAreRetriedAndEveryItemArrivesExactlyOnceInOrder() throws Exception {
    PushpinInstance p = PUSHPIN.instance();
    List<String> channels = List.of(channel("cut-a"), channel("cut-b"), channel("cut-c"), channel("cut-d"));
    List<Subscribers.Ws> subs = subscribe(p, channels);
    AtomicInteger retries = new AtomicInteger();
    // every 4th connection loses its response after Pushpin has processed the request
    try (FaultProxy proxy = new FaultProxy(p.controlPort(), n -> n % 4 == 1);
        Publisher publisher = Publisher.builder().endpoint("http://127.0.0.1:" + proxy.port())
            .retryPolicy(RetryPolicy.builder().maxAttempts(6).backoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(200)).jitter(0.5).totalBudget(Duration.ofSeconds(20)).build())
            .listener(new PublishListener() {
              @Override
              public void onRetry(Retry r) {
                retries.incrementAndGet();
              }
            }).build()) {
      int perChannel = 500; // 2,000 distinct items in all
      List<Publication> batch = new ArrayList<>();
      for (int i = 0; i < perChannel; i++) {
        for (String ch : channels) {
          batch.add(Item.of(WsMessage.text(ch + ":" + i)).on(ch));
        }
        if (batch.size() == 8) {
          publisher.publishAll(batch);
          batch.clear();
        }
      }
      assertTrue(batch.isEmpty());
      assertTrue(proxy.cuts() >= 50, "only " + proxy.cuts() + " responses were cut");
      assertTrue(retries.get() >= proxy.cuts(), retries.get() + " retries for " + proxy.cuts() + " cuts");
      assertExactlyOnceInOrder(subs, channels, perChannel);
    } finally {
      subs.forEach(Subscribers.Ws::close);
    }
  }

  /**
   * A buffered publisher keeps several batches in flight (one per lane) while responses are lost and
   * requests refused, and the batches retried: each channel's items still arrive in order, exactly
   * once. (With batches put in lanes regardless of their channel, the refused requests, retried after
   * a backoff, arrive after later items of their channel and this fails.)
   */
  @Test
  void pipelinedLanesKeepEachChannelsOrderThroughLostResponses() throws Exception {
    PushpinInstance p = PUSHPIN.instance();
    List<String> channels = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      channels.add(channel("lane-" + i));
    }
    List<Subscribers.Ws> subs = subscribe(p, channels);
    AtomicInteger retries = new AtomicInteger();
    int perChannel = 250; // 2,000 items, about 5 per request
    // every 5th connection loses its response after Pushpin has processed the request, and every 7th
    // is reset before its request reaches Pushpin
    try (FaultProxy proxy = new FaultProxy(p.controlPort(), n -> n % 5 == 2, n -> n % 7 == 4);
        Publisher publisher = Publisher.builder().endpoint("http://127.0.0.1:" + proxy.port())
            .retryPolicy(RetryPolicy.builder().maxAttempts(10).backoff(Duration.ofMillis(20), 2.0, Duration.ofMillis(300)).jitter(0.5).totalBudget(Duration.ofSeconds(20)).build())
            .listener(new PublishListener() {
              @Override
              public void onRetry(Retry r) {
                retries.incrementAndGet();
              }
            }).build();
        BufferedPublisher buffer = BufferedPublisher.builder(publisher).lanes(4).maxBatchItems(5)
            .linger(Duration.ofMillis(2)).capacity(500).offerTimeout(Duration.ofSeconds(30)).build()) {
      List<CompletableFuture<PublishResult>> futures = new ArrayList<>();
      int mostInFlight = 0;
      for (int i = 0; i < perChannel; i++) {
        for (String ch : channels) {
          futures.add(buffer.submit(ch, Item.of(WsMessage.text(ch + ":" + i))));
        }
        mostInFlight = Math.max(mostInFlight, buffer.inFlight());
      }
      assertTrue(buffer.flush(Duration.ofSeconds(60)), "not all published within 60 s");
      for (CompletableFuture<PublishResult> f : futures) {
        assertTrue(f.get(1, TimeUnit.SECONDS).success());
      }
      assertTrue(mostInFlight > 5, "never more than one batch (5 items) in flight: " + mostInFlight);
      assertTrue(proxy.cuts() >= 20, "only " + proxy.cuts() + " responses were cut");
      assertTrue(proxy.refused() >= 10, "only " + proxy.refused() + " requests were refused");
      assertTrue(retries.get() >= proxy.cuts() + proxy.refused(), retries.get() + " retries for " + proxy.cuts()
          + " cuts and " + proxy.refused() + " refusals");
      assertExactlyOnceInOrder(subs, channels, perChannel);
    } finally {
      subs.forEach(Subscribers.Ws::close);
    }
  }

  @Test
  void aFrozenHandlerDelaysButLosesAndDuplicatesNothing() throws Exception {
    PushpinInstance p = PUSHPIN.instance();
    List<String> channels = List.of(channel("stop-a"), channel("stop-b"));
    List<Subscribers.Ws> subs = subscribe(p, channels);
    int perChannel = 150;
    try (Publisher publisher = Publisher.builder().endpoint(p.gripUrl())
        .readTimeout(Duration.ofMillis(700)).callTimeout(Duration.ofSeconds(2))
        .retryPolicy(RetryPolicy.builder().maxAttempts(20).backoff(Duration.ofMillis(100), 2.0, Duration.ofMillis(500)).jitter(0.2).totalBudget(Duration.ofSeconds(25)).build())
        .build()) {
      for (int i = 0; i < perChannel; i++) {
        if (i == perChannel / 3) {
          p.pause(); // SIGSTOP pushpin-handler
          Thread t = new Thread(() -> {
            try {
              Thread.sleep(3_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              p.resume(); // SIGCONT
            }
          });
          t.setDaemon(true);
          t.start();
        }
        List<Publication> ps = new ArrayList<>();
        for (String ch : channels) {
          ps.add(Item.of(WsMessage.text(ch + ":" + i)).on(ch));
        }
        publisher.publishAll(ps);
      }
      assertExactlyOnceInOrder(subs, channels, perChannel);
    } finally {
      if (p.isPaused()) {
        p.resume();
      }
      subs.forEach(Subscribers.Ws::close);
    }
  }

  @Test
  void anEndpointDownLongerThanTheBudgetFailsEachPublishAsUnavailable() throws Exception {
    try (GripTestOrigin origin = GripTestOrigin.start();
        PushpinInstance doomed = PushpinInstance.builder().origin(origin).start()) {
      String url = doomed.gripUrl();
      doomed.stop();
      try (Publisher publisher = Publisher.builder().endpoint(url)
          .retryPolicy(RetryPolicy.builder().maxAttempts(10).backoff(Duration.ofMillis(100), 2.0, Duration.ofMillis(400)).jitter(0.0).totalBudget(Duration.ofSeconds(1)).build())
          .build()) {
        for (int i = 0; i < 3; i++) {
          int n = i;
          PublishException e = assertThrows(PublishException.class,
              () -> publisher.publishAll(List.of(Item.of(WsMessage.text("lost " + n)).on("down"))));
          EndpointResult r = e.result().endpoints().get(0);
          assertEquals(Outcome.UNAVAILABLE, r.outcome());
          assertEquals(0, r.itemsPublished(), "nothing may be reported as published");
          assertEquals(0, r.requests());
          assertEquals(0, r.status());
          assertTrue(r.attempts() >= 3 && r.attempts() < 10, "the budget, not the attempt limit, ends it: " + r.attempts());
          assertTrue(r.elapsed().compareTo(Duration.ofSeconds(5)) < 0, "far past the 1 s budget: " + r.elapsed());
          assertTrue(e.retryable());
        }
      }
    }
  }
}
