package io.pushcart.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Records one unit's outcomes as they come: each is written at once when no write is under way,
 * and those that arrive during a write go together in the next one, so a burst costs few
 * scripts. {@link #add} completes when that outcome is in Redis: the sender holds its
 * per-origin permit until then, which bounds the messages sent but not yet recorded — the ones
 * sent again if this instance dies — by the in-flight limit. Confined to one event loop.
 */
final class OutcomeBuffer {
  private final ProgressStore progress;
  private final String siteId;
  private final String campaignId;
  private final Clock clock;
  private List<Outcome> pending = new ArrayList<>();
  private Promise<Void> pendingWritten = Promise.promise();
  private boolean writing;

  OutcomeBuffer(ProgressStore progress, String siteId, String campaignId, Clock clock) {
    this.progress = progress;
    this.siteId = siteId;
    this.campaignId = campaignId;
    this.clock = clock;
  }

  /** Completes once the outcome is recorded; fails if that write failed. */
  Future<Void> add(Outcome outcome) {
    pending.add(outcome);
    Future<Void> written = pendingWritten.future();
    if (!writing) {
      write();
    }
    return written;
  }

  private void write() {
    writing = true;
    List<Outcome> batch = pending;
    Promise<Void> done = pendingWritten;
    pending = new ArrayList<>();
    pendingWritten = Promise.promise();
    progress.record(siteId, campaignId, batch, clock.instant().toString()).onComplete(ar -> {
      writing = false;
      if (ar.succeeded()) {
        done.complete();
      } else {
        done.fail(ar.cause());
      }
      if (!pending.isEmpty()) {
        write();
      }
    });
  }
}
