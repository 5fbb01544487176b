package io.pushcart.delivery;

import io.vertx.redis.client.Response;
import java.util.Arrays;
import java.util.List;

/**
 * One entry of a site's work stream. A campaign's fan-out is a chain of {@link Scan} units
 * (each reads one SSCAN page of the audience and enqueues the next page) that produce
 * {@link Send} units (the ids of one page, sent together). The same fields are written by
 * create_campaign.lua, commit_scan.lua and claim_retries.lua.
 */
sealed interface WorkUnit {
  String siteId();

  String entryId();

  String campaignId();

  record Scan(String siteId, String entryId, String campaignId, int driver, String cursor) implements WorkUnit {
  }

  /** {@code attempt} is 1 for first sends, n for the n-th try of a retry. */
  record Send(String siteId, String entryId, String campaignId, int attempt, List<String> ids) implements WorkUnit {
  }

  /** From a stream entry {@code [id, [field, value, ...]]}; null for an entry we cannot read. */
  static WorkUnit parse(String siteId, Response entry) {
    String entryId = entry.get(0).toString();
    Response fields = entry.get(1);
    if (fields == null) {
      return null; // deleted while pending: XAUTOCLAIM reports it with no fields
    }
    String type = null;
    String campaign = null;
    String driver = "0";
    String cursor = "0";
    String attempt = "1";
    String ids = "";
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      String value = fields.get(i + 1).toString();
      switch (fields.get(i).toString()) {
        case "type" -> type = value;
        case "campaign" -> campaign = value;
        case "driver" -> driver = value;
        case "cursor" -> cursor = value;
        case "attempt" -> attempt = value;
        case "ids" -> ids = value;
        default -> { }
      }
    }
    if (campaign == null || type == null) {
      return null;
    }
    return switch (type) {
      case "scan" -> new Scan(siteId, entryId, campaign, Integer.parseInt(driver), cursor);
      case "send" -> new Send(siteId, entryId, campaign, Integer.parseInt(attempt),
          ids.isEmpty() ? List.of() : Arrays.asList(ids.split(",")));
      default -> null;
    };
  }
}
