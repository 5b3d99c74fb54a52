package io.gripcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.RecordedRequest;

/** What the publisher tests share: a listener that records, and the checks several suites make. */
final class TestPublishing {
  private TestPublishing() {}

  private static final ObjectMapper M = new ObjectMapper();

  /** Records the attempts and retries a publisher reports. */
  static final class Recorder implements PublishListener {
    final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    final List<Retry> retries = new CopyOnWriteArrayList<>();

    @Override
    public void onAttempt(Attempt a) {
      attempts.add(a);
    }

    @Override
    public void onRetry(Retry r) {
      retries.add(r);
    }
  }

  /** Publishes one text item on {@code c}, which must fail; the one endpoint's result. */
  static EndpointResult failedPublish(Publisher p) {
    PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
    return e.result().endpoints().get(0);
  }

  /**
   * Closes {@code p} while {@code f}'s request waits for an answer that never comes: close() takes
   * its 100 ms close timeout and no more than two seconds, and the publish ends CANCELLED.
   */
  static EndpointResult closeCancels(Publisher p, CompletableFuture<PublishResult> f) throws Exception {
    long t0 = System.nanoTime();
    p.close();
    long closeMillis = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(closeMillis >= 100 && closeMillis < 2_000, "close took " + closeMillis + " ms with a 100 ms close timeout");
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(1, TimeUnit.SECONDS));
    EndpointResult r = assertInstanceOf(PublishException.class, e.getCause()).result().endpoints().get(0);
    assertEquals(Outcome.CANCELLED, r.outcome());
    assertEquals(1, r.attempts());
    return r;
  }

  /** The body of a request that published {@code hi} as a ws-message and {@code hi\n} as a stream on news. */
  static void assertNewsBody(RecordedRequest req) throws Exception {
    assertTrue(req.getHeaders().get("User-Agent").startsWith("gripcast/"), req.getHeaders().get("User-Agent"));
    JsonNode body = M.readTree(req.getBody().utf8());
    assertEquals(1, body.size(), "only the items envelope");
    JsonNode item = body.get("items").get(0);
    assertEquals("news", item.get("channel").asText());
    assertEquals("hi", item.at("/formats/ws-message/content").asText());
    assertEquals("hi\n", item.at("/formats/http-stream/content").asText());
    assertTrue(item.get("id").asText().length() >= 20, "a generated id makes retries idempotent");
  }
}
