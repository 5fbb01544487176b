package io.pushcart.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, one request per connection: for what java.net.http refuses to send
 * (a bad percent-escape or a backslash in the URL, an unknown method, a missing Host, a wrong
 * Content-Length, headers it restricts). The request is written byte for byte as given.
 */
public final class RawHttp {
  private final int port;

  public RawHttp(int port) {
    this.port = port;
  }

  /** What came back: the status, the headers (names in lowercase), the body (decoded from chunks). */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** A request to build: the request line's parts, headers in order, an optional body. */
  public static final class Request {
    final String method;
    final String target;
    String version = "HTTP/1.1";
    final List<String[]> headers = new ArrayList<>();
    byte[] body;
    boolean host = true;
    boolean chunked;

    public Request(String method, String target) {
      this.method = method;
      this.target = target;
    }

    public Request header(String name, String value) {
      headers.add(new String[] {name, value});
      return this;
    }

    public Request body(byte[] body) {
      this.body = body;
      return this;
    }

    public Request body(String body) {
      return body(body.getBytes(StandardCharsets.UTF_8));
    }

    /** Another protocol version in the request line than HTTP/1.1 (HTTP/1.0, or nonsense). */
    public Request version(String version) {
      this.version = version;
      return this;
    }

    /** Sends no Host header (HTTP/1.1 requires one). */
    public Request withoutHost() {
      host = false;
      return this;
    }

    /** Sends the body in one chunk with {@code Transfer-Encoding: chunked} instead of a Content-Length. */
    public Request chunked() {
      chunked = true;
      return this;
    }

    public String method() {
      return method;
    }

    public String target() {
      return target;
    }

    public String version() {
      return version;
    }

    byte[] bytes(int port) {
      StringBuilder head = new StringBuilder().append(method).append(' ').append(target).append(' ').append(version).append("\r\n");
      if (host) {
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
      }
      for (String[] h : headers) {
        head.append(h[0]).append(": ").append(h[1]).append("\r\n");
      }
      byte[] payload = body == null ? new byte[0] : body;
      if (chunked) {
        head.append("Transfer-Encoding: chunked\r\n");
      } else if (body != null) {
        head.append("Content-Length: ").append(payload.length).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (chunked) {
        if (payload.length > 0) {
          out.writeBytes((Integer.toHexString(payload.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          out.writeBytes(payload);
          out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      } else {
        out.writeBytes(payload);
      }
      return out.toByteArray();
    }

    @Override
    public String toString() {
      String shown = target.length() > 120 ? target.substring(0, 120) + "…(" + target.length() + " chars)" : target;
      StringBuilder s = new StringBuilder(method).append(' ').append(shown);
      if (!version.equals("HTTP/1.1")) {
        s.append(' ').append(version);
      }
      if (!host) {
        s.append(" [no Host]");
      }
      for (String[] h : headers) {
        String v = h[1].length() > 80 ? h[1].substring(0, 80) + "…" : h[1];
        s.append(" [").append(h[0]).append(": ").append(v).append(']');
      }
      if (body != null) {
        String b = new String(body, StandardCharsets.UTF_8);
        s.append(" body(").append(body.length).append("): ").append(b.length() > 160 ? b.substring(0, 160) + "…" : b);
      }
      return s.toString();
    }
  }

  public Response send(Request request) {
    return send(request.bytes(port), "HEAD".equals(request.method));
  }

  /** Writes {@code raw} as it is and reads the answer; {@code head}: the answer has no body. */
  public Response send(byte[] raw, boolean head) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      try {
        // No shutdownOutput(): a half-closed connection is closed by the server before it answers.
        out.write(raw);
        out.flush();
      } catch (IOException refusedMidway) {
        // The server may answer and close before reading all we send (a request line too long): read its answer.
      }
      return read(new BufferedInputStream(socket.getInputStream()), head);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Response read(InputStream in, boolean head) throws IOException {
    int status;
    Map<String, String> headers = new LinkedHashMap<>();
    do { // past interim answers (100 Continue) to the final one
      String statusLine = line(in);
      if (statusLine == null) {
        throw new IOException("the server closed the connection without an answer");
      }
      status = Integer.parseInt(statusLine.split(" ", 3)[1]);
      headers.clear();
      for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
        int colon = h.indexOf(':');
        headers.merge(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
      }
    } while (status / 100 == 1);
    byte[] body;
    if (head || status == 204 || status == 304) {
      body = new byte[0];
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = chunks(in);
    } else if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else {
      body = in.readAllBytes();
    }
    return new Response(status, headers, body);
  }

  private static byte[] chunks(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (String size = line(in); size != null; size = line(in)) {
      int semicolon = size.indexOf(';');
      int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      if (n == 0) {
        break;
      }
      body.writeBytes(in.readNBytes(n));
      line(in);
    }
    return body.toByteArray();
  }

  /** One CRLF-terminated line, without its end; null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
