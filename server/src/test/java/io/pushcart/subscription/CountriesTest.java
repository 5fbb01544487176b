package io.pushcart.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** A subscriber's country: explicit, else its time zone's, else its locale's region. */
class CountriesTest {
  @Test
  void anExplicitCountryWinsThenTheTimeZoneThenTheLocale() {
    JsonObject all = new JsonObject().put("country", "AT").put("timezone", "Europe/Berlin").put("locale", "fr-CH");
    assertThat(Countries.of(all)).contains("AT");
    assertThat(Countries.of(all.copy().put("country", "austria"))).as("not a code: the next source").contains("DE");
    assertThat(Countries.of(new JsonObject().put("timezone", "Asia/Kolkata").put("locale", "en-US"))).contains("IN");
    assertThat(Countries.of(new JsonObject().put("timezone", "Etc/UTC").put("locale", "de-AT"))).as("UTC has no country").contains("AT");
    assertThat(Countries.of(new JsonObject().put("locale", "pt_BR"))).contains("BR");
    assertThat(Countries.of(new JsonObject().put("locale", "en"))).isEmpty();
    assertThat(Countries.of(new JsonObject())).isEmpty();
  }

  @Test
  void everyZoneOfTheTableIsOneTheJdkKnowsWithARealCountry() {
    for (String zone : new String[] {"America/New_York", "Europe/London", "Australia/Sydney", "Asia/Tokyo"}) {
      assertThat(Countries.ofZone(zone)).as(zone).isPresent();
    }
    ZoneId.getAvailableZoneIds().forEach(zone -> Countries.ofZone(zone)
        .ifPresent(country -> assertThat(Countries.isCountry(country)).as(zone + " -> " + country).isTrue()));
    assertThat(Countries.ofZone("America/New_York")).contains("US");
  }
}
