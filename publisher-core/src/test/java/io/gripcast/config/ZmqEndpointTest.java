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
  void ipcSpecsAreTakenAbsoluteOrRelativeForPushAndPub() {
    ZmqEndpoint push = ZmqEndpoint.push(" IPC:///run/pushpin/pushpin-push-in ");
    assertEquals("ipc:///run/pushpin/pushpin-push-in", push.spec());
    assertEquals("zmq-push ipc:///run/pushpin/pushpin-push-in", push.toString());
    assertEquals("ipc://run/push-in", ZmqEndpoint.push("ipc://run/push-in").spec(), "relative, as libzmq takes it");
    assertEquals(ZmqEndpoint.Mode.PUB, ZmqEndpoint.pub("ipc:///tmp/sub").mode());
  }

  @Test
  void ipcSpecsThatNoUnixSocketCanHaveAreRefusedSayingWhy() {
    GripConfigException empty = assertThrows(GripConfigException.class, () -> ZmqEndpoint.push("ipc://"));
    assertTrue(empty.getMessage().contains("has no socket path"), empty.getMessage());
    GripConfigException abstractName = assertThrows(GripConfigException.class, () -> ZmqEndpoint.push("ipc://@pushpin"));
    assertTrue(abstractName.getMessage().contains("abstract socket"), abstractName.getMessage());
    GripConfigException wildcard = assertThrows(GripConfigException.class, () -> ZmqEndpoint.pub("ipc://*"));
    assertTrue(wildcard.getMessage().contains("not a socket path"), wildcard.getMessage());
    String longPath = "/" + "d".repeat(107);
    GripConfigException tooLong = assertThrows(GripConfigException.class, () -> ZmqEndpoint.push("ipc://" + longPath));
    assertTrue(tooLong.getMessage().contains("is 108 bytes") && tooLong.getMessage().contains("at most 107"),
        tooLong.getMessage());
    assertEquals("ipc://" + longPath.substring(1), ZmqEndpoint.push("ipc://" + longPath.substring(1)).spec());
  }

  @Test
  void theCommandSocketRefusesIpcSayingToUseTcp() {
    GripConfigException e = assertThrows(GripConfigException.class,
        () -> io.gripcast.PushpinCommands.connect("ipc:///run/pushpin/pushpin-command"));
    assertTrue(e.getMessage().contains("set Pushpin's command_spec to tcp://127.0.0.1:PORT"), e.getMessage());
  }

  @Test
  void anythingButTcpHostPortIsRefusedNamingTheForm() {
    for (String bad : new String[] {"http://x:5560", "tcp://x", "tcp://x:1/path", "tcp://u@x:1", "tcp://x:1?q", "tcp://"}) {
      GripConfigException e = assertThrows(GripConfigException.class, () -> ZmqEndpoint.pub(bad), bad);
      assertTrue(e.getMessage().contains("tcp://"), e.getMessage());
    }
  }
}
