package io.gripcast.spring.boot;

import io.gripcast.BufferedPublisher;
import io.gripcast.http.GripInstruct;
import io.gripcast.http.HoldMode;
import io.gripcast.item.Content;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.servlet.GripRequest;
import io.gripcast.spring.boot.web.GripEntities;
import io.gripcast.ws.WebSocketContext;
import io.gripcast.ws.WebSocketResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A small application using every MVC feature of the starter. */
@SpringBootApplication
class TestApp {

  @RestController
  static class Controller {
    private final BufferedPublisher buffer;

    Controller(BufferedPublisher buffer) {
      this.buffer = buffer;
    }

    /** WebSocket-over-HTTP: subscribe to the room, echo each message. */
    @PostMapping("/ws")
    WebSocketResponse ws(WebSocketContext ws, GripRequest grip) {
      if (ws.isOpening()) {
        ws.accept();
        ws.subscribe(ws.queryParameter("room").orElse("lobby"));
        ws.send("signed=" + grip.isSigned());
      }
      while (ws.canReceive()) {
        Content message = ws.receive();
        if (message == null) {
          ws.close();
          break;
        }
        ws.send("echo: " + new String(message.toBytes(), StandardCharsets.UTF_8));
      }
      return ws.toResponse();
    }

    @GetMapping("/events/{room}")
    ResponseEntity<String> events(@PathVariable("room") String room) {
      return GripEntities.eventStream(room);
    }

    /** A long-poll as an instruct body. */
    @GetMapping("/poll/{channel}")
    GripInstruct poll(@PathVariable("channel") String channel) {
      return GripInstruct.builder().hold(HoldMode.RESPONSE).channel(channel).timeout(20).responseBody("timeout").build();
    }

    /** Queued in the buffered publisher, sent in the background (or at shutdown). */
    @PostMapping("/announce")
    String announce(@RequestParam("room") String room, @RequestParam("text") String text) {
      buffer.submit(room, Item.of(HttpStream.text("data: " + text + "\n\n")));
      return "queued";
    }
  }
}
