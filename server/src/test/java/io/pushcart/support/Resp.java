package io.pushcart.support;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One command to one Redis node over a fresh blocking socket. Forming a cluster means talking to
 * each node in particular, which a cluster client would route elsewhere, and doing it without
 * redis-cli (not installed on CI). A fresh connection per command: nothing goes stale when a
 * node is killed.
 */
final class Resp {
  private static final int TIMEOUT_MS = 5_000;

  private Resp() {
  }

  /** The reply: a String (simple or bulk), a Long, a List of replies, or null; an error reply throws. */
  static Object call(int port, Object... args) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      OutputStream out = new BufferedOutputStream(socket.getOutputStream());
      out.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (Object arg : args) {
        byte[] bytes = String.valueOf(arg).getBytes(StandardCharsets.UTF_8);
        out.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream()), port);
    } catch (IOException e) {
      throw new UncheckedIOException("redis node " + port + ", " + args[0] + (args.length > 1 ? " " + args[1] : ""), e);
    }
  }

  private static Object read(InputStream in, int port) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IllegalStateException("redis node " + port + " answered " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        String bulk = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        in.readNBytes(2);
        return bulk;
      }
      case '*': {
        int size = Integer.parseInt(line);
        if (size < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
          items.add(read(in, port));
        }
        return items;
      }
      default:
        throw new IOException("not a RESP reply from node " + port + ": type " + type + ", " + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\r'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed mid-reply");
      }
      bytes.write(b);
    }
    in.read(); // the '\n'
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
