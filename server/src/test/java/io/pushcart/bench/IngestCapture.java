package io.pushcart.bench;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * BENCH_CAPTURE=dir on {@link AutomationBenchmark}: before the last timed chunk of each ingest,
 * Redis's data is saved to {@code dir/<event type>.rdb} and MONITOR logs the chunk to
 * {@code dir/<event type>.monitor} (the chunk is then far slower: its figures do not count), for
 * {@link IngestScriptsReplay}.
 */
final class IngestCapture implements AutoCloseable {
  private final Socket socket;
  private final Thread copier;

  private IngestCapture(Socket socket, Thread copier) {
    this.socket = socket;
    this.copier = copier;
  }

  /** MONITOR on, or null without BENCH_CAPTURE. */
  static IngestCapture start(String redisUrl, String what) {
    String dir = System.getenv("BENCH_CAPTURE");
    if (dir == null) {
      return null;
    }
    try {
      RedisInfo.command(redisUrl, "SAVE");
      List<String> redisDir = RedisInfo.command(redisUrl, "CONFIG GET dir"); // *2, $3, dir, $n, <dir>
      Files.createDirectories(Path.of(dir));
      Files.copy(Path.of(redisDir.get(4), "dump.rdb"), Path.of(dir, what + ".rdb"), StandardCopyOption.REPLACE_EXISTING);
      URI uri = URI.create(redisUrl);
      Socket socket = new Socket(uri.getHost(), uri.getPort());
      socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      InputStream ok = new ByteArrayInputStream(in.readNBytes(5)); // "+OK\r\n": MONITOR is on
      Path log = Path.of(dir, what + ".monitor");
      Thread copier = new Thread(() -> {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(log), 1 << 20)) {
          ok.transferTo(out);
          in.transferTo(out);
        } catch (IOException closed) {
          // the socket closed by close(): the log ends there
        }
      }, "bench-capture");
      copier.start();
      return new IngestCapture(socket, copier);
    } catch (IOException e) {
      throw new IllegalStateException("cannot capture the ingest", e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
      copier.join();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("cannot end the capture", e);
    }
  }
}
