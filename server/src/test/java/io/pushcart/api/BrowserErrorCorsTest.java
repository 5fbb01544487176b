package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.BrowserKeys;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An error answered to a browser-facing route carries Access-Control-Allow-Origin with the
 * request's Origin, so the page reads the real status and message instead of a network error.
 * (The 429s are checked in RateLimitApiTest.)
 */
class BrowserErrorCorsTest {
  static final String EVIL = "https://evil.example";
  private static RunningPushcart server;
  private static ApiClient api;
  private static TestSite site;

  @BeforeAll
  static void start() {
    server = RunningPushcart.start(Map.of());
    api = server.api();
    site = TestSite.create(api);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aWrongOriginIsRefusedWith403ThatThePageCanRead() {
    Reply publicSite = api.getWithHeaders("/v1/sites/" + site.id() + "/public", Map.of("Origin", EVIL));
    assertThat(publicSite.status()).isEqualTo(403);
    assertThat(publicSite.header("Access-Control-Allow-Origin")).isEqualTo(EVIL);
    assertThat(publicSite.header("Vary")).contains("Origin");
    assertThat(publicSite.errorMessage()).contains(EVIL).contains("not among the site's allowed origins");
    assertThat(publicSite.raw().body()).as("nothing of the site").doesNotContain(site.vapidPublicKey()).doesNotContain(TestSite.ORIGIN);

    Reply subscribe = api.postWithHeaders("/v1/sites/" + site.id() + "/subscriptions",
        Map.of("Origin", EVIL, "Content-Type", "application/json"), subscription().encode());
    assertThat(subscribe.status()).isEqualTo(403);
    assertThat(subscribe.header("Access-Control-Allow-Origin")).isEqualTo(EVIL);
    Reply event = api.postWithHeaders("/v1/sites/" + site.id() + "/events",
        Map.of("Origin", EVIL, "Content-Type", "application/json"), "{}");
    assertThat(event.status()).isEqualTo(403);
    assertThat(event.header("Access-Control-Allow-Origin")).isEqualTo(EVIL);
  }

  @Test
  void anUnknownSiteIs404ThatThePageCanRead() {
    Reply r = api.getWithHeaders("/v1/sites/nosuchsite1234/public", Map.of("Origin", TestSite.ORIGIN));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(TestSite.ORIGIN);
    assertThat(r.errorMessage()).contains("nosuchsite1234");
    Reply delete = api.delete("/v1/sites/nosuchsite1234/subscriptions/abcdefgh12345678");
    assertThat(delete.status()).isEqualTo(404);
    assertThat(delete.header("Access-Control-Allow-Origin")).isEqualTo(TestSite.ORIGIN);
  }

  @Test
  void badRequestsFromTheSitesOriginCarryTheHeaderEvenWhenRefusedBeforeAnyRoute() {
    Reply invalid = api.postWithHeaders("/v1/sites/" + site.id() + "/subscriptions",
        Map.of("Origin", TestSite.ORIGIN, "Content-Type", "application/json"), "{\"endpoint\": 7}");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.header("Access-Control-Allow-Origin")).isEqualTo(TestSite.ORIGIN);

    String tooLarge = "{\"endpoint\": \"" + "x".repeat(70_000) + "\"}";
    Reply large = api.postWithHeaders("/v1/sites/" + site.id() + "/subscriptions",
        Map.of("Origin", TestSite.ORIGIN, "Content-Type", "application/json"), tooLarge);
    assertThat(large.status()).isEqualTo(413);
    assertThat(large.header("Access-Control-Allow-Origin")).isEqualTo(TestSite.ORIGIN);
  }

  @Test
  void errorsWithoutAnOriginOrOnSecretRoutesCarryNoCorsHeader() {
    Reply noOrigin = api.get("/v1/sites/nosuchsite1234/public", null);
    assertThat(noOrigin.status()).isEqualTo(404);
    assertThat(noOrigin.header("Access-Control-Allow-Origin")).isNull();

    Reply secretRoute = api.getWithHeaders("/v1/sites/" + site.id(), Map.of("Origin", EVIL));
    assertThat(secretRoute.status()).isEqualTo(401);
    assertThat(secretRoute.header("Access-Control-Allow-Origin")).as("a marketer route is not for pages").isNull();
    Reply campaigns = api.getWithHeaders("/v1/sites/" + site.id() + "/campaigns", Map.of("Origin", EVIL));
    assertThat(campaigns.header("Access-Control-Allow-Origin")).isNull();
  }

  private static JsonObject subscription() {
    return new JsonObject().put("endpoint", "https://fcm.googleapis.com/fcm/send/cors-test")
        .put("keys", new JsonObject().put("p256dh", BrowserKeys.p256dh()).put("auth", BrowserKeys.auth()));
  }
}
