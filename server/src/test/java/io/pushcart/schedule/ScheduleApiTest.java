package io.pushcart.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.BrowserKeys;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scheduling API: what it accepts and refuses, and the life of a scheduled campaign before it
 * is sent (PATCH, cancel, listing). The clock stands at a known instant; nothing falls due.
 */
class ScheduleApiTest {
  static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");
  private static final TestClock CLOCK = new TestClock().set(NOW);
  private static RunningPushcart server;
  private static TestSite site;

  @BeforeAll
  static void start() throws Exception {
    server = RunningPushcart.start(TempDirs.create("schedule-api"), Map.of(), DeliveryMetrics.NONE, CLOCK);
    site = TestSite.create(server.api());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject inAnHour() {
    return TestSite.campaignTo("all").put("sendAt", "2026-11-23T10:00:00+01:00");
  }

  private static void assertRefused(JsonObject body, String field, String inMessage) {
    Reply r = site.createCampaign(body);
    assertThat(r.status()).as(body.encode() + " → " + r.json().encode()).isEqualTo(400);
    assertThat(r.errorField()).as(r.json().encode()).isEqualTo(field);
    assertThat(r.errorMessage()).contains(inMessage);
  }

  private static JsonObject subscription(String endpoint) {
    return new JsonObject().put("endpoint", endpoint)
        .put("keys", new JsonObject().put("p256dh", BrowserKeys.p256dh()).put("auth", BrowserKeys.auth()));
  }

  private static JsonObject with(Consumer<JsonObject> change) {
    JsonObject body = TestSite.campaignTo("all");
    change.accept(body);
    return body;
  }

  @Test
  void aFutureSendAtIsScheduledAndShownAsGiven() {
    Reply r = site.createCampaign(inAnHour());
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    assertThat(r.json().getString("status")).isEqualTo("scheduled");
    assertThat(r.json().getString("sendAt")).isEqualTo("2026-11-23T09:00:00Z");
    assertThat(r.json().containsKey("startedAt")).isFalse();
    assertThat(site.campaign(r.json().getString("id")).json().getString("status")).isEqualTo("scheduled");
  }

  @Test
  void aSendAtWithinAMinuteBehindTheClockSendsNow() {
    Reply r = site.createCampaign(with(b -> b.put("sendAt", NOW.minusSeconds(30).toString())));
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().getString("status")).isIn("sending", "completed");
  }

  @Test
  void badTimesAreRefusedNamingTheField() {
    assertRefused(with(b -> b.put("sendAt", "tomorrow 9am")), "sendAt", "RFC 3339");
    assertRefused(with(b -> b.put("sendAt", "2026-11-24T09:00:00")), "sendAt", "offset");
    assertRefused(with(b -> b.put("sendAt", "2026-11-23T07:58:00Z")), "sendAt", "in the past");
    assertRefused(with(b -> b.put("sendAt", 1764000000)), "sendAt", "string");
    assertRefused(inAnHour().put("expiresAt", "2026-11-23T08:30:00Z"), "expiresAt", "after sendAt");
    assertRefused(inAnHour().put("expiresAt", "2026-11-23T09:00:00Z"), "expiresAt", "after sendAt");
    assertRefused(with(b -> b.put("expiresAt", "2026-11-23T07:00:00Z")), "expiresAt", "after now");
    assertRefused(with(b -> b.put("expiresAt", "soon")), "expiresAt", "RFC 3339");
    assertRefused(with(b -> b.put("localTime", "25:00")), "localTime", "HH:MM");
    assertRefused(with(b -> b.put("localTime", "10:60")), "localTime", "HH:MM");
    assertRefused(with(b -> b.put("localTime", "9:00")), "localTime", "HH:MM");
    assertRefused(with(b -> b.put("localTime", "2026-02-30T10:00")), "localTime", "no such date");
    assertRefused(with(b -> b.put("localTime", "2026-11-20T10:00")), "localTime", "already passed in every time zone");
    assertRefused(inAnHour().put("localTime", "10:00"), "localTime", "not both");
    assertRefused(with(b -> b.put("sendAt", "+999999999-12-31T23:59:59Z")), "sendAt", "days ahead");
    assertRefused(with(b -> b.put("expiresAt", "2030-01-01T00:00:00Z")), "expiresAt", "days ahead");
    assertRefused(with(b -> b.put("localTime", "9999-01-01T10:00")), "localTime", "days ahead");
  }

  @Test
  void aLocalTimeCampaignPlansOneWavePerInstantAcrossEveryZone() {
    Reply r = site.createCampaign(with(b -> b.put("localTime", "2026-11-25T10:00")));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    assertThat(r.json().getString("status")).isEqualTo("scheduled");
    assertThat(r.json().getString("localTime")).isEqualTo("2026-11-25T10:00");
    JsonArray waves = r.json().getJsonArray("waves");
    // UTC+14 (Kiribati) reaches 10:00 first, UTC-12 last: about 26 hours apart.
    Instant first = Instant.parse(waves.getJsonObject(0).getString("at"));
    Instant last = Instant.parse(waves.getJsonObject(waves.size() - 1).getString("at"));
    assertThat(first).isEqualTo(Instant.parse("2026-11-24T20:00:00Z"));
    assertThat(last).isEqualTo(Instant.parse("2026-11-25T22:00:00Z"));
    int zones = 0;
    Instant previous = Instant.MIN;
    for (int i = 0; i < waves.size(); i++) {
      Instant at = Instant.parse(waves.getJsonObject(i).getString("at"));
      assertThat(at).isAfter(previous);
      previous = at;
      zones += waves.getJsonObject(i).getInteger("zones");
    }
    assertThat(zones).isGreaterThan(400);
  }

  @Test
  void aDatedLocalTimeAlreadyPassedInSomeZonesLapsesThoseInALateWave() {
    // 08:00 UTC: 10:00 of today has passed east of UTC+2 but is still to come further west.
    Reply r = site.createCampaign(with(b -> b.put("localTime", "2026-11-23T10:00")));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    JsonObject late = r.json().getJsonArray("waves").getJsonObject(0);
    assertThat(late.getBoolean("late")).isTrue();
  }

  @Test
  void subscribersAndSitesTakeIanaZonesOnly() {
    Reply sub = site.subscribe(subscription("https://fcm.googleapis.com/fcm/send/tz1")
        .put("attributes", new JsonObject().put("timezone", "Mars/Olympus_Mons")));
    assertThat(sub.status()).isEqualTo(400);
    assertThat(sub.errorField()).isEqualTo("attributes.timezone");
    Reply offset = site.subscribe(subscription("https://fcm.googleapis.com/fcm/send/tz2")
        .put("attributes", new JsonObject().put("timezone", "+05:30")));
    assertThat(offset.status()).isEqualTo(400);
    assertThat(offset.errorMessage()).contains("IANA");

    Reply badSite = server.api().patch("/v1/sites/" + site.id(), site.secretKey(), new JsonObject().put("timezone", "Europe/Atlantis"));
    assertThat(badSite.status()).isEqualTo(400);
    assertThat(badSite.errorField()).isEqualTo("timezone");
    Reply created = server.api().post("/v1/sites", RunningPushcart.ADMIN_TOKEN, new JsonObject().put("name", "x")
        .put("origins", new JsonArray().add(TestSite.ORIGIN)).put("vapidSubject", "mailto:ops@shop.example").put("timezone", "CET+1"));
    assertThat(created.status()).isEqualTo(400);
    assertThat(created.errorField()).isEqualTo("timezone");
  }

  @Test
  void aSitesTimeZoneIsUtcUntilChanged() {
    TestSite other = TestSite.create(server.api());
    assertThat(server.api().get("/v1/sites/" + other.id(), other.secretKey()).json().getString("timezone")).isEqualTo("UTC");
    Reply changed = server.api().patch("/v1/sites/" + other.id(), other.secretKey(), new JsonObject().put("timezone", "Europe/Berlin"));
    assertThat(changed.status()).as(changed.json().encode()).isEqualTo(200);
    assertThat(changed.json().getString("timezone")).isEqualTo("Europe/Berlin");
    assertThat(changed.json().containsKey("secretKey")).isFalse();
    assertThat(server.api().get("/v1/sites/" + other.id(), other.secretKey()).json().getString("timezone")).isEqualTo("Europe/Berlin");
    Reply unknownField = server.api().patch("/v1/sites/" + other.id(), other.secretKey(), new JsonObject().put("vapidPublicKey", "x"));
    assertThat(unknownField.status()).isEqualTo(400);
    assertThat(server.api().patch("/v1/sites/" + other.id(), site.secretKey(), new JsonObject().put("name", "y")).status()).isEqualTo(401);
  }

  @Test
  void aScheduledCampaignCanBeChangedUntilItIsCancelled() {
    String id = site.createCampaign(inAnHour().put("expiresAt", "2026-11-23T12:00:00Z")).json().getString("id");

    Reply moved = site.updateCampaign(id, new JsonObject().put("sendAt", "2026-11-23T11:00:00Z")
        .put("notification", new JsonObject().put("title", "Doors open at 11").put("url", "https://shop.example/launch"))
        .put("audience", new JsonObject().put("tags", new JsonObject().put("any", new JsonArray().add("notify:sku-123")))));
    assertThat(moved.status()).as(moved.json().encode()).isEqualTo(200);
    JsonObject read = site.campaign(id).json();
    assertThat(read.getString("sendAt")).isEqualTo("2026-11-23T11:00:00Z");
    assertThat(read.getString("expiresAt")).isEqualTo("2026-11-23T12:00:00Z");
    assertThat(read.getJsonObject("notification").getString("title")).isEqualTo("Doors open at 11");
    assertThat(read.getJsonObject("audience").encode()).contains("notify:sku-123");
    assertThat(read.getString("status")).isEqualTo("scheduled");

    // Checked as at creation: the patched whole must be valid.
    Reply badOrder = site.updateCampaign(id, new JsonObject().put("expiresAt", "2026-11-23T10:30:00Z"));
    assertThat(badOrder.status()).isEqualTo(400);
    assertThat(badOrder.errorField()).isEqualTo("expiresAt");
    Reply both = site.updateCampaign(id, new JsonObject().put("localTime", "10:00"));
    assertThat(both.status()).isEqualTo(400);
    Reply toLocal = site.updateCampaign(id, new JsonObject().putNull("sendAt").putNull("expiresAt").put("localTime", "10:00"));
    assertThat(toLocal.status()).as(toLocal.json().encode()).isEqualTo(200);
    assertThat(toLocal.json().containsKey("sendAt")).isFalse();
    assertThat(toLocal.json().getJsonArray("waves")).isNotEmpty();
    Reply unknown = site.updateCampaign(id, new JsonObject().put("status", "completed"));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.errorField()).isEqualTo("status");

    Reply cancelled = site.cancelCampaign(id);
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().getString("status")).isEqualTo("cancelled");
    assertThat(cancelled.json().getString("cancelledAt")).isNotBlank();

    Reply again = site.cancelCampaign(id);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorMessage()).contains("cancelled");
    Reply late = site.updateCampaign(id, new JsonObject().put("name", "too late"));
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.errorMessage()).contains("only a scheduled campaign can be changed");
  }

  @Test
  void aCompletedCampaignCanNeitherBeChangedNorCancelled() {
    String id = site.createCampaign(TestSite.campaignTo("all")).json().getString("id");
    site.awaitCampaign(id, c -> "completed".equals(c.getString("status")), "the empty campaign to complete");
    assertThat(site.updateCampaign(id, new JsonObject().put("name", "x")).status()).isEqualTo(409);
    Reply cancel = site.cancelCampaign(id);
    assertThat(cancel.status()).isEqualTo(409);
    assertThat(cancel.errorMessage()).contains("completed");
  }

  @Test
  void unknownCampaignsAreNotFound() {
    assertThat(site.updateCampaign("nosuchcampaign1", new JsonObject().put("name", "x")).status()).isEqualTo(404);
    assertThat(site.cancelCampaign("nosuchcampaign1").status()).isEqualTo(404);
    assertThat(site.cancelCampaign("../../x").status()).isEqualTo(404);
  }

  @Test
  void campaignsAreListedNewestFirstFilteredAndPaged() {
    TestSite shop = TestSite.create(server.api());
    List<String> launches = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      launches.add(0, shop.createCampaign(inAnHour().put("kind", "launch").put("name", "launch " + i)).json().getString("id"));
      shop.createCampaign(inAnHour().put("kind", "flash_sale"));
    }
    String cancelled = launches.get(0);
    shop.cancelCampaign(cancelled);

    Reply all = shop.listCampaigns("");
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.json().getJsonArray("campaigns")).hasSize(10);
    assertThat(all.json().getString("nextCursor")).isNull();

    // Two at a time, only scheduled launches: the four not cancelled, newest first, each once.
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      Reply page = shop.listCampaigns("kind=launch&status=scheduled&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).as(page.json().encode()).isEqualTo(200);
      page.json().getJsonArray("campaigns").forEach(c -> seen.add(((JsonObject) c).getString("id")));
      cursor = page.json().getString("nextCursor");
    } while (cursor != null);
    assertThat(seen).containsExactlyElementsOf(launches.subList(1, 5));
    Set<String> unique = new HashSet<>(seen);
    assertThat(unique).hasSize(4);

    assertThat(shop.listCampaigns("status=cancelled").json().getJsonArray("campaigns")).hasSize(1);
    assertThat(shop.listCampaigns("status=done").errorField()).isEqualTo("status");
    assertThat(shop.listCampaigns("kind=blast").errorField()).isEqualTo("kind");
    assertThat(shop.listCampaigns("limit=0").errorField()).isEqualTo("limit");
    assertThat(shop.listCampaigns("limit=many").errorField()).isEqualTo("limit");
    assertThat(shop.listCampaigns("cursor=%25%25").errorField()).isEqualTo("cursor");
    assertThat(shop.listCampaigns("cursor=bm9wZQ").errorField()).isEqualTo("cursor");
  }

  @Test
  void launchesAreAKindOfCampaign() {
    Reply r = site.createCampaign(inAnHour().put("kind", "launch")
        .put("audience", new JsonObject().put("tags", new JsonObject().put("any", new JsonArray().add("notify:sku-123")))));
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().getString("kind")).isEqualTo("launch");
    assertThat(Duration.between(NOW, Instant.parse(r.json().getString("sendAt")))).isEqualTo(Duration.ofHours(1));
  }
}
