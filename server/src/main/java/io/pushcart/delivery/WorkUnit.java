package io.pushcart.delivery;

import io.vertx.redis.client.Response;
import java.util.Arrays;
import java.util.List;

/**
 * One entry of a site's work stream. A campaign's fan-out is a chain of {@link Scan} units
 * (each reads one page of the audience in ordinal order and enqueues the next page) that produce
 * {@link Send} units (the ids of one page, sent together). The fields are written by lib.lua's
 * add_scan_unit and add_send_unit only.
 */
sealed interface WorkUnit {
  String siteId();

  String entryId();

  String campaignId();

  /**
   * One page of wave {@code wave}'s scan, from subscription ordinal {@code from}. A cursor of the
   * SSCAN scans of earlier versions ({@code position@runId}) reads as 0: that wave's scan starts
   * again, and the members met twice are dropped (commit_scan.lua).
   */
  record Scan(String siteId, String entryId, String campaignId, int wave, long from) implements WorkUnit {
  }

  /** {@code attempt} is 1 for first sends, n for the n-th try of a retry. */
  record Send(String siteId, String entryId, String campaignId, int attempt, List<String> ids) implements WorkUnit {
  }

  /**
   * An entry that cannot be run: deleted while pending (XAUTOCLAIM on Redis 6.2 reports it with
   * no fields) or not in our format. It is acknowledged and dropped, never claimed round after round.
   */
  record Unreadable(String siteId, String entryId) implements WorkUnit {
    @Override
    public String campaignId() {
      return "";
    }
  }

  /** From a stream entry {@code [id, [field, value, ...]]}. */
  static WorkUnit parse(String siteId, Response entry) {
    String entryId = entry.get(0).toString();
    Response fields = entry.get(1);
    if (fields == null) {
      return new Unreadable(siteId, entryId);
    }
    String type = null;
    String campaign = null;
    String wave = "0";
    String cursor = "0";
    String attempt = "1";
    String ids = "";
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      String value = fields.get(i + 1).toString();
      switch (fields.get(i).toString()) {
        case "type" -> type = value;
        case "campaign" -> campaign = value;
        case "wave" -> wave = value;
        case "cursor" -> cursor = value;
        case "attempt" -> attempt = value;
        case "ids" -> ids = value;
        default -> { }
      }
    }
    if (campaign == null || type == null) {
      return new Unreadable(siteId, entryId);
    }
    try {
      return switch (type) {
        case "scan" -> new Scan(siteId, entryId, campaign, Integer.parseInt(wave), cursor.contains("@") ? 0 : Long.parseLong(cursor));
        case "send" -> new Send(siteId, entryId, campaign, Integer.parseInt(attempt),
            ids.isEmpty() ? List.of() : Arrays.asList(ids.split(",")));
        default -> new Unreadable(siteId, entryId);
      };
    } catch (NumberFormatException e) {
      return new Unreadable(siteId, entryId);
    }
  }
}
