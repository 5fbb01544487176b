package io.pushcart.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestSite;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PUSHCART_REDIS_URL: an operator's own Redis, here one that requires a password. */
class ExternalRedisTest {
  @Test
  void aPasswordInTheUrlIsUsedAndAWrongOneStopsStartUp() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start(TempDirs.create("pushcart-auth"), List.of("--requirepass", "s3cret-pass"))) {
      String url = "redis://:s3cret-pass@127.0.0.1:" + redis.port();
      try (RunningPushcart server = RunningPushcart.start(Map.of("PUSHCART_REDIS_URL", url))) {
        TestSite site = TestSite.create(server.api());
        assertThat(server.api().get("/v1/sites/" + site.id(), site.secretKey()).status()).isEqualTo(200);
        assertThat(server.api().get("/ready", null).status()).isEqualTo(200);
      }
      String wrong = "redis://:not-the-password@127.0.0.1:" + redis.port();
      assertThatThrownBy(() -> RunningPushcart.start(Map.of("PUSHCART_REDIS_URL", wrong)))
          .hasMessageContaining("cannot use Redis at redis://:***@127.0.0.1")
          .hasMessageContaining("WRONGPASS")
          .hasMessageNotContaining("not-the-password");
    }
  }
}
