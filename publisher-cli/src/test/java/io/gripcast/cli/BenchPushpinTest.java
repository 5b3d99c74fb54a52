package io.gripcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code gripcast bench} against a real Pushpin with its own subscribers (a WebSocket and an HTTP
 * stream through Pushpin's client port): every published item reaches both, once. Small and paced
 * (batch 5, one call in flight), well under Pushpin's 100-item queue per stream session.
 */
class BenchPushpinTest {

  @RegisterExtension
  static PushpinExtension pushpin = PushpinExtension.builder().build();

  @Test
  void subscribersReceiveEveryItemOnceAndTheReportSaysSo(PushpinInstance p) throws Exception {
    String channel = "bench-" + UUID.randomUUID();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new BenchCommand(Map.of()));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));

    int code = cl.execute("--grip-url", p.gripUrl(), "--channel", channel, "--items", "100", "--batch", "5", "-c", "1",
        "--subscribe", p.webSocketUri("/ws?channel=" + channel).toString(),
        "--subscribe", p.clientUri("/stream?channel=" + channel).toString(),
        "--json", "--no-progress");

    assertEquals(0, code, err + "\n" + out);
    JsonNode r = new ObjectMapper().readTree(out.toString());
    assertEquals(100, r.get("items").asLong());
    assertEquals(0, r.get("errors").asLong());
    JsonNode subs = r.get("subscribers");
    assertEquals(2, subs.size());
    for (JsonNode s : subs) {
      assertEquals(100, s.get("delivered").asLong(), s.toString());
      assertEquals(0, s.get("duplicates").asLong(), s.toString());
      assertTrue(s.get("error").isNull(), s.toString());
      JsonNode l = s.get("latencyMs");
      assertTrue(l.get("p50").asDouble() > 0 && l.get("p50").asDouble() <= l.get("p99").asDouble(), l.toString());
    }
  }
}
