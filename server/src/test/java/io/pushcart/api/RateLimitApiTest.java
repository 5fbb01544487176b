package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.support.ApiClient;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.BrowserKeys;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The browser routes' rate limits, through real HTTP on a real Redis: two instances on one
 * Redis behind a trusted proxy (so that a test speaks for many client addresses with
 * X-Forwarded-For), reading one {@link TestClock}. Each test starts in a fresh one-minute window.
 */
class RateLimitApiTest {
  static final int SUBSCRIPTIONS_PER_ADDRESS = 5;
  static final int SUBSCRIPTIONS_PER_SITE = 12;
  static final int EVENTS_PER_ADDRESS = 3;
  static final int PUBLIC_PER_ADDRESS = 2;
  static final Map<String, String> LIMITS = Map.of(
      "PUSHCART_RATE_LIMIT_SUBSCRIPTIONS_PER_ADDRESS", String.valueOf(SUBSCRIPTIONS_PER_ADDRESS),
      "PUSHCART_RATE_LIMIT_SUBSCRIPTIONS_PER_SITE", String.valueOf(SUBSCRIPTIONS_PER_SITE),
      "PUSHCART_RATE_LIMIT_EVENTS_PER_ADDRESS", String.valueOf(EVENTS_PER_ADDRESS),
      "PUSHCART_RATE_LIMIT_PUBLIC_PER_ADDRESS", String.valueOf(PUBLIC_PER_ADDRESS),
      "PUSHCART_TRUST_PROXY", "true");

  private static final TestClock CLOCK = new TestClock();
  private static RunningPushcart first;
  private static RunningPushcart second;

  @BeforeAll
  static void start() {
    first = start(LIMITS);
    Map<String, String> sameRedis = new HashMap<>(LIMITS);
    sameRedis.put("PUSHCART_REDIS_URL", first.redisUrl());
    second = start(sameRedis);
  }

  private static RunningPushcart start(Map<String, String> env) {
    try {
      return RunningPushcart.start(TempDirs.create("pushcart-limits"), env, DeliveryMetrics.NONE, CLOCK);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stop() {
    second.close();
    first.close();
  }

  /** 1 ms into the next window: its counters are fresh, and the test has a minute before they reset. */
  @BeforeEach
  void freshWindow() {
    long next = (CLOCK.millis() / 60_000 + 1) * 60_000 + 1;
    CLOCK.set(Instant.ofEpochMilli(next));
  }

  @Test
  void aBurstFromOneAddressIsRefusedWith429AndRetryAfterWhileOtherAddressesAndSitesGoOn() {
    TestSite site = TestSite.create(first.api());
    TestSite other = TestSite.create(first.api());
    for (int i = 0; i < SUBSCRIPTIONS_PER_ADDRESS; i++) {
      assertThat(subscribe(first, site, "203.0.113.1").status()).as("registration " + (i + 1)).isEqualTo(201);
    }
    Reply refused = subscribe(first, site, "203.0.113.1");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.json().getJsonObject("error").getString("code")).isEqualTo("rate_limited");
    assertThat(refused.errorMessage()).contains("from your address").contains("at most 5 a minute");
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(30L, 60L);
    assertThat(refused.header("Access-Control-Allow-Origin")).as("the page may read it").isEqualTo(TestSite.ORIGIN);
    assertThat(refused.header("Access-Control-Expose-Headers")).contains("Retry-After");

    assertThat(subscribe(first, site, "203.0.113.2").status()).as("another address").isEqualTo(201);
    assertThat(subscribe(first, other, "203.0.113.1").status()).as("another site").isEqualTo(201);
    assertThat(subscribe(first, site, "203.0.113.1").status()).as("still refused").isEqualTo(429);
  }

  @Test
  void aSiteIsLimitedForAllAddressesTogetherAndOneAddressOverItsLimitDoesNotUseUpTheSites() {
    TestSite site = TestSite.create(first.api());
    for (int i = 0; i < SUBSCRIPTIONS_PER_ADDRESS; i++) {
      assertThat(subscribe(first, site, "198.51.100.200").status()).isEqualTo(201);
    }
    for (int i = 0; i < 20; i++) {
      assertThat(subscribe(first, site, "198.51.100.200").status()).as("refused, and not counted for the site").isEqualTo(429);
    }
    for (int i = 0; i < SUBSCRIPTIONS_PER_SITE - SUBSCRIPTIONS_PER_ADDRESS; i++) {
      assertThat(subscribe(first, site, "198.51.100." + i).status()).as("address " + i).isEqualTo(201);
    }
    Reply refused = subscribe(first, site, "198.51.100.99");
    assertThat(refused.status()).as("a new address, once the site's limit is reached").isEqualTo(429);
    assertThat(refused.errorMessage()).contains("from all addresses").contains("at most 12 a minute");
    assertThat(refused.header("Retry-After")).isNotNull();
    assertThat(subscribe(first, TestSite.create(first.api()), "198.51.100.99").status()).as("another site").isEqualTo(201);
  }

  @Test
  void theLimitsHoldAcrossTwoInstancesOnOneRedis() {
    TestSite site = TestSite.create(first.api());
    for (int i = 0; i < SUBSCRIPTIONS_PER_ADDRESS; i++) {
      RunningPushcart instance = i % 2 == 0 ? first : second;
      assertThat(subscribe(instance, site, "192.0.2.7").status()).as("registration " + (i + 1)).isEqualTo(201);
    }
    assertThat(subscribe(second, site, "192.0.2.7").status()).isEqualTo(429);
    assertThat(subscribe(first, site, "192.0.2.7").status()).isEqualTo(429);
  }

  @Test
  void theNextMinuteAdmitsAgain() {
    TestSite site = TestSite.create(first.api());
    for (int i = 0; i < SUBSCRIPTIONS_PER_ADDRESS; i++) {
      subscribe(first, site, "192.0.2.8");
    }
    assertThat(subscribe(first, site, "192.0.2.8").status()).isEqualTo(429);
    CLOCK.advance(Duration.ofSeconds(60));
    assertThat(subscribe(first, site, "192.0.2.8").status()).isEqualTo(201);
  }

  @Test
  void eventsAndThePublicSiteHaveLimitsOfTheirOwnAndTheStoresBackendIsNotLimited() {
    TestSite site = TestSite.create(first.api());
    String address = "192.0.2.9";
    for (int i = 0; i < PUBLIC_PER_ADDRESS; i++) {
      assertThat(publicSite(site, address).status()).isEqualTo(200);
    }
    Reply publicRefused = publicSite(site, address);
    assertThat(publicRefused.status()).isEqualTo(429);
    assertThat(publicRefused.errorMessage()).contains("public key");
    assertThat(subscribe(first, site, address).status()).as("subscriptions count apart").isEqualTo(201);

    // Counted before the body is read: a flood of bad bodies is limited too.
    for (int i = 0; i < EVENTS_PER_ADDRESS; i++) {
      assertThat(event(site, address, null).status()).isEqualTo(400);
    }
    assertThat(event(site, address, null).status()).isEqualTo(429);
    assertThat(event(site, address, site.secretKey()).status()).as("with the secret key").isEqualTo(400);
  }

  @Test
  void anIpv6ClientIsCountedByItsSlash64() {
    TestSite site = TestSite.create(first.api());
    for (int i = 0; i < SUBSCRIPTIONS_PER_ADDRESS; i++) {
      assertThat(subscribe(first, site, "2001:db8:1:2::" + (i + 1)).status()).isEqualTo(201);
    }
    assertThat(subscribe(first, site, "[2001:db8:1:2:ffff:ffff:ffff:ffff]:443").status()).as("the same /64").isEqualTo(429);
    assertThat(subscribe(first, site, "2001:db8:1:3::1").status()).as("another /64").isEqualTo(201);
  }

  @Test
  void behindTwoProxiesTheAddressTheOuterOneSawCountsAndWhatTheClientWroteDoesNot() {
    Map<String, String> env = new HashMap<>(LIMITS);
    env.put("PUSHCART_TRUST_PROXY", "2");
    env.put("PUSHCART_REDIS_URL", first.redisUrl());
    try (RunningPushcart behindTwo = start(env)) {
      TestSite site = TestSite.create(behindTwo.api());
      // X-Forwarded-For: <what the client wrote>, <the client, as the outer proxy saw it>, <the outer proxy>
      for (int i = 0; i < SUBSCRIPTIONS_PER_ADDRESS; i++) {
        assertThat(subscribe(behindTwo, site, "10.9.9." + i + ", 192.0.2.10, 10.0.0.1").status()).isEqualTo(201);
      }
      assertThat(subscribe(behindTwo, site, "10.9.9.99, 192.0.2.10, 10.0.0.1").status()).isEqualTo(429);
      assertThat(subscribe(behindTwo, site, "192.0.2.10, 192.0.2.11, 10.0.0.1").status()).isEqualTo(201);
    }
  }

  @Test
  void withoutATrustedProxyXForwardedForIsIgnored() {
    Map<String, String> env = new HashMap<>(LIMITS);
    env.remove("PUSHCART_TRUST_PROXY");
    env.put("PUSHCART_REDIS_URL", first.redisUrl());
    try (RunningPushcart direct = start(env)) {
      TestSite site = TestSite.create(direct.api());
      for (int i = 0; i < SUBSCRIPTIONS_PER_ADDRESS; i++) {
        assertThat(subscribe(direct, site, "203.0.113." + (100 + i)).status()).isEqualTo(201);
      }
      assertThat(subscribe(direct, site, "203.0.113.200").status()).as("all from 127.0.0.1").isEqualTo(429);
    }
  }

  /** A new subscription, registered from the site's origin through a proxy that says it came from {@code forwardedFor}. */
  private static Reply subscribe(RunningPushcart instance, TestSite site, String forwardedFor) {
    JsonObject body = new JsonObject().put("endpoint", "https://fcm.googleapis.com/fcm/send/" + UUID.randomUUID())
        .put("keys", new JsonObject().put("p256dh", BrowserKeys.p256dh()).put("auth", BrowserKeys.auth()));
    return instance.api().postWithHeaders("/v1/sites/" + site.id() + "/subscriptions",
        Map.of("Origin", TestSite.ORIGIN, "Content-Type", "application/json", "X-Forwarded-For", forwardedFor), body.encode());
  }

  private static Reply publicSite(TestSite site, String forwardedFor) {
    return first.api().getWithHeaders("/v1/sites/" + site.id() + "/public",
        Map.of("Origin", TestSite.ORIGIN, "X-Forwarded-For", forwardedFor));
  }

  /** An event without a subscription (400 once read), from a browser or, with {@code secret}, the store's backend. */
  private static Reply event(TestSite site, String forwardedFor, String secret) {
    Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json", "X-Forwarded-For", forwardedFor));
    if (secret != null) {
      headers.put("Authorization", "Bearer " + secret);
    }
    return first.api().postWithHeaders("/v1/sites/" + site.id() + "/events", headers,
        new JsonObject().put("type", "cart.updated").encode());
  }
}
