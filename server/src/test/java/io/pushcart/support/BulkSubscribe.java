package io.pushcart.support;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/** Registers many subscriptions through the real API, a bounded number at a time. */
public final class BulkSubscribe {
  private BulkSubscribe() {
  }

  /** Posts each body to {@code baseUrl/v1/sites/{site}/subscriptions}; fails unless every one answered 201. */
  public static void register(String baseUrl, String siteId, List<JsonObject> subscriptions) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Semaphore inFlight = new Semaphore(64);
    AtomicInteger created = new AtomicInteger();
    CompletableFuture<?>[] all = new CompletableFuture<?>[subscriptions.size()];
    for (int i = 0; i < subscriptions.size(); i++) {
      inFlight.acquireUninterruptibly();
      HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/sites/" + siteId + "/subscriptions"))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(subscriptions.get(i).encode())).build();
      all[i] = http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .whenComplete((r, err) -> {
            inFlight.release();
            if (r != null && r.statusCode() == 201) {
              created.incrementAndGet();
            }
          });
    }
    CompletableFuture.allOf(all).join();
    if (created.get() != subscriptions.size()) {
      throw new AssertionError("only " + created.get() + " of " + subscriptions.size() + " subscriptions were created");
    }
  }
}
