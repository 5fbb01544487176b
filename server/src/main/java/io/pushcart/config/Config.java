package io.pushcart.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the server is told by its environment, read and validated once at start.
 * An invalid value stops start-up with a message naming the variable (see docs/configuration.md).
 */
public record Config(
    String host,
    int port,
    Optional<String> redisUrl,
    boolean redisCluster,
    Path dataDir,
    Optional<String> adminToken,
    List<PushHost> extraPushHosts,
    Optional<Path> pushCaFile,
    int pushConcurrencyPerOrigin,
    int pushMaxAttempts,
    int deliveryInstances,
    long claimIdleMillis,
    long redisTimeoutMillis,
    long shutdownGraceMillis,
    int retentionDays,
    int eventRetentionDays,
    Optional<String> masterKey,
    String cryptoProvider,
    Optional<String> metricsToken,
    String instanceId,
    RateLimits rateLimits,
    int trustedProxyHops) {

  /** A host (and optional port) allowed as a push endpoint in addition to the public push services. */
  public record PushHost(String host, int port) {
    public static final int ANY_PORT = -1;

    public boolean matches(String otherHost, int otherPort) {
      return host.equalsIgnoreCase(otherHost) && (port == ANY_PORT || port == otherPort);
    }
  }

  /**
   * How often, per minute, a browser-facing action may be taken: {@code perAddress} from one client
   * address on one site, {@code perSite} on one site from all addresses together; 0 is no limit.
   */
  public record Limit(int perAddress, int perSite) {
    public static final Limit NONE = new Limit(0, 0);

    public boolean off() {
      return perAddress == 0 && perSite == 0;
    }
  }

  /** The limits of the browser-facing routes (docs/configuration.md#rate-limits). */
  public record RateLimits(Limit subscriptions, Limit events, Limit publicSite) {
  }

  public static Config fromEnvironment() {
    return from(System.getenv());
  }

  public static Config from(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    Config config = new Config(
        r.string("PUSHCART_HOST", "0.0.0.0"),
        r.integer("PUSHCART_PORT", 8080, 0, 65535),
        r.optional("PUSHCART_REDIS_URL"),
        r.bool("PUSHCART_REDIS_CLUSTER", false),
        Path.of(r.string("PUSHCART_DATA_DIR", "data")).toAbsolutePath(),
        r.optional("PUSHCART_ADMIN_TOKEN"),
        r.list("PUSHCART_PUSH_HOSTS").stream().map(v -> parsePushHost(v)).toList(),
        r.optional("PUSHCART_PUSH_CA_FILE").map(Path::of),
        r.integer("PUSHCART_PUSH_CONCURRENCY", 256, 1, 10_000),
        r.integer("PUSHCART_PUSH_MAX_ATTEMPTS", 5, 1, 20),
        r.integer("PUSHCART_DELIVERY_INSTANCES", Runtime.getRuntime().availableProcessors(), 1, 64),
        r.integer("PUSHCART_CLAIM_IDLE_MS", 30_000, 100, 3_600_000),
        r.integer("PUSHCART_REDIS_TIMEOUT_MS", 5_000, 100, 600_000),
        r.integer("PUSHCART_SHUTDOWN_GRACE_MS", 30_000, 0, 3_600_000),
        r.integer("PUSHCART_RETENTION_DAYS", 30, 1, 3_650),
        r.integer("PUSHCART_EVENT_RETENTION_DAYS", 90, 1, 3_650),
        r.optional("PUSHCART_MASTER_KEY"),
        r.string("PUSHCART_CRYPTO_PROVIDER", "auto"),
        r.optional("PUSHCART_METRICS_TOKEN"),
        r.string("PUSHCART_INSTANCE_ID", defaultInstanceId()),
        rateLimits(r),
        trustedProxyHops(r));
    config.pushCaFile.ifPresent(f -> {
      if (!Files.isReadable(f)) {
        throw new ConfigException("PUSHCART_PUSH_CA_FILE: cannot read " + f);
      }
    });
    config.metricsToken.ifPresent(t -> {
      if (t.length() < 16) {
        throw new ConfigException("PUSHCART_METRICS_TOKEN: use at least 16 characters");
      }
    });
    config.adminToken.ifPresent(t -> {
      if (t.length() < 16) {
        throw new ConfigException("PUSHCART_ADMIN_TOKEN: use at least 16 characters");
      }
    });
    return config;
  }

  /**
   * Defaults far above what a store's shoppers send (docs/configuration.md#rate-limits): a
   * shopper's browser registers once per tab session and sends a few events per page; a
   * campaign's receipts and the clicks after it arrive from many addresses at once.
   */
  private static RateLimits rateLimits(EnvReader r) {
    return new RateLimits(
        new Limit(r.integer("PUSHCART_RATE_LIMIT_SUBSCRIPTIONS_PER_ADDRESS", 60, 0, 1_000_000),
            r.integer("PUSHCART_RATE_LIMIT_SUBSCRIPTIONS_PER_SITE", 60_000, 0, 100_000_000)),
        new Limit(r.integer("PUSHCART_RATE_LIMIT_EVENTS_PER_ADDRESS", 600, 0, 1_000_000),
            r.integer("PUSHCART_RATE_LIMIT_EVENTS_PER_SITE", 600_000, 0, 100_000_000)),
        new Limit(r.integer("PUSHCART_RATE_LIMIT_PUBLIC_PER_ADDRESS", 600, 0, 1_000_000),
            r.integer("PUSHCART_RATE_LIMIT_PUBLIC_PER_SITE", 120_000, 0, 100_000_000)));
  }

  /**
   * {@code PUSHCART_TRUST_PROXY}: {@code false} (the connection's address is the client's),
   * {@code true} (one reverse proxy in front) or the number of proxies in front, each appending to
   * X-Forwarded-For.
   */
  private static int trustedProxyHops(EnvReader r) {
    String value = r.string("PUSHCART_TRUST_PROXY", "false").toLowerCase(java.util.Locale.ROOT);
    return switch (value) {
      case "false", "no", "0" -> 0;
      case "true", "yes" -> 1;
      default -> {
        if (!value.matches("[1-9]")) {
          throw new ConfigException("PUSHCART_TRUST_PROXY: '" + value + "' is not true, false or a number of proxies (1-9)");
        }
        yield Integer.parseInt(value);
      }
    };
  }

  /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}. */
  private static PushHost parsePushHost(String value) {
    String v = value.trim().toLowerCase();
    if (v.contains("/") || v.isEmpty()) {
      throw new ConfigException("PUSHCART_PUSH_HOSTS: '" + value + "' is not host or host:port");
    }
    String host = v;
    String port = null;
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close < 0 || (close + 1 < v.length() && v.charAt(close + 1) != ':')) {
        throw new ConfigException("PUSHCART_PUSH_HOSTS: '" + value + "' is not [address] or [address]:port");
      }
      host = v.substring(1, close);
      port = close + 1 < v.length() ? v.substring(close + 2) : null;
    } else if (v.indexOf(':') > 0 && v.indexOf(':') == v.lastIndexOf(':')) {
      host = v.substring(0, v.indexOf(':'));
      port = v.substring(v.indexOf(':') + 1);
    }
    if (port == null) {
      return new PushHost(host, PushHost.ANY_PORT);
    }
    try {
      int n = Integer.parseInt(port);
      if (n < 1 || n > 65535) {
        throw new NumberFormatException();
      }
      return new PushHost(host, n);
    } catch (NumberFormatException e) {
      throw new ConfigException("PUSHCART_PUSH_HOSTS: bad port in '" + value + "'");
    }
  }

  private static String defaultInstanceId() {
    return ProcessHandle.current().pid() + "@" + Optional.ofNullable(System.getenv("HOSTNAME")).orElse("local");
  }

  @Override
  public String toString() {
    // The admin token is a secret: never part of a printed configuration.
    return "Config[host=" + host + ", port=" + port + ", redis=" + redisUrl.map(Config::redactUrl).orElse("embedded")
        + ", cluster=" + redisCluster + ", dataDir=" + dataDir + ", extraPushHosts=" + extraPushHosts
        + ", pushCaFile=" + pushCaFile.orElse(null) + ", concurrency=" + pushConcurrencyPerOrigin
        + ", deliveryInstances=" + deliveryInstances + ", instanceId=" + instanceId + ", rateLimits=" + rateLimits
        + ", trustedProxyHops=" + trustedProxyHops + "]";
  }

  /** A Redis URL with any password replaced, fit for a log line. */
  public static String redactUrl(String url) {
    return url.replaceAll("(?<=://)([^:@/]*):([^@/]*)@", "$1:***@");
  }
}
