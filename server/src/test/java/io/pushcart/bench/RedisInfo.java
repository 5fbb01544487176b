package io.pushcart.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import io.pushcart.support.Poll;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis's own view of the benchmark: INFO over a plain socket (inline commands), and the scripts'
 * text as the server sends it.
 */
public final class RedisInfo {
  private RedisInfo() {
  }

  /** Sends one inline command and returns the reply's lines. */
  public static List<String> command(String redisUrl, String command) {
    URI uri = URI.create(redisUrl);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write((command + "\r\nQUIT\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      for (String line; (line = in.readLine()) != null; ) {
        lines.add(line);
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One section of INFO, field → value. */
  static Map<String, String> info(String redisUrl, String section) {
    Map<String, String> out = new HashMap<>();
    for (String line : command(redisUrl, "INFO " + section)) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        out.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return out;
  }

  /**
   * Waits (at most 2 minutes) until no AOF rewrite runs or is scheduled: one announces nothing,
   * and its child process takes a core from what a benchmark measures.
   */
  static void awaitNoAofRewrite(String redisUrl) {
    Poll.until(() -> info(redisUrl, "persistence"),
        i -> "0".equals(i.get("aof_rewrite_in_progress")) && "0".equals(i.get("aof_rewrite_scheduled")),
        Duration.ofMinutes(2), "Redis's AOF rewrite to end");
  }

  /** The text of script {@code redis/<name>.lua} on the class path (lib.lua is "lib"). */
  static String script(String name) {
    try (InputStream in = RedisInfo.class.getClassLoader().getResourceAsStream("redis/" + name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("no script redis/" + name + ".lua on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** "cmdstat_evalsha:calls=..,usec=..,usec_per_call=.." lines, most time first. */
  static List<String> topCommands(String redisUrl, int n) {
    return command(redisUrl, "INFO commandstats").stream().filter(l -> l.startsWith("cmdstat_"))
        .sorted(Comparator.comparingLong(RedisInfo::usec).reversed()).limit(n).toList();
  }

  /**
   * The same per item of work ({@code items} events or messages): "zadd 1.00 × 7.9 µs" per
   * command, most time first. Commands a script calls are counted on their own as well as in
   * the script's time, so the lines' sum is more than Redis spent.
   */
  static String perItem(String redisUrl, int n, int items) {
    return String.join("; ", topCommands(redisUrl, n).stream().map(line -> {
      long calls = Long.parseLong(line.substring(line.indexOf("calls=") + 6, line.indexOf(',')));
      return String.format("%s %.2f × %.1f µs", line.substring("cmdstat_".length(), line.indexOf(':')), (double) calls / items,
          (double) usec(line) / items);
    }).toList());
  }

  private static long usec(String line) {
    int at = line.indexOf("usec=");
    return at < 0 ? 0 : Long.parseLong(line.substring(at + 5, line.indexOf(',', at)));
  }
}
