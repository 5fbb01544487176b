package io.pushcart.delivery;

import io.pushcart.common.Unavailable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Records one unit's outcomes as they come: each is written at once when no write is under way,
 * and those that arrive during a write go together in the next one, so a burst costs few
 * scripts. {@link #add} completes when that outcome is in Redis: the sender holds its
 * per-origin permit until then, which bounds the messages sent but not yet recorded — the ones
 * sent again if this instance dies — by the in-flight limit. Confined to one event loop.
 *
 * <p>A write that fails because Redis is unavailable (restarting, failing over) is tried again
 * for about {@link #RETRY_DELAYS_MS}'s sum: those messages were sent, and recording them when
 * Redis is back is what keeps them from being sent twice. The permits stay held meanwhile, so
 * nothing new leaves. Recording is idempotent (lib.lua's advance), so a write that did land
 * before its answer was lost counts once.
 */
final class OutcomeBuffer {
  static final long[] RETRY_DELAYS_MS = {100, 200, 400, 800, 1_600, 3_200, 3_200, 3_200};

  private final Vertx vertx;
  private final Function<List<Outcome>, Future<?>> writer;
  private List<Outcome> pending = new ArrayList<>();
  private Promise<Void> pendingWritten = Promise.promise();
  private boolean writing;

  /** {@code writer} records a batch of outcomes idempotently (record_outcomes.lua, record_step.lua). */
  OutcomeBuffer(Vertx vertx, Function<List<Outcome>, Future<?>> writer) {
    this.vertx = vertx;
    this.writer = writer;
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
    record(batch, 0).onComplete(ar -> {
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

  private Future<Void> record(List<Outcome> batch, int retry) {
    return writer.apply(batch).<Void>mapEmpty()
        .recover(err -> !Unavailable.in(err) || retry >= RETRY_DELAYS_MS.length ? Future.failedFuture(err)
            : vertx.timer(RETRY_DELAYS_MS[retry]).compose(t -> record(batch, retry + 1)));
  }
}
