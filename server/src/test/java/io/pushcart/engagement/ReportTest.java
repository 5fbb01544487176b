package io.pushcart.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.Poll;
import io.pushcart.support.PushStack;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The report API for real: counters kept as messages flow, per day of the site's zone
 * (Asia/Kolkata, +05:30, so its days are not UTC's), per campaign and for transactional pushes;
 * its totals equal the campaigns' stats.
 */
class ReportTest {
  private static final TestClock CLOCK = new TestClock().set(Instant.parse("2026-09-10T20:00:00Z")); // 01:30 on the 11th in Kolkata
  @RegisterExtension
  static final PushStack.Extension stack = PushStack.extension(CLOCK);

  private static Reply report(TestSite site, String query) {
    return stack.server().api().get("/v1/sites/" + site.id() + "/report?" + query, site.secretKey());
  }

  private static String completed(TestSite site) {
    String id = site.startCampaign(TestSite.campaignTo("all"));
    site.awaitCompleted(id);
    return id;
  }

  @Test
  void countersPerDayOfTheSitesZoneMatchTheCampaignsStats() {
    TestSite site = TestSite.create(stack.server().api());
    Reply zone = stack.server().api().patch("/v1/sites/" + site.id(), site.secretKey(), new JsonObject().put("timezone", "Asia/Kolkata"));
    assertThat(zone.status()).isEqualTo(200);
    List<String> subs = new ArrayList<>();
    for (TestSubscriber s : stack.push().newSubscribers(4)) {
      subs.add(site.subscribe(s.subscriptionJson()).json().getString("id"));
    }
    String first = completed(site);
    site.receipt(subs.get(0), "notification.delivered", new JsonObject().put("campaignId", first));
    site.receipt(subs.get(1), "notification.delivered", new JsonObject().put("campaignId", first));
    site.receipt(subs.get(0), "notification.clicked", new JsonObject().put("campaignId", first));
    Reply order = stack.server().api().post("/v1/sites/" + site.id() + "/events", site.secretKey(), new JsonObject()
        .put("type", "order.completed").put("subscriptionId", subs.get(0))
        .put("data", new JsonObject().put("orderId", "r-1").put("total", 80).put("currency", "INR")));
    assertThat(order.status()).isEqualTo(202);
    assertThat(stack.server().api().deleteWithToken("/v1/sites/" + site.id() + "/subscriptions/" + subs.get(3), site.secretKey()).status())
        .isEqualTo(204);

    CLOCK.advance(Duration.ofDays(1)); // the 12th in Kolkata
    String second = completed(site);
    site.receipt(subs.get(2), "notification.clicked", new JsonObject().put("campaignId", second));
    Reply tx = stack.server().api().post("/v1/sites/" + site.id() + "/notifications", site.secretKey(), new JsonObject()
        .put("subscriptionId", subs.get(1)).put("notification", new JsonObject().put("title", "Shipped")));
    assertThat(tx.status()).isEqualTo(202);
    Poll.until(() -> report(site, "from=2026-09-12&to=2026-09-12").json().getJsonObject("notifications").getLong("sent"),
        n -> n == 1, Duration.ofSeconds(20), "the transactional push in the report");

    JsonObject r = report(site, "from=2026-09-10&to=2026-09-12").json();
    assertThat(r.getString("timezone")).isEqualTo("Asia/Kolkata");
    JsonArray days = r.getJsonArray("intervals");
    assertThat(days).hasSize(3);
    JsonObject tenth = days.getJsonObject(0);
    JsonObject eleventh = days.getJsonObject(1);
    JsonObject twelfth = days.getJsonObject(2);
    assertThat(tenth.getString("start")).isEqualTo("2026-09-10");
    assertThat(tenth.getLong("gained")).as("the 10th in UTC, but the 11th in Kolkata").isZero();
    assertThat(eleventh.getLong("gained")).isEqualTo(4);
    assertThat(eleventh.getLong("lost")).isEqualTo(1);
    assertThat(eleventh.getLong("sent")).isEqualTo(4);
    assertThat(eleventh.getLong("delivered")).isEqualTo(2);
    assertThat(eleventh.getLong("clicked")).isEqualTo(1);
    assertThat(eleventh.getLong("conversions")).isEqualTo(1);
    assertThat(eleventh.getJsonObject("revenue").getDouble("INR")).isEqualTo(80.0);
    assertThat(twelfth.getLong("sent")).as("3 of the second campaign, 1 transactional").isEqualTo(4);

    // The totals equal the campaigns' own stats (and the transactional push's).
    JsonObject totals = r.getJsonObject("totals");
    long accepted = 0;
    long clicked = 0;
    long delivered = 0;
    for (String id : List.of(first, second)) {
      JsonObject stats = site.campaign(id).json().getJsonObject("stats");
      JsonObject inReport = r.getJsonObject("campaigns").getJsonObject(id);
      assertThat(inReport.getLong("sent")).isEqualTo(stats.getLong("accepted"));
      assertThat(inReport.getLong("clicked")).isEqualTo(stats.getLong("clicked"));
      assertThat(inReport.getLong("delivered")).isEqualTo(stats.getLong("delivered"));
      assertThat(inReport.getLong("conversions")).isEqualTo(stats.getLong("conversions"));
      accepted += stats.getLong("accepted");
      clicked += stats.getLong("clicked");
      delivered += stats.getLong("delivered");
    }
    assertThat(totals.getLong("sent")).isEqualTo(accepted + r.getJsonObject("notifications").getLong("sent"));
    assertThat(totals.getLong("clicked")).isEqualTo(clicked);
    assertThat(totals.getLong("delivered")).isEqualTo(delivered);

    JsonObject week = report(site, "from=2026-09-10&to=2026-09-12&interval=week").json();
    assertThat(week.getJsonArray("intervals")).hasSize(1); // Thursday to Saturday: one ISO week
    assertThat(week.getJsonArray("intervals").getJsonObject(0).getLong("sent")).isEqualTo(8);
  }

  @Test
  void badRangesAreRefusedNamingTheParameter() {
    TestSite site = TestSite.create(stack.server().api());
    assertThat(report(site, "from=yesterday").errorField()).isEqualTo("from");
    assertThat(report(site, "from=2026-09-12&to=2026-09-01").errorField()).isEqualTo("from");
    assertThat(report(site, "from=2024-01-01&to=2026-01-01").errorField()).isEqualTo("to");
    assertThat(report(site, "interval=hour").errorField()).isEqualTo("interval");
    assertThat(stack.server().api().get("/v1/sites/" + site.id() + "/report", "pcsk_wrong").status()).isEqualTo(401);
    Reply fine = report(site, "");
    assertThat(fine.status()).isEqualTo(200);
    assertThat(fine.json().getJsonArray("intervals")).hasSize(30);
  }
}
