package io.pushcart.delivery;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects one unit's outcomes and records them in small batches, one batch at a time. Small,
 * because an outcome not yet recorded when the instance dies means that message is sent again:
 * the batch size is part of the bound on repeats after a crash.
 */
final class OutcomeBuffer {
  static final int BATCH = 32;

  private final ProgressStore progress;
  private final String siteId;
  private final String campaignId;
  private final Clock clock;
  private List<Outcome> pending = new ArrayList<>();
  private Future<Void> lastWrite = Future.succeededFuture();

  OutcomeBuffer(ProgressStore progress, String siteId, String campaignId, Clock clock) {
    this.progress = progress;
    this.siteId = siteId;
    this.campaignId = campaignId;
    this.clock = clock;
  }

  void add(Outcome outcome) {
    pending.add(outcome);
    if (pending.size() >= BATCH) {
      write();
    }
  }

  /** Writes what is left; completes when every outcome added so far is in Redis. */
  Future<Void> flush() {
    if (!pending.isEmpty()) {
      write();
    }
    return lastWrite;
  }

  private void write() {
    List<Outcome> batch = pending;
    pending = new ArrayList<>();
    // Chained, so batches land in order and a failure surfaces at flush().
    lastWrite = lastWrite.compose(v -> progress.record(siteId, campaignId, batch, clock.instant().toString()).mapEmpty());
  }
}
