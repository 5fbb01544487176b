package io.pushcart.automation;

import io.pushcart.common.Ids;
import io.pushcart.redis.DeclaredKeys;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Automation runs in Redis: entering or refreshing one (enter_run.lua), ending those an event
 * ends (exit_runs.lua), and waiting for the messages an ended run had in flight. The run's steps
 * are dispatched by the delivery workers (delivery/RunUnits).
 */
public final class RunStore {
  private static final LuaScript ENTER = LuaScript.load("enter_run");
  private static final LuaScript EXIT = LuaScript.load("exit_runs");
  private static final LuaScript STOP = LuaScript.load("stop_run");
  /** How long the run indexes and order markers are kept: longer than any series (10 steps of at most 90 days would not fit, but a run waits in them only while live). */
  static final long INDEX_SECONDS = Duration.ofDays(100).toSeconds();
  /** How often a waiting order looks at the messages it waits for. */
  static final long SETTLE_POLL_MS = 20;

  private final Redis redis;
  private final Vertx vertx;

  public RunStore(Vertx vertx, Redis redis) {
    this.vertx = vertx;
    this.redis = redis;
  }

  /** A message's state (lib.lua's states) is in flight: claimed by a unit, without an outcome yet. */
  static boolean inFlight(String state) {
    return state != null && state.matches("s\\d.*");
  }

  /** A message's state is final (lib.lua's settled): not queued, in flight or waiting for a retry. */
  static boolean settled(String state) {
    return state != null && !state.equals("q") && !state.matches("[srh]\\d.*");
  }

  /** A run's id: one per automation and run key (a cart, a shopper's browsing, an order and status). */
  static String runId(String automationId, String runKey) {
    return automationId + "-" + Ids.sha256Hex(runKey).substring(0, 16);
  }

  /**
   * An event that enters (or refreshes) a run. {@code orderMarkers}: whether an order that came
   * after the event blocks it (cart and browse runs).
   */
  record Entry(Automation automation, String runKey, List<String> subscriptions, Optional<String> customer,
               Optional<String> cart, JsonObject data, long occurredAtMillis, boolean orderMarkers) {
  }

  /** 'started', 'refreshed', 'stale', 'ordered' or 'closed' (enter_run.lua). */
  Future<String> enter(String site, Entry e, long nowMillis) {
    String runId = runId(e.automation().id(), e.runKey());
    String run = Keys.run(site, runId);
    List<String> keys = new ArrayList<>(List.of(run, Keys.automation(site, e.automation().id()), Keys.site(site, Keys.Part.RUN_DUE),
        e.orderMarkers() && e.cart().isPresent() ? Keys.orderMarker(site, Keys.Subject.CART, e.cart().get()) : run));
    int markers = 0;
    if (e.orderMarkers()) {
      for (String key : subjects(site, Keys::orderMarker, Optional.empty(), e.customer(), e.subscriptions())) {
        keys.add(key);
        markers++;
      }
    }
    keys.addAll(subjects(site, Keys::runIndex, e.cart(), e.customer(), e.subscriptions()));
    List<String> args = List.of(runId, e.automation().id(), e.automation().trigger().wire, new JsonArray(e.subscriptions()).encode(),
        e.customer().orElse(""), e.cart().orElse(""), e.data().encode(), String.valueOf(e.occurredAtMillis()),
        String.valueOf(nowMillis), String.valueOf(e.automation().steps().get(0).delay().toMillis()),
        e.automation().trigger().reentry.wire(), String.valueOf(markers), String.valueOf(INDEX_SECONDS), "");
    return ENTER.run(redis, keys, args).map(Response::toString);
  }

  /**
   * Enters a transactional push as a one-step run due now, its counters in its own hash: 'started',
   * or 'closed' when a push with its id was entered before (nothing is sent again).
   */
  Future<String> enter(String site, Transactional t, List<String> subscriptions, long nowMillis) {
    String run = Keys.run(site, t.runId());
    List<String> keys = new ArrayList<>(List.of(run, run, Keys.site(site, Keys.Part.RUN_DUE), run));
    keys.addAll(subjects(site, Keys::runIndex, Optional.empty(), t.customerId(), subscriptions));
    List<String> args = List.of(t.runId(), "", "transactional", new JsonArray(subscriptions).encode(), t.customerId().orElse(""), "",
        "{}", String.valueOf(nowMillis), String.valueOf(nowMillis), "0", Trigger.Reentry.NEVER.wire(), "0",
        String.valueOf(INDEX_SECONDS), t.toStored().encode());
    return ENTER.run(redis, keys, args).map(Response::toString);
  }

  /** The ids of the runs indexed under this customer and these subscriptions (ended ones included, while kept). */
  Future<List<String>> runsOf(String site, Optional<String> customer, List<String> subscriptions) {
    List<Request> reads = subjects(site, Keys::runIndex, Optional.empty(), customer, subscriptions).stream()
        .map(k -> Request.cmd(Command.SMEMBERS).arg(k)).toList();
    return reads.isEmpty() ? Future.succeededFuture(List.of()) : redis.batch(reads).map(sets -> sets.stream()
        .flatMap(set -> set.stream().map(Response::toString)).distinct().toList());
  }

  /** The runs' hashes (null for those gone). */
  Future<List<Response>> readAll(String site, List<String> runIds) {
    return runIds.isEmpty() ? Future.succeededFuture(List.of())
        : redis.batch(runIds.stream().map(id -> Request.cmd(Command.HGETALL).arg(Keys.run(site, id))).toList());
  }

  /**
   * Deletes these runs and what is kept about the customer and subscriptions for runs: the run
   * indexes and order markers. Units of a deleted run still queued are acknowledged unrun.
   */
  Future<Void> erase(String site, List<String> runIds, Optional<String> customer, List<String> subscriptions, long nowMillis) {
    // Live ones end first ('erased'), so their automations' active and exited counts stay true.
    return readAll(site, runIds).compose(hashes -> {
      List<Future<Response>> stops = new ArrayList<>();
      for (int i = 0; i < runIds.size(); i++) {
        Response h = hashes.get(i);
        if (h != null && h.get("status") != null && "live".equals(h.get("status").toString())) {
          String automation = h.get("automation") == null ? "" : h.get("automation").toString();
          String run = Keys.run(site, runIds.get(i));
          stops.add(STOP.run(redis, List.of(run, automation.isEmpty() ? run : Keys.automation(site, automation),
              Keys.site(site, Keys.Part.RUN_DUE)), List.of(runIds.get(i), "erased", String.valueOf(nowMillis))));
        }
      }
      return Future.all(stops);
    }).compose(v -> delete(site, runIds, customer, subscriptions));
  }

  private Future<Void> delete(String site, List<String> runIds, Optional<String> customer, List<String> subscriptions) {
    List<Request> writes = new ArrayList<>();
    for (String id : runIds) {
      writes.add(Request.cmd(Command.ZREM).arg(Keys.site(site, Keys.Part.RUN_DUE)).arg(id));
      writes.add(Request.cmd(Command.DEL).arg(Keys.run(site, id)).arg(Keys.run(site, id) + ":receipts"));
    }
    Request del = Request.cmd(Command.DEL);
    subjects(site, Keys::runIndex, Optional.empty(), customer, subscriptions).forEach(del::arg);
    subjects(site, Keys::orderMarker, Optional.empty(), customer, subscriptions).forEach(del::arg);
    writes.add(del);
    return redis.batch(writes).mapEmpty();
  }

  /** A run's hash, or null when there is none. */
  Future<Response> read(String site, String runId) {
    return redis.send(Request.cmd(Command.HGETALL).arg(Keys.run(site, runId))).map(r -> r == null || r.size() == 0 ? null : r);
  }

  private interface KeyOf {
    String key(String site, Keys.Subject subject, String id);
  }

  private static List<String> subjects(String site, KeyOf key, Optional<String> cart, Optional<String> customer,
                                       Collection<String> subscriptions) {
    List<String> keys = new ArrayList<>();
    cart.ifPresent(c -> keys.add(key.key(site, Keys.Subject.CART, c)));
    customer.ifPresent(c -> keys.add(key.key(site, Keys.Subject.CUSTOMER, c)));
    subscriptions.forEach(s -> keys.add(key.key(site, Keys.Subject.SUBSCRIPTION, s)));
    return keys;
  }

  /** A message an ended run had handed to a push service. */
  record InFlight(String runId, String automationId, int step, String subscriptionId, String generation) {
    String field() {
      return generation + "." + step + ":" + subscriptionId;
    }
  }

  /**
   * Ends the live runs of {@code triggers} about this cart, customer or subscriptions, with
   * {@code reason}; with {@code orderAtMillis}, also marks them ordered at that time. The messages
   * those runs had in flight.
   */
  Future<List<InFlight>> exit(String site, String reason, Collection<Trigger> triggers, Optional<String> cart,
                              Optional<String> customer, List<String> subscriptions, Optional<Long> orderAtMillis,
                              long nowMillis, Collection<String> guessedAutomations, Collection<String> guessedRuns) {
    List<String> indexes = subjects(site, Keys::runIndex, cart, customer, subscriptions);
    List<String> markers = orderAtMillis.isPresent() ? subjects(site, Keys::orderMarker, cart, customer, subscriptions) : List.of();
    List<String> keys = new ArrayList<>();
    keys.add(Keys.site(site, Keys.Part.RUN_DUE));
    keys.addAll(indexes);
    keys.addAll(markers);
    // The runs an event usually ends are known from its keys (a cart's, a shopper's browsing):
    // given up front, the script finds what it needs declared and runs once.
    List<String> guessed = new ArrayList<>(guessedAutomations.stream().map(id -> Keys.automation(site, id)).toList());
    guessedRuns.forEach(id -> guessed.add(Keys.run(site, id)));
    List<String> args = List.of(reason, triggers.stream().map(t -> t.wire).collect(Collectors.joining(" ")),
        String.valueOf(nowMillis), String.valueOf(orderAtMillis.orElse(0L)), String.valueOf(indexes.size()),
        String.valueOf(markers.size()), String.valueOf(INDEX_SECONDS), Keys.runPrefix(site), Keys.automationPrefix(site));
    return DeclaredKeys.run(redis, EXIT, keys, guessed, args).map(reply -> {
      List<InFlight> out = new ArrayList<>();
      for (int i = 1; i + 4 < reply.size(); i += 5) {
        out.add(new InFlight(reply.get(i).toString(), reply.get(i + 1).toString(), reply.get(i + 2).toInteger(),
            reply.get(i + 3).toString(), reply.get(i + 4).toString()));
      }
      return out;
    });
  }

  /**
   * Waits, at most {@code bound}, until each message has its outcome (it is no longer in flight),
   * and says how each ended: {@code {automationId, step, subscriptionId, outcome}}, the outcome
   * 'unknown' for one still in flight at the bound (its instance may have died while sending).
   */
  Future<JsonArray> awaitSettled(String site, List<InFlight> inFlight, Duration bound) {
    if (inFlight.isEmpty()) {
      return Future.succeededFuture(new JsonArray());
    }
    return poll(site, inFlight, System.nanoTime() + bound.toNanos());
  }

  private Future<JsonArray> poll(String site, List<InFlight> inFlight, long deadline) {
    List<Request> reads = new ArrayList<>();
    for (InFlight m : inFlight) {
      reads.add(Request.cmd(Command.HGET).arg(Keys.run(site, m.runId())).arg(m.field()));
    }
    return redis.batch(reads).compose(states -> {
      boolean waiting = states.stream().anyMatch(s -> s != null && inFlight(s.toString()));
      if (waiting && System.nanoTime() < deadline) {
        return vertx.timer(SETTLE_POLL_MS).compose(t -> poll(site, inFlight, deadline));
      }
      JsonArray out = new JsonArray();
      for (int i = 0; i < inFlight.size(); i++) {
        InFlight m = inFlight.get(i);
        String state = states.get(i) == null ? "unknown" : states.get(i).toString();
        out.add(new JsonObject().put("automationId", m.automationId()).put("step", m.step())
            .put("subscriptionId", m.subscriptionId()).put("outcome", settled(state) ? state : "unknown"));
      }
      return Future.succeededFuture(out);
    });
  }
}
