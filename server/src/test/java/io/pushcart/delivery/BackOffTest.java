package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.Poll;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.ReceivedPush;
import io.pushcart.testkit.Response;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A push service that says "slow down" is obeyed for all its subscribers, not only the one answered. */
class BackOffTest {
  @Test
  void a429WithRetryAfterHoldsEveryMessageToThatPushServiceUntilThen() {
    try (LocalPushService push = new LocalPushService().start();
         // One request at a time, so that nothing is already in flight when the 429 comes back.
         RunningPushcart server = RunningPushcart.start(Map.of(
             "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString(),
             "PUSHCART_PUSH_CONCURRENCY", "1",
             "PUSHCART_DELIVERY_INSTANCES", "1"))) {
      TestSite site = TestSite.create(server.api());
      List<TestSubscriber> subscribers = push.newSubscribers(8);
      TestSubscriber throttled = subscribers.get(3);
      push.script(throttled.token(), Response.status(429).retryAfter(2), Response.created());
      subscribers.forEach(s -> assertThat(site.subscribe(s.subscriptionJson()).status()).isEqualTo(201));

      Reply created = site.createCampaign(TestSite.campaignTo("all"));
      JsonObject done = Poll.until(() -> site.campaign(created.json().getString("id")).json(),
          c -> "completed".equals(c.getString("status")), Duration.ofSeconds(60), "the campaign to complete");

      assertThat(done.getJsonObject("stats").getLong("accepted")).isEqualTo(8);
      Instant throttledAt = push.receivedFor(throttled.token()).get(0).receivedAt();
      Instant resumeAt = throttledAt.plusSeconds(2);
      for (ReceivedPush p : push.received()) {
        boolean duringPause = p.receivedAt().isAfter(throttledAt.plusMillis(300)) && p.receivedAt().isBefore(resumeAt);
        assertThat(duringPause).as("%s arrived %s after the 429", p, Duration.between(throttledAt, p.receivedAt())).isFalse();
      }
      long deferred = done.getJsonObject("stats").getLong("deferred");
      long sentAfter = push.received().stream().filter(p -> p.receivedAt().isAfter(throttledAt)).count() - 1;
      assertThat(deferred).as("messages held back by the pause").isEqualTo(sentAfter);
    }
  }
}
