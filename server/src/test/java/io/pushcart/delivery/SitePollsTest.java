package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * When a worker looks at a site again. The case that matters: this instance writes work (a
 * transactional push's unit) while a read of the site is already out; that read can come back
 * empty, and the site must not then rest for the quiet period (a push a second late).
 */
class SitePollsTest {
  private static final long TRUST_MS = 1_000;

  @Test
  void aLookThatFindsNothingRestsTheSiteUntilTheNextDueTimeOrTheTrustPeriod() {
    SitePolls polls = new SitePolls(TRUST_MS);
    assertThat(polls.due("s", 0)).as("never looked at").isTrue();

    polls.looked("s", polls.looking("s"), 0, Long.MAX_VALUE);
    assertThat(polls.due("s", 999)).isFalse();
    assertThat(polls.due("s", 1_000)).isTrue();

    polls.looked("s", polls.looking("s"), 0, 300);
    assertThat(polls.due("s", 299)).isFalse();
    assertThat(polls.due("s", 300)).isTrue();
  }

  @Test
  void workAnnouncedAfterALookEndedIsLookedAtAtOnce() {
    SitePolls polls = new SitePolls(TRUST_MS);
    polls.looked("s", polls.looking("s"), 0, Long.MAX_VALUE);
    polls.lookNow("s");
    assertThat(polls.due("s", 1)).isTrue();
  }

  @Test
  void workAnnouncedWhileALookIsUnderWayIsLookedAtAtOnceAfterIt() {
    SitePolls polls = new SitePolls(TRUST_MS);
    long look = polls.looking("s"); // the read goes out
    polls.lookNow("s"); // the work is written and announced before the read's answer comes
    polls.looked("s", look, 0, Long.MAX_VALUE); // the answer: nothing (the read was served first)
    assertThat(polls.due("s", 1)).as("the announcement during the look is not lost").isTrue();

    // The next look, with nothing announced meanwhile, rests the site again.
    polls.looked("s", polls.looking("s"), 1, Long.MAX_VALUE);
    assertThat(polls.due("s", 2)).isFalse();
  }

  @Test
  void anotherSitesAnnouncementDoesNotCount() {
    SitePolls polls = new SitePolls(TRUST_MS);
    long look = polls.looking("s");
    polls.lookNow("other");
    polls.looked("s", look, 0, Long.MAX_VALUE);
    assertThat(polls.due("s", 1)).isFalse();
  }

  @Test
  void aSiteNoLongerPolledIsForgotten() {
    SitePolls polls = new SitePolls(TRUST_MS);
    polls.lookNow("gone");
    polls.looked("gone", polls.looking("gone"), 0, Long.MAX_VALUE);
    polls.retainOnly(java.util.List.of("s"));
    assertThat(polls.due("gone", 1)).as("a site listed again is looked at at once").isTrue();
    assertThat(polls.looking("gone")).isZero();
  }
}
