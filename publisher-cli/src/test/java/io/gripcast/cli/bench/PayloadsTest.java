package io.gripcast.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.item.Item;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PayloadsTest {
  private final Payloads p = new Payloads("abcd1234", 64, List.of(Payloads.Kind.HTTP_STREAM, Payloads.Kind.WS_MESSAGE));

  @Test
  void contentHasTheExactSizeAndParsesBack() {
    Item item = p.item(41, 123_456_789L);
    String stream = ((io.gripcast.item.Content.Text) item.httpStream().content()).value();
    assertEquals(64, stream.getBytes(StandardCharsets.UTF_8).length);
    assertTrue(stream.endsWith("\n"));
    assertEquals(stream, ((io.gripcast.item.Content.Text) item.wsMessage().content()).value());
    Payloads.Marker m = p.parse(stream.strip());
    assertEquals(new Payloads.Marker(41, 123_456_789L, false), m);
  }

  @Test
  void probesAndOtherRunsAreToldApart() {
    String probe = ((io.gripcast.item.Content.Text) p.probe(5).wsMessage().content()).value();
    assertTrue(p.parse(probe).probe());
    Payloads other = new Payloads("ffff0000", 64, List.of(Payloads.Kind.WS_MESSAGE));
    assertNull(p.parse(((io.gripcast.item.Content.Text) other.item(1, 1).wsMessage().content()).value()));
    assertNull(p.parse("stream open"));
    assertNull(p.parse("gcb abcd1234 x"));
  }

  @Test
  void formatNamesAreTheWireNames() {
    assertEquals(Payloads.Kind.HTTP_RESPONSE, Payloads.Kind.parse("http-response"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Payloads.Kind.parse("http_stream"));
    assertTrue(e.getMessage().contains("ws-message, http-stream or http-response"), e.getMessage());
  }
}
