package io.gripcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gripcast.internal.Watchdog;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import io.gripcast.testing.HostileServer;
import io.gripcast.testing.HostileServer.Fault;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Thousands of publishes through a {@link HostileServer}, on both transports: every call must end
 * within its bound, with the outcome its fault calls for, and the publishers must still publish to
 * a healthy endpoint afterwards and leave no thread behind when closed.
 *
 * <p>Each fault has its own publisher (its endpoint URL selects the fault); publishes of all faults
 * run interleaved, at most {@value #IN_FLIGHT} at once. The summary table (median and max time per
 * fault) goes to {@code target/hostile-<transport>.md} and to the test's output; docs/reliability.md
 * quotes it.
 */
class HostileServerTest {

  static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);
  static final Duration IO_TIMEOUT = Duration.ofMillis(500);
  static final RetryPolicy RETRY = RetryPolicy.defaults().withMaxAttempts(2)
      .withBackoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(50)).withTotalBudget(Duration.ofSeconds(3));
  static final int IN_FLIGHT = 32;
  static final int PER_FAULT = 60;
  static final int PER_BIG_FAULT = 20;
  /** Scheduling slack on top of the publisher's own bound: a loaded 2-core machine. */
  static final long GRACE_MILLIS = 500;
  /** Over the few MB a loopback connection buffers (see HostileServer), so the client is still sending. */
  static final int BIG_BODY = 6 * 1024 * 1024;
  static final int RETRY_AFTER_SECONDS = 1;

  /** What a fault must lead to. */
  record Expect(Outcome outcome, int status, int attempts, boolean bigBody, Failure failure) {}

  /** What the failure behind an outcome without a usable answer must look like. */
  enum Failure {
    NONE, // a status arrived: no exception behind the outcome
    PROTOCOL, // a ProtocolException, and the message says "protocol error"
    EOF_OR_PROTOCOL, // an EOFException or ProtocolException somewhere in the cause chain
    ANY_IO // some IOException
  }

  /** The table this suite checks; docs/reliability.md has the same one. */
  static final Map<Fault, Expect> EXPECTED = new EnumMap<>(Fault.class);

  static {
    Expect published = new Expect(Outcome.PUBLISHED, 200, 1, false, Failure.NONE);
    EXPECTED.put(Fault.NORMAL_200, published);
    EXPECTED.put(Fault.CHUNKED_200, published);
    EXPECTED.put(Fault.ONE_BYTE_AT_A_TIME, published);
    EXPECTED.put(Fault.HTTP10_CLOSE_DELIMITED, published);
    EXPECTED.put(Fault.OBS_FOLD_HEADER, published);
    EXPECTED.put(Fault.CONTINUE_THEN_200, published);
    EXPECTED.put(Fault.SHORT_BODY, published); // the status stands: the proxy did answer 200
    EXPECTED.put(Fault.STATUS_401, new Expect(Outcome.AUTH_REFUSED, 401, 1, false, Failure.NONE));
    EXPECTED.put(Fault.EARLY_413, new Expect(Outcome.REJECTED, 413, 1, true, Failure.NONE));
    EXPECTED.put(Fault.TOO_MANY_429, new Expect(Outcome.UNAVAILABLE, 429, 2, false, Failure.NONE));
    EXPECTED.put(Fault.RETRY_AFTER_503, new Expect(Outcome.UNAVAILABLE, 503, 2, false, Failure.NONE));
    EXPECTED.put(Fault.STATUS_500, new Expect(Outcome.UNAVAILABLE, 500, 1, false, Failure.NONE)); // not retried
    // the request went out whole, the answer is unreadable: unknown, retried with the same ids
    EXPECTED.put(Fault.GARBAGE, new Expect(Outcome.UNKNOWN, 0, 2, false, Failure.PROTOCOL));
    EXPECTED.put(Fault.HUGE_HEADER, new Expect(Outcome.UNKNOWN, 0, 2, false, Failure.PROTOCOL));
    EXPECTED.put(Fault.CONFLICTING_CONTENT_LENGTH, new Expect(Outcome.UNKNOWN, 0, 2, false, Failure.PROTOCOL));
    EXPECTED.put(Fault.PARTIAL_STATUS_LINE, new Expect(Outcome.UNKNOWN, 0, 2, false, Failure.EOF_OR_PROTOCOL));
    EXPECTED.put(Fault.CLOSE_BEFORE_ANSWER, new Expect(Outcome.UNKNOWN, 0, 2, false, Failure.ANY_IO));
    EXPECTED.put(Fault.RESET_AFTER_REQUEST, new Expect(Outcome.UNKNOWN, 0, 2, false, Failure.ANY_IO));
    EXPECTED.put(Fault.NEVER_ANSWERS, new Expect(Outcome.UNKNOWN, 0, 2, false, Failure.ANY_IO));
    // 6 MB bodies: the client is still sending when the server resets or stalls, so the request
    // never went out whole and the proxy cannot have taken it
    EXPECTED.put(Fault.RESET_MID_REQUEST, new Expect(Outcome.UNAVAILABLE, 0, 2, true, Failure.ANY_IO));
    EXPECTED.put(Fault.STALLS_READING_BODY, new Expect(Outcome.UNAVAILABLE, 0, 2, true, Failure.ANY_IO));
  }

  static final Item SMALL = Item.of(WsMessage.text("hello"));
  static final Item BIG = Item.of(WsMessage.text("x".repeat(BIG_BODY)));

  private HostileServer server;
  private Set<Thread> threadsBefore;

  @BeforeEach
  void start() throws IOException {
    assertEquals(Fault.values().length, EXPECTED.size(), "every fault needs an expectation");
    threadsBefore = gripcastThreads();
    server = HostileServer.builder()
        .stallTime(Duration.ofMillis(1_500)) // past the client's write timeout and its call timeout
        .retryAfterSeconds(RETRY_AFTER_SECONDS)
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** One publish as the test saw it. */
  record Call(Fault fault, long millis, EndpointResult result, Throwable unexpected) {}

  @ParameterizedTest
  @EnumSource(value = HttpTransport.class, names = {"SELECTOR", "OKHTTP"})
  void everyPublishEndsInTimeWithTheOutcomeOfItsFault(HttpTransport transport) throws Exception {
    Map<Fault, Publisher> publishers = new EnumMap<>(Fault.class);
    for (Fault f : Fault.values()) {
      publishers.put(f, Publisher.builder()
          .endpoint(server.url(f))
          .transport(transport)
          .connectTimeout(IO_TIMEOUT)
          .readTimeout(IO_TIMEOUT)
          .writeTimeout(IO_TIMEOUT)
          .callTimeout(CALL_TIMEOUT)
          .retryPolicy(RETRY)
          .maxBodyBytes(2 * BIG_BODY)
          .closeTimeout(Duration.ofSeconds(2))
          .build());
    }
    List<String> problems = new ArrayList<>();
    List<Call> calls;
    try {
      calls = storm(publishers);
      Map<Fault, Integer> timeoutsUnderLoad = new EnumMap<>(Fault.class);
      problems.addAll(check(calls, timeoutsUnderLoad));
      Map<Fault, Integer> attemptsSeen = new EnumMap<>(Fault.class);
      for (Call c : calls) {
        if (c.result() != null) {
          attemptsSeen.merge(c.fault(), c.result().attempts(), Integer::sum);
        }
      }
      // every attempt is one connection; the server may still be reading the last requests' heads
      long countDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (!attemptsSeen.equals(nonZero(server.connectionCounts())) && System.nanoTime() - countDeadline < 0) {
        Thread.sleep(20);
      }
      for (Fault f : Fault.values()) {
        int seen = attemptsSeen.getOrDefault(f, 0);
        if (server.connections(f) != seen) {
          problems.add(f + ": the server saw " + server.connections(f) + " connections, the results report "
              + seen + " attempts");
        }
      }
      if (server.rejectedConnections() > 0) {
        problems.add(server.rejectedConnections() + " connections were over the server's cap: their faults were not served");
      }
      String table = summary(transport, calls, timeoutsUnderLoad);
      System.out.println(table);
      Files.writeString(Path.of("target", "hostile-" + transport.name().toLowerCase(Locale.ROOT) + ".md"), table,
          StandardCharsets.UTF_8);

      // (d) the same publishers, now to a healthy server
      server.healthy(true);
      for (Map.Entry<Fault, Publisher> e : publishers.entrySet()) {
        try {
          PublishResult r = e.getValue().publish("hostile", SMALL);
          if (!r.success()) {
            problems.add(e.getKey() + ": after the faults, a healthy publish failed: " + r.summary());
          }
        } catch (RuntimeException ex) {
          problems.add(e.getKey() + ": after the faults, a healthy publish failed: " + ex);
        }
      }
    } finally {
      for (Publisher p : publishers.values()) {
        p.close();
      }
    }
    // (c) nothing of the publishers outlives close()
    Set<Thread> left = awaitNoNewGripcastThreads(Duration.ofSeconds(3));
    if (!left.isEmpty()) {
      problems.add("threads alive 3 s after close(): " + describe(left));
    }
    if (!problems.isEmpty()) {
      fail(transport + ": " + problems.size() + " problems:\n  " + String.join("\n  ", problems));
    }
  }

  /**
   * With a small body the reset of {@link Fault#RESET_MID_REQUEST} comes after the kernel took the
   * whole request: the proxy may have read it, so the outcome is UNKNOWN, not UNAVAILABLE.
   */
  @ParameterizedTest
  @EnumSource(value = HttpTransport.class, names = {"SELECTOR", "OKHTTP"})
  void aResetAfterASmallBodyWentOutIsUnknown(HttpTransport transport) throws Exception {
    try (Publisher p = Publisher.builder().endpoint(server.url(Fault.RESET_MID_REQUEST)).transport(transport)
        .readTimeout(IO_TIMEOUT).writeTimeout(IO_TIMEOUT).callTimeout(CALL_TIMEOUT).retryPolicy(RETRY).build()) {
      for (int i = 0; i < 20; i++) {
        long start = System.nanoTime();
        PublishException e = assertThrows(PublishException.class, () -> p.publish("hostile", SMALL));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        EndpointResult r = e.result().endpoints().get(0);
        assertEquals(Outcome.UNKNOWN, r.outcome(), r.toString());
        assertEquals(2, r.attempts(), r.toString());
        assertTrue(millis <= boundMillis(Fault.RESET_MID_REQUEST), millis + " ms: " + r);
      }
      assertEquals(40, server.connections(Fault.RESET_MID_REQUEST));
    }
  }

  /**
   * In a JVM that cannot open IPv6 sockets ({@code -Djava.net.preferIPv4Stack=true}), an IPv6
   * endpoint fails as UNAVAILABLE with a message that names the problem, within the call timeout;
   * the publisher still takes the next publish, and the JVM exits by itself afterwards.
   */
  @ParameterizedTest
  @EnumSource(value = HttpTransport.class, names = {"SELECTOR", "OKHTTP"})
  void anIpv6EndpointInAnIpv4OnlyJvmFailsInTimeAndThePublisherStaysUsable(HttpTransport transport) throws Exception {
    long callTimeout = 3_000;
    Path output = Files.createTempFile("ipv4-only", ".txt");
    try {
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Djava.net.preferIPv4Stack=true", "-Xshare:auto", "-XX:TieredStopAtLevel=1",
          "-cp", System.getProperty("java.class.path"),
          Ipv4OnlyPublish.class.getName(), String.valueOf(server.port()), transport.name(), String.valueOf(callTimeout))
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
      boolean exited = child.waitFor(30, TimeUnit.SECONDS);
      if (!exited) {
        child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      String out = Files.readString(output, StandardCharsets.UTF_8);
      System.out.println(transport + " in an IPv4-only JVM:\n" + out);
      assertTrue(exited, "the child JVM did not exit by itself within 30 s:\n" + out);
      assertEquals(0, child.exitValue(), out);
      List<String> publishes = out.lines().filter(l -> l.startsWith("publish ")).collect(Collectors.toList());
      assertEquals(2, publishes.size(), out);
      for (String line : publishes) {
        String[] parts = line.split(" ", 6); // publish N OUTCOME MILLIS ATTEMPTS MESSAGE
        assertEquals("UNAVAILABLE", parts[2], out);
        assertTrue(Long.parseLong(parts[3]) <= callTimeout + Watchdog.GRACE_MILLIS, "over the call timeout: " + out);
        assertEquals("1", parts[4], "no attempt can succeed, so none is retried: " + out);
        assertTrue(parts[5].contains("IPv6") && parts[5].contains("preferIPv4Stack"),
            "the message should name the IPv6 problem: " + out);
        assertFalse(parts[5].contains("is the proxy running"), "no hint that points the wrong way: " + out);
      }
      assertTrue(out.contains("closed"), out);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /**
   * close() while publishes hang on silent and stalling connections: close() returns within its
   * close timeout plus the transports' shutdown, every publish ends (CANCELLED, or the outcome it
   * reached first), and no thread is left.
   */
  @ParameterizedTest
  @EnumSource(value = HttpTransport.class, names = {"SELECTOR", "OKHTTP"})
  void closeEndsPublishesThatHangAndLeavesNoThread(HttpTransport transport) throws Exception {
    List<CompletableFuture<PublishResult>> futures = new ArrayList<>();
    Duration closeTimeout = Duration.ofMillis(100);
    long closeMillis;
    try (Publisher never = publisher(Fault.NEVER_ANSWERS, transport, closeTimeout);
        Publisher stalls = publisher(Fault.STALLS_READING_BODY, transport, closeTimeout)) {
      for (int i = 0; i < 16; i++) {
        futures.add(never.publishAsync("hostile", SMALL));
        futures.add(stalls.publishAsync("hostile", BIG));
      }
      Thread.sleep(300); // every attempt is under way: connected, silent or stalled
      long start = System.nanoTime();
      never.close();
      stalls.close();
      closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
    // two publishers: each close waits its close timeout, then the selector thread (at most 1 s)
    assertTrue(closeMillis <= 2 * (closeTimeout.toMillis() + 1_000) + GRACE_MILLIS, "close() took " + closeMillis + " ms");
    for (CompletableFuture<PublishResult> f : futures) {
      PublishException e = assertThrows(PublishException.class, () -> {
        try {
          f.get(1, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException ex) {
          throw ex.getCause();
        }
      }, "every publish ended by the time close() returned (or a second after)");
      Outcome o = e.result().endpoints().get(0).outcome();
      assertTrue(o == Outcome.CANCELLED || o == Outcome.UNKNOWN || o == Outcome.UNAVAILABLE, e.result().summary());
    }
    Set<Thread> left = awaitNoNewGripcastThreads(Duration.ofSeconds(3));
    assertTrue(left.isEmpty(), "threads alive 3 s after close(): " + describe(left));
  }

  private Publisher publisher(Fault f, HttpTransport transport, Duration closeTimeout) {
    return Publisher.builder().endpoint(server.url(f)).transport(transport)
        .readTimeout(IO_TIMEOUT).writeTimeout(IO_TIMEOUT).callTimeout(CALL_TIMEOUT).retryPolicy(RETRY)
        .maxBodyBytes(2 * BIG_BODY).closeTimeout(closeTimeout).build();
  }

  /** Publishes every fault's share, interleaved, at most IN_FLIGHT at once; a hang fails here with a thread dump. */
  private List<Call> storm(Map<Fault, Publisher> publishers) throws InterruptedException {
    List<Fault> jobs = new ArrayList<>();
    for (Fault f : Fault.values()) {
      int n = EXPECTED.get(f).bigBody() ? PER_BIG_FAULT : PER_FAULT;
      for (int i = 0; i < n; i++) {
        jobs.add(f);
      }
    }
    Collections.shuffle(jobs, new Random(42));
    Semaphore slots = new Semaphore(IN_FLIGHT);
    CountDownLatch done = new CountDownLatch(jobs.size());
    ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    long stormDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (Fault f : jobs) {
      if (!slots.tryAcquire(stormDeadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        fail("publishes stopped completing (" + done.getCount() + " left):\n" + threadDump());
      }
      Item item = EXPECTED.get(f).bigBody() ? BIG : SMALL;
      long start = System.nanoTime();
      CompletableFuture<PublishResult> future;
      try {
        future = publishers.get(f).publishAsync("hostile", item);
      } catch (RuntimeException e) {
        calls.add(new Call(f, 0, null, e));
        slots.release();
        done.countDown();
        continue;
      }
      future.whenComplete((r, t) -> {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        try {
          calls.add(call(f, millis, r, t));
        } finally {
          slots.release();
          done.countDown();
        }
      });
    }
    if (!done.await(Math.max(1, stormDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      fail("publishes stopped completing (" + done.getCount() + " left):\n" + threadDump());
    }
    return new ArrayList<>(calls);
  }

  private static Call call(Fault f, long millis, PublishResult r, Throwable t) {
    if (t == null) {
      return new Call(f, millis, r.endpoints().get(0), null);
    }
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof PublishException) {
      return new Call(f, millis, ((PublishException) cause).result().endpoints().get(0), null);
    }
    return new Call(f, millis, null, cause);
  }

  /** The bound of one call: its attempts, each within the call timeout and the watchdog's grace, and the waits between them. */
  static long boundMillis(Fault f) {
    int attempts = RETRY.maxAttempts();
    long wait = f == Fault.RETRY_AFTER_503
        ? Math.max(RETRY.maxBackoff().toMillis(), RETRY_AFTER_SECONDS * 1000L)
        : RETRY.maxBackoff().toMillis();
    return attempts * (CALL_TIMEOUT.toMillis() + Watchdog.GRACE_MILLIS) + (attempts - 1) * wait + GRACE_MILLIS;
  }

  /**
   * Every call against its fault's row; mismatches grouped, with one example each.
   *
   * <p>Timing noise: on a loaded machine (CI, two cores, other builds) a healthy answer can come
   * later than the 500 ms read timeout. A call whose only deviations come from its own client-side
   * timeout (more attempts than its row says with the row's outcome and status, or UNKNOWN or
   * UNAVAILABLE after a SocketTimeoutException) is counted as a timeout under load, not as a
   * problem, up to one call in 20 per fault: a real bug hits every call of its fault. Never
   * excused: a call over its bound, or PUBLISHED without a 2xx.
   */
  static List<String> check(List<Call> calls, Map<Fault, Integer> timeoutsUnderLoad) {
    Map<String, List<Call>> byProblem = new TreeMap<>();
    Map<Fault, List<Call>> excused = new EnumMap<>(Fault.class);
    for (Call c : calls) {
      List<String> ps = problems(c);
      if (ps.isEmpty()) {
        continue;
      }
      if (timedOutUnderLoad(c) && ps.stream().noneMatch(p -> p.startsWith(OVER_BOUND) || p.startsWith(PUBLISHED_WITHOUT_2XX))) {
        excused.computeIfAbsent(c.fault(), k -> new ArrayList<>()).add(c);
        continue;
      }
      for (String p : ps) {
        byProblem.computeIfAbsent(c.fault() + ": " + p, k -> new ArrayList<>()).add(c);
      }
    }
    for (Map.Entry<Fault, List<Call>> e : excused.entrySet()) {
      int n = (int) calls.stream().filter(c -> c.fault() == e.getKey()).count();
      if (e.getValue().size() > Math.max(1, n / 20)) {
        for (Call c : e.getValue()) {
          for (String p : problems(c)) {
            byProblem.computeIfAbsent(c.fault() + ": " + p + " (timeouts in " + e.getValue().size() + " of " + n
                + " calls: too many for load)", k -> new ArrayList<>()).add(c);
          }
        }
      } else {
        timeoutsUnderLoad.put(e.getKey(), e.getValue().size());
      }
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, List<Call>> e : byProblem.entrySet()) {
      Call example = e.getValue().get(0);
      out.add(e.getKey() + " (" + e.getValue().size() + " calls), e.g. " + example.millis() + " ms: "
          + (example.result() != null ? example.result() + failureChain(example.result().failure()) : example.unexpected()));
    }
    return out;
  }

  /** The call's own timeout explains its deviation: see {@link #check}. */
  static boolean timedOutUnderLoad(Call c) {
    EndpointResult r = c.result();
    if (r == null) {
      return false;
    }
    Expect x = EXPECTED.get(c.fault());
    if (r.outcome() == x.outcome() && r.status() == x.status() && r.attempts() > x.attempts()) {
      return true; // an earlier attempt failed (a status that is not retried can only be the last one's)
    }
    return (r.outcome() == Outcome.UNKNOWN || r.outcome() == Outcome.UNAVAILABLE)
        && hasCause(r.failure(), SocketTimeoutException.class);
  }

  static final String OVER_BOUND = "took longer than its bound";
  static final String PUBLISHED_WITHOUT_2XX = "PUBLISHED without a 2xx";

  private static List<String> problems(Call c) {
    List<String> p = new ArrayList<>();
    Expect x = EXPECTED.get(c.fault());
    if (c.millis() > boundMillis(c.fault())) {
      p.add(OVER_BOUND + " of " + boundMillis(c.fault()) + " ms");
    }
    if (c.unexpected() != null) {
      p.add("ended with " + c.unexpected().getClass().getSimpleName() + " instead of a result");
      return p;
    }
    EndpointResult r = c.result();
    if (r.outcome() == Outcome.PUBLISHED && (r.status() < 200 || r.status() > 299)) {
      p.add(PUBLISHED_WITHOUT_2XX + " (status " + r.status() + ")");
    }
    if (r.outcome() != x.outcome()) {
      p.add("outcome " + r.outcome() + ", expected " + x.outcome());
      return p; // the rest follows from the outcome
    }
    if (r.status() != x.status()) {
      p.add("status " + r.status() + ", expected " + x.status());
    }
    if (r.attempts() != x.attempts()) {
      p.add(r.attempts() + " attempts, expected " + x.attempts());
    }
    if (c.fault() == Fault.RETRY_AFTER_503 && c.millis() < RETRY_AFTER_SECONDS * 1000L) {
      p.add("retried after " + c.millis() + " ms, before the Retry-After of " + RETRY_AFTER_SECONDS + " s");
    }
    Throwable f = r.failure();
    switch (x.failure()) {
      case NONE -> {
        if (f != null) {
          p.add("a failure behind a status: " + f);
        }
      }
      case PROTOCOL -> {
        if (!hasCause(f, ProtocolException.class)) {
          p.add("failure is not a ProtocolException: " + f);
        } else if (!r.message().contains("protocol error")) {
          p.add("message does not say \"protocol error\": " + r.message());
        }
      }
      case EOF_OR_PROTOCOL -> {
        if (!hasCause(f, EOFException.class) && !hasCause(f, ProtocolException.class)) {
          p.add("failure is neither an EOFException nor a ProtocolException: " + f);
        }
      }
      case ANY_IO -> {
        if (!hasCause(f, IOException.class)) {
          p.add("failure is not an IOException: " + f);
        }
      }
      default -> throw new AssertionError(x.failure());
    }
    if (r.outcome() == Outcome.UNKNOWN && !r.message().contains("may have accepted")) {
      p.add("an UNKNOWN whose message does not say the proxy may have the items: " + r.message());
    }
    return p;
  }

  static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String failureChain(Throwable t) {
    if (t == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(" [failure:");
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      b.append(' ').append(c.getClass().getName()).append('(').append(c.getMessage()).append(')');
    }
    return b.append(']').toString();
  }

  /** The Markdown table docs/reliability.md quotes: per fault, the outcomes and the median and max time. */
  static String summary(HttpTransport transport, List<Call> calls, Map<Fault, Integer> timeoutsUnderLoad) {
    Map<Fault, List<Call>> byFault = calls.stream()
        .collect(Collectors.groupingBy(Call::fault, () -> new EnumMap<>(Fault.class), Collectors.toList()));
    StringBuilder b = new StringBuilder();
    b.append("Transport ").append(transport).append(": ").append(calls.size()).append(" publishes, call timeout ")
        .append(CALL_TIMEOUT.toMillis()).append(" ms, read/write timeouts ").append(IO_TIMEOUT.toMillis())
        .append(" ms, ").append(RETRY.maxAttempts()).append(" attempts, ").append(IN_FLIGHT).append(" in flight\n\n");
    b.append("| Fault | Publishes | Outcome (status) | Attempts | Median ms | Max ms | Bound ms | Timeouts under load |\n");
    b.append("| --- | ---: | --- | --- | ---: | ---: | ---: | ---: |\n");
    for (Map.Entry<Fault, List<Call>> e : byFault.entrySet()) {
      List<Call> cs = e.getValue();
      Map<String, Integer> outcomes = new LinkedHashMap<>();
      Map<Integer, Integer> attempts = new TreeMap<>();
      for (Call c : cs) {
        String o = c.result() == null ? c.unexpected().getClass().getSimpleName()
            : c.result().outcome() + (c.result().status() > 0 ? " (" + c.result().status() + ")" : "");
        outcomes.merge(o, 1, Integer::sum);
        if (c.result() != null) {
          attempts.merge(c.result().attempts(), 1, Integer::sum);
        }
      }
      long[] ms = cs.stream().mapToLong(Call::millis).sorted().toArray();
      b.append("| ").append(e.getKey()).append(" | ").append(cs.size()).append(" | ")
          .append(counted(outcomes, cs.size())).append(" | ").append(counted(attempts, cs.size())).append(" | ")
          .append(ms[ms.length / 2]).append(" | ").append(ms[ms.length - 1]).append(" | ")
          .append(boundMillis(e.getKey())).append(" | ").append(timeoutsUnderLoad.getOrDefault(e.getKey(), 0))
          .append(" |\n");
    }
    return b.toString();
  }

  private static Map<Fault, Integer> nonZero(Map<Fault, Integer> counts) {
    Map<Fault, Integer> m = new EnumMap<>(Fault.class);
    counts.forEach((f, n) -> {
      if (n > 0) {
        m.put(f, n);
      }
    });
    return m;
  }

  private static String counted(Map<?, Integer> counts, int total) {
    if (counts.size() == 1) {
      return String.valueOf(counts.keySet().iterator().next());
    }
    return counts.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "));
  }

  // ------------------------------------------------------------------ threads

  static Set<Thread> gripcastThreads() {
    Set<Thread> out = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("gripcast-") && t.isAlive()) {
        out.add(t);
      }
    }
    return out;
  }

  /** Waits (bounded) for the gripcast-* threads started during this test to end; those still alive. */
  private Set<Thread> awaitNoNewGripcastThreads(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      Set<Thread> now = gripcastThreads();
      now.removeAll(threadsBefore);
      if (now.isEmpty() || System.nanoTime() - deadline > 0) {
        return now;
      }
      Thread.sleep(50);
    }
  }

  private static String describe(Set<Thread> threads) {
    StringBuilder b = new StringBuilder();
    for (Thread t : threads) {
      b.append("\n    ").append(t.getName()).append(" (").append(t.getState()).append(')');
      for (StackTraceElement e : t.getStackTrace()) {
        b.append("\n      at ").append(e);
      }
    }
    return b.toString();
  }

  static String threadDump() {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      b.append('"').append(e.getKey().getName()).append("\" ").append(e.getKey().getState()).append('\n');
      for (StackTraceElement s : e.getValue()) {
        b.append("    at ").append(s).append('\n');
      }
    }
    return b.toString();
  }
}
