package io.pushcart.delivery;

import io.pushcart.automation.Automation;
import io.pushcart.automation.AutomationStore;
import io.pushcart.automation.RunStore;
import io.pushcart.automation.Transactional;
import io.pushcart.delivery.StepsDispatch.StepOf;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.pushcart.segment.Rule;
import io.pushcart.segment.SegmentStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the send units of automation steps and transactional pushes (named {@value #UNIT}, written
 * by fire_steps.lua and claim_retries.lua; each message named {@code <run>.<generation>.<step>.<sub>})
 * through the one {@link SendStep} with a {@link StepsDispatch}: claimed by mark_step.lua, which checks in the same atomic step
 * that each message's run may still send it (the guarantee of docs/automations.md), personalized
 * per device, recorded by record_step.lua, which moves each run on. A unit holds the messages of
 * many runs, so a burst of due steps costs what a page of a campaign costs. Here: what each run's
 * step sends, read once per unit.
 */
final class RunUnits {
  static final String UNIT = "steps";
  private static final LuaScript STOP = LuaScript.load("stop_run");
  /** How long a worker uses an automation it read (a change reaches its next units within this). */
  static final long AUTOMATION_MAX_AGE_MS = 1_000;

  private final Redis redis;
  private final AutomationStore automations;
  private final SegmentStore segments;
  private final WorkQueue queue;
  private final SendStep send;
  private final Clock clock;
  /** This worker's automations by id. */
  private final WorkerCache<Optional<Automation>> cache = new WorkerCache<>(AUTOMATION_MAX_AGE_MS);

  RunUnits(Redis redis, AutomationStore automations, SegmentStore segments, WorkQueue queue, SendStep send, Clock clock) {
    this.redis = redis;
    this.automations = automations;
    this.segments = segments;
    this.queue = queue;
    this.send = send;
    this.clock = clock;
  }

  static boolean owns(WorkUnit unit) {
    return unit.campaignId().equals(UNIT);
  }

  /** A message's name parsed: its run, generation, step (1-based) and subscription. */
  record Message(String name, String runId, String generation, int step, String subscriptionId) {
    static Optional<Message> parse(String name) {
      String[] parts = name.split("\\.");
      try {
        return parts.length == 4 ? Optional.of(new Message(name, parts[0], parts[1], Integer.parseInt(parts[2]), parts[3]))
            : Optional.empty();
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }

    /** The run's step this message belongs to. */
    String stepKey() {
      return runId + "." + generation + "." + step;
    }
  }

  Future<Void> run(WorkUnit unit, StreamWorker.Lease lease) {
    if (!(unit instanceof WorkUnit.Send s)) {
      return queue.ack(unit);
    }
    String site = unit.siteId();
    List<Message> messages = s.ids().stream().map(Message::parse).flatMap(Optional::stream).toList();
    List<String> runIds = messages.stream().map(Message::runId).distinct().toList();
    if (runIds.isEmpty()) {
      return queue.ack(unit);
    }
    List<Request> reads = new ArrayList<>();
    runIds.forEach(id -> reads.add(Request.cmd(Command.HMGET).arg(Keys.run(site, id)).arg("automation").arg("data").arg("cart").arg("def")
        .arg("dueAt")));
    reads.add(SiteNames.read(site));
    return redis.batch(reads).compose(r -> {
      String siteName = SiteNames.name(r.get(runIds.size()));
      Map<String, Integer> readOf = new HashMap<>();
      for (int i = 0; i < runIds.size(); i++) {
        readOf.put(runIds.get(i), i);
      }
      List<Future<Optional<StepOf>>> steps = new ArrayList<>();
      Map<String, Message> byStep = new LinkedHashMap<>();
      messages.forEach(m -> byStep.putIfAbsent(m.stepKey(), m));
      for (Message m : byStep.values()) {
        steps.add(stepOf(site, m, r.get(readOf.get(m.runId()))));
      }
      List<String> stepKeys = new ArrayList<>(byStep.keySet()); // in the order of steps
      return Future.all(steps).compose(all -> {
        Map<String, StepOf> known = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
          String stepKey = stepKeys.get(i);
          steps.get(i).result().ifPresent(step -> known.put(stepKey, step));
        }
        List<Message> sendable = messages.stream().filter(m -> known.containsKey(m.stepKey())).toList();
        if (sendable.isEmpty()) {
          return queue.ack(unit);
        }
        return send.run(s, new StepsDispatch(redis, clock, site, siteName, sendable, known), lease::mayContinue);
      });
    });
  }

  /**
   * What a run's step sends, or empty when it sends nothing: the run is gone (its customer
   * erased), or its automation was deleted or lost that step (the run then ends, 'stopped').
   */
  private Future<Optional<StepOf>> stepOf(String site, Message m, Response run) {
    if (run == null || run.get(0) == null) {
      return Future.succeededFuture(Optional.empty());
    }
    String cart = run.get(2) == null ? "" : run.get(2).toString();
    String runKey = Keys.run(site, m.runId());
    // A step is stale once its TTL has passed since it fell due: held past that, it is not sent.
    long dueAt = run.get(4) == null ? clock.millis() : Long.parseLong(run.get(4).toString());
    if (run.get(3) != null) { // a transactional push: its one message is in the run
      Transactional t = Transactional.fromStored(new JsonObject(run.get(3).toString()));
      return Future.succeededFuture(Optional.of(new StepOf(m.runId(), m.generation(), m.step(), t.step(), List.of(t.step()),
          Optional.empty(), t.roots(), new JsonObject().put("notificationId", t.id()), runKey, cart, t.exemptions(),
          dueAt + t.step().ttl() * 1000L)));
    }
    String automationId = run.get(0).toString();
    JsonObject data = new JsonObject(run.get(1) == null ? "{}" : run.get(1).toString());
    return automation(site, automationId).compose(found -> {
      if (found.isEmpty() || m.step() > found.get().steps().size()) {
        return STOP.run(redis, List.of(runKey, Keys.automation(site, automationId), Keys.site(site, Keys.Part.RUN_DUE)),
            List.of(m.runId(), "stopped", String.valueOf(clock.millis()))).map(v -> Optional.<StepOf>empty());
      }
      Automation a = found.get();
      Map<String, Object> roots = a.trigger().dataRoot == null ? Map.of() : Map.of(a.trigger().dataRoot, data.getMap());
      Future<Optional<Rule>> audience = a.audience().map(x -> x.resolve(site, segments).map(Optional::of))
          .orElse(Future.succeededFuture(Optional.empty()));
      Automation.Step step = a.steps().get(m.step() - 1);
      return audience.map(rule -> Optional.of(new StepOf(m.runId(), m.generation(), m.step(), step, a.steps(),
          rule, roots, new JsonObject().put("automationId", a.id()).put("step", m.step()).put("run", RunStore.runReference(m.runId(), m.generation())),
          Keys.automation(site, a.id()), cart,
          a.exemptions(), dueAt + step.ttl() * 1000L)));
    });
  }

  /** An automation as this worker last read it, at most {@link #AUTOMATION_MAX_AGE_MS} ago. */
  private Future<Optional<Automation>> automation(String site, String id) {
    return cache.get(id, () -> automations.find(site, id).map(found -> found.map(AutomationStore.Stored::automation)));
  }

  /** Drops cached automations too old to be used again. */
  void evictStale() {
    cache.evictStale();
  }
}
