package io.pushcart.subscription;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A subscriber's {@code country} (ISO 3166 alpha-2), as MARKETING.md §1 orders the sources: an
 * explicit {@code country} attribute, else the country of its {@code timezone} from the tz
 * database, else the region of its {@code locale}. The zone → country table is the tz
 * database's own zone.tab (the JDK does not expose it), kept in {@code tz/zone-countries.tsv}.
 */
public final class Countries {
  private static final Map<String, String> BY_ZONE = load();
  private static final Set<String> ISO = Set.of(Locale.getISOCountries());

  private Countries() {
  }

  /** Whether {@code code} is an ISO 3166 alpha-2 country code (upper case). */
  public static boolean isCountry(String code) {
    return ISO.contains(code);
  }

  /** The country of an IANA zone, when the tz database gives it one (Etc/UTC has none). */
  public static Optional<String> ofZone(String zone) {
    return Optional.ofNullable(BY_ZONE.get(zone));
  }

  /** From a subscription's attributes, by the order above; empty when none of them tells. */
  public static Optional<String> of(JsonObject attributes) {
    if (attributes.getValue("country") instanceof String explicit && isCountry(explicit)) {
      return Optional.of(explicit);
    }
    if (attributes.getValue("timezone") instanceof String zone && BY_ZONE.containsKey(zone)) {
      return ofZone(zone);
    }
    if (attributes.getValue("locale") instanceof String locale) {
      String region = Locale.forLanguageTag(locale.replace('_', '-')).getCountry();
      if (isCountry(region)) {
        return Optional.of(region);
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> load() {
    Map<String, String> zones = new HashMap<>();
    try (InputStream in = Countries.class.getClassLoader().getResourceAsStream("tz/zone-countries.tsv")) {
      if (in == null) {
        throw new IllegalStateException("tz/zone-countries.tsv is missing from the class path");
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = lines.readLine()) != null) {
        int tab = line.indexOf('\t');
        if (!line.startsWith("#") && tab > 0) {
          zones.put(line.substring(0, tab), line.substring(tab + 1).trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.copyOf(zones);
  }
}
