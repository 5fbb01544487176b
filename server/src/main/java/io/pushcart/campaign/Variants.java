package io.pushcart.campaign;

import io.pushcart.common.ClientError;
import io.pushcart.common.JsonFields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * A campaign's variants (MARKETING.md §6): {@code variants: [{name, weight, notification}]} (2–5)
 * and the optional {@code abTest: {testShare, metric, decideAfter}}. Which variant a subscription
 * gets is fixed by a hash of the campaign and subscription ids ({@link #variantOf}): the same
 * answer on every instance, at every retry and for every receipt, with nothing stored per
 * subscriber. With an A/B test, the subscriptions whose hash falls in {@code testShare} form the
 * test and are split over the variants by weight; the others get the variant the test chose
 * ({@code sentToRest}) after {@code decideAfter}.
 */
public record Variants(List<Variant> list, Optional<AbTest> abTest) {
  public static final int MIN = 2;
  public static final int MAX = 5;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  static final Duration MIN_DECIDE = Duration.ofMinutes(10);
  static final Duration MAX_DECIDE = Duration.ofDays(7);

  /** One variant: its name (a key of {@code stats.variants}), weight and notification, and its payload. */
  public record Variant(String name, int weight, Notification notification, String payload) {
  }

  /** The test: the share of the audience it goes to, the metric that decides, and when. */
  public record AbTest(double testShare, String metric, Duration decideAfter, String decideAfterText) {
    JsonObject toJson() {
      return new JsonObject().put("testShare", testShare).put("metric", metric).put("decideAfter", decideAfterText);
    }
  }

  /**
   * The {@code variants} and {@code abTest} of a campaign definition, or empty without variants.
   * {@code payload} renders a variant's notification (checked there) given its path and name.
   */
  static Optional<Variants> parse(JsonFields f, BiFunction<JsonFields, Variant, String> payload) {
    Optional<JsonArray> array = f.optionalArray("variants");
    if (array.isEmpty()) {
      if (f.has("abTest")) {
        throw ClientError.invalid("abTest", "abTest needs variants: [{name, weight, notification}, ...] to test");
      }
      return Optional.empty();
    }
    List<Variant> variants = items(array.get(), "variants", (name, weight, n) -> {
      Variant parsed = new Variant(name, weight, Notification.parse(n), null);
      return new Variant(name, weight, parsed.notification(), payload.apply(n, parsed));
    });
    return Optional.of(new Variants(List.copyOf(variants), f.optionalObject("abTest").map(Variants::abTest)));
  }

  /** Makes one variant of its checked name, weight and notification fields. */
  public interface Item<T> {
    T make(String name, int weight, JsonFields notification);
  }

  /**
   * The items of a {@code variants} list at {@code path} (a campaign's, or an automation step's),
   * checked one way: 2 to 5 objects {name, weight, notification}, names of letters, digits, _ and
   * - (at most 32) each used once, weights 1 to 100 (default 1).
   */
  public static <T> List<T> items(JsonArray list, String path, Item<T> item) {
    if (list.size() < MIN || list.size() > MAX) {
      throw ClientError.invalid(path, path + " must hold " + MIN + " to " + MAX + " variants {name, weight, notification}");
    }
    List<T> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String at = path + "[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject o)) {
        throw ClientError.invalid(at, at + " must be an object {name, weight, notification}");
      }
      JsonFields v = JsonFields.at(o, at + ".");
      for (String key : o.fieldNames()) {
        if (!Set.of("name", "weight", "notification").contains(key)) {
          throw ClientError.invalid(v.path(key), "a variant has name, weight and notification; unknown field " + v.path(key));
        }
      }
      String name = v.requiredString("name", 32);
      if (!NAME.matcher(name).matches()) {
        throw ClientError.invalid(v.path("name"), v.path("name") + " holds letters, digits, _ and - (at most 32); not " + name);
      }
      if (!names.add(name)) {
        throw ClientError.invalid(v.path("name"), "two variants are named " + name + ": each needs its own name");
      }
      int weight = v.optionalLong("weight", 1, 100).orElse(1L).intValue();
      out.add(item.make(name, weight, v.requiredObject("notification")));
    }
    return List.copyOf(out);
  }

  /**
   * Which of variants with these weights the subscription gets, within {@code scope} (a campaign
   * id, an automation step): fixed by a hash of both, spread by weight. The index.
   */
  public static int byWeight(List<Integer> weights, String scope, String subscriptionId) {
    int total = weights.stream().mapToInt(Integer::intValue).sum();
    double at = unit(scope, "variant", subscriptionId) * total;
    for (int i = 0; i < weights.size(); i++) {
      at -= weights.get(i);
      if (at < 0) {
        return i;
      }
    }
    return weights.size() - 1;
  }

  private static AbTest abTest(JsonFields t) {
    for (String key : t.json().fieldNames()) {
      if (!Set.of("testShare", "metric", "decideAfter").contains(key)) {
        throw ClientError.invalid(t.path(key), "abTest has testShare, metric and decideAfter; unknown field " + t.path(key));
      }
    }
    Object share = t.json().getValue("testShare");
    if (!(share instanceof Number s) || !(s.doubleValue() > 0 && s.doubleValue() < 1)) {
      throw ClientError.invalid(t.path("testShare"), t.path("testShare") + " must be a number above 0 and below 1 (0.2: a "
          + "fifth of the audience tests the variants, the rest gets the winner)");
    }
    String metric = t.optionalString("metric", 16).orElse("clicked");
    if (!metric.equals("clicked") && !metric.equals("converted")) {
      throw ClientError.invalid(t.path("metric"), t.path("metric") + " must be clicked or converted; not " + metric);
    }
    String text = t.requiredString("decideAfter", 32);
    Duration after;
    try {
      after = Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw ClientError.invalid(t.path("decideAfter"), t.path("decideAfter") + " must be an ISO 8601 duration such as PT4H; not " + text);
    }
    if (after.compareTo(MIN_DECIDE) < 0 || after.compareTo(MAX_DECIDE) > 0) {
      throw ClientError.invalid(t.path("decideAfter"), t.path("decideAfter") + " must be from PT10M to P7D; not " + text);
    }
    return new AbTest(s.doubleValue(), metric, after, text);
  }

  /** The definition's fields, as given. */
  void putJson(JsonObject json) {
    JsonArray array = new JsonArray();
    list.forEach(v -> array.add(new JsonObject().put("name", v.name()).put("weight", v.weight()).put("notification", v.notification().toJson())));
    json.put("variants", array);
    abTest.ifPresent(t -> json.put("abTest", t.toJson()));
  }

  /** Whether the subscription is in the test share (always, without an A/B test). */
  public boolean inTest(String campaignId, String subscriptionId) {
    return abTest.isEmpty() || unit(campaignId, "test", subscriptionId) < abTest.get().testShare();
  }

  /**
   * The variant the subscription gets: by weight in the test (or without an A/B test), else
   * {@code sentToRest} (the test's choice; empty while undecided: then null).
   */
  public Variant variantOf(String campaignId, String subscriptionId, Optional<String> sentToRest) {
    if (!inTest(campaignId, subscriptionId)) {
      return sentToRest.map(this::named).orElse(null);
    }
    return list.get(byWeight(list.stream().map(Variant::weight).toList(), campaignId, subscriptionId));
  }

  public Variant named(String name) {
    return list.stream().filter(v -> v.name().equals(name)).findFirst().orElse(list.get(0));
  }

  /** A number in [0, 1) fixed by the three strings: the first 53 bits of their SHA-256. */
  static double unit(String campaignId, String salt, String subscriptionId) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest((campaignId + ":" + salt + ":" + subscriptionId).getBytes(StandardCharsets.UTF_8));
      return (ByteBuffer.wrap(hash).getLong() >>> 11) / (double) (1L << 53);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
