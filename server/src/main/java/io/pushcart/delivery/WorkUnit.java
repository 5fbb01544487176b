package io.pushcart.delivery;

import io.vertx.redis.client.Response;
import java.util.Arrays;
import java.util.List;

/**
 * One entry of a site's work stream. A campaign's fan-out is a chain of {@link Scan} units
 * (each reads one SSCAN page of the audience and enqueues the next page) that produce
 * {@link Send} units (the ids of one page, sent together). The same fields are written by
 * create_campaign.lua, fire_due.lua, commit_scan.lua and claim_retries.lua; a scan's cursor
 * only ever by this class ({@link Cursor#wire}) and scan_page.lua.
 */
sealed interface WorkUnit {
  String siteId();

  String entryId();

  String campaignId();

  /** One page of wave {@code wave}'s scan: its driver set number {@code driver}, from {@code cursor}. */
  record Scan(String siteId, String entryId, String campaignId, int wave, int driver, Cursor cursor) implements WorkUnit {
  }

  /**
   * Where a scan resumes: an SSCAN cursor and the run_id of the redis-server process that made it
   * (scan_page.lua restarts from 0 in any other process, where the cursor means nothing). Written
   * in the stream as {@code position@runId}, or {@code 0} at the start of a set.
   */
  record Cursor(String position, String runId) {
    static final Cursor START = new Cursor("0", "");

    boolean atStart() {
      return position.equals("0");
    }

    String wire() {
      return atStart() ? "0" : position + "@" + runId;
    }

    static Cursor parse(String wire) {
      int at = wire.indexOf('@');
      return at < 0 ? new Cursor(wire, "") : new Cursor(wire.substring(0, at), wire.substring(at + 1));
    }
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
    String driver = "0";
    String cursor = "0";
    String attempt = "1";
    String ids = "";
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      String value = fields.get(i + 1).toString();
      switch (fields.get(i).toString()) {
        case "type" -> type = value;
        case "campaign" -> campaign = value;
        case "wave" -> wave = value;
        case "driver" -> driver = value;
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
        case "scan" -> new Scan(siteId, entryId, campaign, Integer.parseInt(wave), Integer.parseInt(driver), Cursor.parse(cursor));
        case "send" -> new Send(siteId, entryId, campaign, Integer.parseInt(attempt),
            ids.isEmpty() ? List.of() : Arrays.asList(ids.split(",")));
        default -> new Unreadable(siteId, entryId);
      };
    } catch (NumberFormatException e) {
      return new Unreadable(siteId, entryId);
    }
  }
}
