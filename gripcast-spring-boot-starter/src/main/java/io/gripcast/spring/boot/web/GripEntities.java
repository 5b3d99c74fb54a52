package io.gripcast.spring.boot.web;

import io.gripcast.http.GripInstruct;
import io.gripcast.servlet.GripResponses;
import java.util.Objects;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * GRIP holds as Spring {@code ResponseEntity}s: the {@code Grip-*} headers come from
 * {@link GripInstruct#headers()}; status, other headers and body stay yours.
 *
 * <pre>{@code
 * @GetMapping("/rooms/{room}/events")
 * ResponseEntity<String> events(@PathVariable String room) {
 *   return GripEntities.eventStream("room-" + room);
 * }
 *
 * @GetMapping("/jobs/{id}")
 * ResponseEntity<String> job(@PathVariable String id) {
 *   return GripEntities.hold(GripInstruct.builder().hold(HoldMode.RESPONSE).channel("job-" + id).timeout(30).build())
 *       .contentType(MediaType.APPLICATION_JSON).body("{\"status\":\"pending\"}");
 * }
 * }</pre>
 */
public final class GripEntities {
  private GripEntities() {}

  /**
   * A 200 builder carrying {@code instruct}'s {@code Grip-*} headers.
   *
   * @throws IllegalArgumentException when a value cannot be written in a header
   * @throws IllegalStateException when the instruct carries a response header or body (return the
   *     {@link GripInstruct} itself instead: it is sent as the instruct body)
   */
  public static ResponseEntity.BodyBuilder hold(GripInstruct instruct) {
    ResponseEntity.BodyBuilder b = ResponseEntity.ok();
    Objects.requireNonNull(instruct, "instruct").headers().forEach((name, value) -> b.header(name, value));
    return b;
  }

  /**
   * A server-sent-events stream held on {@code channels}: 200, {@code text/event-stream},
   * {@code Cache-Control: no-cache}, an SSE comment as keep-alive after
   * {@value GripResponses#SSE_KEEP_ALIVE_SECONDS} s of silence, and an empty first body.
   *
   * @throws IllegalArgumentException when no channel is given
   */
  public static ResponseEntity<String> eventStream(String... channels) {
    return hold(GripResponses.eventStreamInstruct(channels))
        .contentType(MediaType.TEXT_EVENT_STREAM)
        .cacheControl(CacheControl.noCache())
        .body("");
  }
}
