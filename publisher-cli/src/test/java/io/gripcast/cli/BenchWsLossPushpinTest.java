package io.gripcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * A WebSocket subscriber that misses items is reported, never silently: Pushpin 1.36 drops a
 * ws-message that does not fit in the connection's send buffer ({@code [runner]
 * client_buffer_size}), without a log line. A 2 KiB buffer and bursts of twenty 1500-byte items
 * make it drop most of them, while the HTTP stream subscriber (queued up to 100 items) gets all.
 * An independent OkHttp WebSocket client on the same channel misses items too, so the loss is on
 * the wire, not in the bench's counting.
 */
class BenchWsLossPushpinTest {

  @RegisterExtension
  static PushpinExtension pushpin = PushpinExtension.builder()
      .configure(b -> b.set("runner.client_buffer_size", "2048"))
      .build();

  @Test
  void itemsPushpinDropsForAWebSocketAreReportedAsLostWithTheReason(PushpinInstance p) throws Exception {
    String channel = "bench-loss-" + UUID.randomUUID();
    String wsUrl = p.webSocketUri("/ws?channel=" + channel).toString();
    OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ZERO).build();
    AtomicInteger independent = new AtomicInteger();
    CountDownLatch open = new CountDownLatch(1);
    WebSocket ws = client.newWebSocket(new Request.Builder().url(wsUrl).build(), new WebSocketListener() {
      @Override
      public void onOpen(WebSocket w, Response r) {
        open.countDown();
      }

      @Override
      public void onMessage(WebSocket w, String text) {
        String[] f = text.split(" ", 4);
        if (f.length == 4 && f[0].equals("gcb") && !f[2].equals("p")) {
          independent.incrementAndGet();
        }
      }
    });
    try {
      assertTrue(open.await(10, TimeUnit.SECONDS), "the independent WebSocket did not open");
      assertTrue(p.awaitSubscribed(channel, Duration.ofSeconds(10)), "the independent WebSocket did not subscribe");
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cl = new CommandLine(new BenchCommand(Map.of()));
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));

      int code = cl.execute("--grip-url", p.gripUrl(), "--channel", channel, "--items", "100", "--batch", "20", "-c", "1",
          "--size", "1500", "--format", "ws-message", "--format", "http-stream",
          "--subscribe", wsUrl, "--subscribe", p.clientUri("/stream?channel=" + channel).toString(),
          "--json", "--no-progress");

      assertEquals(0, code, "every publish call succeeded: " + err + "\n" + out);
      JsonNode r = new ObjectMapper().readTree(out.toString());
      assertEquals(100, r.get("items").asLong());
      JsonNode wsSub = r.get("subscribers").get(0);
      JsonNode streamSub = r.get("subscribers").get(1);
      assertEquals(100, streamSub.get("delivered").asLong(), streamSub.toString());
      assertEquals(0, streamSub.get("lost").asLong(), streamSub.toString());
      assertTrue(streamSub.get("lossReason").isNull(), streamSub.toString());

      long lost = wsSub.get("lost").asLong();
      assertTrue(lost > 0, "Pushpin delivered every item through a 2 KiB buffer: " + wsSub);
      assertEquals(100, wsSub.get("delivered").asLong() + lost, wsSub.toString());
      assertTrue(wsSub.get("error").isNull(), wsSub.toString());
      assertTrue(wsSub.get("lostSeqs").asText().matches("[0-9]+(-[0-9]+)?(, [0-9]+(-[0-9]+)?)*( \\(\\+[0-9]+ more ranges\\))?"),
          wsSub.toString());
      assertTrue(wsSub.get("lossReason").asText().contains("client_buffer_size"), wsSub.toString());
      assertTrue(err.toString().contains("warning: subscriber " + wsUrl + " did not receive " + lost + " of 100"), err.toString());
      assertTrue(independent.get() < 100, "the independent client got all 100: " + independent.get());
    } finally {
      ws.cancel();
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }
}
