package io.pushcart.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where quiet hours fall, by the zone's own rules for each day: across midnight and DST changes. */
class QuietHoursTest {
  private static final QuietHours NIGHT = new QuietHours(LocalTime.of(22, 0), LocalTime.of(8, 0));
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static Optional<Instant> end(QuietHours q, String zone, String now) {
    return q.endOfWindow(ZoneId.of(zone), Instant.parse(now));
  }

  @Test
  void aWindowAcrossMidnightHoldsFromItsStartInclusiveToItsEndExclusive() {
    // Asia/Kolkata is +05:30 all year: 22:00 local is 16:30Z, 08:00 local is 02:30Z.
    assertThat(end(NIGHT, "Asia/Kolkata", "2026-06-01T16:29:59Z")).isEmpty();
    assertThat(end(NIGHT, "Asia/Kolkata", "2026-06-01T16:30:00Z")).contains(Instant.parse("2026-06-02T02:30:00Z"));
    assertThat(end(NIGHT, "Asia/Kolkata", "2026-06-01T20:00:00Z")).contains(Instant.parse("2026-06-02T02:30:00Z"));
    assertThat(end(NIGHT, "Asia/Kolkata", "2026-06-02T02:29:59Z")).contains(Instant.parse("2026-06-02T02:30:00Z"));
    assertThat(end(NIGHT, "Asia/Kolkata", "2026-06-02T02:30:00Z")).isEmpty();
  }

  @Test
  void aWindowWithinOneDay() {
    QuietHours lunch = new QuietHours(LocalTime.of(12, 0), LocalTime.of(13, 30));
    assertThat(end(lunch, "UTC", "2026-06-01T12:00:00Z")).contains(Instant.parse("2026-06-01T13:30:00Z"));
    assertThat(end(lunch, "UTC", "2026-06-01T13:30:00Z")).isEmpty();
    assertThat(end(lunch, "UTC", "2026-06-01T23:00:00Z")).isEmpty();
  }

  @Test
  void newYorkOnTheNightsTheClocksChange() {
    // Spring forward, 2026-03-08 02:00 EST -> 03:00 EDT: the night is 9 hours, and ends at 08:00 EDT (12:00Z).
    assertThat(end(NIGHT, "America/New_York", "2026-03-08T03:00:00Z")).contains(Instant.parse("2026-03-08T12:00:00Z"));
    assertThat(end(NIGHT, "America/New_York", "2026-03-08T11:59:59Z")).contains(Instant.parse("2026-03-08T12:00:00Z"));
    assertThat(end(NIGHT, "America/New_York", "2026-03-08T12:00:00Z")).isEmpty();
    // Fall back, 2026-11-01 02:00 EDT -> 01:00 EST: 11 hours, ending at 08:00 EST (13:00Z).
    assertThat(end(NIGHT, "America/New_York", "2026-11-01T02:00:00Z")).contains(Instant.parse("2026-11-01T13:00:00Z"));
    assertThat(end(NIGHT, "America/New_York", "2026-11-01T12:30:00Z")).contains(Instant.parse("2026-11-01T13:00:00Z"));
    assertThat(end(NIGHT, "America/New_York", "2026-11-01T13:00:00Z")).isEmpty();
    // And the evening after it starts at 22:00 EST (03:00Z).
    assertThat(end(NIGHT, "America/New_York", "2026-11-02T02:59:59Z")).isEmpty();
    assertThat(end(NIGHT, "America/New_York", "2026-11-02T03:00:00Z")).contains(Instant.parse("2026-11-02T13:00:00Z"));
  }

  @Test
  void lordHoweMovesItsClocksByHalfAnHour() {
    // 2026-10-04 02:00 +10:30 -> 02:30 +11:00: 08:00 that morning is 21:00Z the day before, not 21:30Z.
    assertThat(end(NIGHT, "Australia/Lord_Howe", "2026-10-03T20:59:59Z")).contains(Instant.parse("2026-10-03T21:00:00Z"));
    assertThat(end(NIGHT, "Australia/Lord_Howe", "2026-10-03T21:00:00Z")).isEmpty();
    // 2026-04-05 02:00 +11:00 -> 01:30 +10:30: 08:00 is 21:30Z.
    assertThat(end(NIGHT, "Australia/Lord_Howe", "2026-04-04T21:15:00Z")).contains(Instant.parse("2026-04-04T21:30:00Z"));
    assertThat(end(NIGHT, "Australia/Lord_Howe", "2026-04-04T21:30:00Z")).isEmpty();
  }

  @Test
  void aWindowBoundaryInsideADstGapStartsAfterTheGap() {
    // 02:30 does not exist in New York on 2026-03-08: a window from 02:30 starts at 03:30 EDT (07:30Z), as ZonedDateTime places it.
    QuietHours early = new QuietHours(LocalTime.of(2, 30), LocalTime.of(6, 0));
    assertThat(end(early, "America/New_York", "2026-03-08T07:29:59Z")).isEmpty();
    assertThat(end(early, "America/New_York", "2026-03-08T07:30:00Z")).contains(Instant.parse("2026-03-08T10:00:00Z"));
  }
}
