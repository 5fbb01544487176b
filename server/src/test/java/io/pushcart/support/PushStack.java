package io.pushcart.support;

import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.testkit.LocalPushService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a delivery test runs against: a real Pushcart (its embedded Redis) sending to a
 * {@link LocalPushService}, both reading the same clock, and a {@link RedisProbe} on its Redis;
 * {@link #another()} adds an instance on the same Redis. Closed in the reverse order. A test class
 * that wants one for all its tests registers {@link #extension(Clock)} rather than starting and
 * closing it itself.
 */
public final class PushStack implements AutoCloseable {
  public final LocalPushService push;
  public final RunningPushcart server;
  public final RedisProbe redis;
  private final Map<String, String> env;
  private final Clock clock;
  private final List<RunningPushcart> others = new ArrayList<>();

  private PushStack(LocalPushService push, RunningPushcart server, Map<String, String> env, Clock clock) {
    this.push = push;
    this.server = server;
    this.env = env;
    this.clock = clock;
    this.redis = new RedisProbe(server.redisUrl());
  }

  /** Starts a stack on {@code clock}; the caller closes it. */
  public static PushStack start(Clock clock) {
    LocalPushService push = new LocalPushService().clock(clock).start();
    Map<String, String> env = Map.of("PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
        "PUSHCART_PUSH_CA_FILE", push.caFile().toString());
    return new PushStack(push, RunningPushcart.start(tempDir(), env, DeliveryMetrics.NONE, clock), env, clock);
  }

  /** Another instance on the same Redis (and clock and push service). */
  public RunningPushcart another() {
    Map<String, String> withRedis = new java.util.HashMap<>(env);
    withRedis.put("PUSHCART_REDIS_URL", server.redisUrl());
    RunningPushcart other = RunningPushcart.start(tempDir(), withRedis, DeliveryMetrics.NONE, clock);
    others.add(other);
    return other;
  }

  private static java.nio.file.Path tempDir() {
    try {
      return TempDirs.create("pushcart-stack");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One stack for a test class's tests, started before all of them and closed after: registered
   * with {@code @RegisterExtension} on a static field, so the class needs no set-up of its own.
   */
  public static Extension extension(Clock clock) {
    return new Extension(clock);
  }

  /**
   * The JUnit 5 extension {@link #extension(Clock)} makes: a {@link PushStack} from its
   * {@code beforeAll} to its {@code afterAll}, so before the class's own {@code @BeforeAll} methods
   * and after its {@code @AfterAll} ones. Its accessors throw outside that span rather than return
   * null.
   */
  public static final class Extension implements BeforeAllCallback, AfterAllCallback {
    private final Clock clock;
    private PushStack stack;

    private Extension(Clock clock) {
      this.clock = clock;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
      stack = PushStack.start(clock);
    }

    @Override
    public void afterAll(ExtensionContext context) {
      if (stack != null) {
        stack.close();
        stack = null;
      }
    }

    /** The push service the server sends to. */
    public LocalPushService push() {
      return started().push;
    }

    /** The server under test. */
    public RunningPushcart server() {
      return started().server;
    }

    /** A probe on the server's Redis. */
    public RedisProbe redis() {
      return started().redis;
    }

    /** Another instance on the same Redis, closed with the stack: see {@link PushStack#another()}. */
    public RunningPushcart another() {
      return started().another();
    }

    private PushStack started() {
      if (stack == null) {
        throw new IllegalStateException("the stack runs from beforeAll to afterAll: register it with @RegisterExtension on a static field");
      }
      return stack;
    }
  }

  @Override
  public void close() {
    redis.close();
    for (int i = others.size() - 1; i >= 0; i--) {
      others.get(i).close();
    }
    server.close();
    push.close();
  }
}
