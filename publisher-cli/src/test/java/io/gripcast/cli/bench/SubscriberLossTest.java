package io.gripcast.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.item.Content;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the bench reports items a subscriber did not receive: counted against the calls the proxy
 * accepted, named by sequence number, with the likely reason. (That Pushpin really drops such items
 * is shown against a real Pushpin in BenchWsLossPushpinTest.)
 */
class SubscriberLossTest {
  private final Payloads payloads = new Payloads("abcd1234", 64, List.of(Payloads.Kind.WS_MESSAGE));

  private Subscribers.Subscriber receiving(String url, long from, long to, long... skipped) {
    Subscribers.Subscriber s = new Subscribers.Subscriber(url);
    s.rangeStart = 100;
    outer:
    for (long seq = from; seq < to; seq++) {
      for (long k : skipped) {
        if (k == seq) {
          continue outer;
        }
      }
      s.onText(payloads, ((Content.Text) payloads.item(seq, System.nanoTime()).wsMessage().content()).value());
    }
    return s;
  }

  private static PublishLoop.Phase phase(long first, long end, long okItems) {
    PublishLoop.Phase p = new PublishLoop.Phase();
    p.firstSeq = first;
    p.endSeq = end;
    p.okItems.add(okItems);
    return p;
  }

  @Test
  void missingItemsAreCountedAndNamedInRuns() {
    Subscribers.Subscriber s = receiving("ws://127.0.0.1:1/ws", 100, 120, 103, 104, 105, 110, 119);
    Subscribers.Missing m = s.missing(phase(100, 120, 20));
    assertEquals(5, m.count());
    assertEquals("103-105, 110, 119", m.rangesText());
    assertEquals(15, s.delivered());
  }

  @Test
  void itemsOfFailedCallsAreNotExpected() {
    PublishLoop.Phase p = phase(100, 120, 10);
    p.failedSeqs(110, 10); // the call with 110..119 failed: the proxy may never have had them
    Subscribers.Subscriber s = receiving("ws://127.0.0.1:1/ws", 100, 110, 101);
    Subscribers.Missing m = s.missing(p);
    assertEquals(1, m.count());
    assertEquals("101", m.rangesText());
  }

  @Test
  void onlyTheFirstRangesAreListed() {
    Subscribers.Subscriber s = receiving("ws://127.0.0.1:1/ws", 100, 120, 101, 103, 105, 107, 109, 111, 113);
    Subscribers.Missing m = s.missing(phase(100, 120, 20));
    assertEquals(7, m.count());
    assertEquals("101, 103, 105, 107, 109 (+2 more ranges)", m.rangesText());
  }

  @Test
  void theReasonDependsOnTheTransportAndHowTheRunEnded() {
    Subscribers.Subscriber ws = receiving("ws://127.0.0.1:1/ws", 100, 110, 105);
    Subscribers.Subscriber stream = receiving("http://127.0.0.1:1/stream", 100, 110, 105);
    PublishLoop.Phase p = phase(100, 110, 10);
    Duration t = Duration.ofSeconds(10);
    assertTrue(Subscribers.lossReason(ws, ws.missing(p), false, t).contains("client_buffer_size"));
    assertTrue(Subscribers.lossReason(ws, ws.missing(p), false, t).contains("ws-message"));
    assertTrue(Subscribers.lossReason(stream, stream.missing(p), false, t).contains("100 items"));
    assertTrue(Subscribers.lossReason(ws, ws.missing(p), true, t).contains("--subscribe-timeout (10000 ms)"));
    ws.error = "WebSocket closed by the server (1011)";
    assertTrue(Subscribers.lossReason(ws, ws.missing(p), false, t).contains("connection failed or closed"));
    Subscribers.Subscriber all = receiving("ws://127.0.0.1:1/ws", 100, 110);
    assertNull(Subscribers.lossReason(all, all.missing(p), false, t));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theReportSaysWhatWasLostInTextAndJson() {
    Subscribers.Subscriber ws = receiving("ws://127.0.0.1:1/ws", 100, 110, 102, 103);
    Subscribers.Subscriber stream = receiving("http://127.0.0.1:1/stream", 100, 110);
    Report r = new Report(List.of("http://127.0.0.1:2"), 1, 1, 64, List.of(Payloads.Kind.WS_MESSAGE), true,
        phase(100, 110, 10), List.of(ws, stream), false, Duration.ofSeconds(10));
    List<Map<String, Object>> subs = (List<Map<String, Object>>) r.data().get("subscribers");
    assertEquals(2L, subs.get(0).get("lost"));
    assertEquals("102-103", subs.get(0).get("lostSeqs"));
    assertTrue(((String) subs.get(0).get("lossReason")).contains("client_buffer_size"));
    assertEquals(0L, subs.get(1).get("lost"));
    assertNull(subs.get(1).get("lostSeqs"));
    assertNull(subs.get(1).get("lossReason"));
    assertTrue(r.json().contains("\"lost\": 2") || r.json().contains("\"lost\":2"), r.json());
    String text = r.text();
    assertTrue(text.contains("ws://127.0.0.1:1/ws: 8 of 10 delivered, 2 LOST"), text);
    assertTrue(text.contains("lost items 102-103"), text);
    assertTrue(text.contains("http://127.0.0.1:1/stream: 10 of 10 delivered, end-to-end"), text);
  }
}
