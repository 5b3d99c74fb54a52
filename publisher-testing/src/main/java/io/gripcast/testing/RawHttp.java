package io.gripcast.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client on plain sockets, for the harness's own requests: every byte on the
 * wire is known (a fixed {@code Content-Length}, never chunked), nothing is pooled, and no thread
 * outlives a call. Responses are read until the declared length, the last chunk, or EOF.
 */
final class RawHttp {

  private static final int MAX_HEAD = 64 * 1024;

  private RawHttp() {}

  /** Status, headers (names lower-cased) and body of one response. */
  record Response(int status, String reason, Map<String, List<String>> headers, byte[] body) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  /** Status line and headers of a response whose body has not been read yet. */
  record Head(int status, String reason, Map<String, List<String>> headers) {
    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    boolean chunked() {
      String te = header("transfer-encoding");
      return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
    }

    long contentLength() {
      String cl = header("content-length");
      return cl == null ? -1 : Long.parseLong(cl.trim());
    }
  }

  /** True if something accepts TCP connections on host:port right now. */
  static boolean accepts(String host, int port, Duration timeout) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** One request on a new connection ({@code Connection: close}); the whole call is bounded. */
  static Response exchange(String host, int port, String method, String target,
      Map<String, String> headers, byte[] body, Duration timeout) throws IOException {
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
      s.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      OutputStream out = s.getOutputStream();
      out.write(requestHead(method, target, host + ":" + port, headers, body));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      InputStream in = new BufferedInputStream(s.getInputStream());
      Head head = readHead(in);
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      if (!method.equals("HEAD") && head.status() != 204 && head.status() != 304) {
        if (head.chunked()) {
          while (readChunk(in, content) > 0) {
            // keep reading until the last chunk
          }
        } else if (head.contentLength() >= 0) {
          content.write(in.readNBytes((int) head.contentLength()));
        } else {
          in.transferTo(content);
        }
      }
      return new Response(head.status(), head.reason(), head.headers(), content.toByteArray());
    }
  }

  /** A connection whose GET was sent and whose response head was read; the body is left unread. */
  record Opened(Socket socket, InputStream in, OutputStream out, Head head) {}

  /** Checks a response head before the connection is handed out. */
  interface HeadCheck {
    void check(Head head) throws IOException;
  }

  /**
   * Connects to {@code uri}'s host and port (80 if none), sends a {@code GET} of its path and query
   * without a body (so without {@code Content-Length}), and reads the response head; connecting and
   * the head are each bounded by {@code timeout}, after which the socket has no read timeout, for
   * a body that is held open. The socket is closed if any step, {@code check} included, fails.
   */
  static Opened openGet(URI uri, Map<String, String> headers, Duration timeout, HeadCheck check)
      throws IOException {
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    int millis = (int) Math.max(1, timeout.toMillis());
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(uri.getHost(), port), millis);
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      out.write(requestHead("GET", target, uri.getHost() + ":" + port, headers, null));
      out.flush();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      Head head = readHead(in);
      check.check(head);
      socket.setSoTimeout(0);
      return new Opened(socket, in, out, head);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Reads the rest of a connection in a daemon thread named {@code <name>-<local port>}. */
  static void readInBackground(Socket socket, String name, Runnable reader) {
    Thread t = new Thread(reader, name + "-" + socket.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  static byte[] requestHead(String method, String target, String host, Map<String, String> headers,
      byte[] body) {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    sb.append("Host: ").append(host).append("\r\n");
    boolean hasConnection = false;
    for (Map.Entry<String, String> h : headers.entrySet()) {
      checkHeader(h.getKey(), h.getValue());
      sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      hasConnection |= h.getKey().equalsIgnoreCase("connection");
    }
    if (!hasConnection) {
      sb.append("Connection: close\r\n");
    }
    if (body != null) {
      sb.append("Content-Length: ").append(body.length).append("\r\n");
    }
    sb.append("\r\n");
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void checkHeader(String name, String value) {
    if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == ':' || c > '~')) {
      throw new IllegalArgumentException("invalid header name: \"" + name + "\"");
    }
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("header " + name + " must not contain CR or LF");
    }
  }

  /** Reads the status line and headers, up to and including the blank line. */
  static Head readHead(InputStream in) throws IOException {
    String statusLine = readLine(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP response: \"" + statusLine + "\"");
    }
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("bad status line: \"" + statusLine + "\"", e);
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    int total = statusLine.length();
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      total += line.length();
      if (total > MAX_HEAD) {
        throw new IOException("response head longer than " + MAX_HEAD + " bytes");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("bad header line: \"" + line + "\"");
      }
      headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    headers.replaceAll((k, v) -> List.copyOf(v));
    return new Head(status, parts.length > 2 ? parts[2] : "", Collections.unmodifiableMap(headers));
  }

  /**
   * Reads one chunk of a chunked body into {@code out}; returns its size, 0 for the last chunk
   * (its trailers are consumed too).
   */
  static int readChunk(InputStream in, OutputStream out) throws IOException {
    String sizeLine = readLine(in);
    int semi = sizeLine.indexOf(';');
    String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
    int size;
    try {
      size = Integer.parseInt(hex, 16);
    } catch (NumberFormatException e) {
      throw new IOException("bad chunk size line: \"" + sizeLine + "\"", e);
    }
    if (size == 0) {
      for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
        // trailer fields: ignored
      }
      return 0;
    }
    byte[] data = in.readNBytes(size);
    if (data.length < size) {
      throw new EOFException("connection closed inside a chunk");
    }
    out.write(data);
    if (!readLine(in).isEmpty()) {
      throw new IOException("chunk not followed by CRLF");
    }
    return size;
  }

  /** Reads a CRLF- (or LF-) terminated line as ISO-8859-1; EOF before the end is an error. */
  static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed" + (sb.length() > 0 ? " after \"" + sb + "\"" : ""));
      }
      if (c == '\n') {
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') {
          sb.setLength(len - 1);
        }
        return sb.toString();
      }
      if (sb.length() >= MAX_HEAD) {
        throw new IOException("line longer than " + MAX_HEAD + " bytes");
      }
      sb.append((char) c);
    }
  }
}
