package io.gripcast.examples.broadcast;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gripcast.EndpointResult;
import io.gripcast.GripException;
import io.gripcast.PublishException;
import io.gripcast.PublishResult;
import io.gripcast.Publisher;
import io.gripcast.RetryPolicy;
import io.gripcast.config.Endpoint;
import io.gripcast.config.GripUrl;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A Lambda run on a schedule (an EventBridge rule or EventBridge Scheduler) that publishes one
 * message to the channels of {@code BROADCAST_CHANNELS} through the GRIP proxy of {@code GRIP_URL}:
 * a text frame for WebSocket subscribers and a server-sent event for HTTP stream subscribers,
 * carrying {@code {"type":"broadcast","text":BROADCAST_TEXT,"time":<the event's time>}}.
 *
 * <p>Every publish completes before {@link #handleRequest} returns: Lambda freezes the execution
 * environment as soon as the handler returns, so a publish still in flight might never be sent. A
 * publish that fails throws (Lambda reports the error, and retries asynchronous invocations); one
 * that cannot finish before the function's deadline is cancelled and throws
 * {@link BroadcastTimeoutException}. The item id is derived from the event's id, so a retried
 * event is deduplicated by the proxy.
 *
 * <p>Handler string for Lambda: {@code io.gripcast.examples.broadcast.BroadcastHandler::handleRequest}.
 */
public final class BroadcastHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  /** Time kept back from the function's deadline to cancel the publish and report it. */
  static final Duration DEADLINE_MARGIN = Duration.ofMillis(500);

  /** One publisher per execution environment, reused across invocations, built on the first. */
  private static final SharedPublisher SHARED = new SharedPublisher(BroadcastHandler::publisherFromEnvironment);

  private final Supplier<Publisher> publisher;
  private final BroadcastConfig config;
  private final Clock clock;

  /** The handler Lambda creates: {@code BROADCAST_*} from the environment, the shared publisher for {@code GRIP_URL}. */
  public BroadcastHandler() {
    this(SHARED, BroadcastConfig.fromEnvironment(System.getenv()));
    SnapStartPriming.register(SHARED, config); // SnapStart: prime the publish path before the snapshot
  }

  /** A handler publishing with the given publisher (not closed by the handler). */
  public BroadcastHandler(Supplier<Publisher> publisher, BroadcastConfig config) {
    this(publisher, config, Clock.systemUTC());
  }

  BroadcastHandler(Supplier<Publisher> publisher, BroadcastConfig config, Clock clock) {
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Publishes the broadcast for one scheduled event and returns a summary:
   * {@code {"time", "itemId", "channels", "items", "endpoints": [{"endpoint", "outcome", "status",
   * "attempts", "itemsPublished"}]}}.
   *
   * @throws PublishException when an endpoint did not accept the items
   * @throws BroadcastTimeoutException when the publish could not finish before the deadline
   * @throws IllegalArgumentException when the event's {@code time} is not an ISO-8601 instant
   * @throws io.gripcast.config.GripConfigException when {@code GRIP_URL} is missing or invalid
   */
  @Override
  public Map<String, Object> handleRequest(Map<String, Object> event, Context lambda) {
    Map<String, Object> e = event == null ? Map.of() : event;
    Instant time = eventTime(e);
    String itemId = e.get("id") instanceof String && !((String) e.get("id")).isEmpty() ? "broadcast-" + e.get("id") : null;
    Item item = item(itemId, config.text(), time);

    CompletableFuture<PublishResult> pending = publisher.get().publishAsync(config.channels(), item);
    PublishResult result = awaitBeforeDeadline(pending, lambda); // nothing is left in flight past this line
    if (lambda != null) {
      lambda.getLogger().log(result.summary());
    }
    return summary(time, itemId, result);
  }

  /** The message, as a WebSocket text frame and as a server-sent event, both from the same JSON. */
  static Item item(String id, String text, Instant time) {
    String content = "{\"type\":\"broadcast\",\"text\":" + jsonString(text) + ",\"time\":" + jsonString(time.toString()) + "}";
    Item.Builder b = Item.builder()
        .format(WsMessage.text(content))
        .format(HttpStream.text("event: broadcast\ndata: " + content + "\n\n"));
    if (id != null) {
      b.id(id);
    }
    return b.build();
  }

  /**
   * A JSON string literal. By hand, not with Jackson: three fields do not need a JSON library, and
   * Jackson's first writer costs about 40 ms of class loading on a cold start, which a scheduled
   * function pays on every cold invocation (docs/performance.md, "The example's cold invocation").
   */
  static String jsonString(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\b' -> b.append("\\b");
        case '\t' -> b.append("\\t");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04X", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private Instant eventTime(Map<String, Object> event) {
    Object time = event.get("time");
    if (time == null) {
      return clock.instant(); // a manual test invocation without an EventBridge envelope
    }
    try {
      return Instant.parse(time.toString());
    } catch (DateTimeParseException ex) {
      throw new IllegalArgumentException("the event's time '" + time + "' is not an ISO-8601 instant such as"
          + " 2024-05-01T12:00:00Z (EventBridge sends one in 'time')", ex);
    }
  }

  private PublishResult awaitBeforeDeadline(CompletableFuture<PublishResult> pending, Context lambda) {
    long waitMillis = lambda == null ? Long.MAX_VALUE : lambda.getRemainingTimeInMillis() - DEADLINE_MARGIN.toMillis();
    try {
      return waitMillis == Long.MAX_VALUE ? pending.get() : pending.get(Math.max(waitMillis, 1), TimeUnit.MILLISECONDS);
    } catch (TimeoutException ex) {
      pending.cancel(true); // cancels the HTTP calls and any retry still scheduled
      throw new BroadcastTimeoutException("the publish to " + config.channels() + " did not finish before the"
          + " function's deadline and was cancelled: give the function a timeout of at least 15 s (each attempt"
          + " may take 5 s, retries at most 10 s)");
    } catch (ExecutionException ex) {
      Throwable cause = ex.getCause();
      if (cause instanceof PublishException) {
        throw new PublishException(((PublishException) cause).result()); // with this thread's stack
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new GripException("publish failed: " + cause, cause);
    } catch (InterruptedException ex) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new GripException("interrupted while publishing; the publish was cancelled", ex);
    }
  }

  private Map<String, Object> summary(Instant time, String itemId, PublishResult result) {
    List<Map<String, Object>> endpoints = new ArrayList<>();
    for (EndpointResult r : result.endpoints()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("endpoint", r.endpoint());
      m.put("outcome", r.outcome().name());
      m.put("status", r.status());
      m.put("attempts", r.attempts());
      m.put("itemsPublished", r.itemsPublished());
      endpoints.add(Collections.unmodifiableMap(m));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("time", time.toString());
    out.put("itemId", itemId);
    out.put("channels", config.channels());
    out.put("items", result.items());
    out.put("endpoints", List.copyOf(endpoints));
    return Collections.unmodifiableMap(out);
  }

  /**
   * The publisher for {@code GRIP_URL} (and {@code GRIP_VERIFY_KEY}), with timeouts that fit a
   * short function: 5 s per attempt, retries within 10 s. Warnings about the URL go to the log.
   */
  static Publisher publisherFromEnvironment() {
    Endpoint endpoint = GripUrl.fromEnvironment(System.getenv());
    endpoint.warnings().forEach(w -> System.err.println("BroadcastHandler: GRIP_URL: " + w));
    return Publisher.builder()
        .endpoint(endpoint)
        .callTimeout(Duration.ofSeconds(5))
        .retryPolicy(RetryPolicy.defaults().withTotalBudget(Duration.ofSeconds(10)))
        .build();
  }

  /**
   * Runs one invocation locally, as the schedule would: {@code GRIP_URL=http://localhost:5561 java -jar
   * lambda-scheduled-broadcast.jar}. Prints the summary as JSON; exits with 1 when the publish failed.
   */
  public static void main(String[] args) throws java.io.IOException {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("version", "0");
    event.put("id", java.util.UUID.randomUUID().toString());
    event.put("detail-type", "Scheduled Event");
    event.put("source", "local");
    event.put("time", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    event.put("detail", Map.of());
    try {
      Map<String, Object> summary = new BroadcastHandler().handleRequest(event, null);
      java.io.StringWriter out = new java.io.StringWriter();
      try (JsonGenerator g = new JsonFactory().createGenerator(out).useDefaultPrettyPrinter()) {
        writeJson(g, summary);
      }
      System.out.println(out);
    } catch (RuntimeException e) {
      System.err.println("broadcast failed: " + e.getMessage());
      System.exit(1);
    }
  }

  /** The summary's maps, lists, strings and numbers as JSON. */
  private static void writeJson(JsonGenerator g, Object value) throws java.io.IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeJson(g, e.getValue());
      }
      g.writeEndObject();
    } else if (value instanceof List<?> list) {
      g.writeStartArray();
      for (Object o : list) {
        writeJson(g, o);
      }
      g.writeEndArray();
    } else if (value instanceof Integer || value instanceof Long) {
      g.writeNumber(((Number) value).longValue());
    } else {
      g.writeString(value.toString());
    }
  }

  @Override
  public String toString() {
    return "BroadcastHandler[channels=" + config.channels() + "]";
  }
}
