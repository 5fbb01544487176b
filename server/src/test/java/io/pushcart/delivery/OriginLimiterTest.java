package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OriginLimiterTest {
  @Test
  void aLongQueueWhoseMessagesEndAtOnceIsHandedOnWithoutOverflowingTheStack() {
    OriginLimiter limiter = new OriginLimiter(1);
    assertThat(limiter.acquire("https://push.example").succeeded()).isTrue();
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < 100_000; i++) {
      // A message of a cancelled campaign: it gets its permit, is not sent, and gives the permit back at once.
      limiter.acquire("https://push.example").onComplete(ar -> {
        ran.incrementAndGet();
        limiter.release("https://push.example");
      });
    }
    limiter.release("https://push.example");
    assertThat(ran).hasValue(100_000);
    assertThat(limiter.acquire("https://push.example").succeeded()).as("every permit came back").isTrue();
    assertThat(limiter.acquire("https://push.example").succeeded()).as("and no more than the one").isFalse();
  }
}
