package io.pushcart.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.Poll;
import io.pushcart.support.PushStack;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.ReceivedPush;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A/B tests for real (Redis, HTTP, the local push service, the injected clock): the test share
 * gets the variants by weight, the shoppers click through receipts as the service worker sends
 * them, and after decideAfter the rest gets the better variant only when the data supports it.
 * Every subscriber receives exactly one variant.
 */
class AbTestDeliveryTest {
  private static final TestClock CLOCK = new TestClock().set(Instant.parse("2026-07-01T09:00:00Z"));
  private static final int AUDIENCE = 600;
  @RegisterExtension
  static final PushStack.Extension stack = PushStack.extension(CLOCK);

  /** Subscription id by push token. */
  private static Map<String, String> subscribe(TestSite site, List<TestSubscriber> people) {
    Map<String, String> ids = new LinkedHashMap<>();
    for (TestSubscriber s : people) {
      Reply r = site.subscribe(s.subscriptionJson());
      assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
      ids.put(s.token(), r.json().getString("id"));
    }
    return ids;
  }

  private static JsonObject abCampaign() {
    JsonObject body = TestSite.campaignTo("all");
    body.remove("notification");
    return body.put("variants", new JsonArray()
            .add(new JsonObject().put("name", "A").put("weight", 1).put("notification", new JsonObject().put("title", "10% off")))
            .add(new JsonObject().put("name", "B").put("weight", 1).put("notification", new JsonObject().put("title", "Free shipping"))))
        .put("abTest", new JsonObject().put("testShare", 0.5).put("metric", "clicked").put("decideAfter", "PT2H"));
  }

  /** The variant each subscriber received, by token; fails if anyone received two pushes. */
  private static Map<String, String> variantsReceived(List<TestSubscriber> people) {
    Map<String, String> out = new HashMap<>();
    for (TestSubscriber s : people) {
      List<ReceivedPush> got = stack.push().receivedFor(s.token());
      assertThat(got.size()).as("pushes to " + s.token()).isLessThanOrEqualTo(1);
      if (!got.isEmpty()) {
        out.put(s.token(), new JsonObject(got.get(0).plaintext()).getString("variant"));
      }
    }
    return out;
  }

  /**
   * Runs the test: the test share receives its variants, of whom every {@code everyA}-th A
   * receiver and every {@code everyB}-th B receiver clicks; then the rest is sent. The campaign at the end.
   */
  private static JsonObject run(TestSite site, List<TestSubscriber> people, Map<String, String> ids, int everyA, int everyB) {
    String id = site.startCampaign(abCampaign());
    Poll.until(() -> variantsReceived(people).size(), n -> n > AUDIENCE / 3 && site.campaign(id).json().getJsonObject("stats")
        .getLong("accepted").intValue() == n, Duration.ofSeconds(30), "the test share to be sent");
    stack.redis().awaitDrained(site.id());
    Map<String, String> test = variantsReceived(people);
    assertThat(test.size()).as("about half the audience").isBetween(AUDIENCE / 2 - 60, AUDIENCE / 2 + 60);
    int a = 0;
    int b = 0;
    for (Map.Entry<String, String> e : test.entrySet()) {
      boolean isA = e.getValue().equals("A");
      int n = isA ? a++ : b++;
      if (n % (isA ? everyA : everyB) == 0) {
        site.receipt(ids.get(e.getKey()), "notification.clicked", new JsonObject().put("campaignId", id));
      }
    }
    assertThat(site.campaign(id).json().getString("status")).isEqualTo("sending");
    CLOCK.advance(Duration.ofHours(2));
    JsonObject done = site.awaitCompleted(id);
    Map<String, String> all = variantsReceived(people);
    assertThat(all).hasSize(AUDIENCE);
    all.forEach((token, variant) -> {
      if (test.containsKey(token)) {
        assertThat(variant).isEqualTo(test.get(token));
      }
    });
    assertThat(done.getJsonObject("stats").getLong("accepted")).isEqualTo(AUDIENCE);
    return done;
  }

  private static long restGot(List<TestSubscriber> people, Map<String, String> before, String variant) {
    return variantsReceived(people).entrySet().stream().filter(e -> !before.containsKey(e.getKey()) && e.getValue().equals(variant)).count();
  }

  @Test
  void aClearlyBetterVariantWinsAndGoesToTheRest() {
    TestSite site = TestSite.create(stack.server().api());
    List<TestSubscriber> people = stack.push().newSubscribers(AUDIENCE);
    Map<String, String> ids = subscribe(site, people);
    JsonObject done = run(site, people, ids, 20, 3); // A: 5 % click, B: 33 %
    assertThat(done.getString("winner")).isEqualTo("B");
    JsonObject result = done.getJsonObject("abResult");
    assertThat(result.getString("sentToRest")).isEqualTo("B");
    assertThat(result.getDouble("confidence")).isEqualTo(0.95);
    assertThat(result.getJsonObject("variants").getJsonObject("B").getLong("sample")).isGreaterThanOrEqualTo(100);
    JsonObject variants = done.getJsonObject("stats").getJsonObject("variants");
    assertThat(variants.getJsonObject("B").getLong("clicked")).isGreaterThan(variants.getJsonObject("A").getLong("clicked"));
    assertThat(variants.getJsonObject("A").getLong("accepted") + variants.getJsonObject("B").getLong("accepted")).isEqualTo(AUDIENCE);
    long rest = variantsReceived(people).size() - result.getJsonObject("variants").getJsonObject("A").getLong("sample")
        - result.getJsonObject("variants").getJsonObject("B").getLong("sample");
    assertThat(variants.getJsonObject("B").getLong("accepted"))
        .isEqualTo(result.getJsonObject("variants").getJsonObject("B").getLong("sample") + rest);
  }

  @Test
  void withNoRealDifferenceNoWinnerIsClaimedAndTheFirstVariantGoesToTheRest() {
    TestSite site = TestSite.create(stack.server().api());
    List<TestSubscriber> people = stack.push().newSubscribers(AUDIENCE);
    Map<String, String> ids = subscribe(site, people);
    JsonObject done = run(site, people, ids, 10, 10);
    assertThat(done.getValue("winner")).isNull();
    assertThat(done.getJsonObject("abResult").getString("sentToRest")).isEqualTo("A");
    assertThat(done.getJsonObject("abResult").getString("reason")).contains("95 % confidence");
  }

  @Test
  void variantsAreCheckedWhenSaved() {
    TestSite site = TestSite.create(stack.server().api());
    JsonObject both = abCampaign().put("notification", new JsonObject().put("title", "x"));
    assertThat(site.createCampaign(both).errorField()).isEqualTo("notification");
    JsonObject one = abCampaign();
    one.getJsonArray("variants").remove(1);
    assertThat(site.createCampaign(one).errorField()).isEqualTo("variants");
    JsonObject twin = abCampaign();
    twin.getJsonArray("variants").getJsonObject(1).put("name", "A");
    assertThat(site.createCampaign(twin).errorField()).isEqualTo("variants[1].name");
    JsonObject share = abCampaign();
    share.getJsonObject("abTest").put("testShare", 1);
    assertThat(site.createCampaign(share).errorField()).isEqualTo("abTest.testShare");
    JsonObject metric = abCampaign();
    metric.getJsonObject("abTest").put("metric", "opened");
    assertThat(site.createCampaign(metric).errorField()).isEqualTo("abTest.metric");
    JsonObject local = abCampaign().put("localTime", "10:00");
    assertThat(site.createCampaign(local).errorField()).isEqualTo("abTest");
    JsonObject root = abCampaign();
    root.getJsonArray("variants").getJsonObject(0).getJsonObject("notification").put("title", "{{ cart.total }}");
    assertThat(site.createCampaign(root).errorField()).isEqualTo("variants[0].notification");
    JsonObject noTest = TestSite.campaignTo("all").put("abTest", new JsonObject().put("testShare", 0.2).put("decideAfter", "PT1H"));
    assertThat(site.createCampaign(noTest).errorField()).isEqualTo("abTest");
  }

  @Test
  void withoutAnAbTestTheVariantsSplitTheWholeAudienceByWeight() {
    TestSite site = TestSite.create(stack.server().api());
    List<TestSubscriber> people = stack.push().newSubscribers(300);
    subscribe(site, people);
    JsonObject body = abCampaign();
    body.remove("abTest");
    body.getJsonArray("variants").getJsonObject(1).put("weight", 3);
    String id = site.startCampaign(body);
    JsonObject done = site.awaitCompleted(id);
    Map<String, String> got = variantsReceived(people);
    assertThat(got).hasSize(300);
    long b = got.values().stream().filter("B"::equals).count();
    assertThat(b).as("about three in four").isBetween(190L, 260L);
    assertThat(done.getJsonObject("stats").getJsonObject("variants").getJsonObject("B").getLong("accepted")).isEqualTo(b);
  }
}
