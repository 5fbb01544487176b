package io.pushcart.support;

import io.pushcart.Pushcart;
import io.pushcart.config.Config;
import io.pushcart.delivery.DeliveryMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * A real Pushcart started in-process for a test: real embedded Redis in a fresh data dir, real
 * HTTP on a free port. Extra environment entries configure it as an operator would.
 *
 * <p>Without the browser routes' rate limits ({@link #NO_RATE_LIMITS}) unless a test sets them:
 * many tests register thousands of subscribers from one address, far beyond a shopper's.
 */
public final class RunningPushcart implements AutoCloseable {
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
  public static final Map<String, String> NO_RATE_LIMITS = Map.of(
      "PUSHCART_RATE_LIMIT_SUBSCRIPTIONS_PER_ADDRESS", "0", "PUSHCART_RATE_LIMIT_SUBSCRIPTIONS_PER_SITE", "0",
      "PUSHCART_RATE_LIMIT_EVENTS_PER_ADDRESS", "0", "PUSHCART_RATE_LIMIT_EVENTS_PER_SITE", "0",
      "PUSHCART_RATE_LIMIT_PUBLIC_PER_ADDRESS", "0", "PUSHCART_RATE_LIMIT_PUBLIC_PER_SITE", "0");

  private final Pushcart pushcart;
  private final int port;
  private final Path dataDir;

  private RunningPushcart(Pushcart pushcart, int port, Path dataDir) {
    this.pushcart = pushcart;
    this.port = port;
    this.dataDir = dataDir;
  }

  public static RunningPushcart start(Map<String, String> extraEnv) {
    return start(extraEnv, DeliveryMetrics.NONE);
  }

  public static RunningPushcart start(Map<String, String> extraEnv, DeliveryMetrics metrics) {
    try {
      return start(TempDirs.create("pushcart-test"), extraEnv, metrics);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Started on a given data directory: a second start on the same one finds what the first stored. */
  public static RunningPushcart start(Path dataDir, Map<String, String> extraEnv, DeliveryMetrics metrics) {
    return start(dataDir, extraEnv, metrics, Clock.systemUTC());
  }

  /** Reading time from {@code clock}: a {@link TestClock} moves it for scheduling tests. */
  public static RunningPushcart start(Path dataDir, Map<String, String> extraEnv, DeliveryMetrics metrics, Clock clock) {
    int port = freePort();
    Map<String, String> env = new HashMap<>();
    env.put("PUSHCART_PORT", String.valueOf(port));
    env.put("PUSHCART_HOST", "127.0.0.1");
    env.put("PUSHCART_DATA_DIR", dataDir.toString());
    env.put("PUSHCART_ADMIN_TOKEN", ADMIN_TOKEN);
    env.putAll(NO_RATE_LIMITS);
    env.putAll(extraEnv);
    Config config = Config.from(env);
    return new RunningPushcart(Pushcart.start(config, ADMIN_TOKEN, clock, metrics), port, dataDir);
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  /** A client that sends requests byte for byte, malformed ones included. */
  public RawHttp raw() {
    return new RawHttp(port);
  }

  public ApiClient api() {
    return new ApiClient("http://127.0.0.1:" + port);
  }

  /** The name of the crypto provider the server chose (PUSHCART_CRYPTO_PROVIDER). */
  public String cryptoProvider() {
    return pushcart.cryptoProvider();
  }

  public String redisUrl() {
    return pushcart.redisUrl();
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    pushcart.close();
  }
}
