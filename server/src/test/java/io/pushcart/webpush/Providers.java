package io.pushcart.webpush;

import java.util.stream.Stream;

/**
 * Every crypto provider, for parameterized tests: the JDK, Conscrypt and ACCP. The two native
 * ones must load on the build machines (linux-x86_64).
 */
final class Providers {
  private Providers() {
  }

  static Stream<CryptoProvider> all() {
    return Stream.of(CryptoProvider.jdk(),
        CryptoProvider.conscrypt().orElseThrow(() -> new AssertionError("Conscrypt did not load")),
        CryptoProvider.accp().orElseThrow(() -> new AssertionError("ACCP did not load")));
  }
}
