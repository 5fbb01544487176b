package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.Keys;
import io.pushcart.support.ApiClient;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.BrowserKeys;
import io.pushcart.support.CapturedLog;
import io.pushcart.support.RedisProbe;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Verified customer identities (MARKETING.md §1): the site's identity secret. */
class IdentityApiTest {
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

  private static String subscribe(TestSite on) {
    Reply r = on.subscribe(new JsonObject().put("endpoint", "https://fcm.googleapis.com/fcm/send/" + UUID.randomUUID())
        .put("keys", new JsonObject().put("p256dh", BrowserKeys.p256dh()).put("auth", BrowserKeys.auth())));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static String path(TestSite on, String subscription) {
    return "/v1/sites/" + on.id() + "/subscriptions/" + subscription;
  }

  private static String rotate(TestSite on) {
    Reply r = api.post("/v1/sites/" + on.id() + "/identity-secret", on.secretKey(), "");
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    return r.json().getString("identitySecret");
  }

  private static void assertRefused(Reply r, int status, String code, String field, String says) {
    assertThat(r.status()).as(r.json().encode()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo(code);
    assertThat(r.errorField()).isEqualTo(field);
    assertThat(r.errorMessage()).contains(says);
  }

  @Test
  void creatingASiteShowsItsIdentitySecretOnceAndReadingItNever() {
    try (CapturedLog log = new CapturedLog()) {
      Reply created = api.post("/v1/sites", RunningPushcart.ADMIN_TOKEN, new JsonObject().put("name", "Shoes")
          .put("origins", new JsonArray().add(TestSite.ORIGIN)).put("vapidSubject", "mailto:ops@shop.example"));
      assertThat(created.status()).isEqualTo(201);
      String secret = created.json().getString("identitySecret");
      assertThat(secret).startsWith("pcid_").hasSize(48).isNotEqualTo(created.json().getString("secretKey"));
      String id = created.json().getString("id");
      String key = created.json().getString("secretKey");

      Reply read = api.get("/v1/sites/" + id, key);
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.raw().body()).doesNotContain(secret).doesNotContain("identitySecret\"");
      assertThat(read.json().getBoolean("hasIdentitySecret")).isTrue();
      Reply patched = api.patch("/v1/sites/" + id, key, new JsonObject().put("name", "Shoes & Co"));
      assertThat(patched.raw().body()).doesNotContain(secret);
      assertThat(api.get("/v1/sites/" + id + "/public", null).raw().body()).doesNotContain(secret);
      Reply rotated = api.post("/v1/sites/" + id + "/identity-secret", key, "");
      assertThat(log.containing(secret)).isEmpty();
      assertThat(log.containing(rotated.json().getString("identitySecret"))).isEmpty();
    }
  }

  @Test
  void theIdentitySecretIsNotChangedByPatchingTheSite() {
    Reply r = api.patch("/v1/sites/" + site.id(), site.secretKey(), new JsonObject().put("identitySecret", "pcid_mine"));
    assertRefused(r, 400, "invalid_field", "identitySecret", "/identity-secret");
  }
}
