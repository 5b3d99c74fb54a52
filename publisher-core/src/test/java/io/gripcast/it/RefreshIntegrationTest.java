package io.gripcast.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.GripException;
import io.gripcast.PushpinCommands;
import io.gripcast.testing.GripTestOrigin;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pushpin 1.36's refresh, a command on its command socket: each WebSocket-over-HTTP connection
 * subscribed to the channel makes a new request to the backend, which the test origin records.
 */
class RefreshIntegrationTest {

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder().overHttp(true).build();

  private static List<GripTestOrigin.RecordedRequest> posts(GripTestOrigin origin, String ch) {
    return origin.requests().stream().filter(r -> r.method().equals("POST") && ch.equals(r.channel()))
        .collect(Collectors.toList());
  }

  private static int awaitPosts(GripTestOrigin origin, String ch, int atLeast, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    int n = posts(origin, ch).size();
    while (n < atLeast && System.nanoTime() < end) {
      Thread.sleep(20);
      n = posts(origin, ch).size();
    }
    return n;
  }

  @Test
  void refreshingAChannelMakesEachOfItsWebSocketConnectionsRequestTheBackend() throws Exception {
    PushpinInstance pushpin = PUSHPIN.instance();
    GripTestOrigin origin = PUSHPIN.origin();
    String ch = "refresh-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    String other = ch + "-other";
    try (Subscribers.Ws a = new Subscribers.Ws(pushpin.webSocketUri("/ws?channel=" + ch));
        Subscribers.Ws b = new Subscribers.Ws(pushpin.webSocketUri("/ws?channel=" + ch));
        Subscribers.Ws c = new Subscribers.Ws(pushpin.webSocketUri("/ws?channel=" + other))) {
      assertTrue(pushpin.awaitSubscribed(ch, Duration.ofSeconds(10)));
      assertTrue(pushpin.awaitSubscribed(other, Duration.ofSeconds(10)));
      int opened = awaitPosts(origin, ch, 2, Duration.ofSeconds(5));
      assertEquals(2, opened, "one OPEN request per connection");
      int otherBefore = posts(origin, other).size();
      // nothing else asks the backend meanwhile: no keep-alive interval, no client messages
      Thread.sleep(500);
      assertEquals(opened, posts(origin, ch).size(), "no request without a refresh");

      // Pushpin's handler answers only after passing the refresh to its proxy for each
      // connection in turn; CI once saw that take over 5 s. The log tails say why if it fails.
      try {
        PushpinCommands.connect(pushpin.zmqCommandSpec(), Duration.ofSeconds(30)).refreshChannel(ch);
      } catch (GripException e) {
        throw new AssertionError(e.getMessage() + "\n" + pushpin.logTails(), e);
      }

      assertEquals(opened + 2, awaitPosts(origin, ch, opened + 2, Duration.ofSeconds(10)),
          "one refresh request per connection of " + ch);
      Thread.sleep(300);
      // PushpinCommands sends the command a second time when the first got no answer in half the
      // timeout, so a connection may be refreshed twice; never more, and both alike
      int after = posts(origin, ch).size();
      assertTrue(after == opened + 2 || after == opened + 4, "one refresh each (or two, after a resend): " + after);
      assertEquals(otherBefore, posts(origin, other).size(), "connections of other channels are not refreshed");
    }
  }

  @Test
  void aCommandSocketThatDoesNotAnswerFailsWithinTheTimeoutNamingIt() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    PushpinCommands dead = PushpinCommands.connect("tcp://127.0.0.1:" + port, Duration.ofMillis(300));
    long t0 = System.nanoTime();
    GripException e = assertThrows(GripException.class, () -> dead.refreshChannel("x"));
    assertTrue(e.getMessage().contains("did not answer refresh"), e.getMessage());
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
  }
}
