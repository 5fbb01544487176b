package io.pushcart.delivery;

import io.pushcart.automation.Automation;
import io.pushcart.engagement.Exemptions;
import io.pushcart.personalize.Personalization;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.pushcart.segment.Rule;
import io.pushcart.subscription.StoredSubscriber;
import io.pushcart.webpush.PushOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The messages of one unit of automation steps ({@link RunUnits}): claimed by mark_step.lua, each
 * rendered from its run's step with its own template, options and data, recorded by
 * record_step.lua.
 */
final class StepsDispatch implements Dispatch {
  private static final LuaScript MARK = LuaScript.load("mark_step");
  private static final LuaScript RECORD = LuaScript.load("record_step");
  /** The subscription fields mark_step.lua returns first: what sending needs (then those templates and audiences read). */
  private static final List<String> SENDING = List.of("endpoint", "p256dh", "auth", "vapidKey");

  /** What one run's step sends: its template, options and data, where its counters go. */
  record StepOf(String runId, String generation, int step, Automation.Step definition, List<Automation.Step> steps,
                Optional<Rule> audience, Map<String, Object> roots, JsonObject ids, String counters, String cart,
                Exemptions exemptions, long expiresAt) {
    /** How many of the subscription's indexed fields its message needs: all for an audience, else what its templates read. */
    int subscriberFields() {
      if (audience.isPresent()) {
        return ProgressStore.SUBSCRIBER_FIELDS.size();
      }
      int read = StoredSubscriber.fieldsFor(definition.template().subscriberFields());
      for (Automation.StepVariant v : definition.variants()) {
        read = Math.max(read, StoredSubscriber.fieldsFor(v.template().subscriberFields()));
      }
      return read;
    }
  }

  private final Redis redis;
  private final Clock clock;
  private final String site;
  private final String siteName;
  private final Map<String, StepOf> steps;
  /** The unit's messages in its order, each with its run's step and its variant, found once here rather than per use. */
  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, Entry> byName = new HashMap<>();

  /** One message: its run's step, and the variant of that step it sends (null: the step has none). */
  private record Entry(RunUnits.Message message, String stepKey, StepOf step, Automation.StepVariant variant) {
    String variantName() {
      return variant == null ? "" : variant.name();
    }
  }

  StepsDispatch(Redis redis, Clock clock, String site, String siteName, List<RunUnits.Message> messages, Map<String, StepOf> steps) {
    this.redis = redis;
    this.clock = clock;
    this.site = site;
    this.siteName = siteName;
    this.steps = steps;
    for (RunUnits.Message m : messages) {
      String stepKey = m.stepKey();
      StepOf step = steps.get(stepKey);
      Entry e = new Entry(m, stepKey, step, variantOf(step, m.subscriptionId()));
      entries.add(e);
      byName.put(m.name(), e);
    }
  }

  private StepOf stepOf(String name) {
    return byName.get(name).step();
  }

  @Override
  public PushOptions options(ProgressStore.Claimed c) {
    StepOf step = stepOf(c.id());
    return new PushOptions(step.definition().ttl(), step.definition().urgency(), null);
  }

  @Override
  public Expiry expiry() {
    return Expiry.NEVER;
  }

  @Override
  public String subscriptionId(ProgressStore.Claimed c) {
    return byName.get(c.id()).message().subscriptionId();
  }

  @Override
  public long expiresAt(ProgressStore.Claimed c) {
    return stepOf(c.id()).expiresAt();
  }

  @Override
  public boolean ignoresCap(ProgressStore.Claimed c) {
    return stepOf(c.id()).exemptions().ignoreCap();
  }

  @Override
  public boolean ignoresQuietHours(ProgressStore.Claimed c) {
    return stepOf(c.id()).exemptions().ignoreQuietHours();
  }

  @Override
  public boolean waitsWhenCapped() {
    return true;
  }

  @Override
  public Future<List<ProgressStore.Claimed>> claim(WorkUnit.Send unit, boolean zones) {
    List<String> keys = new ArrayList<>(1 + entries.size() * 4);
    keys.add(Keys.site(site, Keys.Part.RUN_DUE));
    // Only the subscriber fields this unit's templates and audiences read (tags and attributes, which
    // also hold the locale and zone, at least): a subscription's 14 indexed fields cost Redis and us.
    int read = steps.values().stream().mapToInt(StepOf::subscriberFields).max().orElse(ProgressStore.SUBSCRIBER_FIELDS.size());
    List<String> fields = new ArrayList<>(SENDING);
    fields.addAll(ProgressStore.SUBSCRIBER_FIELDS.subList(0, read));
    List<String> args = new ArrayList<>(4 + entries.size() * 4);
    args.addAll(List.of(String.valueOf(unit.attempt()), unit.entryId(), String.valueOf(clock.millis()), String.join(" ", fields)));
    for (Entry e : entries) {
      RunUnits.Message m = e.message();
      StepOf step = e.step();
      String run = Keys.run(site, m.runId());
      keys.addAll(List.of(run, step.counters(), step.cart().isEmpty() ? run : Keys.orderMarker(site, Keys.Subject.CART, step.cart()),
          Keys.subscription(site, m.subscriptionId())));
      args.addAll(List.of(m.runId(), m.generation(), String.valueOf(m.step()), m.subscriptionId()));
    }
    return MARK.run(redis, keys, args).map(reply -> ProgressStore.claimed(reply, read));
  }

  @Override
  public Payload payload(ProgressStore.Claimed c) {
    Entry e = byName.get(c.id());
    StepOf step = e.step();
    String subscriptionId = e.message().subscriptionId();
    StoredSubscriber subscriber = c.subscriber();
    if (step.audience().isPresent() && (subscriber == null || !step.audience().get().matches(subscriber, clock.instant()))) {
      return Payload.suppressed("audience");
    }
    Automation.StepVariant variant = e.variant();
    JsonObject extra = step.ids().copy().put("renotify", true).put("siteId", site);
    if (variant != null) {
      extra.put("variant", variant.name());
    }
    return Payload.of(Personalization.payload(variant == null ? step.definition().template() : variant.template(),
        subscriber == null ? Map.of() : subscriber.toContext(subscriptionId), siteName, step.roots(), extra, "pc-" + step.runId()));
  }

  /** The step's variant for the subscription (null when the step has none): Automation.Step's choice. */
  private static Automation.StepVariant variantOf(StepOf step, String subscriptionId) {
    return step.ids().containsKey("automationId")
        ? step.definition().variantOf(step.ids().getString("automationId"), step.step(), subscriptionId) : null;
  }

  @Override
  public Future<?> record(List<Outcome> outcomes, String report) {
    Map<String, List<Outcome>> byStep = new LinkedHashMap<>();
    Map<Outcome, String> variants = new IdentityHashMap<>();
    for (Outcome o : outcomes) {
      Entry e = byName.get(o.subscriptionId());
      // The scripts know a message's outcome by its subscription within the run's step.
      Outcome inStep = new Outcome(e.message().subscriptionId(), o.kind(), o.attempt(), o.retryAtMillis(), o.reason());
      variants.put(inStep, e.variantName());
      byStep.computeIfAbsent(e.stepKey(), k -> new ArrayList<>()).add(inStep);
    }
    List<String> keys = new ArrayList<>(List.of(Keys.site(site, Keys.Part.RETRIES), Keys.site(site, Keys.Part.RUN_DUE), report));
    List<String> args = new ArrayList<>(List.of(String.valueOf(clock.millis())));
    byStep.forEach((key, list) -> {
      StepOf step = steps.get(key);
      keys.add(Keys.run(site, step.runId()));
      keys.add(step.counters());
      args.addAll(List.of(step.runId(), step.generation(), String.valueOf(step.step()),
          step.step() < step.steps().size() ? String.valueOf(step.steps().get(step.step()).delay().toMillis()) : "",
          step.ids().containsKey("automationId") ? "a:" + step.ids().getString("automationId") : "t", String.valueOf(list.size())));
      Outcome.appendTo(args, list, variants::get);
    });
    return RECORD.run(redis, keys, args);
  }
}
