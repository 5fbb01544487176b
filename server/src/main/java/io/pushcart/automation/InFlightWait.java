package io.pushcart.automation;

import io.pushcart.redis.Keys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An order's {@code alreadySent}: waits for the messages the runs it ended had handed to a push
 * service ({@link InFlight}) to have their outcomes, and says how each ended.
 */
public final class InFlightWait {
  /**
   * How long an order's answer waits for cart messages already handed to a push service: longer
   * than a push request may take (30 s), so that when it answers, nothing more will arrive.
   */
  public static final Duration BOUND = Duration.ofSeconds(35);
  /** How often a waiting order looks at the messages it waits for. */
  static final long POLL_MS = 20;

  private final Vertx vertx;
  private final Redis redis;

  public InFlightWait(Vertx vertx, Redis redis) {
    this.vertx = vertx;
    this.redis = redis;
  }

  /**
   * Waits, at most {@link #BOUND}, until each message has its outcome (it is no longer in flight),
   * and says how each ended: {@code {automationId, step, subscriptionId, outcome}}, the outcome
   * 'unknown' for one still in flight at the bound (its instance may have died while sending).
   */
  public Future<JsonArray> settle(String site, List<InFlight> inFlight) {
    if (inFlight.isEmpty()) {
      return Future.succeededFuture(new JsonArray());
    }
    return poll(site, inFlight, System.nanoTime() + BOUND.toNanos());
  }

  private Future<JsonArray> poll(String site, List<InFlight> inFlight, long deadline) {
    List<Request> reads = new ArrayList<>();
    for (InFlight m : inFlight) {
      reads.add(Request.cmd(Command.HGET).arg(Keys.run(site, m.runId())).arg(m.field()));
    }
    return redis.batch(reads).compose(states -> {
      boolean waiting = states.stream().anyMatch(s -> s != null && RunStore.inFlight(s.toString()));
      if (waiting && System.nanoTime() < deadline) {
        return vertx.timer(POLL_MS).compose(t -> poll(site, inFlight, deadline));
      }
      JsonArray out = new JsonArray();
      for (int i = 0; i < inFlight.size(); i++) {
        InFlight m = inFlight.get(i);
        String state = states.get(i) == null ? "unknown" : states.get(i).toString();
        out.add(new JsonObject().put("automationId", m.automationId()).put("step", m.step())
            .put("subscriptionId", m.subscriptionId()).put("outcome", RunStore.settled(state) ? state : "unknown"));
      }
      return Future.succeededFuture(out);
    });
  }
}
