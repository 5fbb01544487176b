package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A campaign's audience may be any segment rule, given inline: it reaches exactly the
 * subscribers the rule describes, judged by what the server derived (browser from the
 * User-Agent, country from the time zone) and by their tags and attributes.
 */
class RuleAudienceTest {
  private static final String CHROME_ANDROID = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
      + "Chrome/124.0.0.0 Mobile Safari/537.36";
  private static final String FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0";

  @Test
  void aCampaignToAnInlineRuleReachesExactlyItsSubscribers() {
    try (LocalPushService push = new LocalPushService().verify(false).start();
         RunningPushcart server = RunningPushcart.start(Map.of(
             "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString()))) {
      TestSite site = TestSite.create(server.api());
      List<TestSubscriber> expected = new ArrayList<>();
      List<TestSubscriber> others = new ArrayList<>();
      int n = 0;
      for (String userAgent : List.of(CHROME_ANDROID, FIREFOX_WINDOWS)) {
        for (String zone : List.of("Asia/Kolkata", "Europe/Berlin")) {
          for (String tier : List.of("gold", "silver")) {
            for (int i = 0; i < 5; i++) {
              TestSubscriber s = push.newSubscriber();
              JsonObject body = s.subscriptionJson()
                  .put("attributes", new JsonObject().put("timezone", zone).put("tier", tier).put("ltv", 100 * (n++ % 7)))
                  .put("tags", new JsonArray().add(i == 0 ? "optout" : "shoes"));
              Reply r = server.api().postWithHeaders("/v1/sites/" + site.id() + "/subscriptions",
                  Map.of("User-Agent", userAgent, "Content-Type", "application/json"), body.encode());
              assertThat(r.status()).isEqualTo(201);
              boolean member = userAgent.equals(CHROME_ANDROID) && zone.equals("Asia/Kolkata") && i != 0
                  && (tier.equals("gold") || body.getJsonObject("attributes").getInteger("ltv") >= 300);
              (member ? expected : others).add(s);
            }
          }
        }
      }
      // Mobile Chrome users in India, not opted out, who are gold tier or worth 300 or more.
      JsonObject rule = new JsonObject(
          "{\"all\": [{\"field\": \"browser\", \"op\": \"eq\", \"value\": \"chrome\"},"
              + " {\"field\": \"deviceType\", \"op\": \"eq\", \"value\": \"mobile\"},"
              + " {\"field\": \"country\", \"op\": \"eq\", \"value\": \"IN\"},"
              + " {\"not\": {\"tag\": \"optout\"}},"
              + " {\"any\": [{\"field\": \"attributes.tier\", \"op\": \"eq\", \"value\": \"gold\"},"
              + "           {\"field\": \"attributes.ltv\", \"op\": \"gte\", \"value\": 300}]}]}");
      String id = site.startCampaign(TestSite.campaignTo(rule));
      JsonObject done = site.awaitCampaign(id, c -> "completed".equals(c.getString("status")), "the campaign to complete");

      assertThat(expected).isNotEmpty();
      assertThat(done.getJsonObject("stats").getLong("targeted")).isEqualTo(expected.size());
      assertThat(done.getValue("audience")).as("the rule as given").isEqualTo(rule);
      assertThat(expected).allSatisfy(s -> assertThat(push.countFor(s.token())).as("member " + s).isEqualTo(1));
      assertThat(others).allSatisfy(s -> assertThat(push.countFor(s.token())).as("not a member " + s).isZero());
    }
  }

  @Test
  void aBadInlineRuleIsRefusedWithItsPath() {
    try (RunningPushcart server = RunningPushcart.start(Map.of())) {
      TestSite site = TestSite.create(server.api());
      Reply bad = site.createCampaign(TestSite.campaignTo(new JsonObject(
          "{\"all\": [{\"tag\": \"shoes\"}, {\"field\": \"browser\", \"op\": \"eq\", \"value\": \"netscape\"}]}")));
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.errorField()).isEqualTo("audience.all[1].value");
      assertThat(bad.errorMessage()).contains("chrome, firefox");
    }
  }
}
