package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.BrowserKeys;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SubscriptionApiTest {
  private static RunningPushcart server;
  private static ApiClient api;
  private static TestSite site;

  @BeforeAll
  static void start() {
    server = RunningPushcart.start(Map.of("PUSHCART_PUSH_HOSTS", "push.test.internal:8443,10.1.2.3"));
    api = server.api();
    site = TestSite.create(api);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject subscription(String endpoint) {
    return new JsonObject().put("endpoint", endpoint)
        .put("keys", new JsonObject().put("p256dh", BrowserKeys.p256dh()).put("auth", BrowserKeys.auth()));
  }

  private static String fcm() {
    return "https://fcm.googleapis.com/fcm/send/" + UUID.randomUUID();
  }

  @Test
  void theSameEndpointRegisteredTwiceKeepsOneIdAndUpdatesIt() {
    String endpoint = fcm();
    Reply first = site.subscribe(subscription(endpoint).put("tags", new JsonArray().add("shoes"))
        .put("attributes", new JsonObject().put("locale", "de-DE")));
    assertThat(first.status()).isEqualTo(201);
    Reply again = site.subscribe(subscription(endpoint).put("tags", new JsonArray().add("sale"))
        .put("attributes", new JsonObject().put("timezone", "Europe/Berlin")));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("id")).isEqualTo(first.json().getString("id"));
    assertThat(api.get("/v1/sites/" + site.id(), site.secretKey()).json().getLong("subscriberCount")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void everyKnownPushServiceIsAccepted() {
    for (String endpoint : new String[] {fcm(), "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/QGx", "https://wns2-par02p.notify.windows.com/w/?token=abc"}) {
      assertThat(site.subscribe(subscription(endpoint)).status()).as(endpoint).isEqualTo(201);
    }
  }

  @Test
  void endpointsOutsideThePushServicesAreRefused() {
    Map<String, String> refused = Map.of(
        "http://fcm.googleapis.com/fcm/send/x", "https",
        "https://evil.example/push", "not a known push service",
        "https://127.0.0.1/push", "private or loopback",
        "https://192.168.1.10/push", "private or loopback",
        "https://[::1]/push", "private or loopback",
        "https://push.test.internal:9999/x", "not a known push service",
        "not a url at all", "endpoint",
        "https://user:pw@fcm.googleapis.com/x", "user info");
    refused.forEach((endpoint, why) -> {
      Reply r = site.subscribe(subscription(endpoint));
      assertThat(r.status()).as(endpoint).isEqualTo(400);
      assertThat(r.errorField()).as(endpoint).isEqualTo("endpoint");
      assertThat(r.errorMessage()).as(endpoint).contains(why);
    });
  }

  @Test
  void operatorListedHostsAreAcceptedEvenOverHttpOrPrivateAddresses() {
    assertThat(site.subscribe(subscription("https://push.test.internal:8443/x")).status()).isEqualTo(201);
    assertThat(site.subscribe(subscription("http://10.1.2.3/x")).status()).isEqualTo(201);
  }

  @Test
  void keysMustBeARealCurvePointAndASixteenByteSecret() {
    byte[] offCurve = new byte[65];
    offCurve[0] = 4;
    offCurve[64] = 1;
    Map<String, JsonObject> bad = Map.of(
        "keys.p256dh", new JsonObject().put("p256dh", BrowserKeys.b64(offCurve)).put("auth", BrowserKeys.auth()),
        "keys.auth", new JsonObject().put("p256dh", BrowserKeys.p256dh()).put("auth", BrowserKeys.b64(new byte[8])));
    bad.forEach((field, keys) -> {
      Reply r = site.subscribe(new JsonObject().put("endpoint", fcm()).put("keys", keys));
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.errorField()).isEqualTo(field);
    });
    Reply short65 = site.subscribe(new JsonObject().put("endpoint", fcm())
        .put("keys", new JsonObject().put("p256dh", BrowserKeys.b64(new byte[33])).put("auth", BrowserKeys.auth())));
    assertThat(short65.errorField()).isEqualTo("keys.p256dh");
    Reply notBase64 = site.subscribe(new JsonObject().put("endpoint", fcm())
        .put("keys", new JsonObject().put("p256dh", "***").put("auth", BrowserKeys.auth())));
    assertThat(notBase64.errorField()).isEqualTo("keys.p256dh");
    Reply noKeys = site.subscribe(new JsonObject().put("endpoint", fcm()));
    assertThat(noKeys.errorField()).isEqualTo("keys");
  }

  @Test
  void tagsAndAttributesAreValidated() {
    Reply badTag = site.subscribe(subscription(fcm()).put("tags", new JsonArray().add("ok").add("no spaces")));
    assertThat(badTag.errorField()).isEqualTo("tags[1]");
    Reply notList = site.subscribe(subscription(fcm()).put("tags", "shoes"));
    assertThat(notList.errorField()).isEqualTo("tags");
    Reply zone = site.subscribe(subscription(fcm()).put("attributes", new JsonObject().put("timezone", "Mars/Olympus")));
    assertThat(zone.errorField()).isEqualTo("attributes.timezone");
    Reply nested = site.subscribe(subscription(fcm()).put("attributes", new JsonObject().put("cart", new JsonObject())));
    assertThat(nested.errorField()).isEqualTo("attributes.cart");
    Reply longNumber = site.subscribe(subscription(fcm()).put("attributes", new JsonObject().put("loyaltyCard", 123456789012345678L)));
    assertThat(longNumber.errorField()).isEqualTo("attributes.loyaltyCard");
    assertThat(longNumber.errorMessage()).contains("as a string");

    String endpoint = fcm();
    JsonArray sixty = new JsonArray();
    JsonArray fifty = new JsonArray();
    for (int i = 0; i < 60; i++) {
      sixty.add("a" + i);
    }
    for (int i = 0; i < 50; i++) {
      fifty.add("b" + i);
    }
    assertThat(site.subscribe(subscription(endpoint).put("tags", sixty)).status()).isEqualTo(201);
    Reply tooMany = site.subscribe(subscription(endpoint).put("tags", fifty));
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.errorMessage()).contains("at most 100 tags");
  }

  @Test
  void aSubscriptionShowsTheBrowserItCameFromAndTheCountryItIsIn() {
    String samsungPhone = "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
        + "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36";
    Reply created = api.postWithHeaders("/v1/sites/" + site.id() + "/subscriptions",
        Map.of("User-Agent", samsungPhone, "Content-Type", "application/json"),
        subscription(fcm()).put("attributes", new JsonObject().put("locale", "hi-IN").put("timezone", "Asia/Kolkata")).encode());
    assertThat(created.status()).isEqualTo(201);
    String path = "/v1/sites/" + site.id() + "/subscriptions/" + created.json().getString("id");

    JsonObject shown = api.get(path, site.secretKey()).json();
    assertThat(shown.getString("browser")).isEqualTo("samsung");
    assertThat(shown.getString("os")).isEqualTo("android");
    assertThat(shown.getString("deviceType")).isEqualTo("mobile");
    assertThat(shown.getString("country")).as("the time zone's country").isEqualTo("IN");
    assertThat(shown.getString("locale")).isEqualTo("hi-IN");
    assertThat(shown.getString("timezone")).isEqualTo("Asia/Kolkata");
    assertThat(shown.getString("subscribedAt")).isNotBlank();
    assertThat(shown.getString("lastSeenAt")).isNotBlank();

    assertThat(api.patch(path, new JsonObject().put("attributes", new JsonObject().put("timezone", "Europe/Berlin"))).status())
        .isEqualTo(200);
    assertThat(api.get(path, site.secretKey()).json().getString("country")).as("moved with the time zone").isEqualTo("DE");
    assertThat(api.patch(path, new JsonObject().put("attributes", new JsonObject().put("country", "AT"))).status()).isEqualTo(200);
    JsonObject explicit = api.get(path, site.secretKey()).json();
    assertThat(explicit.getString("country")).as("an explicit country wins").isEqualTo("AT");
    assertThat(explicit.getString("browser")).as("a change keeps the registering browser").isEqualTo("samsung");

    Reply bad = api.patch(path, new JsonObject().put("attributes", new JsonObject().put("country", "Austria")));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.errorField()).isEqualTo("attributes.country");
  }

  @Test
  void browsersMayRegisterOnlyFromTheSitesOrigins() {
    Reply allowed = api.postWithHeaders("/v1/sites/" + site.id() + "/subscriptions",
        Map.of("Origin", TestSite.ORIGIN, "Content-Type", "application/json"), subscription(fcm()).encode());
    assertThat(allowed.status()).isEqualTo(201);
    assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(TestSite.ORIGIN);

    Reply foreign = api.postWithHeaders("/v1/sites/" + site.id() + "/subscriptions",
        Map.of("Origin", "https://evil.example", "Content-Type", "application/json"), subscription(fcm()).encode());
    assertThat(foreign.status()).isEqualTo(403);

    Reply preflight = api.options("/v1/sites/" + site.id() + "/subscriptions",
        Map.of("Origin", TestSite.ORIGIN, "Access-Control-Request-Method", "POST"));
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
    Reply foreignPreflight = api.options("/v1/sites/" + site.id() + "/subscriptions",
        Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "POST"));
    assertThat(foreignPreflight.status()).isEqualTo(403);
  }

  @Test
  void registeringWithAnUnknownSiteIs404() {
    assertThat(api.post("/v1/sites/nosuchsite1234/subscriptions", null, subscription(fcm())).status()).isEqualTo(404);
  }
}
