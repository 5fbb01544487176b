package io.pushcart.webpush;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Every crypto provider that can run here, for parameterized tests: the JDK and BouncyCastle
 * everywhere, and Conscrypt and ACCP where their native libraries ship. On linux-x86_64 (this
 * project's build machines) those two must load; elsewhere (arm64 Linux, macOS) they are left
 * out and the tests say so, instead of failing.
 */
final class Providers {
  private Providers() {
  }

  /** True on the platform whose native providers the build requires: linux-x86_64. */
  static boolean nativeExpected() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  static Stream<CryptoProvider> all() {
    List<CryptoProvider> providers = new ArrayList<>(List.of(CryptoProvider.jdk(), CryptoProvider.bouncyCastle()));
    if (nativeExpected()) {
      providers.add(CryptoProvider.conscrypt().orElseThrow(() -> new AssertionError("Conscrypt did not load")));
      providers.add(CryptoProvider.accp().orElseThrow(() -> new AssertionError("ACCP did not load")));
    } else {
      System.err.println("Providers: no native crypto provider is expected on " + System.getProperty("os.name") + "/"
          + System.getProperty("os.arch") + "; testing the JDK and BouncyCastle only");
      CryptoProvider.conscrypt().ifPresent(providers::add);
      CryptoProvider.accp().ifPresent(providers::add);
    }
    return providers.stream();
  }
}
