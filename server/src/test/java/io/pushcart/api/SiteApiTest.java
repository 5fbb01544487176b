package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SiteApiTest {
  private static RunningPushcart server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    server = RunningPushcart.start(Map.of());
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject site(String subject, String... origins) {
    return new JsonObject().put("name", "Shoes & Co").put("origins", new JsonArray(java.util.List.of(origins)))
        .put("vapidSubject", subject);
  }

  @Test
  void creatingASiteReturnsItsKeysOnceAndNeverTheSecretAgain() {
    Reply created = api.post("/v1/sites", RunningPushcart.ADMIN_TOKEN, site("mailto:ops@shoes.example", "https://shoes.example"));
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().getString("id");
    String secret = created.json().getString("secretKey");
    assertThat(secret).startsWith("pcsk_");
    assertThat(java.util.Base64.getUrlDecoder().decode(created.json().getString("vapidPublicKey"))).hasSize(65);

    Reply read = api.get("/v1/sites/" + id, secret);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().getLong("subscriberCount")).isZero();
    assertThat(read.json().getJsonArray("origins")).containsExactly("https://shoes.example");
    assertThat(read.raw().body()).doesNotContain(secret).doesNotContain("vapidPrivateKey").doesNotContain("secretKeyHash");
  }

  @Test
  void creatingASiteNeedsTheAdminToken() {
    assertThat(api.post("/v1/sites", null, site("mailto:ops@shoes.example", "https://shoes.example")).status()).isEqualTo(401);
    Reply wrong = api.post("/v1/sites", "not-the-admin-token", site("mailto:ops@shoes.example", "https://shoes.example"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.errorMessage()).contains("admin token");
  }

  @Test
  void localhostStyleVapidSubjectsAreRefusedBecauseAppleRejectsThem() {
    for (String subject : new String[] {"mailto:x@localhost", "https://localhost", "https://127.0.0.1/x", "ops@shop.example", "mailto:"}) {
      Reply r = api.post("/v1/sites", RunningPushcart.ADMIN_TOKEN, site(subject, "https://shoes.example"));
      assertThat(r.status()).as(subject).isEqualTo(400);
      assertThat(r.errorField()).isEqualTo("vapidSubject");
    }
  }

  @Test
  void originsMustBeExactSecureOrigins() {
    for (String origin : new String[] {"http://shoes.example", "https://shoes.example/path", "shoes.example", "ftp://x.example"}) {
      Reply r = api.post("/v1/sites", RunningPushcart.ADMIN_TOKEN, site("mailto:ops@shoes.example", origin));
      assertThat(r.status()).as(origin).isEqualTo(400);
      assertThat(r.errorField()).isEqualTo("origins[0]");
    }
    Reply none = api.post("/v1/sites", RunningPushcart.ADMIN_TOKEN, site("mailto:ops@shoes.example"));
    assertThat(none.errorField()).isEqualTo("origins");
    Reply local = api.post("/v1/sites", RunningPushcart.ADMIN_TOKEN, site("mailto:ops@shoes.example", "http://localhost:3000"));
    assertThat(local.status()).isEqualTo(201);
    // Browsers send Origin without a default port: https://x:443 must match "https://x".
    Reply port = api.post("/v1/sites", RunningPushcart.ADMIN_TOKEN, site("mailto:ops@shoes.example", "HTTPS://Shoes.Example:443"));
    assertThat(port.json().getJsonArray("origins")).containsExactly("https://shoes.example");
  }

  @Test
  void readingASiteNeedsItsOwnSecretKey() {
    TestSite a = TestSite.create(api);
    TestSite b = TestSite.create(api);
    assertThat(api.get("/v1/sites/" + a.id(), b.secretKey()).status()).isEqualTo(401);
    assertThat(api.get("/v1/sites/" + a.id(), null).status()).isEqualTo(401);
    assertThat(api.get("/v1/sites/unknownsite123", a.secretKey()).status()).isEqualTo(404);
    assertThat(api.get("/v1/sites/%7Bbad%7D", a.secretKey()).status()).isEqualTo(404);
  }

  @Test
  void malformedBodiesAreRefusedWithAMessage() {
    Reply broken = api.post("/v1/sites", RunningPushcart.ADMIN_TOKEN, "{\"name\":");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.errorMessage()).contains("not valid JSON");
    Reply array = api.post("/v1/sites", RunningPushcart.ADMIN_TOKEN, "[1,2]");
    assertThat(array.status()).isEqualTo(400);
    Reply wrongType = api.post("/v1/sites", RunningPushcart.ADMIN_TOKEN,
        new JsonObject().put("name", 42).put("origins", "https://x.example").put("vapidSubject", "mailto:a@b.example"));
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.errorField()).isEqualTo("name");
    Reply notJson = api.postWithHeaders("/v1/sites", Map.of("Authorization", "Bearer " + RunningPushcart.ADMIN_TOKEN,
        "Content-Type", "text/plain"), "hello");
    assertThat(notJson.status()).isEqualTo(415);
    Reply huge = api.post("/v1/sites", RunningPushcart.ADMIN_TOKEN, "{\"name\":\"" + "x".repeat(70_000) + "\"}");
    assertThat(huge.status()).isEqualTo(413);
  }

  @Test
  void unknownPathsAnswer404InJson() {
    Reply r = api.get("/v2/nothing", null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("not_found");
  }

  @Test
  void theSnippetIsServedCompressedAndAnswersHead() throws Exception {
    java.net.http.HttpResponse<byte[]> gz = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.baseUrl() + "/sdk/pushcart.js"))
            .header("Accept-Encoding", "gzip").build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(gz.statusCode()).isEqualTo(200);
    assertThat(gz.headers().firstValue("Content-Encoding")).contains("gzip");
    assertThat(gz.headers().firstValue("Cache-Control")).contains("public, max-age=300");
    java.net.http.HttpResponse<Void> head = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.baseUrl() + "/sdk/pushcart.js"))
            .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding());
    assertThat(head.statusCode()).isEqualTo(200);
  }

  @Test
  void healthAndReadinessAnswer() {
    assertThat(api.get("/health", null).status()).isEqualTo(200);
    assertThat(api.get("/ready", null).json().getString("status")).isEqualTo("ready");
  }
}
