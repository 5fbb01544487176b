package io.pushcart.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Pushcart as a separate OS process (the real Main), for tests that kill one with SIGKILL. */
public final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private ServerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public static ServerProcess start(String name, Map<String, String> env) {
    try {
      int port = RunningPushcart.freePort();
      Path dataDir = TempDirs.create("pushcart-" + name);
      Path log = dataDir.resolve("server.log");
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.pushcart.Main"));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> environment = builder.environment();
      Map<String, String> all = new HashMap<>(RunningPushcart.NO_RATE_LIMITS);
      all.putAll(env);
      all.put("PUSHCART_PORT", String.valueOf(port));
      all.put("PUSHCART_HOST", "127.0.0.1");
      all.put("PUSHCART_DATA_DIR", dataDir.toString());
      all.put("PUSHCART_ADMIN_TOKEN", RunningPushcart.ADMIN_TOKEN);
      all.put("PUSHCART_INSTANCE_ID", name);
      environment.putAll(all);
      ServerProcess server = new ServerProcess(builder.start(), port, log);
      server.awaitHealthy(Duration.ofSeconds(60));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitHealthy(Duration timeout) {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
        .timeout(Duration.ofSeconds(2)).build();
    Poll.until(() -> {
      if (!process.isAlive()) {
        throw new AssertionError("server exited with " + process.exitValue() + "; log:\n" + logText());
      }
      try {
        return http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }, status -> status == 200, timeout, "server on port " + port + " to be healthy");
  }

  /** The processes this server started (its embedded redis-server). */
  public java.util.List<ProcessHandle> children() {
    return process.children().toList();
  }

  public ApiClient api() {
    return new ApiClient("http://127.0.0.1:" + port);
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or acknowledged. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** SIGTERM without waiting: a test watches the graceful stop (then {@link #awaitExit}). */
  public void terminate() {
    process.destroy();
  }

  /** The exit code, once the process has ended within {@code timeout}. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the server did not exit within " + timeout + "; log:\n" + logText());
    }
    return process.exitValue();
  }

  /** SIGTERM, then wait: the graceful path. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
