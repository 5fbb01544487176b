package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.common.Ids;
import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.BulkSubscribe;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Saved segments over real HTTP and Redis (MARKETING.md §2): the count said beforehand is what a
 * campaign to the segment targets, the segment is evaluated when the campaign fans out (who
 * joined since is in, who left is out), members page exactly, and bad rules name their path.
 */
class SegmentApiTest {
  /** Shoppers tagged shoes or gold tier, outside Germany, not opted out. */
  private static final JsonObject RULE = new JsonObject("""
      {"all": [
        {"any": [{"tag": "shoes"}, {"field": "attributes.tier", "op": "eq", "value": "gold"}]},
        {"not": {"field": "country", "op": "eq", "value": "DE"}},
        {"not": {"tag": "optout"}}]}""");

  @Test
  void theCountSaidBeforehandIsWhatTheCampaignTargets() {
    try (LocalPushService push = new LocalPushService().verify(false).start();
         RunningPushcart server = RunningPushcart.start(Map.of(
             "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString()))) {
      TestSite site = TestSite.create(server.api());
      Random random = new Random(12);
      List<TestSubscriber> all = push.newSubscribers(2_000);
      List<JsonObject> bodies = new ArrayList<>();
      Set<String> members = new HashSet<>();
      for (TestSubscriber s : all) {
        List<String> tags = new ArrayList<>();
        for (String t : List.of("shoes", "bags", "optout")) {
          if (random.nextInt(3) == 0) {
            tags.add(t);
          }
        }
        String zone = List.of("Asia/Kolkata", "Europe/Berlin", "America/New_York").get(random.nextInt(3));
        String tier = List.of("gold", "silver", "bronze").get(random.nextInt(3));
        bodies.add(s.subscriptionJson().put("tags", new JsonArray(tags))
            .put("attributes", new JsonObject().put("timezone", zone).put("tier", tier)));
        if ((tags.contains("shoes") || tier.equals("gold")) && !zone.equals("Europe/Berlin") && !tags.contains("optout")) {
          members.add(s.token());
        }
      }
      BulkSubscribe.register(server.api().baseUrl(), site.id(), bodies);

      Reply created = segments(site, null, new JsonObject().put("name", "Shoe lovers abroad").put("rule", RULE));
      assertThat(created.status()).as(created.json().encode()).isEqualTo(201);
      String segment = created.json().getString("id");
      assertThat(created.json().getLong("count")).isEqualTo(members.size());
      assertThat(created.json().getString("countedAt")).isNotNull();
      Reply counted = site.api().post("/v1/sites/" + site.id() + "/audience/count", site.secretKey(),
          new JsonObject().put("audience", new JsonObject().put("segment", segment)));
      assertThat(counted.json().getLong("count")).isEqualTo(members.size());
      Reply inline = site.api().post("/v1/sites/" + site.id() + "/audience/count", site.secretKey(),
          new JsonObject().put("audience", RULE));
      assertThat(inline.json().getLong("count")).isEqualTo(members.size());

      // Scheduled; before it fans out, one member leaves and a new one joins.
      String campaign = site.startCampaign(TestSite.campaignTo(new JsonObject().put("segment", segment))
          .put("sendAt", Instant.now().plus(Duration.ofSeconds(3)).toString()));
      TestSubscriber leaving = all.stream().filter(s -> members.contains(s.token())).findFirst().orElseThrow();
      assertThat(site.api().delete("/v1/sites/" + site.id() + "/subscriptions/" + Ids.derived(leaving.endpoint())).status())
          .isEqualTo(204);
      members.remove(leaving.token());
      TestSubscriber joining = push.newSubscriber();
      assertThat(site.subscribe(joining.subscriptionJson().put("tags", new JsonArray().add("shoes"))
          .put("attributes", new JsonObject().put("timezone", "Asia/Kolkata"))).status()).isEqualTo(201);
      members.add(joining.token());
      assertThat(server.api().deleteWithToken(path(site, segment), site.secretKey()).status())
          .as("a scheduled campaign uses it").isEqualTo(409);

      JsonObject done = site.awaitCampaign(campaign, c -> "completed".equals(c.getString("status")), "the campaign to complete");
      assertThat(done.getJsonObject("stats").getLong("targeted")).isEqualTo(members.size());
      for (TestSubscriber s : all) {
        assertThat(push.countFor(s.token())).as(s.token()).isEqualTo(members.contains(s.token()) ? 1 : 0);
      }
      assertThat(push.countFor(joining.token())).isEqualTo(1);
    }
  }

  @Test
  void crudPagingAndBadRules() {
    try (RunningPushcart server = RunningPushcart.start(Map.of("PUSHCART_PUSH_HOSTS", "127.0.0.1:1"))) {
      TestSite site = TestSite.create(server.api());
      Set<String> gold = new HashSet<>();
      List<JsonObject> bodies = new ArrayList<>();
      for (int i = 0; i < 230; i++) {
        TestSubscriber s = TestSubscriber.create("https://127.0.0.1:1/push/");
        bodies.add(s.subscriptionJson().put("attributes", new JsonObject().put("tier", i % 3 == 0 ? "gold" : "silver")));
        if (i % 3 == 0) {
          gold.add(Ids.derived(s.endpoint()));
        }
      }
      BulkSubscribe.register(server.api().baseUrl(), site.id(), bodies);
      JsonObject rule = new JsonObject("{\"field\": \"attributes.tier\", \"op\": \"eq\", \"value\": \"gold\"}");
      Reply created = segments(site, null, new JsonObject().put("name", "Gold").put("rule", rule));
      String id = created.json().getString("id");
      assertThat(created.json().getLong("count")).isEqualTo(gold.size());

      Reply one = site.api().get(path(site, id), site.secretKey());
      assertThat(one.json().getString("name")).isEqualTo("Gold");
      assertThat(one.json().getValue("rule")).isEqualTo(rule);
      assertThat(one.json().getLong("count")).isEqualTo(gold.size());
      Reply list = site.api().get("/v1/sites/" + site.id() + "/segments", site.secretKey());
      assertThat(list.json().getJsonArray("segments")).hasSize(1);

      Set<String> paged = new HashSet<>();
      String cursor = null;
      int pages = 0;
      do {
        Reply page = site.api().get(path(site, id) + "/subscriptions?limit=25" + (cursor == null ? "" : "&cursor=" + cursor),
            site.secretKey());
        assertThat(page.status()).isEqualTo(200);
        page.json().getJsonArray("subscriptions").forEach(s -> assertThat(paged.add(((JsonObject) s).getString("id"))).isTrue());
        cursor = page.json().getString("nextCursor");
        pages++;
      } while (cursor != null);
      assertThat(paged).isEqualTo(gold);
      assertThat(pages).isGreaterThanOrEqualTo(4);
      assertThat(site.api().get(path(site, id) + "/subscriptions?cursor=xyz", site.secretKey()).status()).isEqualTo(400);
      assertThat(site.api().get(path(site, id) + "/subscriptions?limit=0", site.secretKey()).status()).isEqualTo(400);

      Reply renamed = site.api().patch(path(site, id), site.secretKey(), new JsonObject().put("name", "Silver")
          .put("rule", new JsonObject("{\"not\": " + rule.encode() + "}")));
      assertThat(renamed.status()).as(renamed.json().encode()).isEqualTo(200);
      assertThat(renamed.json().getLong("count")).isEqualTo(230 - gold.size());

      // Bad rules: 400 naming the path.
      JsonObject deep = new JsonObject().put("tag", "x");
      for (int i = 0; i < 10; i++) {
        deep = new JsonObject().put("not", deep);
      }
      JsonArray many = new JsonArray();
      for (int i = 0; i < 101; i++) {
        many.add(new JsonObject().put("tag", "t" + i));
      }
      Map<JsonObject, String> bad = Map.of(
          deep, "rule",
          new JsonObject().put("any", many), "rule.any",
          new JsonObject("{\"all\": [{\"tag\": \"a\"}, {\"field\": \"tags\", \"op\": \"gt\", \"value\": 1}]}"), "rule.all[1]",
          new JsonObject("{\"all\": [{\"field\": \"shoeSize\", \"op\": \"eq\", \"value\": 42}]}"), "rule.all[0].field",
          new JsonObject("{\"field\": \"lastSeenAt\", \"op\": \"withinLast\", \"value\": \"7 days\"}"), "rule.value");
      bad.forEach((badRule, where) -> {
        Reply r = segments(site, null, new JsonObject().put("name", "Bad").put("rule", badRule));
        assertThat(r.status()).as(badRule.encode()).isEqualTo(400);
        assertThat(r.errorField()).as(r.json().encode()).startsWith(where);
      });
      assertThat(site.createCampaign(TestSite.campaignTo(new JsonObject().put("segment", "nosuchsegment1"))).status())
          .isEqualTo(400);
      assertThat(site.api().get(path(site, "nosuchsegment1"), site.secretKey()).status()).isEqualTo(404);
      assertThat(site.api().get(path(site, id), null).status()).isEqualTo(401);

      // In use by a scheduled campaign: 409; once it is cancelled, deleted.
      String campaign = site.startCampaign(TestSite.campaignTo(new JsonObject().put("segment", id))
          .put("sendAt", Instant.now().plus(Duration.ofDays(1)).toString()));
      Reply refused = server.api().deleteWithToken(path(site, id), site.secretKey());
      assertThat(refused.status()).isEqualTo(409);
      assertThat(refused.errorMessage()).contains(campaign);
      assertThat(site.cancelCampaign(campaign).status()).isEqualTo(200);
      assertThat(server.api().deleteWithToken(path(site, id), site.secretKey()).status()).isEqualTo(204);
      assertThat(site.api().get(path(site, id), site.secretKey()).status()).isEqualTo(404);
    }
  }

  @Test
  void timeRulesFollowTheClock() throws Exception {
    TestClock clock = new TestClock().set(Instant.parse("2026-11-01T10:00:00Z"));
    try (RunningPushcart server = RunningPushcart.start(TempDirs.create("segment-clock"), Map.of("PUSHCART_PUSH_HOSTS", "127.0.0.1:1"),
        DeliveryMetrics.NONE, clock)) {
      TestSite site = TestSite.create(server.api());
      List<TestSubscriber> subscribers = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        TestSubscriber s = TestSubscriber.create("https://127.0.0.1:1/push/");
        assertThat(site.subscribe(s.subscriptionJson()).status()).isEqualTo(201);
        subscribers.add(s);
      }
      JsonObject seenThisWeek = new JsonObject("{\"field\": \"lastSeenAt\", \"op\": \"withinLast\", \"value\": \"P7D\"}");
      String id = segments(site, null, new JsonObject().put("name", "Active").put("rule", seenThisWeek)).json().getString("id");
      assertThat(site.api().get(path(site, id), site.secretKey()).json().getLong("count")).isEqualTo(10);
      clock.advance(Duration.ofDays(6).plusHours(23));
      for (TestSubscriber s : subscribers.subList(0, 4)) {
        assertThat(site.subscribe(s.subscriptionJson()).status()).as("a visit again").isEqualTo(200);
      }
      assertThat(site.api().get(path(site, id), site.secretKey()).json().getLong("count")).isEqualTo(10);
      clock.advance(Duration.ofHours(1).plusMinutes(1)); // the first visits are now 7 days and a minute old
      assertThat(site.api().get(path(site, id), site.secretKey()).json().getLong("count")).isEqualTo(4);
      Reply not = site.api().post("/v1/sites/" + site.id() + "/audience/count", site.secretKey(), new JsonObject()
          .put("audience", new JsonObject().put("not", seenThisWeek)));
      assertThat(not.json().getLong("count")).isEqualTo(6);
    }
  }

  private static String path(TestSite site, String segment) {
    return "/v1/sites/" + site.id() + "/segments/" + segment;
  }

  private static Reply segments(TestSite site, String unused, JsonObject body) {
    return site.api().post("/v1/sites/" + site.id() + "/segments", site.secretKey(), body);
  }
}
