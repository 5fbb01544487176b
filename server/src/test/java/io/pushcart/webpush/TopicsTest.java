package io.pushcart.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void validityRules() {
    assertThat(Topics.isValid("order-123_shipped")).isTrue();
    assertThat(Topics.isValid("a")).isTrue();
    assertThat(Topics.isValid("A".repeat(32))).isTrue();
    assertThat(Topics.isValid("A".repeat(33))).isFalse();
    assertThat(Topics.isValid("")).isFalse();
    assertThat(Topics.isValid(null)).isFalse();
    assertThat(Topics.isValid("has space")).isFalse();
    assertThat(Topics.isValid("slash/")).isFalse();
    assertThat(Topics.isValid("plus+")).isFalse();
    assertThat(Topics.isValid("pad=")).isFalse();
    assertThat(Topics.isValid("café")).isFalse();
  }

  @Test
  void deriveIsAlwaysValidAndStable() {
    for (String label : new String[] {"", "x", "Sale: 20% off / today!", "é".repeat(500), "order-123"}) {
      String topic = Topics.derive(label);
      assertThat(Topics.isValid(topic)).as(label).isTrue();
      assertThat(topic).hasSize(32).isEqualTo(Topics.derive(label));
    }
    assertThat(Topics.derive("a")).isNotEqualTo(Topics.derive("b"));
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    assertThat(Topics.derive("abc")).isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qc");
  }
}
