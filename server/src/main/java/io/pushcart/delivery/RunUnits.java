package io.pushcart.delivery;

import io.pushcart.automation.Automation;
import io.pushcart.automation.AutomationStore;
import io.pushcart.automation.Transactional;
import io.pushcart.personalize.Personalization;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.pushcart.segment.Rule;
import io.pushcart.segment.SegmentStore;
import io.pushcart.subscription.StoredSubscriber;
import io.pushcart.webpush.PushOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the send units of automation steps ({@code r.<run>.<generation>.<step>}, written by
 * fire_steps.lua and claim_retries.lua) through the one {@link SendStep}: claimed by mark_step.lua,
 * which checks in the same atomic step that the run may still send (the guarantee of
 * MARKETING.md §4), personalized per device, recorded by record_step.lua, which moves the run on.
 */
final class RunUnits {
  static final String PREFIX = "r.";
  private static final LuaScript MARK = LuaScript.load("mark_step");
  private static final LuaScript RECORD = LuaScript.load("record_step");
  private static final LuaScript STOP = LuaScript.load("stop_run");
  /** The subscription fields mark_step.lua returns: what sending needs, then what templates and audiences read. */
  private static final List<String> FIELDS = new ArrayList<>(List.of("endpoint", "p256dh", "auth", "vapidKey"));

  static {
    FIELDS.addAll(ProgressStore.SUBSCRIBER_FIELDS);
  }

  private final Redis redis;
  private final AutomationStore automations;
  private final SegmentStore segments;
  private final WorkQueue queue;
  private final SendStep send;
  private final Clock clock;

  RunUnits(Redis redis, AutomationStore automations, SegmentStore segments, WorkQueue queue, SendStep send, Clock clock) {
    this.redis = redis;
    this.automations = automations;
    this.segments = segments;
    this.queue = queue;
    this.send = send;
    this.clock = clock;
  }

  static boolean owns(WorkUnit unit) {
    return unit.campaignId().startsWith(PREFIX);
  }

  /** A unit's name parsed: run id, generation, step (1-based). */
  private record Name(String runId, String generation, int step) {
    static Optional<Name> parse(String campaignId) {
      String[] parts = campaignId.substring(PREFIX.length()).split("\\.");
      try {
        return parts.length == 3 ? Optional.of(new Name(parts[0], parts[1], Integer.parseInt(parts[2]))) : Optional.empty();
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  Future<Void> run(WorkUnit unit, StreamWorker.Lease lease) {
    Optional<Name> name = Name.parse(unit.campaignId());
    if (name.isEmpty() || !(unit instanceof WorkUnit.Send s)) {
      return queue.ack(unit);
    }
    String site = unit.siteId();
    String runKey = Keys.run(site, name.get().runId());
    Request read = Request.cmd(Command.HMGET).arg(runKey).arg("automation").arg("data").arg("cart").arg("def");
    Request siteName = Request.cmd(Command.HGET).arg(Keys.site(site, Keys.Part.RECORD)).arg("name");
    return redis.batch(List.of(read, siteName)).compose(r -> {
      Response run = r.get(0);
      if (run.get(0) == null) {
        return queue.ack(unit); // the run is gone (its customer erased)
      }
      String cart = run.get(2) == null ? "" : run.get(2).toString();
      String names = r.get(1) == null ? "" : r.get(1).toString();
      if (run.get(3) != null) { // a transactional push: its one message is in the run
        Transactional t = Transactional.fromStored(new JsonObject(run.get(3).toString()));
        return send.run(s, new StepDispatch(site, name.get(), t.step(), List.of(t.step()), Optional.empty(), t.roots(),
            new JsonObject().put("notificationId", t.id()), runKey, cart, names), lease::mayContinue);
      }
      JsonObject data = new JsonObject(run.get(1) == null ? "{}" : run.get(1).toString());
      return automations.find(site, run.get(0).toString()).compose(found -> {
        Optional<Automation> automation = found.map(AutomationStore.Stored::automation);
        if (automation.isEmpty() || name.get().step() > automation.get().steps().size()) {
          // Deleted, or shortened under the run: nothing to send, and the run ends ('stopped').
          return STOP.run(redis, List.of(runKey, Keys.automation(site, run.get(0).toString()), Keys.site(site, Keys.Part.RUN_DUE)),
              List.of(name.get().runId(), "stopped", String.valueOf(clock.millis()))).compose(v -> queue.ack(unit));
        }
        Automation a = automation.get();
        Map<String, Object> roots = a.trigger().dataRoot == null ? Map.of() : Map.of(a.trigger().dataRoot, data.getMap());
        Future<Optional<Rule>> audience = a.audience()
            .map(x -> x.resolve(site, segments).map(Optional::of)).orElse(Future.succeededFuture(Optional.empty()));
        return audience.compose(rule -> send.run(s, new StepDispatch(site, name.get(), a.steps().get(name.get().step() - 1),
            a.steps(), rule, roots, new JsonObject().put("automationId", a.id()).put("step", name.get().step()),
            Keys.automation(site, a.id()), cart, names), lease::mayContinue));
      });
    });
  }

  /**
   * One step of one run (an automation's, or a transactional push's only one): its template
   * rendered per device with the run's data, its counters moved in {@code counters} (the
   * automation's hash, or the push's run).
   */
  private final class StepDispatch implements Dispatch {
    private final String site;
    private final Name name;
    private final Automation.Step step;
    private final List<Automation.Step> steps;
    private final Optional<Rule> audience;
    private final Map<String, Object> roots;
    private final JsonObject ids;
    private final String counters;
    private final String cart;
    private final String siteName;

    StepDispatch(String site, Name name, Automation.Step step, List<Automation.Step> steps, Optional<Rule> audience,
                 Map<String, Object> roots, JsonObject ids, String counters, String cart, String siteName) {
      this.site = site;
      this.name = name;
      this.step = step;
      this.steps = steps;
      this.audience = audience;
      this.roots = roots;
      this.ids = ids;
      this.counters = counters;
      this.cart = cart;
      this.siteName = siteName;
    }

    @Override
    public PushOptions options() {
      return new PushOptions(step.ttl(), step.urgency(), null);
    }

    @Override
    public SendStep.Expiry expiry() {
      return SendStep.Expiry.NEVER;
    }

    @Override
    public Future<List<ProgressStore.Claimed>> claim(WorkUnit.Send unit) {
      String run = Keys.run(site, name.runId());
      List<String> keys = new ArrayList<>(List.of(run, counters, Keys.site(site, Keys.Part.RUN_DUE),
          cart.isEmpty() ? run : Keys.orderMarker(site, Keys.Subject.CART, cart)));
      unit.ids().forEach(id -> keys.add(Keys.subscription(site, id)));
      List<String> args = new ArrayList<>(List.of(name.runId(), name.generation(), String.valueOf(name.step()),
          String.valueOf(unit.attempt()), unit.entryId(), String.valueOf(clock.millis()), String.join(" ", FIELDS)));
      args.addAll(unit.ids());
      return MARK.run(redis, keys, args).compose(reply -> {
        List<ProgressStore.Claimed> claimed = ProgressStore.claimed(reply, 1, true);
        // Nothing left to send of a step the run may send (a re-run after every outcome was in, or no
        // device): record_step.lua still moves the run on.
        return claimed.isEmpty() && reply.get(0).toLong() == 1 ? record(List.of()).map(claimed) : Future.succeededFuture(claimed);
      });
    }

    @Override
    public Payload payload(ProgressStore.Claimed c) {
      StoredSubscriber subscriber = c.subscriber();
      if (audience.isPresent() && (subscriber == null || !audience.get().matches(subscriber, clock.instant()))) {
        return Payload.suppressed("audience");
      }
      return Dispatch.Payload.of(Personalization.payload(step.template(), subscriber == null ? Map.of() : subscriber.toContext(c.id()),
          siteName, roots, ids.copy().put("renotify", true).put("siteId", site), "pc-" + name.runId()));
    }

    @Override
    public Future<?> record(List<Outcome> outcomes) {
      List<String> args = new ArrayList<>(List.of(name.runId(), name.generation(), String.valueOf(name.step()),
          String.valueOf(clock.millis()), name.step() < steps.size() ? String.valueOf(steps.get(name.step()).delay().toMillis()) : ""));
      Outcome.appendTo(args, outcomes);
      return RECORD.run(redis, List.of(Keys.run(site, name.runId()), counters,
          Keys.site(site, Keys.Part.RETRIES), Keys.site(site, Keys.Part.RUN_DUE)), args);
    }
  }
}
