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

/** Verified customer identities (MARKETING.md §1): the site's identity secret and signed identify. */
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

  @Test
  void aRightSignatureLinksTheSubscriptionToTheCustomer() {
    String sub = subscribe(site);
    Reply linked = site.identify(sub, "c-10293", TestSite.sign(site.identitySecret(), "c-10293"));
    assertThat(linked.status()).as(linked.json().encode()).isEqualTo(200);
    assertThat(linked.header("Access-Control-Allow-Origin")).isEqualTo(TestSite.ORIGIN);
    JsonObject stored = site.subscription(sub);
    assertThat(stored.getString("customerId")).isEqualTo("c-10293");
    assertThat(stored.getJsonObject("attributes").getString("customerId")).isEqualTo("c-10293");

    // Another customer on the same browser (a second login) replaces the link.
    assertThat(site.identify(sub, "jane.doe+vip@shop.example",
        TestSite.sign(site.identitySecret(), "jane.doe+vip@shop.example")).status()).isEqualTo(200);
    assertThat(site.subscription(sub).getString("customerId")).isEqualTo("jane.doe+vip@shop.example");
  }

  @Test
  void aWrongMissingOrOtherCustomersSignatureIsRefusedWith403() {
    String sub = subscribe(site);
    String right = TestSite.sign(site.identitySecret(), "c-1");
    assertRefused(site.identify(sub, "c-1", null), 403, "signature_required", "signature", "signature is required");
    assertRefused(site.identify(sub, "c-1", TestSite.sign(site.identitySecret(), "c-2")), 403, "invalid_signature",
        "signature", "does not match customerId c-1");
    assertRefused(site.identify(sub, "c-1", right.replace(right.charAt(0), right.charAt(0) == 'a' ? 'b' : 'a')), 403,
        "invalid_signature", "signature", "does not match");
    assertRefused(site.identify(sub, "c-1", "not hex"), 403, "invalid_signature", "signature", "HMAC-SHA256");
    assertRefused(site.identify(sub, "c-1", TestSite.sign("pcid_someone-elses-secret", "c-1")), 403, "invalid_signature",
        "signature", "identitySecret");
    Reply numeric = api.patch(path(site, sub), new JsonObject().put("customerId", "c-1").put("signature", 42));
    assertRefused(numeric, 403, "invalid_signature", "signature", "does not match");
    // The page can read why (CORS headers on the refusal too).
    assertThat(site.identify(sub, "c-1", null).header("Access-Control-Allow-Origin")).isEqualTo(TestSite.ORIGIN);
    assertThat(site.subscription(sub).containsKey("customerId")).isFalse();
    assertThat(site.subscription(sub).getJsonObject("attributes").containsKey("customerId")).isFalse();
  }

  @Test
  void aBadCustomerIdIsA400NamingIt() {
    String sub = subscribe(site);
    for (Object bad : new Object[] {"", "has space", "x".repeat(129), "{c}", 4711, new JsonObject()}) {
      Reply r = api.patch(path(site, sub), new JsonObject().put("customerId", bad).put("signature", "00"));
      assertRefused(r, 400, "invalid_field", "customerId", "customerId must be");
    }
    Reply signatureAlone = api.patch(path(site, sub), new JsonObject().put("signature", "00"));
    assertRefused(signatureAlone, 400, "invalid_field", "customerId", "customerId is required with a signature");
  }

  @Test
  void rotatingTheSecretMakesOldSignaturesFail() {
    TestSite own = TestSite.create(api);
    String sub = subscribe(own);
    String old = own.identitySecret();
    String rotated = rotate(own);
    assertThat(rotated).startsWith("pcid_").isNotEqualTo(old);

    assertRefused(own.identify(sub, "c-7", TestSite.sign(old, "c-7")), 403, "invalid_signature", "signature", "rotated");
    assertThat(own.identify(sub, "c-7", TestSite.sign(rotated, "c-7")).status()).isEqualTo(200);
    assertThat(own.subscription(sub).getString("customerId")).isEqualTo("c-7");
  }

  @Test
  void rotatingNeedsTheSitesSecretKey() {
    TestSite other = TestSite.create(api);
    assertRefused(api.post("/v1/sites/" + site.id() + "/identity-secret", null, ""), 401, "unauthorized", null, "secret key");
    assertThat(api.post("/v1/sites/" + site.id() + "/identity-secret", other.secretKey(), "").status()).isEqualTo(401);
    assertThat(api.post("/v1/sites/unknownsite123/identity-secret", other.secretKey(), "").status()).isEqualTo(404);
    // The unchanged secret still signs.
    String sub = subscribe(site);
    assertThat(site.identify(sub, "c-8", TestSite.sign(site.identitySecret(), "c-8")).status()).isEqualTo(200);
  }

  @Test
  void aSiteFromBeforeIdentitySecretsRefusesSignaturesUntilItCreatesOne() {
    TestSite old = TestSite.create(api);
    try (RedisProbe redis = new RedisProbe(server.redisUrl())) {
      redis.send(Request.cmd(Command.HDEL).arg(Keys.site(old.id(), Keys.Part.RECORD)).arg("identitySecret"));
    }
    assertThat(api.get("/v1/sites/" + old.id(), old.secretKey()).json().getBoolean("hasIdentitySecret")).isFalse();
    String sub = subscribe(old);
    assertRefused(old.identify(sub, "c-9", TestSite.sign(old.identitySecret(), "c-9")), 403, "identity_secret_missing",
        "signature", "POST /v1/sites/" + old.id() + "/identity-secret");

    String created = rotate(old);
    assertThat(api.get("/v1/sites/" + old.id(), old.secretKey()).json().getBoolean("hasIdentitySecret")).isTrue();
    assertThat(old.identify(sub, "c-9", TestSite.sign(created, "c-9")).status()).isEqualTo(200);
    assertThat(old.subscription(sub).getString("customerId")).isEqualTo("c-9");
  }

  @Test
  void theStoresBackendLinksWithTheSecretKeyAndNoSignature() {
    String sub = subscribe(site);
    Reply linked = api.patch(path(site, sub), site.secretKey(), new JsonObject().put("customerId", "c-42"));
    assertThat(linked.status()).as(linked.json().encode()).isEqualTo(200);
    assertThat(site.subscription(sub).getString("customerId")).isEqualTo("c-42");
    // A signature is not needed, and a stale one does not stand in the way.
    assertThat(api.patch(path(site, sub), site.secretKey(), new JsonObject().put("customerId", "c-43").put("signature", "stale"))
        .status()).isEqualTo(200);
    assertThat(site.subscription(sub).getString("customerId")).isEqualTo("c-43");
    assertRefused(api.patch(path(site, sub), site.secretKey(), new JsonObject().put("attributes", new JsonObject().put("customerId", "c-44"))),
        400, "invalid_field", "attributes.customerId", "top level");
    assertRefused(api.patch(path(site, sub), site.secretKey(), new JsonObject().put("customerId", "no spaces please")),
        400, "invalid_field", "customerId", "customerId must be");
    // The secret must be the site's own.
    TestSite other = TestSite.create(api);
    assertThat(api.patch(path(site, sub), other.secretKey(), new JsonObject().put("customerId", "c-45")).status()).isEqualTo(401);
    assertThat(api.patch(path(site, "unknownsubscription"), site.secretKey(), new JsonObject().put("customerId", "c-46")).status())
        .isEqualTo(404);
    assertThat(site.subscription(sub).getString("customerId")).isEqualTo("c-43");
  }

  @Test
  void aBrowserCannotSetCustomerIdAsAnAttribute() {
    String sub = subscribe(site);
    Reply patched = api.patch(path(site, sub), new JsonObject().put("attributes", new JsonObject().put("customerId", "c-1")));
    assertRefused(patched, 403, "identify_required", "attributes.customerId", "pushcart.identify(customerId, signature)");
    Reply registered = site.subscribe(new JsonObject().put("endpoint", "https://fcm.googleapis.com/fcm/send/" + UUID.randomUUID())
        .put("keys", new JsonObject().put("p256dh", BrowserKeys.p256dh()).put("auth", BrowserKeys.auth()))
        .put("attributes", new JsonObject().put("customerId", "c-1")));
    assertRefused(registered, 403, "identify_required", "attributes.customerId", "identify");
    assertThat(site.subscription(sub).containsKey("customerId")).isFalse();
  }
}
