package io.gripcast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link ZmqEndpoint}: which specs are taken, and the clear refusal of the others. */
class ZmqEndpointTest {

  @Test
  void tcpSpecsAreTakenAsPushOrPub() {
    ZmqEndpoint push = ZmqEndpoint.push(" tcp://127.0.0.1:5560 ");
    assertEquals(ZmqEndpoint.Mode.PUSH, push.mode());
    assertEquals("tcp://127.0.0.1:5560", push.spec());
    assertEquals("zmq-push tcp://127.0.0.1:5560", push.toString());
    assertEquals("zmq-pub tcp://pushpin-1:5562", ZmqEndpoint.pub("tcp://pushpin-1:5562").toString());
    assertTrue(ZmqEndpoint.isZmqSpec("TCP://x:1"));
    assertTrue(ZmqEndpoint.isZmqSpec("ipc:///tmp/x"));
    assertFalse(ZmqEndpoint.isZmqSpec("http://x:5561"));
  }

  @Test
  void ipcIsRefusedBecauseJeroMqCannotReachAUnixSocket() {
    GripConfigException e = assertThrows(GripConfigException.class, () -> ZmqEndpoint.push("ipc:///run/pushpin/in"));
    assertEquals("scheme", e.part());
    assertTrue(e.getMessage().contains("loopback TCP"), e.getMessage());
  }

  @Test
  void anythingButTcpHostPortIsRefusedNamingTheForm() {
    for (String bad : new String[] {"http://x:5560", "tcp://x", "tcp://x:1/path", "tcp://u@x:1", "tcp://x:1?q", "tcp://"}) {
      GripConfigException e = assertThrows(GripConfigException.class, () -> ZmqEndpoint.pub(bad), bad);
      assertTrue(e.getMessage().contains("tcp://"), e.getMessage());
    }
  }
}
