package io.gripcast.examples.chat;

import io.gripcast.BufferedPublisher;
import io.gripcast.PublishResult;
import io.gripcast.Publisher;
import io.gripcast.item.Content;
import io.gripcast.spring.boot.web.GripEntities;
import io.gripcast.ws.WebSocketContext;
import io.gripcast.ws.WebSocketResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * /chat/* is reached only through Pushpin (gripcast.grip-sig.url-patterns): the WebSocket of the
 * chat page and the read-only SSE view. /api/announcements publishes to a room.
 */
@RestController
class ChatController {
  private final BufferedPublisher chat;
  private final Publisher publisher;

  ChatController(BufferedPublisher chat, Publisher publisher) {
    this.chat = chat;
    this.publisher = publisher;
  }

  /**
   * The browser's WebSocket, as WebSocket-over-HTTP: join the room's channel on open, publish
   * each message to the room (the sender gets it back from the channel like everyone else).
   */
  @PostMapping("/chat/ws")
  WebSocketResponse socket(WebSocketContext ws) {
    String channel = Rooms.channel(ws.queryParameter("room").orElse("lobby"));
    if (ws.isOpening()) {
      ws.accept();
      ws.subscribe(channel);
    }
    while (ws.canReceive()) {
      Content message = ws.receive();
      if (message == null) {
        ws.close();
        break;
      }
      String text = new String(message.toBytes(), StandardCharsets.UTF_8).strip();
      if (!text.isEmpty()) {
        // buffered: the request returns at once, the batch goes out within milliseconds, and
        // what is still queued at shutdown is sent before the app exits
        chat.submit(channel, Rooms.item("message", text));
      }
    }
    return ws.toResponse();
  }

  /** A read-only server-sent-events view of a room. */
  @GetMapping("/chat/rooms/{room}/events")
  ResponseEntity<String> events(@PathVariable("room") String room) {
    return GripEntities.eventStream(Rooms.channel(room));
  }

  /** Publishes an announcement to a room and says whether Pushpin took it. */
  @PostMapping("/api/announcements")
  ResponseEntity<String> announce(@RequestParam(name = "room", defaultValue = "lobby") String room,
      @RequestBody String text) {
    PublishResult result = publisher.publish(Rooms.channel(room), Rooms.item("announcement", text.strip()));
    return result.success()
        ? ResponseEntity.accepted().body("published to " + room + "\n")
        : ResponseEntity.status(HttpStatus.BAD_GATEWAY).body("not published: " + result + "\n");
  }
}
