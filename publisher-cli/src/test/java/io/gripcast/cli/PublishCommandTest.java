package io.gripcast.cli;

import static io.gripcast.cli.Cli.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gripcast publish} in-process against MockWebServer: what goes on the wire, and how every
 * kind of failure becomes one stderr line and its exit code.
 */
class PublishCommandTest extends MockServerTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static MockResponse status(int code, String body) {
    return new MockResponse.Builder().code(code).body(body).build();
  }

  RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertNotNull(r, "no request reached the server");
    return r;
  }

  static JsonNode body(RecordedRequest r) throws IOException {
    return JSON.readTree(r.getBody().utf8());
  }

  static JsonNode item(RecordedRequest r) throws IOException {
    JsonNode items = body(r).get("items");
    assertEquals(1, items.size(), "items: " + items);
    return items.get(0);
  }

  /** An error is exactly one line, names the command, and carries no stack trace. */
  static void assertOneLineError(Cli.Result r) {
    assertEquals(1, r.errLines().length, "stderr should be one line: " + r);
    assertTrue(r.err().startsWith("gripcast publish: "), r.toString());
    assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r);
  }

  // ------------------------------------------------------------------------------ success

  @Test
  void publishesContentWithPushpinPublishMappingAndPrintsPublished() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "test", "hello");
    assertEquals(0, r.code(), r.toString());
    assertEquals("Published\n", r.out());
    assertEquals("", r.err());
    RecordedRequest req = take();
    assertEquals("POST", req.getMethod());
    assertEquals("/publish/", req.getTarget());
    assertTrue(req.getHeaders().get("Content-Type").startsWith("application/json"));
    JsonNode item = item(req);
    assertEquals("test", item.get("channel").asText());
    JsonNode f = item.get("formats");
    assertEquals("hello\n", f.get("http-response").get("body").asText());
    assertEquals(200, f.get("http-response").get("code").asInt());
    assertEquals("hello\n", f.get("http-stream").get("content").asText());
    assertEquals("hello", f.get("ws-message").get("content").asText(), "no newline on ws");
    assertTrue(item.hasNonNull("id"), "a generated id makes retries safe: " + item);
  }

  @Test
  void gripUrlFromEnvironmentIsUsedWhenNoSpec() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().env("GRIP_URL", spec).run("publish", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    assertEquals("/publish/", take().getTarget());
  }

  @Test
  void specOverridesGripUrlEnvironment() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().env("GRIP_URL", "http://127.0.0.1:1").run("publish", "--spec", spec, "test", "hi");
    assertEquals(0, r.code(), r.toString());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void trailingSlashInSpecDoesNotDoubleTheSlash() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec + "/", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    assertEquals("/publish/", take().getTarget(), "pushpin-publish would send //publish/ and get a 404");
  }

  @Test
  void severalChannelsGoInOneRequest() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "-c", "b", "-c", "c", "a", "hi");
    assertEquals(0, r.code(), r.toString());
    JsonNode items = body(take()).get("items");
    assertEquals(3, items.size());
    assertEquals("a", items.get(0).get("channel").asText());
    assertEquals("b", items.get(1).get("channel").asText());
    assertEquals("c", items.get(2).get("channel").asText());
    assertEquals(items.get(0).get("id"), items.get(2).get("id"), "one item, one id, on every channel");
  }

  @Test
  void withChannelOptionALoneArgumentIsTheContent() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "-c", "news", "hello");
    assertEquals(0, r.code(), r.toString());
    JsonNode item = item(take());
    assertEquals("news", item.get("channel").asText());
    assertEquals("hello", item.get("formats").get("ws-message").get("content").asText());
  }

  @Test
  void severalSpecsPublishToEach() throws Exception {
    try (MockWebServer second = new MockWebServer()) {
      second.start();
      server.enqueue(published());
      second.enqueue(published());
      Cli.Result r = cli().run("publish", "--spec", spec, "--grip-url", "http://127.0.0.1:" + second.getPort(), "t", "x");
      assertEquals(0, r.code(), r.toString());
      assertEquals("Published\n", r.out());
      assertEquals(1, server.getRequestCount());
      assertEquals(1, second.getRequestCount());
      assertEquals(item(take()), item(second.takeRequest(5, TimeUnit.SECONDS)), "the same item, id included");
    }
  }

  @Test
  void stdinContentIsSentAsIsWithoutAddedNewline() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().stdin("from stdin\n").run("publish", "--spec", spec, "test", "-");
    assertEquals(0, r.code(), r.toString());
    JsonNode f = item(take()).get("formats");
    assertEquals("from stdin\n", f.get("http-stream").get("content").asText());
    assertEquals("from stdin\n", f.get("ws-message").get("content").asText());
  }

  @Test
  void binaryFileGoesOutAsBinFieldsAndArrivesByteForByte() throws Exception {
    byte[] bytes = {'a', 0, (byte) 0xff, (byte) 0xfe, 'b'};
    Files.write(dir.resolve("bin.dat"), bytes);
    server.enqueue(published());
    Cli.Result r = cli().workDir(dir).run("publish", "--spec", spec, "test", "@bin.dat");
    assertEquals(0, r.code(), r.toString());
    JsonNode f = item(take()).get("formats");
    assertEquals("YQD//mI=", f.get("ws-message").get("content-bin").asText());
    assertEquals("YQD//mI=", f.get("http-stream").get("content-bin").asText());
    assertEquals("YQD//mI=", f.get("http-response").get("body-bin").asText());
  }

  @Test
  void binaryFlagSendsTextAsBytesWithTheNewlineOnHttpOnly() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "--binary", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    JsonNode f = item(take()).get("formats");
    assertEquals("aGk=", f.get("ws-message").get("content-bin").asText(), "\"hi\"");
    assertEquals("aGkK", f.get("http-stream").get("content-bin").asText(), "\"hi\\n\"");
  }

  @Test
  void formatsCanBeChosen() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "--format", "ws", "--format", "http-stream", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    JsonNode f = item(take()).get("formats");
    assertEquals(2, f.size(), f.toString());
    assertTrue(f.has("ws-message") && f.has("http-stream"));
  }

  @Test
  void closeWithCodeAndReasonReachesTheWsFormat() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "--close-code", "4001", "--close-reason", "bye", "test");
    assertEquals(0, r.code(), r.toString());
    JsonNode f = item(take()).get("formats");
    assertEquals("close", f.get("ws-message").get("action").asText());
    assertEquals(4001, f.get("ws-message").get("code").asInt());
    assertEquals("bye", f.get("ws-message").get("reason").asText());
    assertEquals("close", f.get("http-stream").get("action").asText());
    assertNull(f.get("http-response"));
  }

  @Test
  void wsTypePingNeedsNoContent() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "--format", "ws", "--ws-type", "ping", "test");
    assertEquals(0, r.code(), r.toString());
    assertEquals("ping", item(take()).get("formats").get("ws-message").get("type").asText());
  }

  @Test
  void reasonAndCodeGoToHttpResponse() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "--code", "201", "--reason", "Made", "test", "x");
    assertEquals(0, r.code(), r.toString());
    JsonNode resp = item(take()).get("formats").get("http-response");
    assertEquals(201, resp.get("code").asInt());
    assertEquals("Made", resp.get("reason").asText());
  }

  @Test
  void headerAndMetaTakeSeveralValuesLikePushpinPublish() throws Exception {
    server.enqueue(published());
    // pushpin-publish (clap) lets one -H / -M take several values; scripts rely on it
    Cli.Result r = cli().run("publish", "--spec", spec, "test", "hi", "-H", "X-A: 1", "X-B:2", "-M", "a=b", "c=d=e");
    assertEquals(0, r.code(), r.toString());
    JsonNode item = item(take());
    JsonNode headers = item.get("formats").get("http-response").get("headers");
    assertEquals("1", header(headers, "X-A"));
    assertEquals("2", header(headers, "X-B"));
    assertEquals("b", item.get("meta").get("a").asText());
    assertEquals("d=e", item.get("meta").get("c").asText());
  }

  @Test
  void headerBeforeChannelStopsAtTheChannel() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "-H", "X-A: 1", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    JsonNode item = item(take());
    assertEquals("test", item.get("channel").asText());
    assertEquals("1", header(item.get("formats").get("http-response").get("headers"), "X-A"));
  }

  /** Headers are either an object or a list of [name, value] pairs on the wire; both mean the same. */
  static String header(JsonNode headers, String name) {
    if (headers.isObject()) {
      return headers.path(name).asText(null);
    }
    for (JsonNode pair : headers) {
      if (pair.get(0).asText().equals(name)) {
        return pair.get(1).asText();
      }
    }
    return null;
  }

  @Test
  void metaOverridesSenderAsInPushpinPublish() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "-M", "sender=x", "--sender", "y", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    assertEquals("x", item(take()).get("meta").get("sender").asText());
  }

  @Test
  void noAutoIdSendsNoId() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "--no-auto-id", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    assertNull(item(take()).get("id"));
  }

  @Test
  void hintWinsOverCloseWithAWarningAsInPushpinPublish() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "--hint", "--close", "test", "ignored");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.err().contains("warning: --close ignored"), r.toString());
    JsonNode f = item(take()).get("formats");
    assertEquals(3, f.size());
    f.forEach(format -> assertEquals("hint", format.get("action").asText()));
  }

  @Test
  void patchFromFileIsReadUnlikePushpinPublish() throws Exception {
    Files.writeString(dir.resolve("p.json"), "[{\"op\":\"add\",\"path\":\"/a\",\"value\":1}]");
    server.enqueue(published());
    Cli.Result r = cli().workDir(dir).run("publish", "--spec", spec, "--patch", "test", "@p.json");
    assertEquals(0, r.code(), r.toString());
    JsonNode f = item(take()).get("formats");
    assertEquals(1, f.size());
    assertEquals("/a", f.get("http-response").get("body-patch").get(0).get("path").asText());
  }

  // ------------------------------------------------------------------------------ --json, --dry-run, -v

  @Test
  void jsonPrintsPerEndpointResults() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "--json", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    JsonNode j = JSON.readTree(r.out());
    assertTrue(j.get("success").asBoolean());
    assertEquals(0, j.get("exit_code").asInt());
    assertEquals(1, j.get("items").asInt());
    JsonNode e = j.get("endpoints").get(0);
    assertEquals(spec + "/publish/", e.get("endpoint").asText());
    assertEquals("PUBLISHED", e.get("outcome").asText());
    assertEquals(200, e.get("status").asInt());
    assertEquals(1, e.get("attempts").asInt());
    assertEquals("Published", e.get("message").asText());
  }

  @Test
  void jsonIsPrintedForFailuresToo() throws Exception {
    server.enqueue(status(400, "Invalid format: bad\n"));
    Cli.Result r = cli().run("publish", "--spec", spec, "--json", "test", "hi");
    assertEquals(76, r.code(), r.toString());
    JsonNode j = JSON.readTree(r.out());
    assertFalse(j.get("success").asBoolean());
    assertEquals(76, j.get("exit_code").asInt());
    assertEquals("REJECTED", j.get("endpoints").get(0).get("outcome").asText());
    assertEquals(400, j.get("endpoints").get(0).get("status").asInt());
  }

  @Test
  void dryRunPrintsTargetAndBodyAndSendsNothing() throws Exception {
    Cli.Result r = cli().run("publish", "--spec", spec, "--dry-run", "--id", "7", "test", "hello");
    assertEquals(0, r.code(), r.toString());
    String[] lines = r.out().split("\n");
    assertEquals("POST " + spec + "/publish/", lines[0]);
    assertEquals("Content-Type: application/json", lines[1]);
    assertEquals("", lines[2]);
    JsonNode body = JSON.readTree(lines[3]);
    JsonNode item = body.get("items").get(0);
    assertEquals("7", item.get("id").asText());
    assertEquals("hello\n", item.get("formats").get("http-stream").get("content").asText());
    assertEquals(0, server.getRequestCount(), "a dry run sends nothing");
  }

  @Test
  void verbosePrintsAttemptsAndResults() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "-v", "--spec", spec, "test", "hi");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.err().contains("POST " + spec + "/publish/ attempt 1 (1 item, "), r.toString());
    assertTrue(r.err().contains("PUBLISHED (HTTP 200)"), r.toString());
  }

  // ------------------------------------------------------------------------------ failures

  @Test
  void proxyRejection400Exits76WithTheProxysMessage() {
    server.enqueue(status(400, "Invalid format: 'http-stream' does not contain 'content' or 'content-bin'\n"));
    Cli.Result r = cli().run("publish", "--spec", spec, "test", "hi");
    assertEquals(76, r.code(), r.toString());
    assertOneLineError(r);
    assertTrue(r.err().contains("rejected the publish: HTTP 400 Invalid format: 'http-stream' does not contain"), r.err());
    assertTrue(r.err().contains("--dry-run"), "names a way forward: " + r.err());
    assertEquals(1, server.getRequestCount(), "a 400 is not retried");
    assertEquals("", r.out());
  }

  @Test
  void notFoundPointsAtTheGripUrlPath() {
    server.enqueue(status(404, "Not Found\n"));
    Cli.Result r = cli().run("publish", "--spec", spec + "/wrong", "test", "hi");
    assertEquals(76, r.code(), r.toString());
    assertOneLineError(r);
    assertTrue(r.err().contains("check the GRIP URL's path"), r.err());
  }

  @Test
  void unauthorized401Exits77() {
    server.enqueue(status(401, "Unauthorized\n"));
    Cli.Result r = cli().run("publish", "--spec", spec, "test", "hi");
    assertEquals(77, r.code(), r.toString());
    assertOneLineError(r);
    assertTrue(r.err().contains("refused the credentials: HTTP 401"), r.err());
  }

  @Test
  void forbidden403Exits77() {
    server.enqueue(status(403, "Forbidden\n"));
    assertEquals(77, cli().run("publish", "--spec", spec, "test", "hi").code());
  }

  @Test
  void unavailable503IsRetriedThenExits69() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(status(503, "Service Unavailable\n"));
    }
    Cli.Result r = cli().run("publish", "--spec", spec, "--retries", "2", "test", "hi");
    assertEquals(69, r.code(), r.toString());
    assertOneLineError(r);
    assertEquals(3, server.getRequestCount(), "1 attempt + 2 retries");
    assertTrue(r.err().contains("HTTP 503") && r.err().contains("after 3 attempts"), r.err());
  }

  @Test
  void retriedPublishCarriesTheSameId() throws Exception {
    server.enqueue(status(503, "busy\n"));
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "--retries", "1", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    assertEquals(item(take()).get("id"), item(take()).get("id"), "the proxy's id cache drops a duplicate");
  }

  @Test
  void tooManyRequests429Exits69() {
    server.enqueue(status(429, "slow down\n"));
    Cli.Result r = cli().run("publish", "--spec", spec, "--retries", "0", "test", "hi");
    assertEquals(69, r.code(), r.toString());
  }

  @Test
  void closedPortExits69() throws IOException {
    int port = closedPort();
    Cli.Result r = cli().run("publish", "--spec", "http://127.0.0.1:" + port, "--retries", "1", "test", "hi");
    assertEquals(69, r.code(), r.toString());
    assertOneLineError(r);
    assertTrue(r.err().contains("cannot reach http://127.0.0.1:" + port + "/publish/"), r.err());
    assertTrue(r.err().contains("Check --spec or GRIP_URL"), r.err());
  }

  @Test
  void verboseAddsTheStackTrace() throws IOException {
    int port = closedPort();
    Cli.Result r = cli().run("publish", "-v", "--spec", "http://127.0.0.1:" + port, "--retries", "0", "test", "hi");
    assertEquals(69, r.code(), r.toString());
    assertTrue(r.err().contains("\tat "), r.toString());
  }

  @Test
  void worstFailureWinsAcrossEndpoints() throws IOException {
    try (MockWebServer second = new MockWebServer()) {
      second.start();
      server.enqueue(status(400, "Invalid format: x\n"));
      second.enqueue(status(401, "Unauthorized\n"));
      Cli.Result r = cli().run("publish", "--spec", spec, "--spec", "http://127.0.0.1:" + second.getPort(), "t", "x");
      assertEquals(77, r.code(), "auth refused outranks a rejection: " + r);
      assertOneLineError(r);
      assertTrue(r.err().contains("failed at 2 of 2 endpoints"), r.err());
    }
  }

  @Test
  void anySucceedsWhenOneEndpointAccepts() throws IOException {
    try (MockWebServer second = new MockWebServer()) {
      second.start();
      server.enqueue(published());
      second.enqueue(status(400, "Invalid format: x\n"));
      Cli.Result all = cli().run("publish", "--spec", spec, "--spec", "http://127.0.0.1:" + second.getPort(), "t", "x");
      assertEquals(76, all.code(), all.toString());
      server.enqueue(published());
      second.enqueue(status(400, "Invalid format: x\n"));
      Cli.Result any = cli().run("publish", "--any", "--spec", spec, "--spec", "http://127.0.0.1:" + second.getPort(), "t", "x");
      assertEquals(0, any.code(), any.toString());
    }
  }

  @Test
  void badGripUrlExits78() {
    Cli.Result r = cli().env("GRIP_URL", "localhost:5561").run("publish", "test", "hi");
    assertEquals(78, r.code(), r.toString());
    assertOneLineError(r);
    assertTrue(r.err().contains("GRIP_URL localhost:5561 is not a usable GRIP URL: scheme 'localhost' is not supported"),
        r.err());
    assertTrue(r.err().contains("write http://host:port"), "names the fix: " + r.err());
  }

  @Test
  void aZeroMqSpecWhereNothingListensIsUnavailableWithinTheTimeout() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Cli.Result r = cli().run("publish", "--spec", "tcp://127.0.0.1:" + port, "--timeout", "500ms", "test", "hi");
    assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.toString());
    assertTrue(r.err().contains("no ZeroMQ connection to tcp://127.0.0.1:" + port), r.err());
  }

  @Test
  void anIpcSpecWithoutASocketFileIsUnavailableWithinTheTimeoutSayingSo(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) {
    String spec = "ipc://" + dir.resolve("push-in");
    long t0 = System.nanoTime();
    Cli.Result r = cli().run("publish", "--spec", spec, "--timeout", "500ms", "test", "hi");
    assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.toString());
    assertTrue(System.nanoTime() - t0 < java.util.concurrent.TimeUnit.SECONDS.toNanos(8), "bounded by --timeout");
    assertOneLineError(r);
    assertTrue(r.err().contains("no ZeroMQ connection to " + spec), r.err());
    assertTrue(r.err().contains("there is no socket file"), r.err());
  }

  @Test
  void unusableIpcSpecsExit78SayingWhyAndCredentialsWithZeroMqAreAUsageError() {
    Cli.Result ipc = cli().run("publish", "--spec", "ipc://@pushpin-push-in", "test", "hi");
    assertEquals(78, ipc.code(), ipc.toString());
    assertOneLineError(ipc);
    assertTrue(ipc.err().contains("abstract socket"), ipc.err());
    Cli.Result ipcUser = cli().run("publish", "--spec", "ipc:///run/pushpin/push-in", "-B", "t", "test", "hi");
    assertEquals(64, ipcUser.code(), ipcUser.toString());
    assertTrue(ipcUser.err().contains("ZeroMQ has no authentication"), ipcUser.err());
    Cli.Result user = cli().run("publish", "--spec", "tcp://127.0.0.1:5560", "-u", "a:b", "test", "hi");
    assertEquals(64, user.code(), user.toString());
    assertTrue(user.err().contains("ZeroMQ has no authentication"), user.err());
    Cli.Result url = cli().run("url", "--spec", "tcp://127.0.0.1:5560");
    assertEquals(78, url.code(), url.toString());
    assertTrue(url.err().contains("only `gripcast publish` takes"), url.err());
  }

  @Test
  void dryRunOfAZeroMqSpecShowsTheMessageItSends() {
    Cli.Result r = cli().run("publish", "--dry-run", "--spec", "tcp://127.0.0.1:5560", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("ZeroMQ PUSH tcp://127.0.0.1:5560: one message per item"), r.out());
    Cli.Result ipc = cli().run("publish", "--dry-run", "--spec", "ipc:///run/pushpin/pushpin-push-in", "test", "hi");
    assertEquals(0, ipc.code(), ipc.toString());
    assertTrue(ipc.out().startsWith("ZeroMQ PUSH ipc:///run/pushpin/pushpin-push-in: one message per item"), ipc.out());
  }

  @Test
  void secretsNeverAppearInOutput() {
    Cli.Result r = cli().env("GRIP_URL", "ftp://u:hunter2@example.com/x?iss=me&key=s3cr3t").run("publish", "-v", "test", "hi");
    assertEquals(78, r.code(), r.toString());
    assertFalse(r.err().contains("hunter2") || r.err().contains("s3cr3t"), r.err());
    assertTrue(r.err().contains("key=***"), r.err());
  }

  @Test
  void basicAuthOverPlainHttpToAnotherHostIsRefused() {
    Cli.Result r = cli().run("publish", "--spec", "http://example.com", "-u", "user:pa55", "test", "hi");
    assertEquals(78, r.code(), r.toString());
    assertOneLineError(r);
    assertTrue(r.err().contains("use an https://"), r.err());
    assertFalse(r.err().contains("pa55"), r.err());
  }

  @Test
  void basicAuthIsSentToALoopbackProxyAndNeverPrinted() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "-v", "--spec", spec, "-u", "alice:pa55", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    String expected = "Basic " + java.util.Base64.getEncoder().encodeToString("alice:pa55".getBytes(StandardCharsets.UTF_8));
    assertEquals(expected, take().getHeaders().get("Authorization"));
    assertFalse(r.out().contains("pa55") || r.err().contains("pa55"), r.toString());
  }

  @Test
  void bearerTokenIsSentToALoopbackProxyReplacingTheUrlsKeyWithAWarningAndNeverPrinted() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().env("GRIP_URL", spec + "?key=url-token-1")
        .run("publish", "-v", "-B", "cli-token-2", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    assertEquals("Bearer cli-token-2", take().getHeaders().get("Authorization"));
    assertTrue(r.err().contains("warning: GRIP_URL") && r.err().contains("-B replaces the credentials in the GRIP URL"),
        r.err());
    assertFalse(r.toString().contains("cli-token-2") || r.toString().contains("url-token-1"), r.toString());
  }

  @Test
  void bearerLongFlagWithoutUrlCredentialsSendsTheHeaderWithoutAWarning() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().run("publish", "--spec", spec, "--bearer", "tok3n", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    assertEquals("Bearer tok3n", take().getHeaders().get("Authorization"));
    assertFalse(r.err().contains("warning"), r.err());
    Cli.Result dry = cli().run("publish", "--dry-run", "--spec", spec, "-B", "tok3n", "test", "hi");
    assertEquals(0, dry.code(), dry.toString());
    assertTrue(dry.out().contains("Authorization: Bearer ***"), dry.out());
    assertFalse(dry.toString().contains("tok3n"), dry.toString());
  }

  @Test
  void bearerTokenOverPlainHttpToAnotherHostIsRefused() {
    Cli.Result r = cli().run("publish", "--spec", "http://example.com", "-B", "s3cr3t-token", "test", "hi");
    assertEquals(78, r.code(), r.toString());
    assertOneLineError(r);
    assertTrue(r.err().contains("use an https://"), r.err());
    assertFalse(r.toString().contains("s3cr3t-token"), r.toString());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void bearerTokenThatCannotBeAHeaderOrWithUserIsAUsageErrorWithoutTheToken() {
    Cli.Result spaced = cli().run("publish", "--spec", spec, "-B", "sec ret", "test", "hi");
    assertEquals(64, spaced.code(), spaced.toString());
    assertFalse(spaced.toString().contains("sec ret"), spaced.toString());
    Cli.Result both = cli().run("publish", "--spec", spec, "-B", "tok3n", "-u", "a:pa55", "test", "hi");
    assertEquals(64, both.code(), both.toString());
    assertFalse(both.toString().contains("tok3n") || both.toString().contains("pa55"), both.toString());
  }

  @Test
  void prefixGoesInFrontOfEveryChannelFromTheFlagOrGripPrefix() throws Exception {
    server.enqueue(published());
    server.enqueue(published());
    server.enqueue(published());
    ObjectMapper m = new ObjectMapper();
    Cli.Result flag = cli().run("publish", "--spec", spec, "--prefix", "app.", "-c", "sport", "news", "hi");
    assertEquals(0, flag.code(), flag.toString());
    JsonNode items = m.readTree(take().getBody().utf8()).get("items");
    assertEquals("app.news", items.get(0).get("channel").asText());
    assertEquals("app.sport", items.get(1).get("channel").asText());
    Cli.Result env = cli().env("GRIP_PREFIX", "env-").run("publish", "--spec", spec, "news", "hi");
    assertEquals(0, env.code(), env.toString());
    assertEquals("env-news", m.readTree(take().getBody().utf8()).at("/items/0/channel").asText());
    Cli.Result both = cli().env("GRIP_PREFIX", "env-").run("publish", "--spec", spec, "--prefix", "", "news", "hi");
    assertEquals(0, both.code(), both.toString());
    assertEquals("news", m.readTree(take().getBody().utf8()).at("/items/0/channel").asText(), "--prefix wins");
    Cli.Result dry = cli().run("publish", "--dry-run", "--spec", spec, "--prefix", "app.", "news", "hi");
    assertTrue(dry.out().contains("\"channel\":\"app.news\""), dry.out());
  }

  @Test
  void prefixAppliesToNdjsonLinesToo() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().stdin("{\"channel\":\"news\",\"formats\":{\"ws-message\":{\"content\":\"hi\"}}}\n")
        .run("publish", "--spec", spec, "--prefix", "app.", "--ndjson", "-");
    assertEquals(0, r.code(), r.toString());
    assertEquals("app.news", new ObjectMapper().readTree(take().getBody().utf8()).at("/items/0/channel").asText());
  }

  @Test
  void gripUrlWithIssAndKeySignsAJwt() throws Exception {
    server.enqueue(published());
    String key = "0123456789abcdef0123456789abcdef";
    Cli.Result r = cli().env("GRIP_URL", spec + "?iss=realm&key=" + key).run("publish", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    String auth = take().getHeaders().get("Authorization");
    assertTrue(auth.startsWith("Bearer "), auth);
    Jwts.assertHs256(auth.substring(7), key.getBytes(StandardCharsets.UTF_8), "realm");
    assertFalse(r.err().contains(key), r.err());
  }

  @Test
  void weakJwtKeyIsWarnedAboutOnStderr() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().env("GRIP_URL", spec + "?iss=realm&key=changeme").run("publish", "test", "hi");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.err().contains("warning: GRIP_URL") && r.err().contains("256 bits"), r.err());
    assertFalse(r.err().contains("changeme"), r.err());
  }

  @Test
  void dryRunShowsTheAuthKindButNoSecret() {
    Cli.Result r = cli().run("publish", "--dry-run", "--spec", "https://api.fastly.com/service/SID?key=TOPSECRET", "t", "x");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("POST https://api.fastly.com/service/SID/publish/\nAuthorization: Bearer ***\n"), r.out());
    assertFalse(r.out().contains("TOPSECRET") || r.err().contains("TOPSECRET"), r.toString());
  }

  @Test
  void unreadableFileExits65() {
    Cli.Result r = cli().workDir(dir).run("publish", "--spec", spec, "test", "@missing.txt");
    assertEquals(65, r.code(), r.toString());
    assertOneLineError(r);
    assertTrue(r.err().contains("cannot read file missing.txt: no such file"), r.err());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void contentOverTheBodyLimitExits65BeforeSending() {
    Cli.Result r = cli().run("publish", "--spec", spec, "--max-body-bytes", "200", "test", "x".repeat(500));
    assertEquals(65, r.code(), r.toString());
    assertOneLineError(r);
    assertTrue(r.err().contains("--max-body-bytes"), r.err());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void invalidPatchExits65() {
    for (String patch : new String[] {"[not json]", "[not json", "{\"op\":\"add\"}"}) {
      Cli.Result r = cli().run("publish", "--spec", spec, "--patch", "test", patch);
      assertEquals(65, r.code(), patch + " -> " + r);
      assertOneLineError(r);
      assertTrue(r.err().contains("--patch content") || r.err().contains("body-patch"), r.err());
    }
    assertEquals(0, server.getRequestCount());
  }

  // ------------------------------------------------------------------------------ usage

  @Test
  void usageErrorsExit64WithAPointerToHelp() {
    String[][] cases = {
      {"publish", "--no-such-flag", "test", "hi"},
      {"publish"},
      {"publish", "test"},
      {"publish", "--close-reason", "bye", "test"},
      {"publish", "--code", "abc", "test", "hi"},
      {"publish", "--code", "1000", "test", "hi"},
      {"publish", "-H", "NoColon", "test", "hi"},
      {"publish", "-M", "novalue", "test", "hi"},
      {"publish", "--format", "sse", "test", "hi"},
      {"publish", "--patch", "--format", "ws", "test", "[]"},
      {"publish", "--close", "--format", "http-response", "test"},
      {"publish", "--timeout", "soon", "test", "hi"},
      {"publish", "--retries", "-1", "test", "hi"},
      {"publish", "-u", "nocolon", "--spec", "https://example.com", "test", "hi"},
    };
    for (String[] args : cases) {
      Cli.Result r = cli().run(args);
      assertEquals(64, r.code(), String.join(" ", args) + " -> " + r);
      assertEquals(1, r.errLines().length, String.join(" ", args) + " -> " + r);
      assertTrue(r.err().startsWith("gripcast publish: "), r.toString());
    }
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void unknownOptionSuggestsTheRightOne() {
    Cli.Result r = cli().run("publish", "--no-eoll", "test", "hi");
    assertEquals(64, r.code());
    assertTrue(r.err().contains("--no-eol"), r.err());
    assertTrue(r.err().contains("see 'gripcast publish --help'"), r.err());
  }

  @Test
  void helpListsEveryPushpinPublishFlagAndTheExitCodes() {
    Cli.Result r = cli().run("publish", "--help");
    assertEquals(0, r.code());
    for (String flag : new String[] {"--id", "--prev-id", "--sender", "--code", "--header", "--meta", "--hint", "--close",
        "--patch", "--no-seq", "--no-eol", "--spec", "--user", "--bearer", "--version", "--help"}) {
      assertTrue(r.out().contains(flag), flag + " missing from help:\n" + r.out());
    }
    assertTrue(r.out().contains("Exit codes:"), r.out());
    for (String line : ExitCodes.HELP) {
      String code = line.substring(0, line.indexOf(':')).strip();
      assertTrue(r.out().contains(code + "   ") || r.out().contains(code + "  "), "exit code " + code + " in help");
    }
  }

  @Test
  void versionPrintsTheVersion() {
    Cli.Result r = cli().run("publish", "-V");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("gripcast "), r.out());
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
