package io.gripcast.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * One zrpc request to Pushpin's command socket ({@code command_spec}, a REP socket): a fresh REQ
 * socket per request, so that a lost reply cannot leave a REQ socket stuck waiting for it. Touches
 * JeroMQ: load only after {@link #checkJeroMq()}.
 */
public final class ZmqCommand {
  private ZmqCommand() {}

  /** What Pushpin answered. */
  public record Reply(boolean success, String condition, Object value) {}

  /**
   * @throws IllegalStateException naming the jar when JeroMQ is missing
   */
  public static void checkJeroMq() {
    try {
      Class.forName("org.zeromq.ZMQ", false, ZmqCommand.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException("Pushpin's command socket is ZeroMQ: add org.zeromq:jeromq:0.6.0 to your"
          + " dependencies (an optional dependency of gripcast)", e);
    }
  }

  /**
   * Sends {@code method} with {@code args} and waits up to {@code timeoutMillis} for the reply.
   *
   * @return the reply, or null when none came in time
   */
  public static Reply call(String spec, String method, Map<String, ?> args, int timeoutMillis) {
    Map<String, Object> request = new LinkedHashMap<>();
    String id = UUID.randomUUID().toString();
    request.put("id", id);
    request.put("method", method);
    request.put("args", args);
    try (ZContext context = new ZContext(1)) {
      context.setLinger(0);
      ZMQ.Socket req = context.createSocket(SocketType.REQ);
      req.setLinger(0);
      req.setSendTimeOut(timeoutMillis);
      req.setReceiveTimeOut(timeoutMillis);
      req.connect(spec);
      if (!req.send(Tnetstring.encode(request), 0)) {
        return null;
      }
      byte[] answer = req.recv(0);
      if (answer == null) {
        return null;
      }
      Object parsed = Tnetstring.decode(answer);
      if (!(parsed instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException("the command reply is not a dict");
      }
      boolean success = Boolean.TRUE.equals(m.get("success"));
      Object condition = m.get("condition");
      return new Reply(success, condition == null ? null : condition.toString(), m.get("value"));
    }
  }
}
