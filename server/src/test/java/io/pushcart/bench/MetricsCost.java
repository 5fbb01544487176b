package io.pushcart.bench;

import io.pushcart.metrics.Metrics;

/**
 * What /metrics costs per message: the time of Metrics.pushAnswered (a counter and a histogram
 * timer) on one thread, against the ~60 µs of a message's crypto. Not a test: docs/benchmarks.md.
 */
public final class MetricsCost {
  private MetricsCost() {
  }

  public static void main(String[] args) {
    String[] services = {"https://fcm.googleapis.com", "https://updates.push.services.mozilla.com", "https://web.push.apple.com"};
    for (int round = 0; round < 5; round++) {
      long start = System.nanoTime();
      int n = 2_000_000;
      for (int i = 0; i < n; i++) {
        Metrics.pushAnswered(services[i % 3], i % 50 == 0 ? 410 : 201, 3_000_000L + i % 1000);
      }
      System.out.printf("round %d: %.0f ns per message%n", round + 1, (System.nanoTime() - start) / (double) n);
    }
  }
}
