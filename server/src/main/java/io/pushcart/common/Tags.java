package io.pushcart.common;

import java.util.List;
import java.util.regex.Pattern;

/** What a tag may look like: short, and safe inside a Redis key ({@code notify:sku-123}, {@code shoes}). */
public final class Tags {
  public static final int MAX_LENGTH = 64;
  public static final int MAX_PER_SUBSCRIPTION = 100;
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_.:@-]{1," + MAX_LENGTH + "}");

  private Tags() {
  }

  /** The tags, each checked; a 400 naming the first bad one. */
  public static List<String> check(List<String> tags, String field) {
    for (int i = 0; i < tags.size(); i++) {
      if (!TAG.matcher(tags.get(i)).matches()) {
        throw ClientError.invalid(field + "[" + i + "]", field + "[" + i + "] may hold only letters, digits and _ . : @ - (at most "
            + MAX_LENGTH + "): " + tags.get(i));
      }
    }
    return tags.stream().distinct().toList();
  }
}
