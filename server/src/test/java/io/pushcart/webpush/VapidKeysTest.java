package io.pushcart.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VapidKeysTest {

  static java.util.stream.Stream<CryptoProvider> providers() {
    return Providers.all();
  }

  @ParameterizedTest
  @MethodSource("providers")
  void generatedKeysRoundTripThroughBase64Url(CryptoProvider crypto) {
    VapidKeys keys = VapidKeys.generate(crypto);
    assertThat(Base64Url.decode(keys.publicKeyBase64Url())).hasSize(65).startsWith(4);
    assertThat(Base64Url.decode(keys.privateKeyBase64Url())).hasSize(32);

    VapidKeys reloaded = VapidKeys.fromBase64Url(keys.publicKeyBase64Url(), keys.privateKeyBase64Url());
    assertThat(reloaded.publicKeyBase64Url()).isEqualTo(keys.publicKeyBase64Url());
    assertThat(reloaded.privateKeyBase64Url()).isEqualTo(keys.privateKeyBase64Url());
  }

  @ParameterizedTest
  @MethodSource("providers")
  void toStringShowsOnlyThePublicKey(CryptoProvider crypto) {
    VapidKeys keys = VapidKeys.generate(crypto);
    assertThat(keys.toString()).contains(keys.publicKeyBase64Url()).doesNotContain(keys.privateKeyBase64Url());
    VapidSigner signer = new VapidSigner(keys, "mailto:a@b.example", crypto, java.time.Clock.systemUTC());
    assertThat(signer.toString()).doesNotContain(keys.privateKeyBase64Url());
  }

  @ParameterizedTest
  @MethodSource("providers")
  void mismatchedHalvesAreRejected(CryptoProvider crypto) {
    VapidKeys one = VapidKeys.generate(crypto);
    VapidKeys other = VapidKeys.generate(crypto);
    assertThatThrownBy(() -> VapidKeys.fromBase64Url(one.publicKeyBase64Url(), other.privateKeyBase64Url()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VapidKeys.fromBase64Url("not base64!", one.privateKeyBase64Url()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @org.junit.jupiter.api.Test
  void acceptsPaddedBase64() {
    VapidKeys keys = VapidKeys.generate(CryptoProvider.jdk());
    // 65 bytes → 87 chars + "=", 32 bytes → 43 chars + "=".
    VapidKeys reloaded = VapidKeys.fromBase64Url(keys.publicKeyBase64Url() + "=", keys.privateKeyBase64Url() + "=");
    assertThat(reloaded.publicKeyBase64Url()).isEqualTo(keys.publicKeyBase64Url());
  }
}
