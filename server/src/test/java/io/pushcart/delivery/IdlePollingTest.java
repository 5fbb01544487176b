package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.bench.RedisInfo;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Sites with work far ahead (a campaign scheduled tomorrow) stay in the active-site index, and
 * every delivery worker polls them: that polling must stay cheap. Before SitePolls each worker
 * read every such site's stream ten times a second and its schedule and retries four times each.
 */
class IdlePollingTest {
  static final int SITES = 30;
  static final Duration WINDOW = Duration.ofSeconds(3);

  @Test
  void idleSitesCostAFewRedisCallsASecondEach() {
    try (RunningPushcart server = RunningPushcart.start(Map.of())) {
      for (int i = 0; i < SITES; i++) {
        TestSite site = TestSite.create(server.api());
        String tomorrow = Instant.now().plus(Duration.ofDays(1)).toString();
        assertThat(site.createCampaign(TestSite.campaignTo("all").put("sendAt", tomorrow)).json().getString("status"))
            .isEqualTo("scheduled");
      }
      RedisInfo.command(server.redisUrl(), "CONFIG RESETSTAT");
      // A rate over a fixed window is what is measured here: there is no event to wait for.
      LockSupport.parkNanos(WINDOW.toNanos());
      long calls = RedisInfo.command(server.redisUrl(), "INFO commandstats").stream()
          .filter(l -> l.startsWith("cmdstat_xreadgroup:") || l.startsWith("cmdstat_evalsha:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("^[^:]+:calls=(\\d+),.*", "$1")))
          .sum();

      int workers = Runtime.getRuntime().availableProcessors();
      System.out.printf("idle polling: %d stream reads and scripts for %d sites in %s%n", calls, SITES, WINDOW);
      // Now: a stream read a second, the schedule and the retries every two seconds, per site and
      // worker (2 a second: 360 in the window on 2 cores, 316 measured); before SitePolls: 18 a
      // second (3,240). The bound leaves room for timers firing late on a loaded machine.
      long bound = 6L * SITES * workers * WINDOW.toSeconds();
      assertThat(calls).as("stream reads and scripts of %d idle sites over %s", SITES, WINDOW).isLessThan(bound);
    }
  }
}
