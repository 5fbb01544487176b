package io.pushcart.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every metric Pushcart exposes at {@code GET /metrics} (Prometheus text format), named here and
 * only here (docs/operations.md lists them; docs/grafana-dashboard.json charts them). One
 * registry per process: instances of the verticles add to the same meters.
 */
public final class Metrics {
  private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private static final Map<String, AtomicLong> GAUGES = new ConcurrentHashMap<>();

  private Metrics() {
  }

  /** The exposition text. */
  public static String scrape() {
    return REGISTRY.scrape();
  }

  /** A push service answered: by service (its origin) and outcome (what delivery makes of the status). */
  public static void pushAnswered(String service, int status, long nanos) {
    messages(service, outcome(status)).increment();
    SEND_TIMES.computeIfAbsent(service, s -> Timer.builder("pushcart_send_seconds")
        .description("from sending a message to the push service's answer").tags("service", s)
        .publishPercentileHistogram().register(REGISTRY)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** A request to a push service failed without an answer. */
  public static void pushNetworkError(String service) {
    messages(service, "network_error").increment();
  }

  /** Per message: the meters are looked up in a map, not built again. */
  private static final Map<String, Counter> MESSAGES = new ConcurrentHashMap<>();
  private static final Map<String, Timer> SEND_TIMES = new ConcurrentHashMap<>();

  private static Counter messages(String service, String outcome) {
    return MESSAGES.computeIfAbsent(service + " " + outcome, k -> Counter.builder("pushcart_messages")
        .description("messages sent to push services, by service and outcome").tags("service", service, "outcome", outcome)
        .register(REGISTRY));
  }

  /** How delivery treats a push service's status (RFC 8030 §5–§6; SendStep decides, this names it). */
  static String outcome(int status) {
    if (status >= 200 && status < 300) {
      return "accepted";
    }
    if (status == 404 || status == 410) {
      return "gone";
    }
    if (status == 429 || status >= 500) {
      return "retried";
    }
    return "failed";
  }

  /** An HTTP API request ended: by route pattern (ids not included), method and status. */
  public static void httpRequest(String route, String method, int status, long nanos) {
    Timer.builder("pushcart_http_requests_seconds").description("HTTP API requests, by route, method and status")
        .tags("route", route, "method", method, "status", String.valueOf(status)).register(REGISTRY)
        .record(Duration.ofNanos(nanos));
  }

  /** A Redis command (or a pipelined batch) answered or failed. */
  public static void redisCommand(String command, boolean ok, long nanos) {
    Timer.builder("pushcart_redis_seconds").description("Redis calls, by command and result")
        .tags("command", command, "result", ok ? "ok" : "error").register(REGISTRY).record(Duration.ofNanos(nanos));
  }

  /** A commerce event or receipt: recorded, duplicate, or refused (with the refusal's status). */
  public static void event(String type, String result) {
    Counter.builder("pushcart_events").description("events received, by type and result")
        .tags("type", type, "result", result).register(REGISTRY).increment();
  }

  /** A browser request refused with 429: by action (subscription, event, public) and which limit. */
  public static void rateLimited(String action, String limit) {
    Counter.builder("pushcart_rate_limited").description("browser requests refused by the rate limits, by action and limit")
        .tags("action", action, "limit", limit).register(REGISTRY).increment();
  }

  /** Delivery paused (Redis away, a push service asked to back off) or a retry was scheduled. */
  public static void deliveryEvent(String kind) {
    Counter.builder("pushcart_delivery_events").description("retries scheduled and pauses, by kind")
        .tags("kind", kind).register(REGISTRY).increment();
  }

  /** Sets a gauge (work units queued, retries waiting, scheduler lag...). */
  public static void gauge(String name, String description, long value) {
    GAUGES.computeIfAbsent(name, n -> {
      AtomicLong holder = new AtomicLong();
      io.micrometer.core.instrument.Gauge.builder(n, holder, AtomicLong::doubleValue).description(description).register(REGISTRY);
      return holder;
    }).set(value);
  }
}
