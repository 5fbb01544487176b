package io.pushcart.campaign;

import io.pushcart.common.ClientError;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/** The filters and page of {@code GET /v1/sites/{site}/campaigns}, validated. */
public record CampaignQuery(Optional<CampaignStatus> status, Optional<CampaignKind> kind, int limit, Cursor cursor) {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  /** Index entries one request reads at most, however few match the filters. */
  static final int MAX_EXAMINED = 2_000;

  /** From the query string's values (each null when absent). */
  public static CampaignQuery parse(String status, String kind, String limit, String cursor) {
    return new CampaignQuery(
        Optional.ofNullable(status).map(CampaignQuery::status),
        Optional.ofNullable(kind).map(CampaignKind::parse),
        limit == null ? DEFAULT_LIMIT : limit(limit),
        cursor == null ? Cursor.START : Cursor.decode(cursor));
  }

  boolean matches(StoredCampaign c) {
    return status.map(s -> s == c.status()).orElse(true) && kind.map(k -> k.wire.equals(c.kind())).orElse(true);
  }

  private static CampaignStatus status(String value) {
    return Arrays.stream(CampaignStatus.values()).filter(s -> s.wire().equals(value)).findFirst()
        .orElseThrow(() -> ClientError.invalid("status", "status must be one of scheduled, sending, completed, cancelled"));
  }

  private static int limit(String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw ClientError.invalid("limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
  }

  /**
   * Where a page starts in the site's campaign index (newest first): among the campaigns created
   * at or before {@code beforeMillis}, after the first {@code skip} of those created exactly then.
   * Opaque to clients.
   */
  record Cursor(long beforeMillis, long skip) {
    static final Cursor START = new Cursor(Long.MAX_VALUE, 0);

    /** The position after an entry created at {@code createdMillis}, read from this position. */
    Cursor after(long createdMillis) {
      return createdMillis == beforeMillis ? new Cursor(beforeMillis, skip + 1) : new Cursor(createdMillis, 1);
    }

    String encode() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString((beforeMillis + "." + skip).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String value) {
      try {
        String[] parts = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8).split("\\.");
        Cursor c = new Cursor(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        if (parts.length == 2 && c.skip() >= 0) {
          return c;
        }
      } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
        // the message below
      }
      throw ClientError.invalid("cursor", "cursor must be a nextCursor value from an earlier page, unchanged");
    }
  }
}
