package io.pushcart.webpush;

import java.util.stream.Stream;

/** Both crypto providers, for parameterized tests. Conscrypt must load on the build machines. */
final class Providers {
  private Providers() {
  }

  static Stream<CryptoProvider> both() {
    return Stream.of(CryptoProvider.jdk(),
        CryptoProvider.conscrypt().orElseThrow(() -> new AssertionError("Conscrypt did not load")));
  }
}
