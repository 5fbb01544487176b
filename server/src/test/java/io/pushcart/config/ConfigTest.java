package io.pushcart.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {
  @Test
  void defaultsNeedNoEnvironmentAtAll() {
    Config c = Config.from(Map.of());
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.redisUrl()).isEmpty();
    assertThat(c.extraPushHosts()).isEmpty();
    assertThat(c.pushMaxAttempts()).isEqualTo(5);
  }

  @Test
  void pushHostsTakeNamesAddressesAndPorts() {
    Config c = Config.from(Map.of("PUSHCART_PUSH_HOSTS", "push.test:8443, 10.0.0.5 ,[::1]:9443,[fd00::1]"));
    assertThat(c.extraPushHosts()).containsExactly(new Config.PushHost("push.test", 8443),
        new Config.PushHost("10.0.0.5", Config.PushHost.ANY_PORT), new Config.PushHost("::1", 9443),
        new Config.PushHost("fd00::1", Config.PushHost.ANY_PORT));
    assertThat(c.extraPushHosts().get(2).matches("::1", 9443)).isTrue();
    assertThat(c.extraPushHosts().get(2).matches("::1", 9444)).isFalse();
  }

  @Test
  void eachBadValueNamesItsVariable() {
    assertThatThrownBy(() -> Config.from(Map.of("PUSHCART_PORT", "eighty"))).hasMessageStartingWith("PUSHCART_PORT");
    assertThatThrownBy(() -> Config.from(Map.of("PUSHCART_PORT", "70000"))).hasMessageStartingWith("PUSHCART_PORT");
    assertThatThrownBy(() -> Config.from(Map.of("PUSHCART_PUSH_HOSTS", "host:0"))).hasMessageStartingWith("PUSHCART_PUSH_HOSTS");
    assertThatThrownBy(() -> Config.from(Map.of("PUSHCART_PUSH_HOSTS", "https://host/x"))).hasMessageStartingWith("PUSHCART_PUSH_HOSTS");
    assertThatThrownBy(() -> Config.from(Map.of("PUSHCART_PUSH_HOSTS", "[::1"))).hasMessageStartingWith("PUSHCART_PUSH_HOSTS");
    assertThatThrownBy(() -> Config.from(Map.of("PUSHCART_ADMIN_TOKEN", "short"))).hasMessageStartingWith("PUSHCART_ADMIN_TOKEN");
    assertThatThrownBy(() -> Config.from(Map.of("PUSHCART_REDIS_CLUSTER", "maybe"))).hasMessageStartingWith("PUSHCART_REDIS_CLUSTER");
    assertThatThrownBy(() -> Config.from(Map.of("PUSHCART_PUSH_CA_FILE", "/nonexistent.pem"))).hasMessageStartingWith("PUSHCART_PUSH_CA_FILE");
  }

  @Test
  void aPrintedConfigurationHidesSecrets() {
    Config c = Config.from(Map.of("PUSHCART_ADMIN_TOKEN", "a-very-secret-admin-token", "PUSHCART_REDIS_URL", "redis://user:hunter2@redis:6379"));
    assertThat(c.toString()).doesNotContain("a-very-secret-admin-token").doesNotContain("hunter2").contains("redis://user:***@redis:6379");
  }

  @Test
  void rateLimitsDefaultFarAboveAStoresTrafficAndZeroTurnsOneOff() {
    Config c = Config.from(Map.of());
    assertThat(c.rateLimits().subscriptions()).isEqualTo(new Config.Limit(60, 60_000));
    assertThat(c.rateLimits().events()).isEqualTo(new Config.Limit(600, 600_000));
    assertThat(c.rateLimits().publicSite()).isEqualTo(new Config.Limit(600, 120_000));
    assertThat(c.trustedProxyHops()).isZero();

    Config off = Config.from(Map.of("PUSHCART_RATE_LIMIT_EVENTS_PER_ADDRESS", "0", "PUSHCART_RATE_LIMIT_EVENTS_PER_SITE", "0"));
    assertThat(off.rateLimits().events().off()).isTrue();
    assertThat(off.rateLimits().subscriptions().off()).isFalse();
    assertThatThrownBy(() -> Config.from(Map.of("PUSHCART_RATE_LIMIT_SUBSCRIPTIONS_PER_ADDRESS", "-1")))
        .hasMessageStartingWith("PUSHCART_RATE_LIMIT_SUBSCRIPTIONS_PER_ADDRESS");
  }

  @Test
  void trustProxyIsOffTrueOrANumberOfProxies() {
    assertThat(Config.from(Map.of("PUSHCART_TRUST_PROXY", "true")).trustedProxyHops()).isEqualTo(1);
    assertThat(Config.from(Map.of("PUSHCART_TRUST_PROXY", "false")).trustedProxyHops()).isZero();
    assertThat(Config.from(Map.of("PUSHCART_TRUST_PROXY", "2")).trustedProxyHops()).isEqualTo(2);
    assertThatThrownBy(() -> Config.from(Map.of("PUSHCART_TRUST_PROXY", "all"))).hasMessageStartingWith("PUSHCART_TRUST_PROXY");
    assertThatThrownBy(() -> Config.from(Map.of("PUSHCART_TRUST_PROXY", "10"))).hasMessageStartingWith("PUSHCART_TRUST_PROXY");
  }
}
