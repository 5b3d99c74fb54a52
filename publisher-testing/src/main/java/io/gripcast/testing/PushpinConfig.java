package io.gripcast.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders the {@code pushpin.conf} of one isolated instance, as text: {@link InstanceDir} writes it,
 * with the routes file. Based on Debian's stock 1.36 config, with the changes that make an instance
 * self-contained (see docs/testing.md):
 *
 * <ul>
 *   <li>{@code zurl} is one of the runner's services and the proxy talks to it in the instance's
 *       own rundir: Debian's {@code internal.conf} points at a system zurl in /var/run/zurl that
 *       nothing starts, and every request to an origin then hangs.
 *   <li>the body and header limits are written as {@code push_in_max_body_size} /
 *       {@code push_in_max_headers_size}, the names 1.36 really reads (the stock
 *       {@code push_in_http_max_*} names are ignored until 1.41).
 *   <li>every TCP port is explicit and bound on 127.0.0.1; {@code port_offset} stays 0.
 *   <li>{@code updates_check=off}; {@code message_rate} / {@code message_hwm} default to 0
 *       (unlimited) so tests do not wait for the rate limiter's 25 ms tick or lose bursts.
 * </ul>
 */
final class PushpinConfig {

  static final String BIND = "127.0.0.1";
  static final Pattern SET_KEY = Pattern.compile("[a-z_]+\\.[A-Za-z0-9_]+");

  /** The socket files of the handler's PULL and SUB sockets in the rundir, with {@code zmqIpc}. */
  static final String PUSH_IN_IPC = "pushpin-push-in";
  static final String PUSH_IN_SUB_IPC = "pushpin-push-in-sub";

  /** The ZeroMQ spec of a socket file in the rundir. */
  static String ipcSpec(String rundir, String socketFile) {
    return "ipc://" + rundir + "/" + socketFile;
  }

  /** The ZeroMQ spec of a TCP port on {@link #BIND}. */
  static String tcpSpec(int port) {
    return "tcp://" + BIND + ":" + port;
  }

  /** The five TCP ports of an instance. */
  record Ports(int client, int control, int zmqPush, int zmqSub, int zmqCommand) {
    List<Integer> all() {
      return List.of(client, control, zmqPush, zmqSub, zmqCommand);
    }
  }

  private PushpinConfig() {}

  /** With {@code zmqIpc}, the handler's PULL and SUB sockets bind ipc:// socket files in the rundir. */
  static String render(Ports ports, String rundir, String logdir, int logLevel, int messageRate,
      int messageHwm, boolean zmqIpc, Map<String, String> overrides) {
    Map<String, Map<String, String>> s = new LinkedHashMap<>();
    Map<String, String> global = section(s, "global");
    global.put("include", "{libdir}/internal.conf");
    global.put("rundir", rundir);
    global.put("ipc_prefix", "pushpin-");
    global.put("port_offset", "0");
    global.put("stats_connection_ttl", "120");

    Map<String, String> runner = section(s, "runner");
    runner.put("services", "condure,zurl,pushpin-proxy,pushpin-handler");
    runner.put("http_port", BIND + ":" + ports.client());
    runner.put("logdir", logdir);
    runner.put("log_level", Integer.toString(logLevel));
    runner.put("client_buffer_size", "8192");
    runner.put("client_maxconn", "50000");
    runner.put("condure_bin", "condure");
    runner.put("zurl_bin", "zurl");

    Map<String, String> proxy = section(s, "proxy");
    proxy.put("routesfile", "routes");
    proxy.put("zurl_out_specs", "ipc://{rundir}/{ipc_prefix}zurl-in");
    proxy.put("zurl_out_stream_specs", "ipc://{rundir}/{ipc_prefix}zurl-in-stream");
    proxy.put("zurl_in_specs", "ipc://{rundir}/{ipc_prefix}zurl-out");
    proxy.put("debug", "false");
    proxy.put("auto_cross_origin", "false");
    proxy.put("accept_x_forwarded_protocol", "false");
    proxy.put("set_x_forwarded_protocol", "proto-only");
    proxy.put("x_forwarded_for", "");
    proxy.put("x_forwarded_for_trusted", "");
    proxy.put("orig_headers_need_mark", "");
    proxy.put("accept_pushpin_route", "false");
    proxy.put("log_from", "false");
    proxy.put("log_user_agent", "false");
    proxy.put("sig_iss", "pushpin");
    proxy.put("sig_key", "changeme");
    proxy.put("upstream_key", "");
    proxy.put("sockjs_url", "http://cdn.jsdelivr.net/sockjs/0.3.4/sockjs.min.js");
    proxy.put("updates_check", "off");
    proxy.put("organization_name", "");

    Map<String, String> handler = section(s, "handler");
    handler.put("push_in_spec", zmqIpc ? ipcSpec(rundir, PUSH_IN_IPC) : tcpSpec(ports.zmqPush()));
    handler.put("push_in_sub_specs", zmqIpc ? ipcSpec(rundir, PUSH_IN_SUB_IPC) : tcpSpec(ports.zmqSub()));
    handler.put("push_in_sub_connect", "false");
    handler.put("push_in_http_addr", BIND);
    handler.put("push_in_http_port", Integer.toString(ports.control()));
    handler.put("push_in_max_headers_size", "10000");
    handler.put("push_in_max_body_size", "1000000");
    handler.put("stats_spec", "ipc://{rundir}/{ipc_prefix}stats");
    handler.put("command_spec", tcpSpec(ports.zmqCommand()));
    handler.put("message_rate", Integer.toString(messageRate));
    handler.put("message_hwm", Integer.toString(messageHwm));
    handler.put("message_wait", "5000");
    handler.put("id_cache_ttl", "60");
    handler.put("connection_subscription_max", "20");
    handler.put("subscription_linger", "60");
    handler.put("stats_subscription_ttl", "60");
    handler.put("stats_report_interval", "10");
    handler.put("stats_format", "tnetstring");

    overrides.forEach((sectionKey, value) -> {
      int dot = sectionKey.indexOf('.');
      section(s, sectionKey.substring(0, dot)).put(sectionKey.substring(dot + 1), value);
    });

    StringBuilder out = new StringBuilder();
    out.append("# generated by io.gripcast.testing.PushpinInstance for one test instance\n");
    s.forEach((name, entries) -> {
      out.append('[').append(name).append("]\n");
      entries.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
      out.append('\n');
    });
    return out.toString();
  }

  /** Checks a {@code section.key} name and its value; the message says what was wrong. */
  static void checkOverride(String sectionKey, String value) {
    if (sectionKey == null || !SET_KEY.matcher(sectionKey).matches()) {
      throw new IllegalArgumentException("pushpin.conf setting must be named SECTION.KEY (e.g. "
          + "\"handler.id_cache_ttl\"), got \"" + sectionKey + "\"");
    }
    if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("value of " + sectionKey + " must be one line of text, got "
          + (value == null ? "null" : "\"" + value.replace("\n", "\\n").replace("\r", "\\r") + "\""));
    }
  }

  private static Map<String, String> section(Map<String, Map<String, String>> s, String name) {
    return s.computeIfAbsent(name, k -> new LinkedHashMap<>());
  }
}
