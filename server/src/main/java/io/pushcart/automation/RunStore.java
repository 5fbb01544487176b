package io.pushcart.automation;

import io.pushcart.common.Ids;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.vertx.core.Future;
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
import java.util.regex.Pattern;

/**
 * Automation runs in Redis: entering or refreshing one (enter_run.lua; a commerce event's in
 * record_events.lua), what ending those an event ends is, reading and erasing them. The run's
 * steps are dispatched by the delivery workers (delivery/RunUnits); what an order waits for among
 * the messages of the runs it ended is {@link InFlightWait}'s.
 */
public final class RunStore {
  private static final LuaScript ENTER = LuaScript.load("enter_run");
  private static final LuaScript STOP = LuaScript.load("stop_run");
  /** How long the run indexes and order markers are kept: longer than any series (10 steps of at most 90 days would not fit, but a run waits in them only while live). */
  public static final long INDEX_SECONDS = Duration.ofDays(100).toSeconds();

  private final Redis redis;

  public RunStore(Redis redis) {
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

  /** {@link #runReference}'s form, with an automation's run id (an id, '-', 16 hex digits) in front. */
  private static final Pattern RUN_REFERENCE = Pattern.compile("[A-Za-z0-9_-]{1,64}-[0-9a-f]{16}\\.[0-9]{1,9}");

  /**
   * How a step's payload names the run it belongs to, {@code <run id>.<generation>}: the service
   * worker sends it back with the message's receipts, which then count once per run
   * (event.EventStore's recordStepReceipt reads it).
   */
  public static String runReference(String runId, String generation) {
    return runId + "." + generation;
  }

  /** Whether {@code reference} names, as {@link #runReference} writes it, a run of automation {@code automationId}. */
  public static boolean isRunReference(String automationId, String reference) {
    return reference.startsWith(automationId + "-") && RUN_REFERENCE.matcher(reference).matches();
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
    List<String> keys = new ArrayList<>();
    return enter(site, entry(site, e, keys), keys, nowMillis);
  }

  /**
   * The entry as lib.lua's enter_run reads it (one definition, for enter_run.lua and
   * record_events.lua); the keys it names are added to {@code keys}.
   */
  JsonObject entry(String site, Entry e, Collection<String> keys) {
    String runId = runId(e.automation().id(), e.runKey());
    List<String> markers = e.orderMarkers() ? subjects(site, Keys::orderMarker, Optional.empty(), e.customer(), e.subscriptions()) : List.of();
    String cartMarker = e.orderMarkers() && e.cart().isPresent() ? Keys.orderMarker(site, Keys.Subject.CART, e.cart().get()) : "";
    // A cart's runs have no index set: what ends them names them (cartRuns).
    return entry(runId, Keys.run(site, runId), Keys.automation(site, e.automation().id()), e.automation().id(),
        e.automation().trigger().wire, e.subscriptions(), e.cart().orElse(""), e.data().encode(), e.occurredAtMillis(),
        e.automation().steps().get(0).delay().toMillis(), e.automation().trigger().reentry.wire(), cartMarker, markers,
        subjects(site, Keys::runIndex, Optional.empty(), e.customer(), e.subscriptions()), "", keys);
  }

  private static JsonObject entry(String runId, String run, String automation, String automationId, String trigger,
                                  List<String> subscriptions, String cart, String data, long atMillis,
                                  long delayMillis, String reentry, String cartMarker, List<String> markers, List<String> indexes,
                                  String definition, Collection<String> keys) {
    keys.add(run);
    keys.add(automation);
    if (!cartMarker.isEmpty()) {
      keys.add(cartMarker);
    }
    keys.addAll(markers);
    keys.addAll(indexes);
    // Numbers as text: lib.lua writes them as they are (Lua would format a number again at each write).
    return new JsonObject().put("run", run).put("id", runId).put("automation", automation).put("automationId", automationId)
        .put("trigger", trigger).put("subs", new JsonArray(subscriptions).encode())
        .put("cart", cart).put("data", data).put("at", String.valueOf(atMillis)).put("due", String.valueOf(Math.max(atMillis + delayMillis, 0)))
        .put("reentry", reentry)
        .put("cartMarker", cartMarker).put("markers", new JsonArray(markers)).put("indexes", new JsonArray(indexes))
        .put("def", definition);
  }

  /**
   * Enters a transactional push as a one-step run due now, its counters in its own hash: 'started',
   * or 'closed' when a push with its id was entered before (nothing is sent again).
   */
  Future<String> enter(String site, Transactional t, List<String> subscriptions, long nowMillis) {
    String run = Keys.run(site, t.runId());
    List<String> keys = new ArrayList<>();
    JsonObject entry = entry(t.runId(), run, run, "", "transactional", subscriptions, "", "{}", nowMillis, 0,
        Trigger.Reentry.NEVER.wire(), "", List.of(), subjects(site, Keys::runIndex, Optional.empty(), t.customerId(), subscriptions),
        t.toStored().encode(), keys);
    return enter(site, entry, keys, nowMillis);
  }

  private Future<String> enter(String site, JsonObject entry, List<String> keys, long nowMillis) {
    List<String> all = new ArrayList<>(keys.size() + 1);
    all.add(Keys.site(site, Keys.Part.RUN_DUE));
    all.addAll(keys);
    return ENTER.run(redis, all, List.of(entry.encode(), String.valueOf(nowMillis), String.valueOf(INDEX_SECONDS))).map(Response::toString);
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
      // A run keeps its receipts; ':receipts' is a transactional push's set from before, expiring within 30 days.
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

  /**
   * What ending the live runs of {@code triggers} about this cart, customer or subscriptions with
   * {@code reason} is, as record_events.lua reads it; with {@code orderAtMillis}, it also marks them
   * ordered at that time. A cart's runs are named ({@code cartRuns}: one id per cart automation,
   * whether it exists or not), a customer's and subscriptions' found through their index sets. The
   * keys it names are added to {@code keys}, and the runs and automations it most likely ends
   * (guessed up front, so that the script finds what it needs declared and runs once).
   */
  JsonObject exit(String site, String reason, Collection<Trigger> triggers, Optional<String> cart, List<String> cartRuns,
                  Optional<String> customer, List<String> subscriptions, Optional<Long> orderAtMillis,
                  Collection<String> guessedAutomations, Collection<String> guessedRuns, Collection<String> keys) {
    List<String> indexes = subjects(site, Keys::runIndex, Optional.empty(), customer, subscriptions);
    List<String> markers = orderAtMillis.isPresent() ? subjects(site, Keys::orderMarker, cart, customer, subscriptions) : List.of();
    keys.addAll(indexes);
    keys.addAll(markers);
    guessedAutomations.forEach(id -> keys.add(Keys.automation(site, id)));
    guessedRuns.forEach(id -> keys.add(Keys.run(site, id)));
    cartRuns.forEach(id -> keys.add(Keys.run(site, id)));
    return new JsonObject().put("reason", reason).put("triggers", new JsonArray(triggers.stream().map(t -> t.wire).toList()))
        .put("runs", new JsonArray(cartRuns)).put("indexes", new JsonArray(indexes)).put("markers", new JsonArray(markers))
        .put("at", String.valueOf(orderAtMillis.orElse(0L)));
  }
}
