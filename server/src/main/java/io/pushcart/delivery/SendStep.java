package io.pushcart.delivery;

import io.pushcart.common.ClientError;
import io.pushcart.common.Unavailable;
import io.pushcart.engagement.Engagement;
import io.pushcart.engagement.Report;
import io.pushcart.subscription.EndpointPolicy;
import io.pushcart.subscription.SubscriptionStore;
import io.pushcart.webpush.Base64Url;
import io.pushcart.webpush.PushRequest;
import io.pushcart.webpush.PushRequestBuilder;
import io.pushcart.webpush.VapidSigner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sends one unit's messages: claim the ids still due for this attempt and read their
 * subscriptions (one mark_due.lua call), encrypt in chunks on the crypto workers, send
 * ({@link PushAttempt}) with a bounded number in flight per push service, and record every
 * outcome before acknowledging.
 */
final class SendStep {
  /** Why a message was held back: an outcome of its run, or of this worker, could not be stored. */
  private static final Unavailable NOT_SENT = new Unavailable("not sent: outcomes cannot be stored in Redis now", null);
  /** Messages encrypted per hand-off to a crypto worker: big enough to amortise the hop, small enough to start sending early. */
  static final int CHUNK = 64;

  private final WorkQueue queue;
  private final SubscriptionStore subscriptions;
  private final SiteSenders senders;
  private final OriginLimiter limiter;
  private final PushAttempt attempts;
  private final EndpointPolicy endpoints;
  private final WorkerExecutor cryptoWorkers;
  private final EngagementGate gate;
  private final Report report;
  private final Clock clock;
  private final Vertx vertx;
  /**
   * Set when an outcome could not be stored even after OutcomeBuffer's retries; cleared by the
   * next claim that Redis answers. While set, no unit of this worker sends: a message whose
   * outcome cannot be stored would be sent again when its unit is re-run, and this keeps those
   * repeats to what was already in flight.
   */
  private boolean outcomesFailing;

  SendStep(Vertx vertx, WorkQueue queue, SubscriptionStore subscriptions, SiteSenders senders, OriginLimiter limiter,
           PushAttempt attempts, EndpointPolicy endpoints, WorkerExecutor cryptoWorkers, EngagementGate gate, Report report,
           Clock clock) {
    this.queue = queue;
    this.subscriptions = subscriptions;
    this.senders = senders;
    this.limiter = limiter;
    this.attempts = attempts;
    this.endpoints = endpoints;
    this.cryptoWorkers = cryptoWorkers;
    this.gate = gate;
    this.report = report;
    this.clock = clock;
    this.vertx = vertx;
  }

  /** A subscription loaded for sending, or the outcome that makes sending pointless. */
  private record Target(ProgressStore.Claimed claimed, String id, URI endpoint, byte[] p256dh, byte[] auth, String vapidKey,
                        Outcome settled) {
  }

  /**
   * One run of a send unit. {@code stillSending} answers (from a cache, cheaply) whether the
   * campaign is still sending: asked as each message is about to leave, so that a cancelled
   * campaign stops within a cache period. A message stopped so keeps its in-flight mark and no
   * outcome: it was not sent.
   */
  Future<Void> run(WorkUnit.Send unit, Dispatch dispatch, Supplier<Future<Boolean>> stillSending) {
    Expiry expiry = dispatch.expiry();
    return gate.rules(unit.siteId()).compose(rules -> run(unit, dispatch, stillSending, expiry, rules));
  }

  private Future<Void> run(WorkUnit.Send unit, Dispatch dispatch, Supplier<Future<Boolean>> stillSending, Expiry expiry,
                           Engagement.OfSite rules) {
    // Outcomes count in the report of the day they are recorded, in the site's zone.
    Run run = new Run(unit, expiry, new OutcomeBuffer(vertx,
        outcomes -> dispatch.record(outcomes, Report.key(unit.siteId(), rules.zone(), clock.instant()))), stillSending, dispatch,
        rules.zone());
    return dispatch.claim(unit, rules.rules().quietHours().isPresent())
        .onSuccess(claimed -> outcomesFailing = false) // Redis answers again
        .map(claimed -> claimed.stream().map(c -> target(c, unit.attempt(), expiry)).toList())
        .compose(targets -> gated(unit, rules, targets, dispatch))
        .compose(targets -> senders.forKeys(unit.siteId(), targets.stream().filter(t -> t.settled() == null)
                .map(Target::vapidKey).collect(java.util.stream.Collectors.toSet()))
            .compose(builders -> sendAll(run, targets, builders, dispatch)))
        .compose(v -> queue.ack(unit));
  }

  /**
   * What every message of one run shares. {@code broken} once an outcome of the run could not be
   * stored or the campaign's state could not be read: no further message of it leaves, and the
   * unit fails rather than being acknowledged, to be run again (its ids keep their in-flight
   * marks, so the re-run sends exactly those without an outcome).
   */
  private static final class Run {
    final WorkUnit.Send unit;
    final Expiry expiry;
    final OutcomeBuffer outcomes;
    final Supplier<Future<Boolean>> stillSending;
    final Dispatch dispatch;
    final java.time.ZoneId zone;
    boolean broken;

    Run(WorkUnit.Send unit, Expiry expiry, OutcomeBuffer outcomes, Supplier<Future<Boolean>> stillSending, Dispatch dispatch,
        java.time.ZoneId zone) {
      this.zone = zone;
      this.unit = unit;
      this.expiry = expiry;
      this.outcomes = outcomes;
      this.stillSending = stillSending;
      this.dispatch = dispatch;
    }
  }

  private Target target(ProgressStore.Claimed c, int attempt, Expiry expiry) {
    if (expiry.secondsLeft(clock.millis()) < 1) {
      return new Target(c, c.id(), null, null, null, "", expiry.lapsed(c.id(), attempt));
    }
    if (c.gone()) {
      // Gone since the audience was read (unsubscribed, or expired in another campaign).
      return new Target(c, c.id(), null, null, null, "", Outcome.of(c.id(), Outcome.Kind.EXPIRED, attempt));
    }
    try {
      URI endpoint = endpoints.check(c.endpoint(), "endpoint");
      return new Target(c, c.id(), endpoint, Base64Url.decode(c.p256dh()), Base64Url.decode(c.auth()), c.vapidKey(), null);
    } catch (ClientError | IllegalArgumentException e) {
      return new Target(c, c.id(), null, null, null, "", new Outcome(c.id(), Outcome.Kind.FAILED, attempt, 0, "endpoint no longer allowed"));
    }
  }

  /** The targets after the site's quiet hours and frequency caps: one held back gets its outcome instead ({@link EngagementGate#outcomes}). */
  private Future<List<Target>> gated(WorkUnit.Send unit, Engagement.OfSite rules, List<Target> targets, Dispatch dispatch) {
    List<Target> open = targets.stream().filter(t -> t.settled() == null).toList();
    if (open.isEmpty() || (rules.rules().quietHours().isEmpty() && !rules.rules().capped())) {
      return Future.succeededFuture(targets);
    }
    return gate.outcomes(unit.siteId(), rules, open.stream().map(Target::claimed).toList(), dispatch, clock.millis(), unit.attempt())
        .map(outcomes -> {
          java.util.Map<Target, Outcome> held = new java.util.IdentityHashMap<>();
          for (int i = 0; i < open.size(); i++) {
            if (outcomes.get(i) != null) {
              held.put(open.get(i), outcomes.get(i));
            }
          }
          return targets.stream().map(t -> held.containsKey(t) ? new Target(t.claimed(), t.id(), null, null, null, "", held.get(t)) : t)
              .toList();
        });
  }

  private Future<Void> sendAll(Run run, List<Target> targets, Function<String, PushRequestBuilder> builders, Dispatch dispatch) {
    List<Future<Void>> sends = new ArrayList<>(targets.size());
    Future<Void> encrypted = Future.succeededFuture();
    for (int from = 0; from < targets.size(); from += CHUNK) {
      List<Target> chunk = targets.subList(from, Math.min(from + CHUNK, targets.size()));
      // Chunks are encrypted one after another (sends of earlier chunks overlap with it);
      // several units in flight keep every crypto worker busy.
      encrypted = encrypted.compose(v -> cryptoWorkers.executeBlocking(() -> encrypt(chunk, builders, dispatch, run.unit.attempt()), false)
          .map(requests -> {
            for (int i = 0; i < chunk.size(); i++) {
              sends.add(sendOne(chunk.get(i), requests.get(i), run));
            }
            return null;
          }));
    }
    // Even when a chunk fails to encrypt, the sends already started are awaited: the unit must
    // not end (and stop heart-beating) while its messages are still in flight. It succeeds only
    // when every message's outcome is stored: otherwise it is not acknowledged, and runs again.
    Future<Void> allEncrypted = encrypted;
    return allEncrypted.transform(ar -> Future.join(sends).transform(all -> allEncrypted.failed() ? allEncrypted
        : all.failed() ? Future.failedFuture(all.cause()) : Future.succeededFuture()));
  }

  /**
   * Runs on a crypto worker: each target's payload (personalized ones rendered here), its RFC 8291
   * encryption and the (cached) VAPID header, signed with the key pair its subscription was made
   * with. A target whose message is not sent gets its outcome instead of a request.
   */
  private static List<Object> encrypt(List<Target> chunk, Function<String, PushRequestBuilder> builders, Dispatch dispatch,
                                      int attempt) {
    List<Object> out = new ArrayList<>(chunk.size());
    for (Target t : chunk) {
      if (t.settled() != null) {
        out.add(t.settled());
        continue;
      }
      Dispatch.Payload payload = dispatch.payload(t.claimed());
      if (payload.bytes() == null) {
        out.add(new Outcome(t.id(), Outcome.Kind.SUPPRESSED, attempt, 0, payload.suppressed()));
        continue;
      }
      try {
        out.add(builders.apply(t.vapidKey()).build(t.endpoint(), t.p256dh(), t.auth(), payload.bytes(), dispatch.options(t.claimed())));
      } catch (IllegalArgumentException badKeys) {
        out.add(new Outcome(t.id(), Outcome.Kind.FAILED, attempt, 0, "subscription keys unusable"));
      }
    }
    return out;
  }

  /** Completes when the message's outcome is recorded (and a gone subscription deleted). */
  private Future<Void> sendOne(Target t, Object prepared, Run run) {
    int attempt = run.unit.attempt();
    if (prepared instanceof Outcome settled) {
      return record(run, settled).mapEmpty();
    }
    PushRequest request = (PushRequest) prepared;
    String origin = VapidSigner.originOf(t.endpoint());
    // The permit is held until the outcome is recorded: "in flight" ends only when a re-run
    // of this unit would no longer send the message again.
    return limiter.acquire(origin)
        .compose(v -> (run.broken || outcomesFailing ? Future.<Boolean>failedFuture(NOT_SENT) : run.stillSending.get())
            .onFailure(err -> run.broken = true)
            .compose(sending -> sending ? attempts.send(origin, t.id(), request, attempt, run.expiry) : Future.succeededFuture())
            .compose(outcome -> outcome == null ? Future.succeededFuture() : record(run, outcome))
            .onComplete(x -> limiter.release(origin)))
        .compose(outcome -> outcome != null && outcome.kind() == Outcome.Kind.EXPIRED
            ? subscriptions.deleteIfEndpoint(run.unit.siteId(), run.dispatch.subscriptionId(t.claimed()), t.endpoint().toString())
                .compose(deleted -> deleted ? report.count(run.unit.siteId(), run.zone, clock.instant(), "lost", 1)
                    : Future.<Void>succeededFuture())
            : Future.<Void>succeededFuture());
  }

  /** Stores an outcome; a failure breaks the run and stops this worker's sending until Redis answers again. */
  private Future<Outcome> record(Run run, Outcome outcome) {
    return run.outcomes.add(outcome).map(outcome).onFailure(err -> {
      run.broken = true;
      outcomesFailing = true;
    });
  }
}
