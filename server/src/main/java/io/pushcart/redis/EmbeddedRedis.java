package io.pushcart.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * A real redis-server run as a child process, for a laptop start and for tests: the binary
 * shipped in the {@code com.github.codemonstur:embedded-redis} jar (Redis 6.2, Linux x86_64),
 * with append-only persistence in {@code <dataDir>/redis} so a restart keeps every subscription
 * and campaign.
 *
 * <p>It must not outlive us, even when we are SIGKILLed: on Linux the child is started through
 * {@code setpriv --pdeathsig KILL}, and it is spawned from a thread that lives exactly as long
 * as the child (PDEATHSIG fires when the spawning <em>thread</em> ends).
 */
public final class EmbeddedRedis implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EmbeddedRedis.class.getName());
  private static final String BINARY = "redis-server-6.2.6-v5-linux-amd64";
  private static final long START_TIMEOUT_MS = 20_000;

  private final Process process;
  private final int port;

  private EmbeddedRedis(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts redis-server on a free loopback port, persisting to {@code dataDir/redis}. Blocks until it is ready. */
  public static EmbeddedRedis start(Path dataDir) {
    return start(dataDir, List.of());
  }

  /** As {@link #start(Path)}, with more redis-server arguments (tests: {@code --requirepass}). */
  public static EmbeddedRedis start(Path dataDir, List<String> extraArgs) {
    try {
      return start(dataDir, freePort(), extraArgs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded redis-server", e);
    }
  }

  /** On a given port: tests restart Redis where its clients expect it, with the same data. */
  public static EmbeddedRedis start(Path dataDir, int port, List<String> extraArgs) {
    try {
      Path redisDir = Files.createDirectories(dataDir.resolve("redis"));
      Path binary = extractBinary(dataDir.resolve("bin"));
      List<String> command = new ArrayList<>();
      if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
        command.addAll(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
      }
      command.addAll(List.of(binary.toString(),
          "--port", String.valueOf(port), "--bind", "127.0.0.1", "--protected-mode", "yes",
          "--dir", redisDir.toString(), "--appendonly", "yes", "--appendfsync", "everysec",
          "--save", "", "--daemonize", "no", "--loglevel", "notice"));
      command.addAll(extraArgs);
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      CompletableFuture<Process> started = new CompletableFuture<>();
      CompletableFuture<Void> ready = new CompletableFuture<>();
      Path log = redisDir.resolve("redis-server.log");
      Thread keeper = new Thread(() -> runAndWatch(builder, log, started, ready), "embedded-redis-" + port);
      keeper.setDaemon(true);
      keeper.start();
      Process process = started.get(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      EmbeddedRedis redis = new EmbeddedRedis(process, port);
      try {
        ready.get(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        redis.close();
        throw new IllegalStateException("embedded redis-server did not become ready in " + START_TIMEOUT_MS + " ms");
      }
      return redis;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded redis-server", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the embedded redis-server: " + e.getMessage(), e);
    }
  }

  /**
   * Runs on the keeper thread, which stays alive (reading the child's output) for the child's
   * whole life. Everything redis-server prints goes to {@code log}; only warnings an operator
   * must act on reach our log (see {@link #worthPassingOn}).
   */
  private static void runAndWatch(ProcessBuilder builder, Path log, CompletableFuture<Process> started,
                                  CompletableFuture<Void> ready) {
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      started.completeExceptionally(e);
      return;
    }
    started.complete(process);
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      String line;
      while ((line = out.readLine()) != null) {
        file.write(line);
        file.write('\n');
        file.flush();
        // Redis prints this line (at notice level) once it accepts connections.
        if (line.contains("Ready to accept connections")) {
          ready.complete(null);
        } else if (worthPassingOn(line)) {
          LOG.warning("redis-server (full log in " + log + "): " + line);
        }
      }
    } catch (IOException ignored) {
      // the stream closes when the process ends
    }
    ready.completeExceptionally(new IllegalStateException("redis-server exited with " + waitFor(process)
        + "; its log: " + log));
  }

  /**
   * Redis's warnings ('#' lines saying WARNING), except those about kernel tuning for a
   * production Redis (memory overcommit for background saves, transparent huge pages, the TCP
   * backlog): the embedded Redis is for a laptop or a test, and a production Redis is run apart.
   */
  static boolean worthPassingOn(String line) {
    return line.contains(" # WARNING") && !line.contains("overcommit") && !line.contains("Transparent Huge Pages")
        && !line.contains("TCP backlog");
  }

  private static int waitFor(Process process) {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static Path extractBinary(Path binDir) throws IOException {
    Files.createDirectories(binDir);
    Path target = binDir.resolve(BINARY);
    try (InputStream in = EmbeddedRedis.class.getClassLoader().getResourceAsStream(BINARY)) {
      if (in == null) {
        throw new IllegalStateException(BINARY + " is not on the class path (embedded-redis jar missing)");
      }
      byte[] bytes = in.readAllBytes();
      if (!Files.exists(target) || Files.size(target) != bytes.length) {
        // Write beside and move: another process may be starting from the same data dir.
        Path tmp = Files.createTempFile(binDir, BINARY, ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    }
    if (!target.toFile().setExecutable(true, true)) {
      throw new IllegalStateException("cannot make " + target + " executable");
    }
    return target;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM: redis-server flushes its append-only file and exits. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
