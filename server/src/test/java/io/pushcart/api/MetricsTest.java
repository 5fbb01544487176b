package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.Poll;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} (issue 13): Prometheus text exposition behind its token, whose counters
 * move as a campaign's stats do, with HTTP, Redis, event and queue metrics beside them.
 */
class MetricsTest {
  private static final String TOKEN = "metrics-token-0123456789";
  /** A sample line: name, optional {labels}, value. */
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$");

  @Test
  void countersMatchACampaignsStats() {
    try (LocalPushService push = new LocalPushService().verify(false).start();
         RunningPushcart server = RunningPushcart.start(Map.of("PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString(), "PUSHCART_METRICS_TOKEN", TOKEN))) {
      assertThat(server.api().get("/metrics", null).status()).isEqualTo(401);
      assertThat(server.api().get("/metrics", "wrong-token-0123456789").status()).isEqualTo(401);
      String service = "https://127.0.0.1:" + push.port();
      double before = value(scrape(server), "pushcart_messages_total", Map.of("service", service, "outcome", "accepted"));

      TestSite site = TestSite.create(server.api());
      List<TestSubscriber> subscribers = push.newSubscribers(25);
      site.registerAll(subscribers);
      String id = site.startCampaign(TestSite.campaignTo("all"));
      JsonObject done = site.awaitCampaign(id, c -> "completed".equals(c.getString("status")), "the campaign to complete");
      long accepted = done.getJsonObject("stats").getLong("accepted");
      assertThat(accepted).isEqualTo(25);

      Map<String, Double> after = Poll.until(() -> scrape(server), m -> value(m, "pushcart_messages_total",
          Map.of("service", service, "outcome", "accepted")) - before >= accepted, Duration.ofSeconds(10), "the counters");
      assertThat(value(after, "pushcart_messages_total", Map.of("service", service, "outcome", "accepted")) - before)
          .isEqualTo(accepted);
      assertThat(value(after, "pushcart_send_seconds_count", Map.of("service", service)) - 0).isGreaterThanOrEqualTo(accepted);
      assertThat(value(after, "pushcart_http_requests_seconds_count",
          Map.of("route", "/v1/sites/:site/campaigns", "method", "POST", "status", "201"))).isGreaterThanOrEqualTo(1);
      assertThat(value(after, "pushcart_redis_seconds_count", Map.of("command", "evalsha", "result", "ok")))
          .as(after.keySet().stream().filter(k -> k.startsWith("pushcart_redis_seconds_count")).toList().toString()).isPositive();
      assertThat(after.keySet().stream().anyMatch(k -> k.startsWith("pushcart_work_units"))).as("queue gauge").isTrue();
      assertThat(after.keySet()).noneMatch(k -> k.contains(site.id())).as("no ids in label values");
    }
  }

  @Test
  void refusalsOfTheRateLimitsAreCounted() {
    try (RunningPushcart server = RunningPushcart.start(Map.of("PUSHCART_METRICS_TOKEN", TOKEN,
        "PUSHCART_RATE_LIMIT_PUBLIC_PER_ADDRESS", "2"))) {
      TestSite site = TestSite.create(server.api());
      double before = value(scrape(server), "pushcart_rate_limited_total", Map.of("action", "public", "limit", "address"));
      int refused = 0;
      for (int i = 0; i < 5; i++) {
        refused += server.api().get("/v1/sites/" + site.id() + "/public", null).status() == 429 ? 1 : 0;
      }
      assertThat(refused).isPositive();
      assertThat(value(scrape(server), "pushcart_rate_limited_total", Map.of("action", "public", "limit", "address")) - before)
          .isEqualTo(refused);
    }
  }

  @Test
  void offWithoutAToken() {
    try (RunningPushcart server = RunningPushcart.start(Map.of())) {
      Reply r = server.api().get("/metrics", "anything-at-all-0123456789");
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.errorMessage()).contains("PUSHCART_METRICS_TOKEN");
    }
  }

  /** Parses the exposition: every sample line must parse; key = name + sorted labels. */
  private static Map<String, Double> scrape(RunningPushcart server) {
    Reply r = server.api().get("/metrics", TOKEN);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/plain");
    Map<String, Double> samples = new HashMap<>();
    for (String line : r.raw().body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("a sample line: " + line).isTrue();
      samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3).replace("+Inf", "Infinity")));
    }
    return samples;
  }

  /** The sum of the samples of {@code name} whose labels include all of {@code labels}. */
  private static double value(Map<String, Double> samples, String name, Map<String, String> labels) {
    return samples.entrySet().stream().filter(e -> e.getKey().startsWith(name + "{") || e.getKey().equals(name))
        .filter(e -> labels.entrySet().stream().allMatch(l -> e.getKey().contains(l.getKey() + "=\"" + l.getValue() + "\"")))
        .mapToDouble(Map.Entry::getValue).sum();
  }
}
