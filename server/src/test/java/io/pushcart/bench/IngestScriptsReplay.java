package io.pushcart.bench;

import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.support.TempDirs;
import io.vertx.core.json.JsonArray;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis's own CPU per event for record_events.lua, on the very calls the automation benchmark
 * made, so that a change to the script (or to lib.lua) can be weighed apart from any JVM load and
 * from this machine's drift between benchmark runs: the ingest's throughput is bound by Redis.
 *
 * <p>{@code BENCH_CAPTURE=dir} on {@link AutomationBenchmark} saves, just before the last timed
 * chunk of each ingest, Redis's data ({@code cart.updated.rdb}, {@code order.completed.rdb}) and
 * MONITOR's log of that chunk ({@code *.monitor}): {@link IngestCapture}. This replays each chunk's record_events calls
 * (top-level EVALSHA calls whose first argument is the events' plan; the commands of other work
 * in the log are left out) on an embedded Redis started from the RDB, append-only file on as the
 * server has it (its rewrite over before the replay, automatic ones off), {@link #IN_FLIGHT}
 * calls in flight. A variant's cost is the growth of Redis's main-thread CPU (INFO cpu) over the
 * replay, divided by the chunk's events. Variants are Lua files replacing record_events.lua
 * (lib.lua of the class path in front of each; a variant may define its own functions to
 * replace lib.lua's); with none, the current script is replayed. Rounds alternate the variants
 * (BENCH_ROUNDS, default 3) and the median is shown. The current script must record every event
 * ('r'), or the replay fails.
 *
 * <pre>
 * BENCH_CAPTURE=/tmp/capture BENCH_ROUNDS=1 BENCH_WARMUPS=0 mvn -B -q -pl server test-compile exec:exec@bench-automations
 * mvn -B -q -pl server test-compile exec:exec@bench-ingest-replay -Dbench.capture=/tmp/capture -Dbench.variants=a.lua,b.lua
 * </pre>
 * Not a test: see docs/benchmarks.md.
 */
public final class IngestScriptsReplay {
  static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));
  /** Calls sent before the first reply is read: the benchmark's store backends post 8 batches at once. */
  static final int IN_FLIGHT = 8;
  static final List<String> CHUNKS = List.of("cart.updated", "order.completed");

  private IngestScriptsReplay() {
  }

  public static void main(String[] args) throws Exception {
    Path capture = Path.of(args[0]);
    Map<String, String> variants = new LinkedHashMap<>();
    String lib = RedisInfo.script("lib");
    variants.put("current", lib + RedisInfo.script("record_events"));
    for (String file : args.length > 1 ? args[1].split(",") : new String[0]) {
      if (!file.isBlank()) {
        variants.put(Path.of(file).getFileName().toString(), lib + Files.readString(Path.of(file)));
      }
    }
    System.out.printf("%n== record_events.lua replayed: Redis main-thread CPU per event ==%n");
    for (String chunk : CHUNKS) {
      List<List<byte[]>> calls = recordEventsCalls(capture.resolve(chunk + ".monitor"));
      int events = calls.stream().mapToInt(IngestScriptsReplay::events).sum();
      Map<String, double[]> costs = new LinkedHashMap<>();
      variants.keySet().forEach(v -> costs.put(v, new double[ROUNDS]));
      for (int r = 0; r < ROUNDS; r++) {
        for (Map.Entry<String, String> v : variants.entrySet()) {
          costs.get(v.getKey())[r] = replay(capture.resolve(chunk + ".rdb"), v.getValue(), calls, v.getKey().equals("current")) * 1e6 / events;
        }
      }
      System.out.printf("%s: %,d calls, %,d events%n", chunk, calls.size(), events);
      costs.forEach((v, us) -> {
        double[] sorted = us.clone();
        Arrays.sort(sorted);
        System.out.printf("  %-28s median %.1f µs/event (rounds %s)%n", v, sorted[sorted.length / 2],
            Arrays.stream(us).mapToObj(x -> String.format("%.1f", x)).toList());
      });
    }
  }

  /** One replay on a Redis started from {@code rdb}: main-thread CPU seconds. */
  private static double replay(Path rdb, String script, List<List<byte[]>> calls, boolean mustRecordAll) throws Exception {
    Path dir = TempDirs.create("ingest-replay");
    Files.createDirectories(dir.resolve("redis"));
    Files.copy(rdb, dir.resolve("redis/dump.rdb"));
    // Loaded from the RDB (an append-only file would be read instead), then the AOF on, as the server runs.
    try (EmbeddedRedis redis = EmbeddedRedis.start(dir, List.of("--appendonly", "no"));
         Resp c = new Resp(redis.port())) {
      c.call("CONFIG", "SET", "appendonly", "yes"); // written whole, by a rewrite
      RedisInfo.awaitNoAofRewrite(redis.url());
      c.call("CONFIG", "SET", "auto-aof-rewrite-percentage", "0");
      String sha = c.call("SCRIPT", "LOAD", script).toString();
      double before = mainThreadCpu(redis.url());
      int sent = 0;
      int read = 0;
      for (List<byte[]> call : calls) {
        List<byte[]> request = new ArrayList<>(call);
        request.set(0, "EVALSHA".getBytes(StandardCharsets.US_ASCII));
        request.set(1, sha.getBytes(StandardCharsets.US_ASCII));
        c.send(request);
        sent++;
        if (sent - read >= IN_FLIGHT) {
          checkReply(c.read(), mustRecordAll);
          read++;
        }
      }
      for (; read < sent; read++) {
        checkReply(c.read(), mustRecordAll);
      }
      return mainThreadCpu(redis.url()) - before;
    }
  }

  private static void checkReply(Object reply, boolean mustRecordAll) {
    if (reply instanceof Resp.Error e) {
      throw new IllegalStateException("record_events failed: " + e.message());
    }
    if (mustRecordAll) {
      String outcomes = ((List<?>) reply).get(0).toString();
      if (!outcomes.chars().allMatch(ch -> ch == 'r')) {
        throw new IllegalStateException("the current script did not record every event: " + outcomes);
      }
    }
  }

  private static double mainThreadCpu(String redisUrl) {
    Map<String, String> cpu = RedisInfo.info(redisUrl, "cpu");
    return Double.parseDouble(cpu.get("used_cpu_sys_main_thread")) + Double.parseDouble(cpu.get("used_cpu_user_main_thread"));
  }

  /** The events of one call: its plan is a JSON list of objects, one per event. */
  private static int events(List<byte[]> call) {
    String plan = new String(call.get(3 + Integer.parseInt(new String(call.get(2), StandardCharsets.US_ASCII))), StandardCharsets.UTF_8);
    return new JsonArray(plan).size();
  }

  /** The top-level record_events calls MONITOR logged (its arguments as Redis got them). */
  static List<List<byte[]>> recordEventsCalls(Path monitor) throws IOException {
    List<List<byte[]>> calls = new ArrayList<>();
    byte[] planStart = "[{\"type\"".getBytes(StandardCharsets.UTF_8);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(monitor), 1 << 20)) {
      for (byte[] line; (line = readLine(in)) != null; ) {
        String head = new String(line, 0, Math.min(line.length, 80), StandardCharsets.ISO_8859_1);
        if (head.contains("[0 lua]") || !head.contains("\"evalsha\"")) {
          continue; // a script's own commands, or other work
        }
        List<byte[]> args = quoted(line);
        int keys = Integer.parseInt(new String(args.get(2), StandardCharsets.US_ASCII));
        if (args.size() > 3 + keys && startsWith(args.get(3 + keys), planStart)) {
          calls.add(args);
        }
      }
    }
    if (calls.isEmpty()) {
      throw new IllegalStateException("no record_events calls in " + monitor);
    }
    return calls;
  }

  /** MONITOR's quoted arguments (Redis's sdscatrepr: \\, \", \n, \r, \t, \a, \b and \xHH escapes). */
  static List<byte[]> quoted(byte[] line) {
    List<byte[]> out = new ArrayList<>();
    int i = 0;
    while (i < line.length) {
      if (line[i] != '"') {
        i++;
        continue;
      }
      i++;
      ByteArrayOutputStream arg = new ByteArrayOutputStream();
      while (line[i] != '"') {
        if (line[i] != '\\') {
          arg.write(line[i++]);
          continue;
        }
        byte e = line[i + 1];
        switch (e) {
          case 'x' -> {
            arg.write(HexFormat.fromHexDigits(new String(line, i + 2, 2, StandardCharsets.US_ASCII)));
            i += 4;
            continue;
          }
          case 'n' -> arg.write('\n');
          case 'r' -> arg.write('\r');
          case 't' -> arg.write('\t');
          case 'a' -> arg.write(7);
          case 'b' -> arg.write('\b');
          default -> arg.write(e); // \\ and \"
        }
        i += 2;
      }
      out.add(arg.toByteArray());
      i++;
    }
    return out;
  }

  private static boolean startsWith(byte[] a, byte[] prefix) {
    return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      line.write(b);
    }
    return b == -1 && line.size() == 0 ? null : line.toByteArray();
  }

  /** A plain RESP connection: requests written whole, replies read in order. */
  static final class Resp implements AutoCloseable {
    record Error(String message) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    Resp(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
      in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    }

    Object call(String... args) throws IOException {
      send(Arrays.stream(args).map(a -> a.getBytes(StandardCharsets.UTF_8)).toList());
      Object reply = read();
      if (reply instanceof Error e) {
        throw new IllegalStateException(args[0] + " " + args[1] + ": " + e.message());
      }
      return reply;
    }

    void send(List<byte[]> args) throws IOException {
      out.write(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (byte[] a : args) {
        out.write(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(a);
        out.write('\r');
        out.write('\n');
      }
      out.flush();
    }

    Object read() throws IOException {
      String line = new String(readLine(in), StandardCharsets.UTF_8);
      String rest = line.substring(1, line.length() - 1); // less the type and the '\r'
      switch (line.charAt(0)) {
        case '+', ':' -> {
          return rest;
        }
        case '-' -> {
          return new Error(rest);
        }
        case '$' -> {
          int n = Integer.parseInt(rest);
          if (n < 0) {
            return null;
          }
          byte[] data = in.readNBytes(n + 2);
          return new String(data, 0, n, StandardCharsets.UTF_8);
        }
        case '*' -> {
          int n = Integer.parseInt(rest);
          List<Object> items = new ArrayList<>(Math.max(n, 0));
          for (int i = 0; i < n; i++) {
            items.add(read());
          }
          return n < 0 ? null : items;
        }
        default -> throw new IOException("not a RESP reply: " + line);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
