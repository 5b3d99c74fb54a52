package io.gripcast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated pushpin.conf: the keys that make an instance isolated, and overrides. */
class PushpinConfigTest {

  private static final PushpinConfig.Ports PORTS = new PushpinConfig.Ports(41000, 41001, 41002, 41003, 41004);

  private static List<String> section(String conf, String name) {
    String[] parts = conf.split("\n\\[");
    for (String p : parts) {
      String body = p.startsWith("[") ? p.substring(1) : p;
      if (body.startsWith(name + "]")) {
        return List.of(body.substring(name.length() + 2).split("\n"));
      }
    }
    throw new AssertionError("no section [" + name + "] in\n" + conf);
  }

  @Test
  void zmqIpcBindsThePullAndSubSocketsAsFilesInTheRundirAndKeepsTheCommandSocketOnTcp() {
    List<String> tcp = section(PushpinConfig.render(PORTS, "/tmp/r", "/tmp/l", 2, 0, 0, false, Map.of()), "handler");
    assertTrue(tcp.contains("push_in_spec=tcp://127.0.0.1:41002"), tcp.toString());
    List<String> ipc = section(PushpinConfig.render(PORTS, "/tmp/r", "/tmp/l", 2, 0, 0, true, Map.of()), "handler");
    assertTrue(ipc.contains("push_in_spec=ipc:///tmp/r/pushpin-push-in"), ipc.toString());
    assertTrue(ipc.contains("push_in_sub_specs=ipc:///tmp/r/pushpin-push-in-sub"), ipc.toString());
    assertTrue(ipc.contains("push_in_sub_connect=false"), ipc.toString());
    assertTrue(ipc.contains("command_spec=tcp://127.0.0.1:41004"), ipc.toString());
  }

  @Test
  void isolatesTheInstance() {
    String conf = PushpinConfig.render(PORTS, "/tmp/r", "/tmp/l", 2, 0, 0, false, Map.of());
    List<String> runner = section(conf, "runner");
    assertTrue(runner.contains("services=condure,zurl,pushpin-proxy,pushpin-handler"), conf);
    assertTrue(runner.contains("http_port=127.0.0.1:41000"));
    assertTrue(runner.contains("logdir=/tmp/l"));
    List<String> global = section(conf, "global");
    assertTrue(global.contains("rundir=/tmp/r"));
    assertTrue(global.contains("port_offset=0"));
    List<String> proxy = section(conf, "proxy");
    assertTrue(proxy.contains("zurl_out_specs=ipc://{rundir}/{ipc_prefix}zurl-in"));
    assertTrue(proxy.contains("zurl_out_stream_specs=ipc://{rundir}/{ipc_prefix}zurl-in-stream"));
    assertTrue(proxy.contains("zurl_in_specs=ipc://{rundir}/{ipc_prefix}zurl-out"));
    assertTrue(proxy.contains("updates_check=off"));
    List<String> handler = section(conf, "handler");
    assertTrue(handler.contains("push_in_http_addr=127.0.0.1"));
    assertTrue(handler.contains("push_in_http_port=41001"));
    assertTrue(handler.contains("push_in_spec=tcp://127.0.0.1:41002"));
    assertTrue(handler.contains("push_in_sub_specs=tcp://127.0.0.1:41003"));
    assertTrue(handler.contains("command_spec=tcp://127.0.0.1:41004"));
    // the names 1.36 reads; the stock push_in_http_max_* names are ignored by it
    assertTrue(handler.contains("push_in_max_body_size=1000000"));
    assertFalse(conf.contains("push_in_http_max_body_size"));
    assertTrue(handler.contains("message_rate=0"));
    assertTrue(handler.contains("message_hwm=0"));
    assertTrue(handler.contains("id_cache_ttl=60"));
  }

  @Test
  void overridesReplaceOrAdd() {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("handler.id_cache_ttl", "0");
    o.put("proxy.debug", "true");
    o.put("extra.some_key", "x=y");
    String conf = PushpinConfig.render(PORTS, "/r", "/l", 3, 2500, 25000, false, o);
    List<String> handler = section(conf, "handler");
    assertTrue(handler.contains("id_cache_ttl=0"));
    assertFalse(handler.contains("id_cache_ttl=60"));
    assertTrue(handler.contains("message_rate=2500"));
    assertTrue(section(conf, "proxy").contains("debug=true"));
    assertTrue(section(conf, "runner").contains("log_level=3"));
    assertEquals(List.of("some_key=x=y"), section(conf, "extra").stream().filter(l -> !l.isEmpty()).toList());
  }

  @Test
  void badOverridesAreRejectedWithTheReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PushpinInstance.builder().set("id_cache_ttl", "0"));
    assertTrue(e.getMessage().contains("SECTION.KEY"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PushpinInstance.builder().set("handler.x", "a\nb"));
    assertTrue(e.getMessage().contains("one line"), e.getMessage());
  }

  @Test
  void builderValidatesRoutesAndNumbers() {
    assertThrows(IllegalArgumentException.class, () -> PushpinInstance.builder().origin("localhost"));
    assertThrows(IllegalArgumentException.class, () -> PushpinInstance.builder().route("a\nb"));
    assertThrows(IllegalArgumentException.class, () -> PushpinInstance.builder().messageRate(-1));
    assertThrows(IllegalArgumentException.class, () -> PushpinInstance.builder().logLevel(9));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> PushpinInstance.builder().start());
    assertTrue(e.getMessage().contains("no route"), e.getMessage());
  }
}
