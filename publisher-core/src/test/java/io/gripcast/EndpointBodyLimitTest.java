package io.gripcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gripcast.config.Endpoint;
import io.gripcast.config.GripUrl;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import io.gripcast.item.WsMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * A per-endpoint body limit ({@link Endpoint#withMaxBodyBytes}): one publish to a Pushpin-sized
 * endpoint and a small-limit one (as Fanout's) is cut into batches per endpoint. Exact wire
 * assertions, so MockWebServer.
 */
class EndpointBodyLimitTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<String> texts(RecordedRequest r) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode item : JSON.readTree(r.getBody().utf8()).get("items")) {
      out.add(item.get("formats").get("ws-message").get("content").asText());
    }
    return out;
  }

  @Test
  void eachEndpointGetsBatchesCutToItsOwnLimitWithEveryItemInOrder() throws Exception {
    try (MockWebServer big = new MockWebServer(); MockWebServer small = new MockWebServer()) {
      big.start();
      small.start();
      for (int i = 0; i < 20; i++) {
        big.enqueue(new MockResponse.Builder().body("Published\n").build());
        small.enqueue(new MockResponse.Builder().body("Published\n").build());
      }
      Endpoint limited = GripUrl.parse("http://127.0.0.1:" + small.getPort()).withMaxBodyBytes(400);
      List<Publication> ps = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String t = "item-" + i + "-" + "x".repeat(60);
        expected.add(t);
        ps.add(new Publication("limits", Item.of(WsMessage.text(t))));
      }
      try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:" + big.getPort()).endpoint(limited).build()) {
        PublishResult r = p.publishAll(ps);
        assertTrue(r.success(), r.summary());
        assertEquals(1, r.endpoints().get(0).requests(), "Pushpin's 1,000,000 bytes take all ten at once");
        int requests = r.endpoints().get(1).requests();
        assertTrue(requests >= 3, "400-byte bodies need several requests, got " + requests);
        assertEquals(10, r.endpoints().get(1).itemsPublished());
      }
      assertEquals(expected, texts(big.takeRequest(5, TimeUnit.SECONDS)));
      List<String> got = new ArrayList<>();
      RecordedRequest req;
      while ((req = small.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
        assertTrue(req.getBodySize() <= 400, "a body of " + req.getBodySize() + " bytes");
        got.addAll(texts(req));
      }
      assertEquals(expected, got);
    }
  }

  @Test
  void anItemOverOneEndpointsLimitFailsBeforeAnythingIsSentAnywhere() throws Exception {
    try (MockWebServer big = new MockWebServer()) {
      big.start();
      Endpoint limited = GripUrl.parse("http://127.0.0.1:1").withMaxBodyBytes(200);
      try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:" + big.getPort()).endpoint(limited).build()) {
        PayloadTooLargeException e = assertThrows(PayloadTooLargeException.class,
            () -> p.publish("limits", Item.of(WsMessage.text("y".repeat(300)))));
        assertTrue(e.getMessage().contains("200-byte"), e.getMessage());
      }
      assertEquals(0, big.getRequestCount());
    }
  }

  @Test
  void theLimitIsPartOfTheEndpointAndRefusedWhenTiny() {
    Endpoint e = GripUrl.parse("http://127.0.0.1:5561");
    assertTrue(e.maxBodyBytes().isEmpty());
    assertEquals(1000, e.withMaxBodyBytes(1000).maxBodyBytes().getAsInt());
    assertEquals(e.withMaxBodyBytes(1000), e.withMaxBodyBytes(1000));
    assertTrue(!e.equals(e.withMaxBodyBytes(1000)));
    assertEquals(1000, e.withMaxBodyBytes(1000).withAuth(io.gripcast.auth.Auth.none()).maxBodyBytes().getAsInt());
    assertThrows(IllegalArgumentException.class, () -> e.withMaxBodyBytes(63));
  }
}
