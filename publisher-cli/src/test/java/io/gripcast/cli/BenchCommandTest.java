package io.gripcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code gripcast bench} through {@code CommandLine.execute} against MockWebServer: the report's
 * shape and counts, error counting and exit codes, and usage errors. Delivery is not tested here
 * (that needs a real proxy and subscribers).
 */
class BenchCommandTest {
  private static final ObjectMapper M = new ObjectMapper();

  private MockWebServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  /** Answer for the n-th request (1-based). */
  private volatile IntFunction<MockResponse> answer = n -> ok();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        bodies.add(r.getBody() == null ? "" : r.getBody().string(StandardCharsets.UTF_8));
        return answer.apply(requests.incrementAndGet());
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static MockResponse ok() {
    return new MockResponse.Builder().code(200).body("Published\n").build();
  }

  private static MockResponse status(int code, String body) {
    return new MockResponse.Builder().code(code).body(body).build();
  }

  private String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  private int run(Map<String, String> env, String... args) {
    CommandLine cl = new CommandLine(new BenchCommand(env));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private int run(String... args) {
    return run(Map.of(), args);
  }

  private JsonNode json() throws Exception {
    return M.readTree(out.toString());
  }

  @Test
  void jsonReportHasThroughputLatencyAndCounts() throws Exception {
    int code = run("--grip-url", url(), "--items", "25", "--batch", "10", "-c", "2", "--json", "--no-progress");

    assertEquals(0, code, err.toString());
    JsonNode r = json();
    assertEquals(25, r.get("items").asLong());
    assertEquals(3, r.get("requests").asLong()); // 10 + 10 + 5
    assertEquals(0, r.get("errors").asLong());
    assertTrue(r.get("itemsPerSecond").asDouble() > 0, r.toString());
    assertTrue(r.get("requestsPerSecond").asDouble() > 0, r.toString());
    assertEquals(r.get("itemsPerSecond").asDouble() / r.get("requestsPerSecond").asDouble(), 25 / 3.0, 0.01);
    JsonNode l = r.get("latencyMs");
    double p50 = l.get("p50").asDouble();
    double p90 = l.get("p90").asDouble();
    double p99 = l.get("p99").asDouble();
    assertTrue(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= l.get("max").asDouble(), l.toString());
    assertEquals(url() + "/publish/", r.get("endpoints").get(0).asText());
    assertEquals(3, requests.get());
  }

  @Test
  void itemsOnTheWireAreNumberedAndCarryEveryFormatOfTheRequestedSize() throws Exception {
    int code = run("--grip-url", url(), "--items", "12", "--batch", "5", "-c", "1", "--size", "100", "--channel", "load",
        "--format", "ws-message", "--format", "http-response", "--no-progress");

    assertEquals(0, code, err.toString());
    assertEquals(3, bodies.size());
    TreeSet<Long> seqs = new TreeSet<>();
    List<Integer> perRequest = new ArrayList<>();
    for (String body : bodies) {
      JsonNode items = M.readTree(body).get("items");
      perRequest.add(items.size());
      for (JsonNode item : items) {
        assertEquals("load", item.get("channel").asText());
        assertTrue(item.hasNonNull("id"), "ids are on by default: " + item);
        JsonNode formats = item.get("formats");
        assertEquals(List.of("http-response", "ws-message"), fieldNames(formats));
        String ws = formats.get("ws-message").get("content").asText();
        assertEquals(ws, formats.get("http-response").get("body").asText());
        assertEquals(100, ws.getBytes(StandardCharsets.UTF_8).length);
        String[] words = ws.split(" ");
        assertEquals("gcb", words[0]);
        seqs.add(Long.parseLong(words[2]));
      }
    }
    assertEquals(List.of(5, 5, 2), perRequest);
    assertEquals(12, seqs.size());
    assertEquals(0L, seqs.first());
    assertEquals(11L, seqs.last());
    assertTrue(out.toString().contains("items/s"), out.toString());
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void failedCallsAreCountedByOutcomeAndSetTheExitCode() throws Exception {
    answer = n -> n % 3 == 0 ? status(503, "busy\n") : ok();

    int code = run("--grip-url", url(), "--items", "9", "--batch", "1", "-c", "1", "--json", "--no-progress");

    assertEquals(BenchCommand.UNAVAILABLE, code);
    JsonNode r = json();
    assertEquals(3, r.get("errors").asLong());
    assertEquals(3, r.get("failedItems").asLong());
    assertEquals(6, r.get("items").asLong());
    assertEquals(6, r.get("requests").asLong());
    assertEquals(3, r.get("errorsByKind").get("UNAVAILABLE").asLong());
    assertEquals(9, requests.get(), "no retries by default");
  }

  @Test
  void rejectedCallsCarryTheProxysMessage() throws Exception {
    answer = n -> status(400, "Invalid format: bad\n");

    int code = run("--grip-url", url(), "--items", "2", "-c", "1", "--json", "--no-progress");

    assertEquals(BenchCommand.REJECTED, code);
    JsonNode r = json();
    assertEquals(2, r.get("errors").asLong());
    assertEquals(0, r.get("items").asLong());
    assertTrue(r.get("errorMessages").get("REJECTED").asText().contains("Invalid format: bad"), r.toString());
  }

  @Test
  void authRefusalExitsWith77() {
    answer = n -> status(401, "no\n");
    assertEquals(BenchCommand.AUTH, run("--grip-url", url(), "--items", "1", "--no-progress"));
  }

  @Test
  void retriesTurnTransientFailuresIntoSuccess() throws Exception {
    answer = n -> n % 2 == 1 ? status(503, "busy\n") : ok();

    int code = run("--grip-url", url(), "--items", "3", "-c", "1", "--retries", "2", "--json", "--no-progress");

    assertEquals(0, code, err.toString());
    assertEquals(0, json().get("errors").asLong());
    assertEquals(6, requests.get());
  }

  @Test
  void keepsExactlyTheRequestedNumberOfCallsInFlight() throws Exception {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    answer = n -> {
      most.accumulateAndGet(now.incrementAndGet(), Math::max);
      try {
        Thread.sleep(50); // long enough for the other calls to arrive, even on a loaded machine
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        now.decrementAndGet();
      }
      return ok();
    };

    int code = run("--grip-url", url(), "--items", "40", "--batch", "1", "-c", "4", "--json", "--no-progress");

    assertEquals(0, code, err.toString());
    assertEquals(40, json().get("items").asLong());
    assertEquals(40, requests.get(), "every item once, no more calls after the last");
    assertEquals(4, most.get(), "calls in flight at once");
  }

  @Test
  void unreachableProxyCountsEveryCallAsUnavailable() throws Exception {
    String dead = url();
    server.close();

    int code = run("--grip-url", dead, "--items", "4", "--batch", "2", "--json", "--no-progress");

    assertEquals(BenchCommand.UNAVAILABLE, code);
    JsonNode r = json();
    assertEquals(2, r.get("errors").asLong());
    assertEquals(4, r.get("failedItems").asLong());
    assertEquals(0.0, r.get("itemsPerSecond").asDouble());
  }

  @Test
  void gripUrlComesFromTheEnvironmentWhenNotGiven() throws Exception {
    int code = run(Map.of("GRIP_URL", url()), "--items", "1", "--json", "--no-progress");

    assertEquals(0, code, err.toString());
    assertEquals(1, requests.get());
  }

  @Test
  void progressGoesToStderrAndLeavesTheJsonAlone() throws Exception {
    int code = run("--grip-url", url(), "--items", "3", "--json");

    assertEquals(0, code, err.toString());
    assertEquals(3, json().get("items").asLong()); // stdout parses as one JSON document
  }

  @Test
  void badOptionsAreUsageErrorsThatNameTheOption() {
    assertEquals(BenchCommand.USAGE, run("--grip-url", url(), "--batch", "0"));
    assertTrue(err.toString().contains("--batch"), err.toString());
    assertEquals(BenchCommand.USAGE, run("--grip-url", url(), "--format", "sse"));
    assertTrue(err.toString().contains("--format"), err.toString());
    assertEquals(BenchCommand.USAGE, run("--grip-url", url(), "--size", "10"));
    assertTrue(err.toString().contains("--size"), err.toString());
    assertEquals(BenchCommand.USAGE, run("--grip-url", url(), "--duration", "soon"));
    assertTrue(err.toString().contains("--duration"), err.toString());
    assertEquals(BenchCommand.USAGE, run("--grip-url", url(), "--subscribe", "ftp://x/"));
    assertTrue(err.toString().contains("--subscribe"), err.toString());
    assertEquals(0, requests.get(), "nothing is sent on a usage error");
  }

  @Test
  void runsAsASubcommandOfGripcast() throws Exception {
    CliContext ctx = new CliContext(Map.of("GRIP_URL", url()), new java.io.ByteArrayInputStream(new byte[0]),
        java.nio.file.Path.of("."));
    String[] args = {"bench", "--items", "4", "--batch", "2", "--json", "--no-progress"};
    CommandLine root = GripcastCommand.commandLine(ctx, args);
    root.setOut(new PrintWriter(out, true));
    root.setErr(new PrintWriter(err, true));

    assertEquals(0, root.execute(args), err.toString());
    assertEquals(4, json().get("items").asLong());
    assertEquals(2, requests.get());
  }

  @Test
  void badGripUrlIsAConfigurationErrorWithoutTheSecret() {
    int code = run("--grip-url", "http://host:notaport/?key=s3cret-token", "--items", "1");

    assertEquals(BenchCommand.CONFIG, code);
    assertTrue(!err.toString().contains("s3cret-token") && !out.toString().contains("s3cret-token"), err.toString());
    assertTrue(err.toString().contains("gripcast bench:"), err.toString());
  }
}
