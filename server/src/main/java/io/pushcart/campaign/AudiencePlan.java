package io.pushcart.campaign;

import io.pushcart.segment.Rule;
import io.vertx.core.json.JsonArray;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How to stream an audience out of Redis without holding it in memory: scan a list of "driver"
 * sets one after the other (SSCAN), and keep each member the audience accepts.
 *
 * <p>For {@code any: [a, b, c]} the drivers are the sets of a, then b, then c; a member of b's set
 * that also carries {@code a} was already met in a's set, so it is skipped: every subscriber is
 * met exactly once, with no memory of who was seen. For {@code all} the one driver is the
 * smallest of those tags' sets; for {@code "all"} and {@code none}-only rules it is every
 * subscriber.
 *
 * @param drivers each the tag whose set to scan, or empty for the set of all subscriptions
 */
public record AudiencePlan(Audience audience, List<Optional<String>> drivers) {
  private static final String EVERYONE = "*";

  /** True when a member met while scanning driver {@code index} gets the message. */
  public boolean accepts(int index, Rule.Subscriber member, Instant now) {
    for (int earlier = 0; earlier < index; earlier++) {
      Optional<String> tag = drivers.get(earlier);
      if (tag.isPresent() && member.tags().contains(tag.get())) {
        return false;
      }
    }
    return audience.matches(member, now);
  }

  public String driversJson() {
    return new JsonArray(drivers.stream().map(d -> d.orElse(EVERYONE)).toList()).encode();
  }

  public static List<Optional<String>> parseDrivers(String json) {
    return new JsonArray(json).stream().map(String::valueOf)
        .map(d -> d.equals(EVERYONE) ? Optional.<String>empty() : Optional.of(d)).toList();
  }
}
